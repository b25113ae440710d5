"""The checkers of 09_looking_inside_cnns.ipynb: solutions pass, typical mistakes get the right
diagnosis, library and course implementations are refused."""

import math

import pytest
import torch
from exercises_support import diagnosis
from scipy.stats import spearmanr

from course_utils.exercises import ch09
from course_utils.exercises.solutions import ch09 as solutions
from course_utils.explain import grad_cam_from, rank_correlation

TABLE = {"faithful": {"Grad-CAM": True, "gradient": True, "edges (control)": True},
         "sensitive": {"Grad-CAM": True, "gradient": True, "edges (control)": False}}

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_grad_cam():
    assert ch09.check_grad_cam(solutions.grad_cam)
    assert "not your own code" in diagnosis(ch09.check_grad_cam, grad_cam_from)
    assert "negative values" in diagnosis(
        ch09.check_grad_cam, lambda a, g: (g.mean(dim=(2, 3), keepdim=True) * a).sum(1))
    assert "times too large" in diagnosis(
        ch09.check_grad_cam, lambda a,
        g: (g.sum(dim=(2, 3), keepdim=True) * a).sum(1).clamp(min=0))
    assert "its own gradient" in diagnosis(ch09.check_grad_cam,
                                           lambda a, g: (g * a).sum(1).clamp(min=0))
    assert "keepdim=False" in diagnosis(
        ch09.check_grad_cam,
        lambda a, g: (g.mean(dim=(2, 3), keepdim=True) * a).sum(1, keepdim=True).clamp(min=0))
    assert "returned None" in diagnosis(ch09.check_grad_cam, lambda a, g: None)
    assert "raised ZeroDivisionError" in diagnosis(ch09.check_grad_cam, lambda a, g: 1 / 0)


def test_spearman():
    assert ch09.check_spearman(solutions.spearman)
    assert ch09.check_spearman(lambda a, b: torch.tensor(solutions.spearman(a, b)))
    assert "not your own code" in diagnosis(ch09.check_spearman, spearmanr)
    assert "not your own code" in diagnosis(ch09.check_spearman, rank_correlation)

    def pearson(a, b):
        a, b = a - a.mean(), b - b.mean()
        return float(a @ b / (a.norm() * b.norm()))

    assert "Pearson correlation of the values" in diagnosis(ch09.check_spearman, pearson)
    assert "apply it twice" in diagnosis(
        ch09.check_spearman, lambda a, b: pearson(a.argsort().double(), b.argsort().double()))
    assert "returned 0.5" in diagnosis(ch09.check_spearman, lambda a, b: 0.5)


def test_window_positions():
    assert ch09.check_window_positions(solutions.window_positions)
    assert "hangs over the edge" in diagnosis(ch09.check_window_positions,
                                              lambda n, p, s: (n - p) // s + 1)
    assert "not the number" in diagnosis(ch09.check_window_positions,
                                         lambda n, p, s: math.ceil(n / s))
    assert "a whole number" in diagnosis(ch09.check_window_positions, lambda n, p, s: "7")


def test_randomization_verdict():
    assert ch09.check_randomization_verdict(solutions.passes_both, **TABLE)
    assert ch09.check_randomization_verdict(["grad-cam", "Gradient"], **TABLE)
    assert "fails the randomisation check" in diagnosis(
        ch09.check_randomization_verdict, {"Grad-CAM", "gradient", "edges (control)"}, **TABLE)
    assert "passes both checks in the table too" in diagnosis(
        ch09.check_randomization_verdict, {"Grad-CAM"}, **TABLE)
    assert "not a method of the table" in diagnosis(
        ch09.check_randomization_verdict, {"SmoothGrad"}, **TABLE)
    assert "Expected a set" in diagnosis(ch09.check_randomization_verdict, "Grad-CAM", **TABLE)
    other = {"faithful": {**TABLE["faithful"], "gradient": False}, "sensitive": TABLE["sensitive"]}
    assert "gradient fails the deletion check" in diagnosis(
        ch09.check_randomization_verdict, {"Grad-CAM", "gradient"}, **other)
    assert ch09.check_randomization_verdict({"Grad-CAM"}, **other)
