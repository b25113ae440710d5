"""The checkers of 05_training_from_scratch.ipynb: a right training loop and evaluation pass;
each classic bug of a loop gets its own diagnosis; the pairs and sets of the prediction
exercises are validated (floats, strings, bools)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercises_support import diagnosis

from course_utils.exercises import ch05
from course_utils.exercises.solutions import ch05 as solutions
from course_utils.train import evaluate, fit

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def loop(*, train_mode=True, shuffle=True, zero_grad=True, drop_last=False, returns="mean"):
    """A training epoch with one classic bug switched on."""
    def train_one_epoch(model, optimizer, images, labels, batch_size):
        if train_mode:
            model.train()
        order = torch.randperm(len(labels)) if shuffle else torch.arange(len(labels))
        stop = len(labels) - len(labels) % batch_size if drop_last else len(labels)
        losses = []
        for start in range(0, stop, batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(model(images[batch]), labels[batch])
            if zero_grad:
                optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return {"mean": sum(losses) / len(losses), "last": losses[-1], "none": None}[returns]
    return train_one_epoch


def test_train_one_epoch():
    assert ch05.check_train_one_epoch(solutions.train_one_epoch)
    assert "not your own code" in diagnosis(ch05.check_train_one_epoch, fit)


def test_train_one_epoch_mistakes():
    assert "model.train()" in diagnosis(ch05.check_train_one_epoch, loop(train_mode=False))
    assert "file order" in diagnosis(ch05.check_train_one_epoch, loop(shuffle=False))
    assert "zero_grad" in diagnosis(ch05.check_train_one_epoch, loop(zero_grad=False))
    assert "never seen" in diagnosis(ch05.check_train_one_epoch, loop(drop_last=True))
    assert "last batch" in diagnosis(ch05.check_train_one_epoch, loop(returns="last"))
    assert "returned None" in diagnosis(ch05.check_train_one_epoch, loop(returns="none"))

    def no_step(model, optimizer, images, labels, batch_size):
        model.train()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        return loss.item()

    def summed_loss(model, optimizer, images, labels, batch_size):
        model.train()
        for batch in torch.randperm(len(labels)).split(batch_size):
            loss = F.cross_entropy(model(images[batch]), labels[batch], reduction="sum")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return loss.item()

    assert "never took a step" in diagnosis(ch05.check_train_one_epoch, no_step)
    assert "mean cross-entropy" in diagnosis(ch05.check_train_one_epoch, summed_loss)


def test_train_one_epoch_leaves_the_random_stream_alone():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    ch05.check_accuracy(solutions.accuracy)
    assert torch.equal(torch.rand(3), expected)


def evaluation(*, eval_mode=True, no_grad=True, returns="fraction"):
    def accuracy(model, images, labels, batch_size):
        if eval_mode:
            model.eval()
        with torch.set_grad_enabled(not no_grad):
            right = sum((model(x).argmax(1) == y).sum().item()
                        for x, y in zip(images.split(batch_size), labels.split(batch_size)))
        return {"fraction": right / len(labels), "count": right,
                "percent": 100 * right / len(labels)}[returns]
    return accuracy


def test_accuracy():
    assert ch05.check_accuracy(solutions.accuracy)
    assert ch05.check_accuracy(evaluation())
    assert "not your own code" in diagnosis(ch05.check_accuracy, evaluate)
    assert "model.eval()" in diagnosis(ch05.check_accuracy, evaluation(eval_mode=False))
    assert "no_grad" in diagnosis(ch05.check_accuracy, evaluation(no_grad=False))
    assert "number of right answers" in diagnosis(ch05.check_accuracy, evaluation(returns="count"))
    assert "percentage" in diagnosis(ch05.check_accuracy, evaluation(returns="percent"))
    first_batch = diagnosis(ch05.check_accuracy,
                            lambda m, x, y, b: solutions.accuracy(m, x[:b], y[:b], b))
    assert "exactly once" in first_batch


def test_safe_augmentations():
    assert ch05.check_safe_augmentations(solutions.safe_augmentations)
    assert ch05.check_safe_augmentations(["zoom", "shift", "small_rotation"])
    assert "hflip" in diagnosis(ch05.check_safe_augmentations, {"shift", "hflip"})
    assert not ch05.check_safe_augmentations({"shift", "zoom", "small_rotation", "rotate180"})
    assert "more of them" in diagnosis(ch05.check_safe_augmentations, {"shift"})
    assert "Unknown" in diagnosis(ch05.check_safe_augmentations, {"mixup"})
    assert "a set of names" in diagnosis(ch05.check_safe_augmentations, "shift")
    assert "strings" in diagnosis(ch05.check_safe_augmentations, {1, 2})


def test_steps():
    assert ch05.check_steps(solutions.steps)
    assert "partial" in diagnosis(ch05.check_steps, 710)
    assert "one epoch" in diagnosis(ch05.check_steps, 70)
    assert "whole numbers" in diagnosis(ch05.check_steps, 4500 * 10 / 64)


def test_early_stopping():
    assert ch05.check_early_stopping(solutions.early_stopping)
    assert ch05.check_early_stopping([7, 5]) and ch05.check_early_stopping(np.array([7, 5]))
    assert ch05.check_early_stopping((7.0, 5.0))
    assert "whole numbers" in diagnosis(ch05.check_early_stopping, (7.9, 5.2))
    assert "best weights" in diagnosis(ch05.check_early_stopping, (7, 7))
    assert "resets" in diagnosis(ch05.check_early_stopping, (4, 3))
    assert "run to the end" in diagnosis(ch05.check_early_stopping, (9, 9))
    assert "cannot come after" in diagnosis(ch05.check_early_stopping, (5, 7))
    assert "pair" in diagnosis(ch05.check_early_stopping, "7")
    assert "boolean" in diagnosis(ch05.check_early_stopping, (True, 5))
