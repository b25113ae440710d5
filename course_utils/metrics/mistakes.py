"""Which mistakes to look at first: the ones the model was most sure of.

Introduced in ``08_evaluating_classifiers.ipynb`` (the gallery of confident mistakes, drawn by
:func:`course_utils.plots.plot_confident_mistakes`).
"""

from __future__ import annotations

import numpy as np

from course_utils.validation import ArrayLike, check_class_scores, check_positive_int


def most_confident_mistakes(y_true: ArrayLike, y_prob: ArrayLike, *, n: int = 16) -> np.ndarray:
    """Indices of the wrong predictions with the highest top probability, most confident first.

    Introduced in ``08_evaluating_classifiers.ipynb``. These are often label errors or truly
    ambiguous images, and worth a look before trusting a test figure.

    Parameters
    ----------
    y_true : (N,) integer labels in ``range(K)``
    y_prob : (N, K) probabilities (or any scores: only their order matters)
    n : int
        At most this many indices (fewer if there are fewer mistakes).

    Returns
    -------
    (M,) int64 ndarray, M <= n
    """
    true, scores = check_class_scores(y_true, y_prob, "y_prob")
    n = check_positive_int(n, "n")
    wrong = np.flatnonzero(scores.argmax(axis=1) != true)
    order = np.argsort(-scores[wrong].max(axis=1), kind="stable")
    return wrong[order[:n]].astype(np.int64)
