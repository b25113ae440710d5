"""Can the predicted probabilities be trusted? Reliability bins, the expected calibration error
(ECE), and temperature scaling.

Introduced in ``08_evaluating_classifiers.ipynb``. A classifier is calibrated when, among the
examples it gives 80% confidence, 80% are right. The confidence of a prediction is its top
probability; the bins split [0, 1] into ``n_bins`` equal intervals ``(lo, hi]`` (the first also
holds 0), as scikit-learn's ``calibration_curve(strategy="uniform")`` does.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_utils.validation import (
    ArrayLike,
    InputError,
    check_class_scores,
    check_positive_int,
    check_scores,
)


class ReliabilityBins(NamedTuple):
    """The reliability diagram's numbers, one entry per bin (NaN where a bin is empty).

    Attributes
    ----------
    edges : (B + 1,) float64, from 0 to 1
    confidence : (B,) float64, mean top probability of the bin's examples
    accuracy : (B,) float64, fraction of the bin's examples predicted right
    counts : (B,) int64, examples in each bin
    """

    edges: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    counts: np.ndarray


def reliability_bins(y_true: ArrayLike, y_prob: ArrayLike, *, n_bins: int = 10
                     ) -> ReliabilityBins:
    """Bin the predictions by confidence; per bin, mean confidence and accuracy.

    Introduced in ``08_evaluating_classifiers.ipynb``.

    Parameters
    ----------
    y_true : (N,) integer labels in ``range(K)``
    y_prob : (N, K) probabilities, rows summing to 1 (e.g. ``logits.softmax(1)``)
        For a binary model with one probability ``p``, pass ``np.stack([1 - p, p], 1)``.
    n_bins : int

    Returns
    -------
    ReliabilityBins
    """
    true, probs = check_class_scores(y_true, y_prob, "y_prob", probabilities=True)
    n_bins = check_positive_int(n_bins, "n_bins")
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == true).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.searchsorted(edges[1:-1], confidence, side="left")
    counts = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(which, weights=confidence, minlength=n_bins) / counts
        mean_acc = np.bincount(which, weights=correct, minlength=n_bins) / counts
    return ReliabilityBins(edges, mean_conf, mean_acc, counts)


def expected_calibration_error(y_true: ArrayLike, y_prob: ArrayLike, *, n_bins: int = 10
                               ) -> float:
    """Gap between confidence and accuracy, averaged over the bins weighted by their counts.

    Introduced in ``08_evaluating_classifiers.ipynb``: ECE = sum over bins of
    (n_b / N) * |accuracy_b - confidence_b|.

    Parameters
    ----------
    y_true : (N,) integer labels in ``range(K)``
    y_prob : (N, K) probabilities, rows summing to 1
    n_bins : int

    Returns
    -------
    float in [0, 1]
        0 for a perfectly calibrated model.
    """
    bins = reliability_bins(y_true, y_prob, n_bins=n_bins)
    full = bins.counts > 0
    gaps = np.abs(bins.accuracy[full] - bins.confidence[full])
    return float(np.sum(bins.counts[full] * gaps) / bins.counts.sum())


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def apply_temperature(logits: ArrayLike, temperature: float) -> np.ndarray:
    """Probabilities ``softmax(logits / temperature)``.

    Introduced in ``08_evaluating_classifiers.ipynb``. A temperature above 1 softens
    over-confident probabilities, below 1 sharpens them; the arg-max (so accuracy) is unchanged.

    Parameters
    ----------
    logits : (N, K) finite scores (before softmax)
    temperature : float > 0

    Returns
    -------
    (N, K) float64 ndarray, rows summing to 1
    """
    z = check_scores(logits, "logits", ndim=2)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating)) \
            or not np.isfinite(temperature) or temperature <= 0:
        raise InputError(f"temperature must be a finite number > 0, got {temperature!r}.")
    return _softmax(z / float(temperature))


def fit_temperature(logits: ArrayLike, y_true: ArrayLike) -> float:
    """The temperature that minimises the cross-entropy of ``softmax(logits / T)``.

    Introduced in ``08_evaluating_classifiers.ipynb``. Fit it on **validation** logits (never on
    the test set), then apply it with :func:`apply_temperature` to new logits. The loss is
    convex in 1 / T, so a bisection on its derivative finds the minimum, between T = 0.01 and
    T = 100.

    Parameters
    ----------
    logits : (N, K) finite scores of a held-out set
    y_true : (N,) integer labels in ``range(K)``

    Returns
    -------
    float
        The temperature T > 0.
    """
    true, z = check_class_scores(y_true, logits, "logits")
    z_true = z[np.arange(len(true)), true]

    def slope(log_beta: float) -> float:  # d loss / d beta, increasing in beta
        beta = np.exp(log_beta)
        return float(np.mean((_softmax(beta * z) * z).sum(axis=1) - z_true))

    low, high = np.log(1e-2), np.log(1e2)
    if slope(high) <= 0:
        raise InputError("the loss keeps falling as the temperature goes to 0: the model gets "
                         "every one of these examples right with a margin. Fit the temperature "
                         "on a held-out set with some mistakes (validation, not training data).")
    if slope(low) > 0:
        raise InputError("the best temperature is above 100: these logits carry almost no "
                         "information about y_true. Check that logits and labels are in the same "
                         "order.")
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if slope(middle) < 0 else (low, middle)
    return float(np.exp(-(low + high) / 2))
