"""The best score found so far against the budget spent: how search strategies are compared.

Introduced in ``16_hyperparameter_search.ipynb``, section 7 (the plot of every strategy's best
validation accuracy against the epochs it spent).
"""

from __future__ import annotations

import math
import numbers
from typing import Sequence

import numpy as np

from course_utils.validation import InputError, describe


def best_so_far(costs: Sequence[float], scores: Sequence[float | None]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative budget and running best score, one entry per evaluation.

    Parameters
    ----------
    costs : sequence of float, length N
        What each evaluation cost (epochs, seconds), in the order they ran; each >= 0.
    scores : sequence of float or None, length N
        The score each evaluation produced, larger is better; ``None`` (or NaN) for one that
        gives no comparable score (a run stopped early, or trained on a smaller budget).

    Returns
    -------
    spent : (N,) float64 ndarray
        Budget spent after each evaluation (the running sum of ``costs``).
    best : (N,) float64 ndarray
        Best score among the evaluations so far; NaN until the first comparable score.

    Raises
    ------
    InputError
        For lengths that differ, an empty input, a negative or non-finite cost, or a score that
        is not a number or None.

    Examples
    --------
    >>> best_so_far([1, 3, 3], [None, 0.7, 0.6])
    (array([1., 4., 7.]), array([nan, 0.7, 0.7]))
    """
    if isinstance(costs, (str, bytes)) or not isinstance(costs, Sequence | np.ndarray):
        raise InputError(f"costs must be a list of numbers, got {describe(costs)}.")
    if isinstance(scores, (str, bytes)) or not isinstance(scores, Sequence | np.ndarray):
        raise InputError(f"scores must be a list of numbers (None for no score), got "
                         f"{describe(scores)}.")
    if len(costs) != len(scores) or len(costs) == 0:
        raise InputError(f"costs and scores must have the same length, at least 1; got "
                         f"{len(costs)} and {len(scores)}. Give one cost and one score (or "
                         "None) per evaluation.")
    spent, best = np.empty(len(costs)), np.full(len(costs), math.nan)
    total, top = 0.0, -math.inf
    for i, (cost, score) in enumerate(zip(costs, scores)):
        if isinstance(cost, bool) or not isinstance(cost, numbers.Real) \
                or not math.isfinite(cost) or cost < 0:
            raise InputError(f"costs[{i}] must be a finite number >= 0 (the budget that "
                             f"evaluation spent), got {describe(cost)}.")
        if score is not None and (isinstance(score, bool)
                                  or not isinstance(score, numbers.Real)):
            raise InputError(f"scores[{i}] must be a number or None, got {describe(score)}.")
        total += float(cost)
        if score is not None and not math.isnan(score):
            top = max(top, float(score))
        spent[i] = total
        best[i] = top if top > -math.inf else math.nan
    return spent, best
