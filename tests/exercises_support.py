"""A helper shared by the tests of the lessons' exercises (their fixture, ``private_progress``,
is in ``tests/conftest.py``)."""

from course_utils.exercises.feedback import Feedback


def diagnosis(checker, answer, **kwargs) -> str:
    """The message of a failing verdict; fails the test if the answer passed or raised."""
    feedback = checker(answer, **kwargs)
    assert isinstance(feedback, Feedback), type(feedback)
    assert not feedback, f"{checker.__name__} accepted {answer!r}: {feedback}"
    assert feedback.hint, feedback
    return feedback.message
