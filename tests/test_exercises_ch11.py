"""The checkers of 11_data_quality_and_robustness.ipynb: solutions pass, typical mistakes get
the right diagnosis, and the course's and libraries' implementations are refused."""

import pytest
import torch
from cleanlab.count import get_confident_thresholds
from exercises_support import diagnosis
from torchvision.transforms.v2.functional import adjust_contrast

from course_utils.exercises import ch11
from course_utils.exercises.solutions import ch11 as solutions
from course_utils.quality import self_confidence_ranking

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_self_confidence():
    assert ch11.check_self_confidence(solutions.self_confidence)
    assert "not your own code" in diagnosis(ch11.check_self_confidence, self_confidence_ranking)


def test_self_confidence_mistakes():
    def descending(labels, probs):
        return probs[torch.arange(len(labels)), labels].argsort(descending=True)
    assert "lowest" in diagnosis(ch11.check_self_confidence, descending)
    assert "largest probability of any class" in diagnosis(
        ch11.check_self_confidence, lambda y, p: p.max(1).values.argsort())
    assert "return the order" in diagnosis(
        ch11.check_self_confidence, lambda y, p: p[torch.arange(len(y)), y])


def test_class_thresholds():
    assert ch11.check_class_thresholds(solutions.class_thresholds)
    assert "not your own code" in diagnosis(ch11.check_class_thresholds, get_confident_thresholds)


def test_class_thresholds_mistakes():
    assert "over all examples" in diagnosis(ch11.check_class_thresholds, lambda y, p: p.mean(0))

    def of_max(y, p):
        return torch.stack([p[y == j].max(1).values.mean() for j in range(p.shape[1])])
    assert "largest probability" in diagnosis(ch11.check_class_thresholds, of_max)


def test_contrast():
    assert ch11.check_contrast(solutions.contrast)
    assert "not your own code" in diagnosis(ch11.check_contrast, adjust_contrast)


def test_contrast_mistakes():
    def batch_mean(x, f):
        return ((x - x.mean()) * f + x.mean()).clamp(0, 1)
    assert "whole batch" in diagnosis(ch11.check_contrast, batch_mean)

    def unclipped(x, f):
        m = x.mean((1, 2, 3), keepdim=True)
        return (x - m) * f + m
    assert "clip" in diagnosis(ch11.check_contrast, unclipped)


def test_random_precision():
    assert ch11.check_random_precision(solutions.random_precision)
    assert "percentage" in diagnosis(ch11.check_random_precision, 20)
    assert "correct" in diagnosis(ch11.check_random_precision, 0.8)
    assert "flipped" in diagnosis(ch11.check_random_precision, 0.5)
