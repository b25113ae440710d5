"""Each checker of 07_transfer_learning accepts its solution and rejects typical mistakes."""

from __future__ import annotations

import torch

from course_utils.exercises import ch07
from course_utils.exercises.feedback import NOT_ANSWERED
from course_utils.exercises.solutions import ch07 as solutions


def test_not_answered_is_neither_right_nor_an_error():
    for check in (ch07.check_preprocess, ch07.check_same_padding, ch07.check_egyptian_cat,
                  ch07.check_freeze):
        feedback = check(NOT_ANSWERED)
        assert not feedback and "No answer yet" in feedback.message and feedback.hint


def test_preprocess():
    assert ch07.check_preprocess(solutions.preprocess)
    assert "x / 255" in ch07.check_preprocess(lambda x: x.float() / 255).message
    assert "127.5" in ch07.check_preprocess(lambda x: (x.float() - 127.5) / 127.5).message
    assert "float" in ch07.check_preprocess(lambda x: x - 128).message  # uint8 wraps around
    assert "raised" in ch07.check_preprocess(lambda x: x.nope).message
    assert not ch07.check_preprocess(3)


def test_same_padding():
    assert ch07.check_same_padding(solutions.same_padding)
    assert "end" in ch07.check_same_padding(
        lambda n, k, s: solutions.same_padding(n, k, s)[::-1]).message
    assert "symmetric" in ch07.check_same_padding(lambda n, k, s: (k // 2, k // 2)).message
    assert not ch07.check_same_padding(lambda n, k, s: (0, 0))
    assert "raised" in ch07.check_same_padding(lambda n, k, s: 1 / 0).message


def test_egyptian_cat():
    assert ch07.check_egyptian_cat(solutions.egyptian_cat)
    assert "equal" in ch07.check_egyptian_cat((285, 285)).message
    assert "from 1" in ch07.check_egyptian_cat((287, 286)).message
    assert not ch07.check_egyptian_cat((285, 286))
    assert not ch07.check_egyptian_cat("Egyptian cat")


def test_freeze():
    assert ch07.check_freeze(solutions.freeze)

    def everything_trains(model, blocks):
        pass

    def head_frozen(model, blocks):
        for p in model.parameters():
            p.requires_grad = False
        for p in model.features[-blocks:].parameters():
            p.requires_grad = True

    def one_block_too_many(model, blocks):
        solutions.freeze(model, blocks + 1)

    assert "every parameter" in ch07.check_freeze(everything_trains).message
    assert "classifier is frozen" in ch07.check_freeze(head_frozen).message
    assert "should be frozen" in ch07.check_freeze(one_block_too_many).message
    assert not ch07.check_freeze(torch.nn.Linear)
