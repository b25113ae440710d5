"""Notebook housekeeping for maintainers and tests: strip outputs, refresh checked outputs.

Notebooks are stored without outputs, except cells marked ``# NBVAL_CHECK_OUTPUT``: those keep
their (small, text-only) output, which nbval compares on every test run, and a fixed execution
count of 1 (nbval refuses stored outputs on a cell that looks unrun).

    python tests/nbtools.py strip notebooks/*.ipynb     # before committing
    python tests/nbtools.py refresh notebooks/01_*.ipynb  # re-execute, store checked outputs
    python tests/nbtools.py check notebooks/*.ipynb     # what the test suite asserts
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
TEXT_ONLY = {"stream", "execute_result"}
CHECKED_COUNT = 1
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def is_checked(cell) -> bool:
    return cell.cell_type == "code" and CHECK_MARK in cell.source


def _clean_output(output):
    if output.output_type == "execute_result":
        output.execution_count = CHECKED_COUNT
        output.data = {k: v for k, v in output.data.items() if k == "text/plain"}
        output.metadata = {}
    return output


def strip(nb) -> None:
    """Remove outputs and run counts in place, keeping text outputs of checked cells."""
    nb.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in ("tags", "jupyter")}
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        if is_checked(cell):
            cell.outputs = [_clean_output(o) for o in cell.outputs if o.output_type in TEXT_ONLY]
            cell.execution_count = CHECKED_COUNT
        else:
            cell.outputs = []
            cell.execution_count = None


def problems(nb, name: str) -> list[str]:
    """Why ``nb`` is not clean (empty when it is)."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"{name} cell {index}"
        if cell.execution_count != (CHECKED_COUNT if is_checked(cell) else None):
            found.append(f"{where}: stored with execution count {cell.execution_count} "
                         f"(run: python tests/nbtools.py strip {name})")
        if cell.outputs and not is_checked(cell):
            found.append(f"{where}: stored with outputs (run: python tests/nbtools.py strip "
                         f"{name})")
        for output in cell.outputs:
            kinds = set(output.get("data", {})) - {"text/plain"}
            if output.output_type not in TEXT_ONLY or kinds:
                found.append(f"{where}: checked output must be plain text, got "
                             f"{output.output_type} {sorted(kinds)}")
    return found


def refresh(path: Path) -> None:
    """Execute the notebook and store the outputs of its checked cells."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=1800, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    strip(nb)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    command, paths = argv[0], [Path(p) for p in argv[1:]]
    bad = []
    for path in paths:
        if command == "refresh":
            refresh(path)
        elif command == "strip":
            nb = nbformat.read(path, as_version=4)
            strip(nb)
            nbformat.write(nb, path)
        elif command == "check":
            bad += problems(nbformat.read(path, as_version=4), str(path))
        else:
            raise SystemExit(f"unknown command {command!r}; use strip, refresh or check")
    print("\n".join(bad) or f"{len(paths)} notebook(s) ok")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
