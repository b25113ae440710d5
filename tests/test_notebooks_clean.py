"""Notebooks are stored without outputs (but for # NBVAL_CHECK_OUTPUT text) and are well formed."""

import nbformat
import nbtools
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from notebook_runs import all_notebooks, notebook_run_problems

NOTEBOOKS = all_notebooks()


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2
    names = [p.name for p in NOTEBOOKS]
    assert names[0] == "00_setup.ipynb"
    numbers = [int(name[:2]) for name in names]
    assert numbers == sorted(set(numbers)), f"notebooks must be numbered uniquely: {names}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nbtools.problems(nb, path.name) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_lesson_template(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("Objectives", "Prerequisites", "Time", "Fast mode", "Exercises", "Summary"):
        assert heading in text, f"{path.name} has no '{heading}' section"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "import *" not in code, f"{path.name} uses a star import"
    assert ".cuda()" not in code, f"{path.name} hard-codes .cuda(); use get_device()"


def test_problems_flags_stored_outputs():
    nb = new_notebook(cells=[new_code_cell("print(1)", execution_count=3,
                                           outputs=[new_output("stream", text="1\n")])])
    found = nbtools.problems(nb, "x.ipynb")
    assert any("execution count" in p for p in found)
    assert any("stored with outputs" in p for p in found)
    nbtools.strip(nb)
    assert nbtools.problems(nb, "x.ipynb") == [] and nb.cells[0].outputs == []


def test_strip_keeps_checked_text_but_drops_images():
    cell = new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)", outputs=[
        new_output("stream", text="1\n"),
        new_output("display_data", data={"image/png": "AAAA", "text/plain": "<Figure>"})])
    nb = new_notebook(cells=[cell])
    nbtools.strip(nb)
    assert [o.output_type for o in nb.cells[0].outputs] == ["stream"]
    assert nbtools.problems(nb, "x.ipynb") == []


def test_run_check_reports_missing_and_failed_notebooks():
    expected = ["notebooks/00.ipynb", "notebooks/01.ipynb", "notebooks/02.ipynb"]
    cells = {"notebooks/00.ipynb": ["a::Cell 0", "a::Cell 1"], "notebooks/01.ipynb": ["b::Cell 0"]}
    outcomes = {"a::Cell 0": "passed", "a::Cell 1": "passed", "b::Cell 0": "failed"}
    found = notebook_run_problems(expected, cells, outcomes)
    assert len(found) == 2
    assert "01.ipynb: 1 of 1 cells did not pass" in found[0]
    assert "02.ipynb: not collected" in found[1]
    outcomes["b::Cell 0"] = "passed"
    cells["notebooks/02.ipynb"] = ["c::Cell 0"]
    assert "not run" in notebook_run_problems(expected, cells, outcomes)[0]
