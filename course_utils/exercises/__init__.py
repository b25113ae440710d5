"""Exercise checkers, one module per notebook (``ch01`` for ``01_images_as_tensors.ipynb``).

Each checker takes the learner's answer and returns a :class:`Feedback` saying what is wrong
and giving a hint. Reference solutions live in ``solutions`` (out of the learner's way) and the
tests check that every checker accepts its solution and rejects typical mistakes.
"""

from course_utils.exercises.feedback import Feedback

__all__ = ["Feedback"]
