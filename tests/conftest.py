"""Fixtures shared by the test modules under ``tests/`` (the repository's ``conftest.py`` holds
the suite's wiring: network guard, plotting backend, notebook bookkeeping, ``one_thread``)."""

from __future__ import annotations

import shutil

import pytest

from course_utils.data import data_dir
from course_utils.exercises import progress, runner


@pytest.fixture
def private_progress(monkeypatch, tmp_path):
    """Keep a test's tries out of the learner's progress record, and start each test at the
    first hint step whatever ran before it (``pytestmark = pytest.mark.usefixtures(...)``)."""
    monkeypatch.setenv(progress.PROGRESS_ENV_VAR, str(tmp_path / "progress.json"))
    monkeypatch.setattr(runner, "_failures", {})


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ that a test may damage; loaders read it via COURSE_DATA_DIR."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    monkeypatch.setenv("COURSE_DATA_DIR", str(copy))
    return copy
