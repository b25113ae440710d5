"""The checkers of 07_transfer_learning.ipynb: solutions pass, typical mistakes get the right
diagnosis, and freezing is checked from any earlier state (so unfreezing is checked too)."""

import numpy as np
import pytest
import torch
from exercises_support import diagnosis

from course_utils.exercises import ch07
from course_utils.exercises.framework import Wrong, call
from course_utils.exercises.solutions import ch07 as solutions
from course_utils.pretrained import tflite_preprocess

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_call_accepts_none_when_asked():
    assert call(lambda: None, none_ok=True) is None
    try:
        call(lambda: None)
    except Wrong as wrong:
        assert "returned None" in str(wrong)
    else:
        raise AssertionError("call accepted None")


def test_preprocess():
    assert ch07.check_preprocess(solutions.preprocess)
    assert ch07.check_preprocess(lambda x: (x.double() - 128) / 128)
    assert "not your own code" in diagnosis(ch07.check_preprocess, tflite_preprocess)
    assert "x / 255" in diagnosis(ch07.check_preprocess, lambda x: x.float() / 255)
    assert "127.5" in diagnosis(ch07.check_preprocess, lambda x: (x.float() - 127.5) / 127.5)
    assert "uint8" in diagnosis(ch07.check_preprocess, lambda x: x - 128)  # wraps around
    assert "raised AttributeError" in diagnosis(ch07.check_preprocess, lambda x: x.nope)
    assert "shape" in diagnosis(ch07.check_preprocess, lambda x: solutions.preprocess(x).flatten())


def test_same_padding():
    assert ch07.check_same_padding(solutions.same_padding)
    assert ch07.check_same_padding(lambda *a: list(solutions.same_padding(*a)))
    assert ch07.check_same_padding(lambda *a: np.array(solutions.same_padding(*a)))
    reversed_pair = diagnosis(ch07.check_same_padding,
                              lambda n, k, s: solutions.same_padding(n, k, s)[::-1])
    assert "at the end" in reversed_pair
    assert "symmetric" in diagnosis(ch07.check_same_padding, lambda n, k, s: (k // 2, k // 2))
    assert not ch07.check_same_padding(lambda n, k, s: (0, 0))
    assert "ZeroDivisionError" in diagnosis(ch07.check_same_padding, lambda n, k, s: 1 / 0)
    assert "pair" in diagnosis(ch07.check_same_padding, lambda n, k, s: 1)


def test_egyptian_cat():
    assert ch07.check_egyptian_cat(solutions.egyptian_cat)
    assert ch07.check_egyptian_cat([np.int64(286), torch.tensor(285)])
    assert "equal" in diagnosis(ch07.check_egyptian_cat, (285, 285))
    assert "from 1" in diagnosis(ch07.check_egyptian_cat, (287, 286))
    assert not ch07.check_egyptian_cat((285, 286))
    assert "pair" in diagnosis(ch07.check_egyptian_cat, "Egyptian cat")


def test_set_trainable():
    assert ch07.check_set_trainable(solutions.set_trainable)

    def freeze_only(model, blocks):  # never unfreezes what was frozen before
        for p in model.features[:-blocks].parameters():
            p.requires_grad = False

    def head_frozen(model, blocks):
        solutions.set_trainable(model, blocks)
        for p in model.classifier.parameters():
            p.requires_grad = False

    def one_block_too_many(model, blocks):
        solutions.set_trainable(model, blocks + 1)

    def unfreeze_only(model, blocks):
        for part in (model.features[-blocks:], model.classifier):
            for p in part.parameters():
                p.requires_grad = True

    assert "arrived frozen stay frozen" in diagnosis(ch07.check_set_trainable, freeze_only)
    assert "classifier" in diagnosis(ch07.check_set_trainable, head_frozen)
    assert "should be frozen" in diagnosis(ch07.check_set_trainable, one_block_too_many)
    assert "still train" in diagnosis(ch07.check_set_trainable, unfreeze_only)
    assert "Expected a function" in diagnosis(ch07.check_set_trainable, 3)


def test_param_groups():
    assert ch07.check_param_groups(solutions.param_groups)

    def no_lr(model, blocks, lr_blocks, lr_head):
        return [{"params": model.features[-blocks:].parameters()},
                {"params": model.classifier.parameters(), "lr": lr_head}]

    def everything(model, blocks, lr_blocks, lr_head):
        return [{"params": model.features.parameters(), "lr": lr_blocks},
                {"params": model.classifier.parameters(), "lr": lr_head}]

    def swapped(model, blocks, lr_blocks, lr_head):
        return solutions.param_groups(model, blocks, lr_head, lr_blocks)

    def twice(model, blocks, lr_blocks, lr_head):
        return solutions.param_groups(model, blocks, lr_blocks, lr_head) * 2

    assert "default" in diagnosis(ch07.check_param_groups, no_lr)
    assert "outside the last" in diagnosis(ch07.check_param_groups, everything)
    assert "wrong learning rate" in diagnosis(ch07.check_param_groups, swapped)
    assert "does not accept" in diagnosis(ch07.check_param_groups, twice)
    assert "in no group" in diagnosis(ch07.check_param_groups, lambda m, b, lb, lh: [
        {"params": m.classifier.parameters(), "lr": lh}])
