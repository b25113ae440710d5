"""Every lesson notebook's exercises are declared checkers the notebook calls: at least three per
notebook, numbered ex1, ex2, ... in order, and (from 01 on) at least two that ask for code."""

import re

import nbformat
import pytest
from notebook_runs import all_notebooks

from course_utils.exercises import framework

CHECKERS = framework.all_exercises()
NOTEBOOKS = {p.name[:2]: p for p in all_notebooks()}
CHAPTERS = sorted({key.split(".")[0] for key in CHECKERS})


def _keys(chapter: str) -> list[str]:
    return sorted((k for k in CHECKERS if k.startswith(chapter + ".")),
                  key=lambda k: int(k.split(".ex")[1]))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_has_enough_exercises(chapter):
    keys = _keys(chapter)
    assert keys == [f"{chapter}.ex{i}" for i in range(1, len(keys) + 1)], keys
    assert len(keys) >= 3, f"{chapter} has {len(keys)} exercises"
    if chapter != "ch00":
        code = [k for k in keys if CHECKERS[k].exercise.kind == "function"]
        assert len(code) >= 2, f"{chapter}: only {code} ask the learner to write code"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_notebook_calls_every_checker(chapter):
    number = chapter[2:]
    assert number in NOTEBOOKS, f"{chapter} has checkers but no notebook {number}_*.ipynb"
    nb = nbformat.read(NOTEBOOKS[number], as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for key in _keys(chapter):
        name = CHECKERS[key].__name__
        assert re.search(rf"\b{name}\(",
                         code), f"{NOTEBOOKS[number].name} never calls {name} ({key})"
