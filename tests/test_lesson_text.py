"""What a learner reads: one voice, cells a person can read, exercises as promised, one time line.

- Markdown and code comments speak to the learner: no build logs (load averages, CI, test runs,
  benchmark names, the course's own history).
- No code cell is longer than ``MAX_CELL_LINES``.
- Every exercise's id (``chNN.exK``) is in the markdown, and the notebook imports
  ``show_solution`` and says in its markdown how to use it.
- The header's one ``**Time**`` line is :func:`course_utils.readiness.time_line`'s.
"""

from __future__ import annotations

import io
import re
import tokenize

import nbformat
import pytest
from notebook_runs import all_notebooks, python_source

from course_utils.exercises import framework
from course_utils.readiness import TIME_LINE_START, time_line

MAX_CELL_LINES = 40
BUILD_LOG = {
    r"load averages?": "the machine's load is not the learner's concern",
    r"\bCI\b|continuous integration": "CI is how the course is tested, not what it teaches",
    r"\bnbval\b|\bpytest\b": "the test runner",
    r"benchmark": "benchmark names and figures belong in benchmarks/",
    r"\b(in|over|across) (two|three|four|five|\d+) runs\b": "run counts",
    r"testing at once|people testing": "who ran the tests",
    r"\bthe seed\b": "'the seed' of the course; say 'the random seed'",
    r"\b(busy|quiet|shared|ci) (machine|cpu|2-core)": "machine narrative",
    r"\bquiet 2-core\b": "machine narrative",
    r"wait on each other": "thread scheduling is course_utils.env's concern",
    r"\bFINDINGS\b": "the maintainers' notes",
    r"earlier version|used to be|this notebook used to": "the course's history",
    r"fast-mode run|test suite|\bthe suite\b": "how the course is tested",
}
NOTEBOOKS = {p.name: p for p in all_notebooks()}


def _comments(source: str) -> list[str]:
    """The ``#`` comments of a code cell (IPython magics and shell lines left out)."""
    python = python_source(source)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [line for line in python.splitlines() if line.lstrip().startswith("#")]
    return [t.string for t in tokens if t.type == tokenize.COMMENT]


def build_log_phrases(nb: nbformat.NotebookNode) -> list[str]:
    """Every build-log phrase in ``nb``'s markdown and code comments: ``cell i: 'text' (why)``."""
    found = []
    for i, cell in enumerate(nb.cells):
        texts = [cell.source] if cell.cell_type == "markdown" else _comments(cell.source)
        for text in texts:
            for pattern, why in BUILD_LOG.items():
                for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                    found.append(f"cell {i}: {match.group(0)!r} ({why})")
    return found


def long_cells(nb: nbformat.NotebookNode) -> list[str]:
    """Code cells over ``MAX_CELL_LINES`` lines, as ``cell i: n lines``."""
    return [f"cell {i}: {len(c.source.splitlines())} lines" for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and len(c.source.splitlines()) > MAX_CELL_LINES]


def exercise_problems(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """What is missing of the exercises' promise: ids in the text, ``show_solution``."""
    chapter = f"ch{name[:2]}"
    keys = sorted(k for k in framework.all_exercises() if k.startswith(chapter + "."))
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    problems = [f"no exercises registered for {chapter}"] if not keys else []
    problems += [f"{key} is not named in the markdown" for key in keys
                 if not re.search(rf"\b{re.escape(key)}\b", markdown)]
    if not re.search(r"^from course_utils\.exercises import .*\bshow_solution\b", code,
                     flags=re.MULTILINE):
        problems.append("show_solution is not imported from course_utils.exercises")
    if "show_solution(" not in markdown:
        problems.append("the markdown never says how to call show_solution(...)")
    return problems


def time_line_problems(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """The header must hold exactly one ``**Time**`` line, the one readiness writes."""
    lines = [line for c in nb.cells if c.cell_type == "markdown"
             for line in c.source.splitlines() if line.startswith(TIME_LINE_START)]
    if len(lines) != 1:
        return [f"{len(lines)} lines start with {TIME_LINE_START!r}; the header needs one"]
    expected = time_line(name[:2])
    return [] if lines[0] == expected else [
        f"time line {lines[0]!r} is not {expected!r}: run "
        "`python -m course_utils.publish prepare notebooks/*.ipynb`"]


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_speaks_to_the_learner(name):
    assert build_log_phrases(nbformat.read(NOTEBOOKS[name], as_version=4)) == []


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_no_code_cell_is_too_long(name):
    assert long_cells(nbformat.read(NOTEBOOKS[name], as_version=4)) == []


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_exercises_as_promised(name):
    assert exercise_problems(nbformat.read(NOTEBOOKS[name], as_version=4), name) == []


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_one_time_line_from_readiness(name):
    assert time_line_problems(nbformat.read(NOTEBOOKS[name], as_version=4), name) == []


def _notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    return nbformat.v4.new_notebook(cells=[make[kind](source) for kind, source in cells])


@pytest.mark.parametrize("cells", [
    [("markdown", "This ran at a load average of 1.1 on the grader.")],
    [("code", "x = 1  # on CI this takes 20 s")],
    [("code", "# Two threads on a busy machine wait on each other.\nimport torch")],
    [("markdown", "The accuracy was 0.98 in two runs.")],
])
def test_a_build_log_phrase_is_found(cells):
    assert build_log_phrases(_notebook(*cells))


def test_learner_text_passes():
    nb = _notebook(("markdown", "Set the random seed, then train: the loss falls."),
                   ("code", "seed_everything(0)  # the same numbers on every run\n"
                            "s = '# load average in a string is code, not a comment'"))
    assert build_log_phrases(nb) == []


def test_a_long_cell_is_found():
    nb = _notebook(("code", "\n".join(f"x{i} = {i}" for i in range(MAX_CELL_LINES + 1))),
                   ("code", "\n".join(f"y{i} = {i}" for i in range(MAX_CELL_LINES))))
    assert long_cells(nb) == [f"cell 0: {MAX_CELL_LINES + 1} lines"]


def test_missing_exercise_promises_are_found():
    nb = _notebook(("markdown", "### Exercise ch05.ex1"), ("code", "from x import y"))
    problems = exercise_problems(nb, "05_training_from_scratch.ipynb")
    assert any("ch05.ex2 is not named" in p for p in problems)
    assert any("not imported" in p for p in problems)
    assert any("never says" in p for p in problems)


def test_a_wrong_time_line_is_found():
    nb = _notebook(("markdown", "# 05\n\n**Time** an afternoon."))
    assert "is not" in time_line_problems(nb, "05_training_from_scratch.ipynb")[0]
    nb = _notebook(("markdown", "# 05\n\n" + time_line("05")))
    assert time_line_problems(nb, "05_training_from_scratch.ipynb") == []
