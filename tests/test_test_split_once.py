"""The test split is touched once: only in the one code cell marked ``# FINAL TEST``.

A lesson that makes its choices on a validation split loads its test split in a single cell, at
the end, whose first line is ``# FINAL TEST``, and computes its test predictions there once. The
cells after it may analyse those predictions (metrics, plots, mistakes), but nothing is trained,
tuned or chosen after it. This module reads each notebook's code (no kernel is started) and
reports every load of a held-out split (``"test"``, or the pets' ``"all"``, which contains it)
outside that cell, a second load inside it, a second marked cell, and any later call that
trains, tunes or chooses (``TRAINING_CALLS``). Every notebook that loads a held-out split
anywhere, or carries the marker, is checked, and those of ``MUST_HAVE_ONE`` always are.
"""

from __future__ import annotations

import ast
import copy
import re

import nbformat
import pytest
from notebook_runs import all_notebooks, python_source

FINAL_MARKER = "# FINAL TEST"
HELD_OUT_SPLITS = {"test", "all"}
MUST_HAVE_ONE = ("05_training_from_scratch.ipynb", "07_transfer_learning.ipynb")
NOTEBOOKS = {p.name: p for p in all_notebooks()}
TRAINING_CALLS = re.compile(
    r"(fit|adversarial_fit|fine_tune|train\w*|tune\w*|search\w*|\w+_search|successive_halving"
    r"|choose\w*|select\w*|backward|step|zero_grad|load_state_dict)")
"""Functions and methods that train (``fit``, ``.backward()``, ``.step()``, ``model.train()``),
tune or search, or choose (``choose_threshold``, ``load_state_dict`` of another model)."""


def _parse(source: str) -> ast.Module:
    # IPython magics (%matplotlib inline) and shell escapes are not Python.
    return ast.parse(python_source(source))


def _is_marked(source: str) -> bool:
    return any(line.strip().startswith(FINAL_MARKER) for line in source.splitlines()[:3])


def _is_held_out(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in HELD_OUT_SPLITS


def _held_out_loads(tree: ast.AST) -> list[ast.Call]:
    """Calls like ``load_dataset("mnist", "test")``, ``load_x(split="all")`` or
    ``data.subset(test_idx, "test")`` (a held-out part of a loaded folder), also with the
    split a loop variable over such names (``for split in ("train", "test")``)."""
    looped = set()   # names a loop or comprehension binds to a held-out split
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and any(
                _is_held_out(n) for n in ast.walk(node.iter)):
            looped |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if not (name.startswith("load") or name == "subset"):   # data.subset(idx, "test") too
            continue
        args = list(node.args) + [k.value for k in node.keywords if k.arg in (None, "split")]
        if any(_is_held_out(a) or isinstance(a, ast.Name) and a.id in looped for a in args):
            found.append(node)
    return found


def _training_calls(tree: ast.AST) -> list[str]:
    """Names of the calls in ``tree`` that train, tune or choose (``TRAINING_CALLS``)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if TRAINING_CALLS.fullmatch(name):
                names.append(name)
    return sorted(set(names))


def test_split_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Every way ``nb`` touches its test split other than once, in its ``# FINAL TEST`` cell.

    Returns
    -------
    list of str
        One sentence per problem; empty when the notebook follows the rule.
    """
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    trees = [_parse(source) for source in cells]
    marked = [i for i, source in enumerate(cells) if _is_marked(source)]
    problems = []
    if len(marked) != 1:
        problems.append(f"{len(marked)} code cells are marked {FINAL_MARKER!r}; exactly one "
                        "must be (the last look at the test split).")
    final = marked[0] if marked else None
    for i, tree in enumerate(trees):
        loads = _held_out_loads(tree)
        if i != final and loads:
            problems.append(f"code cell {i} loads a held-out split ({len(loads)} time(s)) "
                            f"outside the {FINAL_MARKER!r} cell.")
        if i == final and len(loads) != 1:
            problems.append(f"the {FINAL_MARKER!r} cell loads a held-out split {len(loads)} "
                            "times; load it once.")
    if final is not None:
        for i in range(final + 1, len(trees)):
            calls = _training_calls(trees[i])
            if calls:
                problems.append(f"code cell {i}, after the final test, trains, tunes or "
                                f"chooses: {calls}; do that before the {FINAL_MARKER!r} cell.")
    return problems


test_split_problems.__test__ = False  # a helper, not a test


def touches_held_out_data(nb: nbformat.NotebookNode) -> bool:
    """Whether any code cell of ``nb`` loads a held-out split or carries the marker."""
    return any(_is_marked(c.source) or _held_out_loads(_parse(c.source))
               for c in nb.cells if c.cell_type == "code")


def _notebooks_to_check() -> list[str]:
    return sorted(name for name, path in NOTEBOOKS.items() if name in MUST_HAVE_ONE
                  or touches_held_out_data(nbformat.read(path, as_version=4)))


@pytest.mark.parametrize("name", _notebooks_to_check())
def test_notebook_touches_its_test_split_once(name):
    nb = nbformat.read(NOTEBOOKS[name], as_version=4)
    assert test_split_problems(nb) == []


def _final_cell(nb: nbformat.NotebookNode) -> int:
    return next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and _is_marked(c.source))


@pytest.mark.parametrize("name", MUST_HAVE_ONE)
def test_a_copy_that_evaluates_twice_fails(name):
    nb = nbformat.read(NOTEBOOKS[name], as_version=4)
    final = _final_cell(nb)

    early = copy.deepcopy(nb)   # the final cell's code also run earlier, unmarked
    unmarked = copy.deepcopy(nb.cells[final])
    unmarked.source = unmarked.source.replace(FINAL_MARKER, "# a peek")
    early.cells.insert(final - 1, unmarked)
    assert any("outside" in p for p in test_split_problems(early))

    twice = copy.deepcopy(nb)   # two marked cells
    twice.cells.insert(final + 1, copy.deepcopy(nb.cells[final]))
    assert any("2 code cells are marked" in p for p in test_split_problems(twice))


def test_analysis_after_the_final_cell_passes_training_and_a_second_load_fail():
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        cell("train = load_dataset('mnist', 'train')\nmodel = fit(model, train)"),
        cell(f"{FINAL_MARKER}\ntest = load_dataset('mnist', 'test')\n"
             "probs = predict_proba(model, test.images)"),
        cell("acc = accuracy_score(test.labels, probs.argmax(1))\nplot_mistakes(test, probs)"),
    ])
    assert test_split_problems(nb) == [], "analysing the test predictions is allowed"
    for trains in ["history = fit(model, train)", "loss.backward()", "optimizer.step()",
                   "model.train()", "best = random_search(space, trials=8)",
                   "threshold = choose_threshold(val_probs)", "model.load_state_dict(other)"]:
        nb.cells[2].source = trains
        assert any("after the final test, trains" in p for p in test_split_problems(nb)), trains
    nb.cells[2].source = "pets = load_dataset('pets', split='all')"
    assert any("code cell 2 loads" in p for p in test_split_problems(nb))
    nb.cells[2].source = "print('done')"
    assert test_split_problems(nb) == []
    nb.cells[1].source += "\nagain = load_dataset('mnist', 'test')"
    assert any("2 times" in p for p in test_split_problems(nb))


def test_a_notebook_without_a_marked_cell_is_flagged():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    assert test_split_problems(nb) == [
        f"0 code cells are marked {FINAL_MARKER!r}; exactly one must be (the last look at the "
        "test split)."]


def test_a_notebook_that_loads_test_data_without_a_marker_is_checked_and_flagged():
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        cell("train = load_dataset('mnist', 'train')"),
        cell("test = load_dataset('mnist', 'test')\nacc = evaluate(model, test)"),
    ])
    assert touches_held_out_data(nb)
    assert test_split_problems(nb) == [
        f"0 code cells are marked {FINAL_MARKER!r}; exactly one must be (the last look at the "
        "test split).",
        f"code cell 1 loads a held-out split (1 time(s)) outside the {FINAL_MARKER!r} cell."]
    nb.cells[1].source = "val = load_dataset('mnist', 'train')"
    assert not touches_held_out_data(nb), "a notebook that never loads held-out data is left alone"
    nb.cells[1].source = "sets = {s: load_dataset('mnist', s) for s in ('train', 'test')}"
    assert touches_held_out_data(nb), "a split named through a loop variable is still a load"
