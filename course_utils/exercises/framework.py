"""The exercise framework's front door: the names a checker module imports.

Introduced in ``00_setup.ipynb`` and used by every lesson's exercises. How a checker is declared
with :func:`exercise` and what the learner gets back is told once, in
:mod:`~course_utils.exercises.runner`.

One concept per module behind it:

- :mod:`~course_utils.exercises.runner`: the registry, :func:`exercise`, :func:`call` and the
  run of a checker (validation of the answer, refusal of library code, hints in steps);
- :mod:`~course_utils.exercises.answers`: :class:`Wrong`, :func:`as_number`, :func:`as_array`,
  :func:`as_tuple`, :func:`expect_close`, :func:`describe_answer`;
- :mod:`~course_utils.exercises.reveal`: :func:`show_solution`, :func:`solution_code`.
"""


from course_utils.exercises.answers import (
    Wrong,
    as_array,
    as_number,
    as_tuple,
    describe_answer,
    expect_close,
)
from course_utils.exercises.feedback import Feedback
from course_utils.exercises.reveal import show_solution, solution_code
from course_utils.exercises.runner import REGISTRY, Exercise, all_exercises, call, exercise

__all__ = [
    "REGISTRY", "Exercise", "Feedback", "Wrong", "all_exercises", "as_array", "as_number",
    "as_tuple", "call", "describe_answer", "exercise", "expect_close", "show_solution",
    "solution_code",
]
