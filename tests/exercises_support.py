"""Shared by the tests of the lessons' exercises: a private progress record, and one helper."""

import pytest

from course_utils.exercises import framework, progress
from course_utils.exercises.feedback import Feedback


@pytest.fixture(autouse=True)
def private_progress(monkeypatch, tmp_path):
    """Checkers record every try: keep the tests' tries out of the learner's real record, and
    start each test at the first hint step, whatever ran before it."""
    monkeypatch.setenv(progress.PROGRESS_ENV_VAR, str(tmp_path / "progress.json"))
    monkeypatch.setattr(framework, "_failures", {})


def diagnosis(checker, answer, **kwargs) -> str:
    """The message of a failing verdict; fails the test if the answer passed or raised."""
    feedback = checker(answer, **kwargs)
    assert isinstance(feedback, Feedback), type(feedback)
    assert not feedback, f"{checker.__name__} accepted {answer!r}: {feedback}"
    assert feedback.hint, feedback
    return feedback.message
