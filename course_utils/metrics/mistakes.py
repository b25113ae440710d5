"""Which mistakes to look at first: the ones the model was most sure of.

Introduced in ``08_evaluating_classifiers.ipynb`` (the gallery of confident mistakes, drawn by
:func:`course_utils.plots.plot_confident_mistakes`).
"""

from __future__ import annotations

import numpy as np

from course_utils.validation import (
    ArrayLike,
    InputError,
    check_label_array,
    check_positive_int,
    check_same_length,
    check_scores,
)


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
    true = check_label_array(y_true, "y_true")
    scores = check_scores(y_prob, "y_prob", ndim=2)
    check_same_length(y_true=true, y_prob=scores)
    n = check_positive_int(n, "n")
    if true.max() >= scores.shape[1]:
        raise InputError(f"y_true has label {int(true.max())} but y_prob has only "
                         f"{scores.shape[1]} columns (one per class, labels 0..K-1).")
    wrong = np.flatnonzero(scores.argmax(axis=1) != true)
    order = np.argsort(-scores[wrong].max(axis=1), kind="stable")
    return wrong[order[:n]].astype(np.int64)
