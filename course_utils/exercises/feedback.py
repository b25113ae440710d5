"""``Feedback``: what every exercise checker returns.

Introduced in ``00_setup.ipynb``. A checker never raises on a wrong answer: it returns
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

