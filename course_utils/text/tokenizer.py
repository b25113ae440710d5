"""A sentence into tokens: lower-case words (with their apostrophes) and punctuation marks.

Introduced in ``15_cnns_beyond_images.ipynb``. Deliberately simple, so that a learner can read
it in one go: no stemming, no spelling correction, no sub-word pieces. ``"Don't buy it!!"``
becomes ``["don't", "buy", "it", "!", "!"]``: the negation stays one token, and every
punctuation mark counts (an exclamation mark carries sentiment).
"""

from __future__ import annotations

import re

from course_utils.validation import InputError

TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
"""A word (letters, digits, underscores, inner apostrophes) or one other visible character."""
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def tokenize(text: str) -> list[str]:
    """Split ``text`` into lower-case tokens.

    Parameters
    ----------
    text : str
        Any sentence; the empty string gives no tokens.

    Returns
    -------
    list of str
        Words keep inner apostrophes (``"isn't"``); each punctuation mark is a token.

    Raises
    ------
    TypeError
        If ``text`` is not a string (say, a list of sentences: tokenize each one).
    """
    if not isinstance(text, str):
        raise InputError(
            f"tokenize takes one sentence as a str, got {type(text).__name__}; for many "
            "sentences use [tokenize(t) for t in texts]."
        )
    return TOKEN.findall(text.lower().translate(APOSTROPHES))
