"""Metrics of scores rather than hard predictions: ROC and precision-recall curves, the area
under the ROC curve and average precision.

Introduced in ``08_evaluating_classifiers.ipynb`` (thresholds, and why precision-recall says more
than ROC when positives are rare). Every threshold the scores allow is a point of the curves:
predicting "positive" when ``score >= threshold``.
"""

from __future__ import annotations

import numpy as np

from course_utils.validation import (
    ArrayLike,
    InputError,
    check_binary,
    check_choice,
    check_class_scores,
    check_label_array,
    check_same_length,
    check_scores,
    to_numpy,
)


def _counts_by_threshold(y_true: ArrayLike, y_score: ArrayLike, what: str
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True and false positives when predicting positive for ``score >= t``, for each distinct
    score ``t`` from the highest down: ``(tps, fps, thresholds)``.
    """
    true = check_label_array(y_true, "y_true")
    scores = check_scores(y_score, "y_score", ndim=1)
    check_same_length(y_true=true, y_score=scores)
    check_binary(true, "y_true", what)
    order = np.argsort(-scores, kind="stable")
    scores, true = scores[order], true[order]
    last_of_each = np.flatnonzero(np.diff(scores)).tolist() + [len(scores) - 1]
    tps = np.cumsum(true)[last_of_each].astype(np.float64)
    fps = np.asarray(last_of_each, dtype=np.float64) + 1 - tps
    return tps, fps, scores[last_of_each]


def roc_curve(y_true: ArrayLike, y_score: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The receiver operating characteristic: false-positive rate against true-positive rate.

    Introduced in ``08_evaluating_classifiers.ipynb``. Every distinct score is a threshold; no
    point is dropped (scikit-learn's ``roc_curve(..., drop_intermediate=False)``).

    Parameters
    ----------
    y_true : (N,) labels, 0 (negative) or 1 (positive), both present
    y_score : (N,) finite scores, higher meaning "more likely positive" (any scale)

    Returns
    -------
    fpr, tpr : (T + 1,) float64 arrays
        Rates when predicting positive for ``score >= thresholds[i]``; they start at (0, 0).
    thresholds : (T + 1,) float64 array
        Decreasing; the first is ``inf`` (nothing predicted positive).
    """
    tps, fps, thresholds = _counts_by_threshold(y_true, y_score, "the ROC curve")
    tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds]


def precision_recall_curve(y_true: ArrayLike, y_score: ArrayLike
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall for every threshold, as scikit-learn returns them.

    Introduced in ``08_evaluating_classifiers.ipynb``.

    Parameters
    ----------
    y_true : (N,) labels, 0 or 1, both present
    y_score : (N,) finite scores

    Returns
    -------
    precision, recall : (T + 1,) float64 arrays
        ``precision[i]``, ``recall[i]`` when predicting positive for ``score >= thresholds[i]``;
        the last point is (precision 1, recall 0), by convention, with no threshold.
    thresholds : (T,) float64 array
        The distinct scores, increasing.
    """
    tps, fps, thresholds = _counts_by_threshold(y_true, y_score, "the precision-recall curve")
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def average_precision(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """Area under the precision-recall curve, as a sum of steps: sum of (R_i - R_(i-1)) P_i.

    Introduced in ``08_evaluating_classifiers.ipynb``. A random scorer gets about the share of
    positives, so AP falls with prevalence while ROC AUC stays at 0.5.

    Parameters
    ----------
    y_true : (N,) labels, 0 or 1, both present
    y_score : (N,) finite scores

    Returns
    -------
    float in [0, 1]
    """
    precision, recall, _ = precision_recall_curve(y_true, y_score)
    return float(-np.sum(np.diff(recall) * precision[:-1]))


def _binary_auc(y_true: ArrayLike, y_score: ArrayLike) -> float:
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.trapezoid(tpr, fpr))


def roc_auc(y_true: ArrayLike, y_score: ArrayLike, *, average: str = "macro") -> float:
    """Area under the ROC curve: binary, or one-vs-rest averaged over classes.

    Introduced in ``08_evaluating_classifiers.ipynb``. It is the probability that a random
    positive scores higher than a random negative (ties count one half).

    Parameters
    ----------
    y_true : (N,) integer labels
        Binary (0, 1) with 1-D scores; ``0..K-1``, every class present, with ``(N, K)`` scores.
    y_score : (N,) scores, or (N, K) probabilities (rows sum to 1)
        With K columns, each class is scored against the rest.
    average : {"macro", "weighted"}
        For K classes: the plain mean of the K areas, or weighted by each class's share.

    Returns
    -------
    float in [0, 1]
    """
    check_choice(average, "average", ("macro", "weighted"))
    scores = to_numpy(y_score, "y_score")
    if scores.ndim != 2:
        return _binary_auc(y_true, y_score)
    true, probs = check_class_scores(y_true, scores, "y_score", probabilities=True)
    n_classes = probs.shape[1]
    counts = np.bincount(true, minlength=n_classes)
    if (counts == 0).any():
        raise InputError(f"one-vs-rest ROC AUC needs every class 0..{n_classes - 1} of the "
                         f"{n_classes} score columns in y_true; counts per label are "
                         f"{counts.tolist()}. Use a test set with every class, or drop the "
                         "columns of missing classes and renumber.")
    areas = np.array([_binary_auc(true == k, probs[:, k]) for k in range(n_classes)])
    weights = counts if average == "weighted" else None
    return float(np.average(areas, weights=weights))
