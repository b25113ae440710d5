"""The exercise framework: one decorator turns a checking function into a checker that never
raises.

Introduced in ``00_setup.ipynb`` and used by every lesson's exercises. A checker is declared once::

    @exercise("ch02.ex1", title="output size of a convolution", kind="function",
              expects="a function output_size(n, k, stride, padding, dilation) -> int",
              hints=("...", "...", "..."), solution="output_size", forbidden=(some_library_fn,))
    def check_output_size(fn) -> str:
        ...                     # raise Wrong("what is wrong") or return the success message

and the learner calls ``check_output_size(answer)``. Whatever ``answer`` is, the call returns a
:class:`~course_utils.exercises.feedback.Feedback`:

- ``...`` (the cell as shipped): "no answer yet", and no hint;
- the wrong kind of object: what was expected and what arrived;
- a library's or the course's own implementation where the exercise is to write it: refused;
- the learner's code raised: which error, on which case, and where in their code;
- a wrong result on a hidden case: the body's sentence (``raise Wrong(...)``);
- right: the body's message, and the exercise is recorded as passed in the progress record.

Hints come in steps: the first failed try shows the first hint, the next one the second, and so
on; the worked solution is shown only by :func:`show_solution`. The body receives the answer
already validated for its ``kind``: a callable, a finite ``float``, or a finite float64 tensor.

This module is the framework's front door, the names a checker module imports; one concept per
module behind it:

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
