"""course_utils.search: successive halving equals the loop written in notebook 16, best_so_far,
and every bad input is an InputError that says what to do."""

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_utils.search import best_so_far, successive_halving
from course_utils.validation import InputError

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "16_hyperparameter_search.ipynb"


def _page_halving():
    """The ``halving`` function as the notebook's cell defines it (run on its own)."""
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
             if c.cell_type == "code" and "def halving(" in c.source]
    assert len(cells) == 1, "notebook 16 has one cell that writes successive halving"
    assert len(cells[0].splitlines()) <= 30, "the page's version stays short enough to read"
    namespace: dict = {}
    exec(compile(cells[0], "16_hyperparameter_search.ipynb", "exec"), namespace)
    return namespace["halving"]


def _toy(config, resource):
    """A seeded problem: a true score per config plus noise that shrinks with the budget."""
    noise = np.random.default_rng([config["id"], resource]).normal(0, 0.5 / resource)
    return float(-(config["x"] - 0.3) ** 2 + noise)


def _configs(n, seed):
    rng = np.random.default_rng(seed)
    return [{"id": i, "x": float(x)} for i, x in enumerate(rng.uniform(0, 1, n))]


def _as_page(result):
    rungs = [(r.resource, list(zip(r.configs, r.scores))) for r in result.rungs]
    return result.best, result.best_score, rungs, result.cost


@pytest.mark.parametrize("n,min_resource,max_resource,eta", [
    (27, 1, 9, 3), (81, 1, 27, 3), (16, 1, 16, 2), (10, 2, 20, 4), (9, 1, 3, 3), (5, 3, 3, 3),
    (1, 1, 9, 3), (2, 1, 100, 3)])
def test_the_notebooks_halving_equals_the_package(n, min_resource, max_resource, eta):
    halving = _page_halving()
    configs = _configs(n, seed=n + eta)
    page = halving(_toy, configs, min_resource, max_resource, eta)
    package = successive_halving(_toy, configs, min_resource=min_resource,
                                 max_resource=max_resource, eta=eta)
    assert page == _as_page(package)


def test_ties_keep_the_order_given_in_both():
    halving = _page_halving()
    configs = list("abcdefghi")
    flat = lambda config, resource: 0.5  # noqa: E731 (every configuration ties)
    package = successive_halving(flat, configs, min_resource=1, max_resource=9)
    assert halving(flat, configs, 1, 9) == _as_page(package)
    assert [r.configs for r in package.rungs] == [tuple("abcdefghi"), tuple("abc"), ("a",)]
    assert package.best == "a"


def test_rungs_budgets_and_cost():
    result = successive_halving(_toy, _configs(27, 0), min_resource=1, max_resource=9, eta=3)
    assert [(r.resource, len(r.configs)) for r in result.rungs] == [(1, 27), (3, 9), (9, 3)]
    assert result.cost == 81 and result.best in result.rungs[-1].configs
    assert result.best_score == max(result.rungs[-1].scores)
    # the survivors of a rung are the best of the rung before, best first
    first = result.rungs[0]
    order = sorted(range(27), key=lambda k: -first.scores[k])
    assert result.rungs[1].configs == tuple(first.configs[k] for k in order[:9])
    capped = successive_halving(_toy, _configs(9, 1), min_resource=1, max_resource=3, eta=3)
    assert [(r.resource, len(r.configs)) for r in capped.rungs] == [(1, 9), (3, 3)]
    assert capped.cost == 18


def test_the_docstring_example():
    result = successive_halving(lambda c, r: -abs(c - 3) * r, list(range(9)),
                                min_resource=1, max_resource=9)
    assert (result.best, [r.resource for r in result.rungs], result.cost) == (3, [1, 3, 9], 27)


@pytest.mark.parametrize("kwargs,match", [
    ({"objective": "accuracy"}, "objective must be a function"),
    ({"configs": []}, "non-empty list"),
    ({"configs": "abc"}, "non-empty list"),
    ({"configs": {"lr": 0.1}}, "non-empty list"),
    ({"min_resource": 0}, "min_resource must be an int >= 1"),
    ({"min_resource": 1.5}, "min_resource must be an int"),
    ({"min_resource": True}, "min_resource must be an int"),
    ({"max_resource": 0}, "max_resource must be an int >= 1"),
    ({"min_resource": 4, "max_resource": 3}, "at least min_resource"),
    ({"eta": 1}, "eta must be an int >= 2"),
    ({"eta": 2.0}, "eta must be an int"),
    ({"objective": lambda c, r: float("nan")}, "finite number"),
    ({"objective": lambda c, r: None}, "finite number"),
    ({"objective": lambda c, r: "0.9"}, "finite number"),
])
def test_bad_inputs_say_what_and_how_to_fix(kwargs, match):
    arguments = {"objective": lambda c, r: float(c), "configs": [1, 2, 3], "min_resource": 1,
                 "max_resource": 9, "eta": 3} | kwargs
    objective, configs = arguments.pop("objective"), arguments.pop("configs")
    with pytest.raises(InputError, match=match):
        successive_halving(objective, configs, **arguments)


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        successive_halving(lambda c, r: 0.0, [1], 1, 9)  # type: ignore[misc]


def test_best_so_far():
    spent, best = best_so_far([1, 3, 3, 9], [None, 0.7, 0.6, float("nan")])
    assert spent.tolist() == [1, 4, 7, 16]
    assert math.isnan(best[0]) and best[1:].tolist() == [0.7, 0.7, 0.7]
    spent, best = best_so_far(np.array([2.0, 2.0]), np.array([0.1, 0.3]))
    assert spent.tolist() == [2, 4] and best.tolist() == [0.1, 0.3]


@pytest.mark.parametrize("costs,scores,match", [
    ([1, 2], [0.5], "same length"),
    ([], [], "at least 1"),
    ("12", [0.1, 0.2], "costs must be a list"),
    ([1, 2], "ab", "scores must be a list"),
    ([1, -1], [0.1, 0.2], "costs\\[1\\] must be a finite number >= 0"),
    ([1, float("inf")], [0.1, 0.2], "costs\\[1\\]"),
    ([1, 2], [0.1, "0.2"], "scores\\[1\\] must be a number or None"),
    ([True, 2], [0.1, 0.2], "costs\\[0\\]"),
])
def test_best_so_far_bad_inputs(costs, scores, match):
    with pytest.raises(InputError, match=match):
        best_so_far(costs, scores)
