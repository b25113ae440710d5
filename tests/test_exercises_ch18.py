"""The checkers of 18_your_own_images.ipynb: solutions pass, typical mistakes get the right
diagnosis, and the course's own split does not pass."""

import pytest
import torch
from exercises_support import diagnosis

from course_utils.data.folder import split_three_ways
from course_utils.exercises import ch18
from course_utils.exercises.solutions import ch18 as solutions

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_draft_scale():
    assert ch18.check_draft_scale(solutions.draft_scale)
    def longer(w, h, s):
        return solutions.draft_scale(max(w, h), max(w, h), s)
    assert "shorter" in diagnosis(ch18.check_draft_scale, longer)
    assert "only divide by 1, 2, 4 or 8" in diagnosis(
        ch18.check_draft_scale, lambda w, h, s: min(w, h) // s or 1)
    assert "less work" in diagnosis(ch18.check_draft_scale, lambda w, h, s: 1)
    assert "whole number" in diagnosis(ch18.check_draft_scale, lambda w, h, s: "8")


def test_three_way_split():
    assert ch18.check_three_way_split(solutions.three_way_split)
    assert "not your own code" in diagnosis(ch18.check_three_way_split, split_three_ways)

    def unstratified(labels, validation, test, seed):
        order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
        n_test, n_val = round(test * len(labels)), round(validation * len(labels))
        return order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test]

    assert "stratify" in diagnosis(ch18.check_three_way_split, unstratified)

    def overlapping(labels, validation, test, seed):
        train, val, held = solutions.three_way_split(labels, validation, test, seed)
        return torch.cat([train, held]), val, held

    assert "two parts" in diagnosis(ch18.check_three_way_split, overlapping)
    assert "return (train, val, test)" in diagnosis(ch18.check_three_way_split,
                                                    lambda *a: solutions.three_way_split(*a)[:2])


def test_rule_of_three():
    assert ch18.check_rule_of_three(solutions.rule_of_three_low)
    assert ch18.check_rule_of_three(0.05 ** (1 / 40))
    assert "lower bound" in diagnosis(ch18.check_rule_of_three, 1.0)
    assert "one mistake" in diagnosis(ch18.check_rule_of_three, 1 - 1 / 40)
    assert "p ** 40" in diagnosis(ch18.check_rule_of_three, 0.5)
