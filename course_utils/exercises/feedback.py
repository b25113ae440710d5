"""``Feedback``: what every exercise checker returns.

Introduced in ``01_images_as_tensors.ipynb``. A checker never raises on a wrong answer: it returns
a Feedback that says what is wrong and gives a hint, so a notebook keeps running while the
learner works. ``Feedback`` is truthy only when the answer is right.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_ANSWERED = ...
"""Exercise cells start with ``answer = ...``; a checker treats that as "not tried yet"."""


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes
    ----------
    passed : bool
    message : str
        What is right, or what is wrong.
    hint : str
        A nudge towards the answer (empty when passed).
    """

    passed: bool
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"✅ Correct. {self.message}"
        return f"❌ Not yet. {self.message}" + (f"\n💡 Hint: {self.hint}" if self.hint else "")

    def _repr_markdown_(self) -> str:
        return str(self).replace("\n", "  \n")


def correct(message: str = "") -> Feedback:
    """A passing verdict."""
    return Feedback(True, message)


def wrong(message: str, hint: str = "") -> Feedback:
    """A failing verdict with what is wrong and a hint."""
    return Feedback(False, message, hint)


def not_answered(hint: str) -> Feedback:
    """The verdict for ``answer = ...`` (the exercise has not been tried)."""
    return Feedback(False, "No answer yet: replace the `...` with your answer and run the cell.", hint)
