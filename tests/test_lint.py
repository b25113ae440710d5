"""The code follows the rules configured in pyproject.toml ([tool.ruff]).

The linter runs as a test, so the one test command of the README (and of .ci/run) fails on a
lint error, with ruff's report as the failure message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["course_utils", "tests", "benchmarks", *sorted(p.name for p in ROOT.glob("*.py"))]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *CHECKED],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    if "No module named ruff" in result.stderr:
        raise AssertionError("ruff is not installed: pip install -e '.[test]' (it is in the "
                             "test extra)")
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"ruff check {' '.join(CHECKED)}:\n{report}"
