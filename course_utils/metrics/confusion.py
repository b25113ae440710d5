"""The confusion matrix: rows are true classes, columns predicted classes.

Introduced in ``08_evaluating_classifiers.ipynb``. Precision, recall, F1 and balanced accuracy
(:mod:`course_utils.metrics.classification`) are all read off this table.
"""

from __future__ import annotations

import numpy as np

from course_utils.validation import (
    ArrayLike,
    InputError,
    check_choice,
    check_label_array,
    check_pair,
)

NORMALIZE = (None, "true", "pred", "all")


def resolve_labels(y_true: np.ndarray, y_pred: np.ndarray, labels: ArrayLike | None
                   ) -> np.ndarray:
    """The labels to report: ``labels`` checked, or every label seen in either input, sorted.

    Parameters
    ----------
    y_true : np.ndarray
    y_pred : np.ndarray
    labels : ArrayLike | None
    """
    if labels is None:
        return np.union1d(y_true, y_pred)
    chosen = check_label_array(labels, "labels")
    if len(np.unique(chosen)) != len(chosen):
        raise InputError(f"labels must not repeat a class, got {chosen.tolist()}.")
    return chosen


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None,
                     normalize: str | None = None) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    Introduced in ``08_evaluating_classifiers.ipynb``.

    Parameters
    ----------
    y_true, y_pred : (N,) integer labels
        Tensors, NumPy arrays or lists.
    labels : (L,) integer labels, optional
        The classes to report, in this order; default: every class seen in ``y_true`` or
        ``y_pred``, sorted. Examples whose true or predicted class is not listed are left out.
    normalize : {None, "true", "pred", "all"}
        Counts (None); each row divided by its sum ("true": rows become recalls); each column by
        its sum ("pred": the diagonal becomes precisions); or everything by N ("all"). A row or
        column with no examples stays 0.

    Returns
    -------
    (L, L) ndarray
        int64 counts, or float64 fractions when normalised; ``C[i, j]`` counts examples of class
        ``labels[i]`` predicted as ``labels[j]``.
    """
    true, pred = check_pair(y_true, y_pred)
    check_choice(normalize, "normalize", NORMALIZE)
    chosen = resolve_labels(true, pred, labels)
    order = np.argsort(chosen)
    n = len(chosen)

    def position(y: np.ndarray) -> np.ndarray:
        at = np.clip(np.searchsorted(chosen[order], y), 0, n - 1)
        return np.where(chosen[order][at] == y, order[at], -1)

    i, j = position(true), position(pred)
    kept = (i >= 0) & (j >= 0)
    counts = np.bincount(i[kept] * n + j[kept], minlength=n * n).reshape(n, n)
    if normalize is None:
        return counts
    total = {"true": counts.sum(axis=1, keepdims=True),
             "pred": counts.sum(axis=0, keepdims=True),
             "all": counts.sum()}[normalize]
    with np.errstate(invalid="ignore", divide="ignore"):
        fractions = counts / total
    return np.nan_to_num(fractions, nan=0.0)
