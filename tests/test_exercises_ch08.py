"""The checkers of 08_evaluating_classifiers.ipynb: solutions pass, typical mistakes get the
right diagnosis, and library or course implementations are refused."""

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from exercises_support import diagnosis

from course_utils import metrics
from course_utils.exercises import ch08
from course_utils.exercises.solutions import ch08 as solutions

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_precision_recall():
    assert ch08.check_precision_recall(solutions.precision_recall)
    as_list = ch08.check_precision_recall(lambda t, p,
                                          c: list(solutions.precision_recall(t, p, c)))
    assert as_list, as_list.message
    for library in (skm.precision_score, metrics.precision_recall_f1):
        assert "not your own code" in diagnosis(ch08.check_precision_recall, library)


def test_precision_recall_mistakes():
    swapped = diagnosis(ch08.check_precision_recall,
                        lambda t, p, c: solutions.precision_recall(t, p, c)[::-1])
    assert "swapped" in swapped
    overall = diagnosis(ch08.check_precision_recall,
                        lambda t, p, c: (np.mean(t == p), np.mean(t == p)))
    assert "accuracy over all classes" in overall

    def unguarded(t, p, c):
        hits = np.sum((p == c) & (t == c))
        with np.errstate(all="ignore"):
            return hits / np.sum(p == c), hits / np.sum(t == c)
    assert "denominator is 0" in diagnosis(ch08.check_precision_recall, unguarded)

    def raising(t, p, c):
        hits = int(np.sum((p == c) & (t == c)))
        return hits / int(np.sum(p == c)), hits / int(np.sum(t == c))
    assert "ZeroDivisionError" in diagnosis(ch08.check_precision_recall, raising)
    assert "pair" in diagnosis(ch08.check_precision_recall, lambda t, p, c: 0.5)


def test_threshold_for_recall():
    assert ch08.check_threshold_for_recall(solutions.threshold_for_recall)
    assert "not your own code" in diagnosis(ch08.check_threshold_for_recall, skm.roc_curve)


def test_threshold_for_recall_mistakes():
    def strict(y, s, target):  # counts a score equal to the threshold as negative
        return solutions.threshold_for_recall(y, s + 1e-9 * (y == 1), target) + 1e-9
    assert "below the target" in diagnosis(ch08.check_threshold_for_recall, strict)
    lowest = diagnosis(ch08.check_threshold_for_recall, lambda y, s, target: float(s.min()))
    assert "highest one" in lowest

    def one_too_many(y, s, target):  # stops one positive late
        ranked = np.sort(s[y == 1])[::-1]
        k = int(np.argmax(np.arange(1, len(ranked) + 1) / len(ranked) >= target))
        return float(ranked[min(k + 1, len(ranked) - 1)])
    assert "highest one" in diagnosis(ch08.check_threshold_for_recall, one_too_many)


def test_mcnemar_p():
    assert ch08.check_mcnemar_p(solutions.mcnemar_p)
    assert "not your own code" in diagnosis(ch08.check_mcnemar_p, metrics.mcnemar)


def test_mcnemar_p_mistakes():
    def one_tail(a, b):
        n, k = a + b, min(a, b)
        return sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    assert "one tail" in diagnosis(ch08.check_mcnemar_p, one_tail)
    uncapped = diagnosis(ch08.check_mcnemar_p, lambda a, b: 2 * one_tail(a, b))
    assert "capped at 1" in uncapped

    def chi_square(a, b):
        return 1.0 if a + b == 0 else math.erfc(math.sqrt((abs(a - b) - 1) ** 2 / (a + b) / 2))
    assert "exact two-sided p-value is" in diagnosis(ch08.check_mcnemar_p, chi_square)


def test_images_for_one_point():
    assert ch08.check_images_for_one_point(solutions.images_for_one_point)
    assert ch08.check_images_for_one_point(4900)
    assert "half-width" in diagnosis(ch08.check_images_for_one_point, 1225)
    assert "one standard error" in diagnosis(ch08.check_images_for_one_point, 1275)
    assert "wider" in diagnosis(ch08.check_images_for_one_point, 888)
    assert "more than needed" in diagnosis(ch08.check_images_for_one_point, 20000)
    assert "Expected a number" in diagnosis(ch08.check_images_for_one_point, "4898")


def test_hidden_cases_cover_the_zero_divisions():
    cases = ch08._label_cases()
    assert any(not np.any(p == c) for _, p, c, _ in cases), "a class never predicted"
    assert any(not np.any(t == c) for t, _, c, _ in cases), "a class absent from y_true"
