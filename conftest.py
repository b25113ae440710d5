"""Test-suite wiring: the network guard, a progress record of its own, a headless plotting backend
for tests, the check that every
notebook under ``notebooks/`` was collected and executed, and seconds per notebook.

It sits at the repository root so that its hooks also see the notebook items nbval collects."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parent
NOTEBOOKS = ROOT / "notebooks"
GUARD = ROOT / "tests" / "netguard"

# Every process started from here on (notebook kernels, subprocesses) loads the guard too.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(GUARD), *filter(None, [os.environ.get("PYTHONPATH")])]
)
sys.path.insert(0, str(GUARD))
sys.path.insert(0, str(ROOT / "tests"))
import course_netguard  # noqa: E402
from notebook_runs import all_notebooks, notebook_run_problems  # noqa: E402

course_netguard.install()
pytest_plugins = ["nbval_captions"]  # tests/nbval_captions.py: each cell's figures have captions
# Checkers record progress; the tests keep theirs out of the learner's own record.
_progress_dir = tempfile.mkdtemp(prefix="course-progress-")
os.environ["COURSE_PROGRESS_FILE"] = os.path.join(_progress_dir, "progress.json")
matplotlib.use("Agg")  # this process only: kernels keep their inline backend

@pytest.fixture(scope="module")
def one_thread():
    """One torch thread for a test module (``pytestmark = pytest.mark.usefixtures("one_thread")``):
    tiny tensors gain nothing from threads, and idle threads spin on a busy machine."""
    from course_utils.env import torch_threads

    with torch_threads(1):
        yield


_outcomes: dict[str, str] = {}
_notebook_seconds: dict[str, float] = {}


class EveryNotebookExecuted(pytest.Item):
    """Fails unless every notebook under notebooks/ was collected and all its cells passed."""

    def __init__(self, *, cells: dict[str, list[str]], **kwargs):
        super().__init__(**kwargs)
        self.cells = cells

    def runtest(self) -> None:
        expected = [str(p.relative_to(ROOT)) for p in all_notebooks()]
        assert expected, f"no notebooks found under {NOTEBOOKS}"
        found = notebook_run_problems(expected, self.cells, _outcomes)
        assert not found, "\n".join(found)

    def reportinfo(self):
        return self.path, None, "every notebook collected and executed"


def pytest_collection_modifyitems(session: pytest.Session, config, items: list) -> None:
    # Only a full run (no paths given on the command line) must cover every notebook.
    if config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    cells: dict[str, list[str]] = {}
    for item in items:
        if item.nodeid.split("::")[0].endswith(".ipynb"):
            cells.setdefault(item.nodeid.split("::")[0], []).append(item.nodeid)
    items.append(EveryNotebookExecuted.from_parent(
        session, name="every_notebook_collected_and_executed", cells=cells))


def pytest_runtest_logreport(report) -> None:
    if report.when == "call" or report.outcome != "passed":
        _outcomes[report.nodeid] = report.outcome
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _notebook_seconds[path] = _notebook_seconds.get(path, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter) -> None:
    if _notebook_seconds:
        terminalreporter.section("seconds per notebook")
        for path, seconds in sorted(_notebook_seconds.items()):
            terminalreporter.write_line(f"{seconds:7.1f}  {path}")
