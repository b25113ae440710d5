"""Exercise checkers, one module per notebook (``ch01`` for ``01_images_as_tensors.ipynb``).

Every checker is declared with :func:`~course_utils.exercises.framework.exercise`: it takes the
learner's answer, whatever it is, and returns a :class:`Feedback` that says what is right or
wrong, with hints in steps; it never raises. :func:`show_solution` prints a worked solution;
``python -m course_utils progress`` lists what has been passed. Reference solutions live in
``solutions`` (out of the learner's way) and the tests feed every checker its solution and a
battery of wrong and odd answers.
"""

from course_utils.exercises.feedback import Feedback
from course_utils.exercises.reveal import show_solution

__all__ = ["Feedback", "show_solution"]
