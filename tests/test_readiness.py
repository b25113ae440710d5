"""The readiness report and ``python -m course_utils check``: ready here, and a clear reason when
not.

Broken data is simulated on a temporary copy of ``data/`` (``COURSE_DATA_DIR``), never on the
shipped files.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from course_utils import readiness


def check(**env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course_utils", "check"], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **env})


def test_the_report_says_ready_here_with_everything_it_checks():
    report = readiness.readiness_report()
    assert report["ready"], report["problems"]
    text = readiness.format_report(report)
    for line in ("torch", "ipywidgets", "device", "data", "widgets", "free disk", "run time"):
        assert f"{line}  " in text, line
    assert "jupyterlab-manager" in report["widgets"]
    assert report["data_files"] > 300 and report["data_bad"] == []


def test_check_fails_with_the_name_of_a_missing_file(data_copy):
    (data_copy / "mnist" / "mnist_5k.csv.gz").unlink()
    result = check(COURSE_DATA_DIR=str(data_copy))
    assert result.returncode == 1, result.stdout
    assert "BAD FILE  mnist/mnist_5k.csv.gz: missing" in result.stdout
    assert "git checkout -- data/" in result.stdout and "ready  NO" in result.stdout


def test_a_corrupted_file_is_named_as_corrupted(data_copy):
    target = data_copy / "imagenet-mobilenet-v2" / "imagenet_labels.txt"
    target.write_bytes(target.read_bytes()[:-1])
    report = readiness.readiness_report()
    assert not report["ready"]
    assert report["data_bad"] == ["imagenet-mobilenet-v2/imagenet_labels.txt: corrupted "
                                  "(SHA-256 differs from data/SHA256SUMS)"]


def test_no_data_folder_at_all_is_a_clear_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "nowhere"))
    report = readiness.readiness_report()
    assert not report["ready"] and report["data_files"] == 0
    assert "No shipped data at" in report["data_bad"][0]
    assert "COURSE_DATA_DIR" in readiness.format_report(report)


def test_no_widget_manager_is_a_problem(monkeypatch):
    monkeypatch.setattr("jupyter_core.paths.jupyter_path", lambda *parts: [])
    front_end, problem = readiness.widget_front_end("8.1.9")
    assert front_end == "none" and "pip install jupyterlab_widgets" in problem


def test_a_manager_for_the_other_ipywidgets_major_is_a_problem():
    _, problem = readiness.widget_front_end("7.7.1")
    assert problem is not None and "cannot render ipywidgets 7.7.1" in problem


def test_too_little_disk_is_a_problem(monkeypatch):
    monkeypatch.setattr(readiness, "MIN_FREE_GB", 1e12)
    report = readiness.readiness_report()
    assert not report["ready"]
    assert any("GB free" in p for p in report["problems"])


def test_expected_run_times_follow_the_mode(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    assert readiness.expected_seconds(["02_convolution", "99_new"]) == {
        "02_convolution": readiness.RUN_SECONDS["02"][0], "99_new": None}
    monkeypatch.setenv("COURSE_FAST", "0")
    assert readiness.expected_seconds(["07_transfer_learning"]) == {
        "07_transfer_learning": readiness.RUN_SECONDS["07"][1]}


def test_lesson_minutes_add_reading_exercises_and_computing_rounded_up(monkeypatch):
    monkeypatch.setitem(readiness.READING_MINUTES, "98", 40)
    monkeypatch.setitem(readiness.EXERCISE_MINUTES, "98", 15)
    monkeypatch.setitem(readiness.RUN_SECONDS, "98", (20.0, 121.0))
    assert readiness.lesson_minutes("98") == (40, 15, 3, 58)
    monkeypatch.setitem(readiness.RUN_SECONDS, "98", (20.0, 5.0))
    assert readiness.lesson_minutes("98").computing == 1


def test_every_lesson_has_all_three_times():
    assert set(readiness.READING_MINUTES) == set(readiness.EXERCISE_MINUTES) \
        == set(readiness.RUN_SECONDS)


def test_time_line_reads_the_one_source_and_names_the_fix_for_a_new_lesson(monkeypatch):
    fast, full = readiness.RUN_SECONDS["12"]
    minutes = readiness.lesson_minutes("12")
    line = readiness.time_line("12")
    assert line.startswith(readiness.TIME_LINE_START)
    assert (f"about {minutes.total} minutes: {readiness.READING_MINUTES['12']} minutes of "
            f"reading, {readiness.EXERCISE_MINUTES['12']} of exercises and "
            f"{math.ceil(full / 60)} of computing") in line
    assert minutes.total == sum(minutes[:3])
    assert "(fast mode: under a minute of computing)" in line and fast < 60
    with pytest.raises(KeyError, match="Add it to READING_MINUTES, EXERCISE_MINUTES and "
                                       "RUN_SECONDS"):
        readiness.time_line("99")
    monkeypatch.setitem(readiness.READING_MINUTES, "98", 40)
    with pytest.raises(KeyError, match="in EXERCISE_MINUTES, RUN_SECONDS;"):
        readiness.lesson_minutes("98")


def test_write_time_line_replaces_a_folded_line_and_refuses_none_or_two():
    import nbformat

    from course_utils.publish.header import write_time_line

    cell = nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook(
        cells=[cell("# 05\n\n**Time** an hour,\nmore or less.\n\nText.")])
    write_time_line(nb, "05_training_from_scratch.ipynb")
    assert nb.cells[0].source == f"# 05\n\n{readiness.time_line('05')}\n\nText."
    with pytest.raises(ValueError, match="no markdown line starts with"):
        write_time_line(nbformat.v4.new_notebook(cells=[cell("# 05")]), "05_x.ipynb")
    with pytest.raises(ValueError, match="2 lines start with"):
        write_time_line(nbformat.v4.new_notebook(cells=[cell("**Time** a\n**Time** b")]),
                        "05_x.ipynb")
