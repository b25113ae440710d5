"""Checkers for the exercises of ``16_hyperparameter_search.ipynb``.

1. ``check_halving_step``: one step of successive halving, the survivors of a rung;
2. ``check_sign_test``: the two-sided sign test on paired scores;
3. ``check_halving_cost``: a prediction of the epochs successive halving spends;
4. ``check_grid_values``: a prediction of how many learning rates a grid tries.

The functions are compared with the references below on hidden, seeded cases; SciPy's
``binomtest`` and the course's own code are refused.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from scipy.stats import binomtest

from course_utils.exercises.framework import Wrong, as_number, call, exercise


def reference_step(configs: list, scores: list[float], eta: int) -> list:
    """The best ``max(1, len(configs) // eta)`` configurations, best first, ties in order.

    Parameters
    ----------
    configs : list
        The n configurations of a rung (any objects).
    scores : list of float
        One score per configuration, larger is better.
    eta : int
        Reduction factor (>= 2).

    Returns
    -------
    list
        The configurations that go on to the next rung.
    """
    order = sorted(range(len(configs)), key=lambda k: -scores[k])
    return [configs[k] for k in order[:max(1, len(configs) // eta)]]


def _step_cases() -> list[tuple[list, list[float], int, str]]:
    rng = np.random.default_rng(1601)
    cases = [(["a", "b", "c", "d", "e", "f"], [0.5, 0.9, 0.1, 0.7, 0.3, 0.8], 3,
              "6 named configurations, eta=3"),
             (["x", "y"], [0.2, 0.6], 3, "2 configurations, eta=3 (fewer than eta)"),
             ([{"lr": 0.1}, {"lr": 0.01}, {"lr": 1.0}, {"lr": 0.001}], [0.7, 0.7, 0.1, 0.7], 2,
              "4 dicts with tied scores, eta=2")]
    for n, eta in ((9, 3), (27, 3), (10, 4), (17, 2)):
        scores = np.round(rng.uniform(0.1, 0.9, n), 2).tolist()  # rounding makes ties likely
        configs = [{"lr": float(10 ** rng.uniform(-3, 0)), "id": i} for i in range(n)]
        cases.append((configs, scores, eta, f"{n} hidden configurations, eta={eta}"))
    return cases


@exercise("ch16.ex1", title="a step of successive halving", kind="function",
          expects="a function halving_step(configs, scores, eta) -> list of configurations",
          hints=("Sort the positions 0..n-1 by score, largest first; Python's sort is stable, "
                 "so equal scores keep their order.",
                 "How many go on: the number of configurations divided by eta, rounded down, "
                 "but never fewer than one.",
                 "Return the configurations at the kept positions (not the positions, not the "
                 "scores), in the sorted order."),
          solution="halving_step")
def check_halving_step(fn: Callable) -> str:
    """Exercise 1: ``fn(configs, scores, eta)`` keeps the best ``max(1, n // eta)``, best first."""
    for configs, scores, eta, case in _step_cases():
        got = call(fn, list(configs), list(scores), eta, case=case)
        want = reference_step(configs, scores, eta)
        if not isinstance(got, (list, tuple)):
            raise Wrong(f"On {case} the result is {type(got).__name__}; return a list of the "
                        "configurations that go on.")
        got = list(got)
        if got == want:
            continue
        keep = len(want)
        worst = [configs[k] for k in sorted(range(len(configs)), key=lambda k: scores[k])[:keep]]
        if got == worst:
            raise Wrong(f"On {case} you kept the lowest scores; larger is better, so sort from "
                        "the largest score down.")
        if got and all(isinstance(g, float) for g in got) and set(got) <= set(scores):
            raise Wrong(f"On {case} you returned scores; return the configurations themselves.")
        if got and all(isinstance(g, int) and not isinstance(g, bool) for g in got) and \
                not all(isinstance(c, int) for c in configs):
            raise Wrong(f"On {case} you returned positions; return the configurations at those "
                        "positions.")
        if len(got) != keep:
            rule = (" Round down, and keep at least one." if len(got) in
                    (math.ceil(len(configs) / eta), 0) else "")
            raise Wrong(f"On {case} {len(got)} configurations go on; expected {keep} "
                        f"(n // eta, at least one).{rule}")
        if sorted(map(repr, got)) == sorted(map(repr, want)):
            raise Wrong(f"On {case} the right configurations go on, in the wrong order: best "
                        "first, and on a tie the one that came first in configs.")
        raise Wrong(f"On {case} the configurations that go on are not the best {keep}.")
    return ("Right on every hidden case: that step, repeated with eta times the budget, is all of "
            "successive halving.")


def reference_sign_test(a: list[float], b: list[float]) -> float:
    """Two-sided sign test p-value, ties dropped (1.0 when every pair is tied).

    Parameters
    ----------
    a, b : list of float
        Paired scores of equal length (e.g. two configurations, one pair per seed).

    Returns
    -------
    float
        The p-value, in (0, 1].
    """
    wins = sum(x > y for x, y in zip(a, b))
    losses = sum(x < y for x, y in zip(a, b))
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(wins, losses) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def _sign_cases() -> list[tuple[list[float], list[float], str]]:
    rng = np.random.default_rng(1602)
    cases = [([0.80, 0.82, 0.79, 0.81, 0.83], [0.78, 0.80, 0.80, 0.79, 0.80],
              "5 pairs, 4 wins for a"),
             ([0.7, 0.7, 0.7], [0.7, 0.7, 0.7], "3 tied pairs"),
             ([0.1, 0.5, 0.3, 0.6, 0.2, 0.4], [0.2, 0.4, 0.4, 0.5, 0.3, 0.3],
              "6 pairs, 3 wins each"),
             ([0.9] * 8, [0.8] * 8, "8 pairs all won by a")]
    for n, shift in ((10, 0.0), (12, 0.01), (20, -0.005), (7, 0.02)):
        a = np.round(rng.normal(0.8 + shift, 0.01, n), 2)
        b = np.round(rng.normal(0.8, 0.01, n), 2)  # rounding to 0.01 leaves some ties
        cases.append((a.tolist(), b.tolist(), f"{n} hidden pairs"))
    return cases


def _with_ties_kept(a: list[float], b: list[float]) -> float:
    wins, n = sum(x > y for x, y in zip(a, b)), len(a)
    tail = sum(math.comb(n, k) for k in range(min(wins, n - wins) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


@exercise("ch16.ex2", title="the sign test on paired scores", kind="function",
          expects="a function sign_test(a, b) -> float p-value in (0, 1]",
          hints=("Count the pairs where a is larger and where b is larger; the tied ones tell "
                 "nothing about which is better and are left out.",
                 "With n untied pairs and no real difference, each is won by a with probability "
                 "1/2: the number of wins is binomial. math.comb(n, k) / 2**n is one outcome's "
                 "probability.",
                 "Sum those probabilities from 0 to the smaller of the two counts, double the sum "
                 "(two-sided) and cap it at 1."),
          solution="sign_test", forbidden=(binomtest,))
def check_sign_test(fn: Callable) -> str:
    """Exercise 2: ``fn(a, b)`` equals the two-sided sign test with ties dropped."""
    for a, b, case in _sign_cases():
        got = as_number(call(fn, list(a), list(b), case=case), what=f"the p-value on {case}",
                        expects="a number in (0, 1]")
        want = reference_sign_test(a, b)
        if abs(got - want) <= 1e-9:
            continue
        if got > 1:
            raise Wrong(f"On {case} the p-value is {got:.4g}, above 1: a probability is capped "
                        "at 1.")
        if want < 1 and abs(got - want / 2) <= 1e-9:
            raise Wrong(f"On {case} you return one tail ({got:.4g}); the question is whether "
                        f"either is better, so double it (expected {want:.4g}).")
        ties = any(x == y for x, y in zip(a, b))
        if ties and abs(got - _with_ties_kept(a, b)) <= 1e-9:
            raise Wrong(f"On {case} the tied pairs were counted; drop them before counting.")
        raise Wrong(f"On {case} the p-value is {got:.4g}; expected {want:.4g}.")
    return ("Right on every hidden case. With 5 seeds the smallest possible p-value is 2/32 = "
            "0.0625: five seeds can never show a difference at the 5% level this way.")


@exercise("ch16.ex3", title="the cost of successive halving", kind="number",
          expects="a number of epochs",
          hints=("Write the rungs out: how many configurations, and how many epochs each, from "
                 "1 epoch up to the full budget.",
                 "Each rung keeps a third and triples the epochs; the rung at the full budget is "
                 "the last.",
                 "A rung costs its configurations times its epochs; add the rungs."),
          solution="halving_epochs")
def check_halving_cost(value: float) -> str:
    """Exercise 3: 81 x 1 + 27 x 3 + 9 x 9 + 3 x 27 = 324 epochs."""
    if value == 324:
        return ("Right: four rungs of 81 epochs each, 324 in all, against 81 x 27 = 2,187 to "
                "train every configuration fully: about a seventh.")
    if value == 81 + 27 + 9 + 3:
        raise Wrong("That counts the training runs. Each run trains for its rung's number of "
                    "epochs.")
    if value == 81 * 27:
        raise Wrong("That is the cost of training all 81 configurations for the full 27 epochs; "
                    "successive halving stops most of them early.")
    if value == 324 + 27:
        raise Wrong("The rung at 27 epochs is the last: the budget cannot grow beyond the full "
                    "budget, and it ends there with the best of its configurations.")
    raise Wrong(f"{value:g} epochs is not it.")


@exercise("ch16.ex4", title="learning rates a grid tries", kind="number",
          expects="a whole number",
          hints=("Each of the four hyperparameters takes the same few values again and again.",
                 "The learning-rate axis of the grid has as many points as values were chosen "
                 "for it."),
          solution="grid_learning_rates")
def check_grid_values(value: float) -> str:
    """Exercise 4: a 3 x 3 x 3 x 3 grid tries 3 learning rates."""
    if value == 3:
        return ("Right: 81 runs, and only 3 learning rates among them. If the learning rate is "
                "what matters, the other 78 runs repeat those 3.")
    if value == 81:
        raise Wrong("81 is the number of networks trained; many of them share a learning rate.")
    if value == 12:
        raise Wrong("12 is every value of every hyperparameter; the question is about the "
                    "learning rate only.")
    if value == 4:
        raise Wrong("4 is the number of hyperparameters.")
    raise Wrong(f"{value:g} is not it.")
