"""Successive halving: many configurations on a small budget, the best few on a larger one.

Written on the page in ``16_hyperparameter_search.ipynb``, section 3 ("Successive halving, on
the page"), and tested against that cell (``tests/test_search.py``). Jamieson & Talwalkar
(2016); Hyperband (Li et al., 2017) runs it several times with different starting budgets.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

from course_utils.validation import InputError, check_int_range, describe

Config = TypeVar("Config")


@dataclass(frozen=True)
class Rung(Generic[Config]):
    """One round of successive halving: every surviving configuration at one budget.

    Attributes
    ----------
    resource : int
        The budget each configuration got in this round (e.g. epochs).
    configs : tuple
        The configurations evaluated, best first from the second rung on (the order they were
        kept in); the first rung keeps the order they were given in.
    scores : tuple of float
        ``objective(config, resource)`` for each, in the same order; larger is better.
    """

    resource: int
    configs: tuple[Config, ...]
    scores: tuple[float, ...]


@dataclass(frozen=True)
class HalvingResult(Generic[Config]):
    """What :func:`successive_halving` found and what it spent.

    Attributes
    ----------
    best : config
        The configuration with the highest score in the last rung (the first one on a tie).
    best_score : float
        Its score, at the last rung's budget.
    rungs : list of Rung
        Every round, first to last.
    cost : int
        Total budget spent: the sum over rungs of resource x configurations evaluated (what
        training every run from scratch costs).
    """

    best: Config
    best_score: float
    rungs: list[Rung[Config]]
    cost: int


def successive_halving(objective: Callable[[Config, int], float], configs: Sequence[Config], *,
                       min_resource: int, max_resource: int, eta: int = 3
                       ) -> HalvingResult[Config]:
    """Evaluate every configuration on ``min_resource``, keep the best ``1/eta``, repeat.

    Rung k gives each survivor the budget ``min(min_resource * eta**k, max_resource)``; after
    each rung the ``max(1, len(survivors) // eta)`` highest scores go on (sorted by score, best
    first, ties kept in their previous order). It stops after a rung with a single survivor or
    a rung at ``max_resource``, and returns the best configuration of that last rung.
    Written out in ``16_hyperparameter_search.ipynb``, section 3.

    Parameters
    ----------
    objective : callable
        ``objective(config, resource) -> float``, larger is better (e.g. validation accuracy
        after ``resource`` epochs). It must return a finite number: give a run that diverged
        the worst score instead of NaN.
    configs : sequence
        The ``n`` candidate configurations (any objects, e.g. dicts of hyperparameters),
        ``n >= 1``.
    min_resource : int
        Budget of the first rung, >= 1.
    max_resource : int
        Largest budget any configuration gets, >= ``min_resource``.
    eta : int
        Reduction factor, >= 2: each rung keeps ``1/eta`` of the configurations and gives
        them ``eta`` times the budget.

    Returns
    -------
    HalvingResult
        ``best``, ``best_score``, ``rungs`` (one :class:`Rung` per round) and ``cost``.

    Raises
    ------
    InputError
        For an objective that is not callable, an empty or non-sequence ``configs``, budgets
        that are not positive ints in order, ``eta < 2``, or an objective that returns a value
        that is not a finite number.

    Examples
    --------
    >>> result = successive_halving(lambda c, r: -abs(c - 3) * r, list(range(9)),
    ...                             min_resource=1, max_resource=9)
    >>> result.best, [r.resource for r in result.rungs], result.cost
    (3, [1, 3, 9], 27)
    """
    if not callable(objective):
        raise InputError(f"objective must be a function objective(config, resource) -> float, "
                         f"got {describe(objective)}.")
    if isinstance(configs, (str, bytes)) or not isinstance(configs, Sequence) or not configs:
        raise InputError(f"configs must be a non-empty list of configurations, got "
                         f"{describe(configs)}; e.g. [{{'lr': 0.01}}, {{'lr': 0.1}}].")
    min_resource = check_int_range(min_resource, "min_resource", low=1,
                                   hint="It is the budget of the first rung, e.g. 1 epoch.")
    max_resource = check_int_range(max_resource, "max_resource", low=min_resource,
                                   hint="It is the largest budget (e.g. epochs) a configuration "
                                        "gets; it must be at least min_resource.")
    eta = check_int_range(eta, "eta", low=2, hint="eta=3 keeps a third of the configurations "
                                                  "after each rung and triples their budget.")
    survivors, resource, rungs = list(configs), min_resource, []
    while True:
        scores = [_score(objective, config, resource) for config in survivors]
        rungs.append(Rung(resource, tuple(survivors), tuple(scores)))
        order = sorted(range(len(survivors)), key=lambda k: -scores[k])  # stable on ties
        if len(survivors) == 1 or resource >= max_resource:
            break
        survivors = [survivors[k] for k in order[:max(1, len(survivors) // eta)]]
        resource = min(resource * eta, max_resource)
    top = order[0]
    cost = sum(rung.resource * len(rung.configs) for rung in rungs)
    return HalvingResult(survivors[top], scores[top], rungs, cost)


def _score(objective: Callable, config: object, resource: int) -> float:
    value = objective(config, resource)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value):
        raise InputError(f"objective({config!r}, {resource}) returned {describe(value)}; it "
                         "must return a finite number, larger for better. Give a run that "
                         "diverged the worst score (e.g. 0.0 for an accuracy) instead of NaN.")
    return float(value)
