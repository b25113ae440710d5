"""The checkers of 00_setup.ipynb: solutions pass, typical mistakes get the right diagnosis."""

import os

import pytest
import torch
from exercises_support import diagnosis

from course_utils.env import FAST_ENV_VAR, by_mode, get_device
from course_utils.exercises import ch00
from course_utils.exercises.feedback import Feedback
from course_utils.exercises.solutions import ch00 as solutions

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_feedback_reads_well():
    assert str(Feedback(True, "Good.")) == "✅ Correct. Good."
    text = str(Feedback(False, "Off by one.", "Count again."))
    assert "❌ Not yet. Off by one." in text and "💡 Hint: Count again." in text
    assert not Feedback(False, "x") and Feedback(True, "x")


def test_pick_device():
    assert ch00.check_pick_device(solutions.pick_device)
    assert ch00.check_pick_device(lambda: torch.device(solutions.pick_device()))
    assert "not your own code" in diagnosis(ch00.check_pick_device, get_device)
    assert "picked 'cpu'" in diagnosis(ch00.check_pick_device, lambda: "cpu")
    mps_first = diagnosis(ch00.check_pick_device,
                          lambda: "mps" if torch.backends.mps.is_available()
                          else "cuda" if torch.cuda.is_available() else "cpu")
    assert "picked 'mps'" in mps_first and "'cuda'" in mps_first
    assert "expected the string" in diagnosis(ch00.check_pick_device, lambda: 0)


def test_pick_device_leaves_torch_alone():
    before = torch.cuda.is_available()
    ch00.check_pick_device(lambda: 1 / 0)
    assert torch.cuda.is_available() == before


def test_pick():
    assert ch00.check_pick(solutions.pick)
    assert "not your own code" in diagnosis(ch00.check_pick, by_mode)
    assert "other argument" in diagnosis(ch00.check_pick, lambda full, fast: fast)
    assert "neither of its arguments" in diagnosis(ch00.check_pick, lambda full, fast: 1)
    truthy = diagnosis(ch00.check_pick, lambda full, fast: fast if os.environ.get(FAST_ENV_VAR)
                       else full)
    assert f"{FAST_ENV_VAR}=0" in truthy


def test_pick_restores_the_environment(monkeypatch):
    monkeypatch.setenv(FAST_ENV_VAR, "1")
    ch00.check_pick(solutions.pick)
    ch00.check_pick(lambda full, fast: 1 / 0)
    assert os.environ[FAST_ENV_VAR] == "1"
    monkeypatch.delenv(FAST_ENV_VAR)
    ch00.check_pick(solutions.pick)
    assert FAST_ENV_VAR not in os.environ


def test_digits_per_class():
    assert ch00.check_digits_per_class(solutions.digits_per_class)
    assert "whole training split" in diagnosis(ch00.check_digits_per_class, 5000)
    assert "test split" in diagnosis(ch00.check_digits_per_class, 1000)
    assert not ch00.check_digits_per_class(499.5)
    assert "boolean" in diagnosis(ch00.check_digits_per_class, True)
