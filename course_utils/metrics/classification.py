"""Metrics of hard predictions: accuracy, balanced accuracy, top-k accuracy, and precision,
recall and F1 per class or averaged.

Introduced in ``08_evaluating_classifiers.ipynb``, where each is first written by hand in a few
lines and checked against these helpers and against scikit-learn. The conventions are
scikit-learn's: ``y_true`` first, options keyword-only.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from course_utils.metrics.confusion import confusion_matrix, resolve_labels
from course_utils.validation import (
    ArrayLike,
    InputError,
    check_choice,
    check_class_scores,
    check_pair,
    check_positive_int,
)

AVERAGES = (None, "binary", "macro", "micro", "weighted")


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Fraction of examples whose predicted class is the true class.

    Introduced in ``08_evaluating_classifiers.ipynb``; :func:`course_utils.train.evaluate` and
    :func:`course_utils.pretrained.accuracy` use it too.

    Parameters
    ----------
    y_true, y_pred : (N,) integer labels

    Returns
    -------
    float in [0, 1]
    """
    true, pred = check_pair(y_true, y_pred)
    return float(np.mean(true == pred))


def balanced_accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean of the per-class recalls over the classes present in ``y_true``.

    Every class counts the same however rare it is: a detector that always answers the common
    class scores 0.5 on two classes, not the share of that class.

    Parameters
    ----------
    y_true, y_pred : (N,) integer labels

    Returns
    -------
    float in [0, 1]
    """
    true, pred = check_pair(y_true, y_pred)
    present = np.unique(true)
    recalls = [np.mean(pred[true == c] == c) for c in present]
    return float(np.mean(recalls))


def top_k_accuracy(y_true: ArrayLike, y_score: ArrayLike, *, k: int = 5) -> float:
    """Fraction of examples whose true class is among the ``k`` highest scores.

    Ties are broken towards the higher class index (as scikit-learn does).

    Parameters
    ----------
    y_true : (N,) integer labels in ``range(K)``
    y_score : (N, K) scores (logits or probabilities)
    k : int, 1 <= k

    Returns
    -------
    float in [0, 1]
    """
    true, scores = check_class_scores(y_true, y_score, "y_score")
    k = check_positive_int(k, "k")
    n_classes = scores.shape[1]
    if k > n_classes:
        raise InputError(f"k={k} is more than the {n_classes} classes of y_score; every label "
                         f"would count as found (accuracy 1). Use k <= {n_classes}.")
    rows = np.arange(len(true))
    mine = scores[rows, true][:, None]
    classes = np.arange(n_classes)[None, :]
    ahead = (scores > mine) | ((scores == mine) & (classes > true[:, None]))
    return float(np.mean(ahead.sum(axis=1) < k))


class PrecisionRecallF1(NamedTuple):
    """What :func:`precision_recall_f1` returns.

    ``precision``, ``recall``, ``f1`` are ``(L,)`` float64 arrays (``average=None``) or floats;
    ``support`` is the ``(L,)`` int64 count of each reported label in ``y_true``.
    """

    precision: np.ndarray | float
    recall: np.ndarray | float
    f1: np.ndarray | float
    support: np.ndarray


def _ratio(top: np.ndarray, bottom: np.ndarray, zero_division: float) -> np.ndarray:
    """``top / bottom``, with ``zero_division`` where ``bottom`` is 0."""
    out = np.full(np.shape(top), zero_division, dtype=np.float64)
    np.divide(top, bottom, out=out, where=bottom != 0)
    return out


def _mean(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Mean ignoring NaN (the ``zero_division=nan`` cases); NaN if nothing is left."""
    keep = ~np.isnan(values)
    if not keep.any():
        return math.nan
    w = None if weights is None or weights[keep].sum() == 0 else weights[keep]
    return float(np.average(values[keep], weights=w))


def _check_zero_division(zero_division: object) -> float:
    if isinstance(zero_division, bool) or not isinstance(zero_division, (int, float)) \
            or not (zero_division in (0, 1) or math.isnan(zero_division)):
        raise InputError("zero_division must be 0.0, 1.0 or float('nan') (the value of a "
                         f"ratio whose denominator is 0), got {zero_division!r}.")
    return float(zero_division)


def precision_recall_f1(y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None,
                        average: str | None = None, pos_label: int = 1,
                        zero_division: float = 0.0) -> PrecisionRecallF1:
    """Precision, recall and F1 of each class, or their average.

    Written out in ``08_evaluating_classifiers.ipynb``, section 4
    (``precision_recall_f1_by_hand``). For a class c, with TP the examples of c
    predicted c, FP the others predicted c and FN the examples of c predicted otherwise:
    precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN).

    Parameters
    ----------
    y_true, y_pred : (N,) integer labels
    labels : (L,) integer labels, optional
        Classes to report (default: all seen in either input, sorted). A class absent from both
        gets ``zero_division`` everywhere.
    average : {None, "binary", "macro", "micro", "weighted"}
        None: one value per class. "binary": only ``pos_label`` (labels must be 0/1). "macro":
        plain mean over classes (each class counts the same). "micro": from TP, FP, FN summed
        over classes (each example counts the same; equals accuracy when every class is
        reported). "weighted": mean weighted by each class's support.
    pos_label : int
        The positive class for ``average="binary"``.
    zero_division : {0.0, 1.0, nan}
        The value of a ratio whose denominator is 0 (precision of a class never predicted,
        recall of a class absent from ``y_true``). Averages skip NaN values.

    Returns
    -------
    PrecisionRecallF1
        ``(precision, recall, f1, support)``.
    """
    true, pred = check_pair(y_true, y_pred)
    check_choice(average, "average", AVERAGES)
    zero = _check_zero_division(zero_division)
    if average == "binary":
        seen = np.union1d(true, pred)
        if labels is not None or seen.max() > 1 or pos_label not in (0, 1):
            raise InputError("average='binary' is for labels 0 and 1 and pos_label 0 or 1 "
                             f"(without labels=); got labels {seen[:10].tolist()} and pos_label "
                             f"{pos_label!r}. For several classes use average='macro', 'micro' "
                             "or 'weighted'.")
        labels = [pos_label]
    chosen = resolve_labels(true, pred, labels)
    everything = np.union1d(np.union1d(true, pred), chosen)  # false positives of any true class
    counts = confusion_matrix(true, pred, labels=everything)
    index = np.searchsorted(everything, chosen)
    tp = np.diag(counts)[index]
    predicted = counts.sum(axis=0)[index]
    support = counts.sum(axis=1)[index]
    if average == "micro":
        tp, predicted, support_sum = tp.sum(), predicted.sum(), support.sum()
        return PrecisionRecallF1(float(_ratio(tp, predicted, zero)),
                                 float(_ratio(tp, support_sum, zero)),
                                 float(_ratio(2 * tp, predicted + support_sum, zero)), support)
    precision = _ratio(tp, predicted, zero)
    recall = _ratio(tp, support, zero)
    f1 = _ratio(2 * tp, predicted + support, zero)
    if average is None:
        return PrecisionRecallF1(precision, recall, f1, support)
    if average == "binary":
        return PrecisionRecallF1(float(precision[0]), float(recall[0]), float(f1[0]), support)
    weights = None
    if average == "weighted":
        if support.sum() == 0:
            raise InputError("average='weighted' weighs each class by its count in y_true, but "
                             f"none of labels {chosen.tolist()} occurs in y_true.")
        weights = support.astype(np.float64)
    return PrecisionRecallF1(_mean(precision, weights), _mean(recall, weights),
                             _mean(f1, weights), support)
