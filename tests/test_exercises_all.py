"""Every checker of the course, fed its solution and a battery of wrong and odd answers.

Each must answer every one with a Feedback (never an exception) that is "not correct", and
accept its solution. No hint may contain the solution's code or value verbatim."""

import re

import numpy as np
import pytest
import torch

from course_utils.exercises import framework
from course_utils.exercises.feedback import Feedback

CHECKERS = framework.all_exercises()


def _raises(*args, **kwargs):
    raise RuntimeError("the learner's code failed")


ODD_ANSWERS = {
    "None": None,
    "NaN": float("nan"),
    "inf": float("inf"),
    "-inf": -float("inf"),
    "huge": 1e30,
    "negative": -1,
    "zero": 0,
    "True": True,
    "string": "an answer",
    "dict": {"answer": 1},
    "empty list": [],
    "ragged list": [[1, 2], [3]],
    "list": [1, 2, 3],
    "tuple": (1.0, 2.0),
    "numpy NaN": np.full((3, 3), np.nan),
    "numpy zeros": np.zeros((3, 3)),
    "float64 tensor": torch.zeros(3, 3, dtype=torch.float64),
    "int tensor": torch.zeros(2, 2, dtype=torch.int64),
    "wrong-shape tensor": torch.zeros(7),
    "bool tensor": torch.ones(3, 3, dtype=torch.bool),
    "function that raises": _raises,
    "function returning None": lambda *args, **kwargs: None,
    "function returning NaN": lambda *args, **kwargs: float("nan"),
    "function returning a NaN tensor": lambda *args, **kwargs: torch.full((3,), float("nan")),
    "function returning its input": lambda *args, **kwargs: args[0] if args else 0,
}


def _call(checker, answer) -> Feedback:
    spec = checker.exercise
    kwargs = spec.test_kwargs() if spec.test_kwargs else {}
    return checker(answer, **kwargs)


def _same(a, b) -> bool:
    try:
        return bool(a == b) if isinstance(a, (int, float)) and isinstance(b,
                                                                          (int, float)) else a is b
    except Exception:
        return False


def test_the_course_has_exercises():
    assert len(CHECKERS) >= 3, sorted(CHECKERS)


@pytest.mark.parametrize("key", sorted(CHECKERS))
def test_solution_passes(key):
    feedback = _call(CHECKERS[key], CHECKERS[key].exercise.solution_value())
    assert isinstance(feedback, Feedback) and feedback, f"{key}: {feedback}"


@pytest.mark.parametrize("key", sorted(CHECKERS))
def test_unanswered_is_not_an_error(key):
    feedback = _call(CHECKERS[key], ...)
    assert not feedback and "No answer yet" in feedback.message and not feedback.hint


@pytest.mark.parametrize("name", sorted(ODD_ANSWERS))
@pytest.mark.parametrize("key", sorted(CHECKERS))
def test_odd_answers_get_feedback_and_fail(key, name):
    checker = CHECKERS[key]
    answer = ODD_ANSWERS[name]
    if _same(answer, checker.exercise.solution_value()):
        pytest.skip(f"{name} happens to be the answer of {key}")  # reported by -ra, never silent
    feedback = _call(checker, answer)
    assert isinstance(feedback, Feedback), f"{key} returned {type(feedback).__name__}"
    assert not feedback, f"{key} accepted {name}: {feedback}"
    assert feedback.message and feedback.hint, f"{key} on {name}: {feedback}"


@pytest.mark.parametrize("key", sorted(CHECKERS))
def test_library_implementations_are_refused(key):
    spec = CHECKERS[key].exercise
    for implementation in spec.forbidden:
        feedback = _call(CHECKERS[key], implementation)
        assert not feedback and "not your own code" in feedback.message, f"{key}: {feedback}"


def _normalise(text: str) -> str:
    return re.sub(r"\s+|^return", "", text)


def _solution_fragments(spec) -> list[str]:
    """Lines of the solution's code that would give it away, without spaces."""
    code = framework.solution_code(spec)
    lines = [_normalise(line.split("#")[0]) for line in code.splitlines()]
    lines = [line for line in lines if len(line) >= 12 and not line.startswith(("def", '"""'))]
    value = spec.solution_value()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10:
        lines.append(_normalise(f"{value:g}" if isinstance(value, float) else str(value)))
    return lines


@pytest.mark.parametrize("key", sorted(CHECKERS))
def test_no_hint_gives_the_solution_away(key):
    spec = CHECKERS[key].exercise
    for hint in spec.hints:
        flat = _normalise(hint)
        for fragment in _solution_fragments(spec):
            assert fragment not in flat, f"{key}: hint {hint!r} contains {fragment!r}"
