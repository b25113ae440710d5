"""The checkers of notebooks 00 and 01 accept the solutions and reject typical mistakes."""

import numpy as np
import torch

from course_utils.data import load_dataset
from course_utils.exercises import ch00, ch01
from course_utils.exercises.feedback import Feedback
from course_utils.exercises.solutions import ch00 as sol00
from course_utils.exercises.solutions import ch01 as sol01


def test_feedback_reads_well():
    assert str(Feedback(True, "Good.")) == "✅ Correct. Good."
    text = str(Feedback(False, "Off by one.", "Count again."))
    assert "❌ Not yet. Off by one." in text and "💡 Hint: Count again." in text
    assert not Feedback(False, "x") and Feedback(True, "x")


def test_ch00():
    assert ch00.check_device(sol00.device_name())
    assert not ch00.check_device("tpu")
    assert ch00.check_mnist_train_size(sol00.mnist_train_size)
    assert "test split" in ch00.check_mnist_train_size(10000).message
    assert ch00.check_fast_switch(sol00.fast_switch)
    assert not ch00.check_fast_switch("FAST")
    for check in (ch00.check_device, ch00.check_mnist_train_size, ch00.check_fast_switch):
        assert "No answer yet" in check(...).message


def test_ch01_to_tensor():
    assert ch01.check_to_tensor(sol01.to_tensor)
    assert "values are not" in ch01.check_to_tensor(
        lambda a: torch.from_numpy(a).reshape(a.shape[2], a.shape[0], a.shape[1]).float() / 255
    ).message
    assert "up to" in ch01.check_to_tensor(lambda a: torch.from_numpy(a).permute(2, 0, 1).float()).message
    assert "dtype" in ch01.check_to_tensor(lambda a: torch.from_numpy(a).permute(2, 0, 1)).message
    assert "raised ZeroDivisionError" in ch01.check_to_tensor(lambda a: 1 / 0).message
    assert "not a torch.Tensor" in ch01.check_to_tensor(lambda a: a).message
    assert not ch01.check_to_tensor(...)


def test_ch01_normalization():
    assert ch01.check_normalization(*sol01.normalization())
    test = load_dataset("mnist", "test").images.float() / 255
    assert "test split" in ch01.check_normalization(test.mean(), test.std()).message
    mean, std = sol01.normalization()
    assert "0..255" in ch01.check_normalization(mean * 255, std * 255).message
    assert not ch01.check_normalization("a", "b")


def test_ch01_validation_split():
    labels = load_dataset("mnist", "train").labels
    assert ch01.check_validation_split(*sol01.validation_split(labels), labels)
    n = len(labels)
    assert "in both parts" in ch01.check_validation_split(np.arange(n), np.arange(10), labels).message
    assert "cover all" in ch01.check_validation_split(np.arange(4000), np.arange(4500, n), labels).message
    unstratified = ch01.check_validation_split(np.arange(500, n), np.arange(500), labels)
    assert not unstratified


def test_ch01_batch_bytes():
    assert ch01.check_batch_bytes(sol01.batch_bytes)
    assert "float32 takes 4 bytes" in ch01.check_batch_bytes(64 * 3 * 224 * 224).hint
