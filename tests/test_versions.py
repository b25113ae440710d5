"""Tested versions: the ranges read from the constraints files, the warning for any other version
(`python -m course_utils check` and the Colab install cell), and the Google Drive recipe."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from course_utils.data.paths import cache_dir
from course_utils.env import in_kaggle, keep_on_drive
from course_utils.exercises.progress import progress_path
from course_utils.validation import InputError
from course_utils.versions import (
    WATCHED,
    outside_tested,
    read_pins,
    release,
    version_warnings,
    versions_tested,
)

ROOT = Path(__file__).resolve().parents[1]


def test_release_reads_pip_versions():
    assert release("2.14.1+cu130") == (2, 14, 1)
    assert release("7.7.1") == (7, 7, 1) and release("2.0.0rc1") == (2, 0, 0)
    assert release("unknown") == ()


def test_every_watched_library_has_a_tested_range():
    ranges = versions_tested()
    assert set(ranges) == set(WATCHED)
    assert ranges["ipywidgets"] == ("7.7.1", read_pins(ROOT / "constraints.txt")["ipywidgets"])
    for low, high in ranges.values():
        assert release(low) <= release(high)


@pytest.mark.parametrize("installed,expected", [
    ("1.26.4", "older than"), ("2.0.2", None), ("2.3.1", None), ("2.4.99", None),
    ("2.5.0", "newer than"), ("3.0.0", "newer than"),
])
def test_outside_the_tested_range_warns(installed, expected):
    warning = outside_tested("numpy", installed, "2.0.2", "2.4.6")
    if expected is None:
        assert warning is None
    else:
        assert expected in warning and "2.0.2 to 2.4.6" in warning
        assert 'pip install "numpy==2.4.6"' in warning


def test_version_warnings_name_each_library_out_of_range():
    ranges = {"torch": ("2.14.1", "2.14.1"), "numpy": ("2.0.2", "2.4.6")}
    found = version_warnings({"torch": "2.9.0+cu126", "numpy": "2.1.0"}, ranges)
    assert len(found) == 1 and found[0].startswith("torch 2.9.0+cu126 is older than")
    assert version_warnings({}, ranges) == []


def test_check_warns_about_a_faked_version(tmp_path):
    fake = tmp_path / "numpy-1.0.0.dist-info"  # found first: importlib.metadata reports 1.0.0
    fake.mkdir()
    (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: numpy\nVersion: 1.0.0\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path),
                                                        os.environ.get("PYTHONPATH", "")])}
    ran = subprocess.run([sys.executable, "-m", "course_utils", "check"], capture_output=True,
                         text=True, env=env, timeout=300, cwd=tmp_path)
    assert "WARNING  numpy 1.0.0 is older than the versions the course was tested with" in (
        ran.stdout), ran.stdout + ran.stderr
    plain = subprocess.run([sys.executable, "-m", "course_utils.versions"], capture_output=True,
                           text=True, env=env, timeout=120, cwd=tmp_path)
    assert plain.stdout.startswith("WARNING: numpy 1.0.0 is older than")


def test_kaggle_is_recognised(monkeypatch):
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    assert not in_kaggle()
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    assert in_kaggle()


def test_keep_on_drive_moves_checkpoints_and_progress_to_drive(tmp_path, monkeypatch):
    mounted = []
    drive = types.ModuleType("google.colab.drive")
    drive.mount = lambda point: (mounted.append(point), os.makedirs(point, exist_ok=True))
    colab = types.ModuleType("google.colab")
    colab.drive = drive
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.drive", drive)
    monkeypatch.delenv("COURSE_CACHE_DIR", raising=False)
    monkeypatch.delenv("COURSE_PROGRESS_FILE", raising=False)
    point = tmp_path / "drive"
    folder = keep_on_drive("MyDrive/course", mount_point=str(point))
    assert mounted == [str(point)] and folder == str(point / "MyDrive" / "course")
    assert cache_dir() == point / "MyDrive" / "course"
    assert progress_path() == point / "MyDrive" / "course" / "progress.json"
    with pytest.raises(InputError, match="inside your Drive"):
        keep_on_drive("/etc", mount_point=str(point))


def test_keep_on_drive_outside_colab_says_so(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    with pytest.raises(InputError, match="needs Google Colab"):
        keep_on_drive()
