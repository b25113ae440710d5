"""Which notebooks the suite expects, and what went wrong running them: shared by the
repository's ``conftest.py`` and the tests that walk every notebook."""

from __future__ import annotations

from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def all_notebooks() -> list[Path]:
    """Every lesson notebook, sorted by its number."""
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb"))


def python_source(source: str) -> str:
    """A code cell's source with IPython magics (``%...``) and shell lines (``!...``) blanked.

    Line numbers stay as they were, so what ``ast`` or ``tokenize`` reports points at the cell.
    """
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def notebook_run_problems(
    expected: list[str], cells: dict[str, list[str]], outcomes: dict[str, str]
) -> list[str]:
    """What went wrong with running the notebooks.

    ``expected``: notebook paths; ``cells``: notebook path -> node ids of its collected cells;
    ``outcomes``: node id -> "passed", "failed" or "skipped".
    """
    found = []
    for notebook in expected:
        ids = cells.get(notebook)
        if not ids:
            found.append(f"{notebook}: not collected by nbval (run pytest with --nbval-lax)")
            continue
        not_passed = [i for i in ids if outcomes.get(i) != "passed"]
        if not_passed:
            found.append(
                f"{notebook}: {len(not_passed)} of {len(ids)} cells did not pass "
                f"(first: {not_passed[0]}, {outcomes.get(not_passed[0], 'not run')})"
            )
    return found
