"""How sure is a test-set figure? A bootstrap interval for any metric, and McNemar's test for
two models scored on the same examples.

Introduced in ``08_evaluating_classifiers.ipynb`` ("error bars").
"""

from __future__ import annotations

import math
import numbers
from typing import Callable, NamedTuple

import numpy as np

from course_utils.validation import (
    ArrayLike,
    InputError,
    check_label_array,
    check_pair,
    check_positive_int,
    check_same_length,
    to_numpy,
)


class Interval(NamedTuple):
    """A metric on the whole set and a confidence interval around it."""

    estimate: float
    low: float
    high: float


def bootstrap_ci(metric: Callable[[np.ndarray, np.ndarray], float], y_true: ArrayLike,
                 y_pred: ArrayLike, *, n_resamples: int = 1000, confidence: float = 0.95,
                 seed: int = 0) -> Interval:
    """Percentile bootstrap interval of ``metric(y_true, y_pred)``.

    Introduced in ``08_evaluating_classifiers.ipynb``. Draws ``n_resamples`` sets of N examples
    with replacement (the same rows of ``y_true`` and ``y_pred``), computes the metric on each,
    and returns the central ``confidence`` share of those values.

    Parameters
    ----------
    metric : callable
        ``metric(y_true, y_pred) -> float`` on NumPy arrays, e.g. :func:`accuracy`, or
        ``lambda t, s: roc_auc(t, s)`` with scores as ``y_pred``.
    y_true : (N,) integer labels
    y_pred : (N,) labels or (N, ...) scores
        Indexed by row together with ``y_true``.
    n_resamples : int
    confidence : float in (0, 1)
    seed : int
        Seeds NumPy's generator: the same call gives the same interval.

    Returns
    -------
    Interval
        ``(estimate, low, high)``; ``estimate`` is the metric on the whole set.
    """
    if not callable(metric):
        raise InputError(f"metric must be a function metric(y_true, y_pred) -> float, got "
                        f"{type(metric).__name__}.")
    true = check_label_array(y_true, "y_true")
    pred = to_numpy(y_pred, "y_pred")
    check_same_length(y_true=true, y_pred=pred)
    n_resamples = check_positive_int(n_resamples, "n_resamples", minimum=2)
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) \
            or not 0 < confidence < 1:
        raise InputError(f"confidence must be a number in (0, 1), e.g. 0.95, got {confidence!r}.")
    rng = np.random.default_rng(seed)
    estimate = _value(metric, true, pred, "the whole set")
    values = np.empty(n_resamples)
    for i in range(n_resamples):
        rows = rng.integers(0, len(true), len(true))
        values[i] = _value(metric, true[rows], pred[rows], f"bootstrap resample {i}")
    tail = (1 - confidence) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return Interval(estimate, float(low), float(high))


def _value(metric: Callable, y_true: np.ndarray, y_pred: np.ndarray, where: str) -> float:
    try:
        value = float(metric(y_true, y_pred))
    except ValueError as error:
        raise InputError(f"metric failed on {where}: {error}") from error
    except TypeError as error:
        raise InputError(f"metric failed on {where}: {error}") from error
    if not math.isfinite(value):
        raise InputError(f"metric returned {value} on {where}; it must return a finite number "
                         "(on small sets a resample may lack a class: use a larger set).")
    return value


class McNemarResult(NamedTuple):
    """What :func:`mcnemar` returns.

    Attributes
    ----------
    pvalue : float
        Two-sided exact p-value: how surprising the split of disagreements would be if both
        models were equally accurate.
    a_only, b_only : int
        Examples only model A got right, and only model B got right.
    table : (2, 2) int64 ndarray
        Rows: A right, A wrong; columns: B right, B wrong.
    """

    pvalue: float
    a_only: int
    b_only: int
    table: np.ndarray


def _binomial_two_sided(k: int, n: int) -> float:
    """2 P(X <= k) for X ~ Binomial(n, 1/2), capped at 1, computed with exact integers."""
    tail = sum(math.comb(n, i) for i in range(k + 1))
    return min(1.0, 2 * tail / 2**n)


def mcnemar(y_true: ArrayLike, y_pred_a: ArrayLike, y_pred_b: ArrayLike) -> McNemarResult:
    """McNemar's exact test: are two models, scored on the same examples, equally accurate.

    Introduced in ``08_evaluating_classifiers.ipynb``. Only the examples where the models
    disagree about being right carry information; under the null hypothesis each of those is
    equally likely to favour A or B, so ``a_only`` is Binomial(a_only + b_only, 1/2). Equals
    ``statsmodels.stats.contingency_tables.mcnemar(table, exact=True)``.

    Parameters
    ----------
    y_true : (N,) integer labels
    y_pred_a, y_pred_b : (N,) integer labels predicted by models A and B

    Returns
    -------
    McNemarResult
        ``(pvalue, a_only, b_only, table)``.
    """
    true, pred_a = check_pair(y_true, y_pred_a, "y_pred_a")
    pred_b = check_label_array(y_pred_b, "y_pred_b")
    check_same_length(y_true=true, y_pred_b=pred_b)
    right_a, right_b = pred_a == true, pred_b == true
    table = np.array([[np.sum(right_a & right_b), np.sum(right_a & ~right_b)],
                      [np.sum(~right_a & right_b), np.sum(~right_a & ~right_b)]], dtype=np.int64)
    a_only, b_only = int(table[0, 1]), int(table[1, 0])
    pvalue = _binomial_two_sided(min(a_only, b_only), a_only + b_only)
    return McNemarResult(pvalue, a_only, b_only, table)
