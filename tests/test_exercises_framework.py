"""The exercise framework: every answer gets feedback, hints come in steps, library code is
refused, the progress record survives corruption, and ``python -m course_utils progress`` works."""

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils.exercises import framework, progress, runner
from course_utils.exercises.framework import Wrong, call, exercise, expect_close
from course_utils.exercises.solutions import ch02 as solutions_ch02

HINTS = ("first nudge", "second nudge", "third nudge")


@pytest.fixture
def toy(monkeypatch, tmp_path):
    """A toy "write relu" exercise whose solution is borrowed from ch02 (any function works)."""
    monkeypatch.setenv(progress.PROGRESS_ENV_VAR, str(tmp_path / "progress.json"))

    @exercise("ch02.toy", title="relu", kind="function", expects="a function relu(x) -> tensor",
              hints=HINTS, solution="output_size", forbidden=(torch.relu, F.relu))
    def check_relu(fn):
        gen = torch.Generator().manual_seed(0)
        for size in (3, 7):
            x = torch.randn(size, generator=gen)
            got = call(fn, x, case=f"a random tensor of {size} values")
            expect_close(got, x.clamp(min=0), what="relu(x)", case=f"{size} values")
        return "Matches torch.relu."

    yield check_relu
    framework.REGISTRY.pop("ch02.toy")
    runner._failures.pop("ch02.toy", None)


def test_not_answered_gives_no_hint(toy):
    feedback = toy(...)
    assert not feedback and "No answer yet" in feedback.message and feedback.hint == ""


def test_right_answer_passes_and_is_recorded(toy):
    feedback = toy(lambda x: x * (x > 0))
    assert feedback and "Matches" in feedback.message
    assert progress.load()["ch02.toy"]["passed"]


@pytest.mark.parametrize("answer, words", [
    (None, "None"), (3, "int"), ([1, 2], "list"), (np.zeros(3), "NumPy"), ("relu", "str"),
])
def test_wrong_kind_says_what_was_expected(toy, answer, words):
    feedback = toy(answer)
    assert not feedback and "a function relu(x)" in feedback.message and words in feedback.message


@pytest.mark.parametrize("library", [torch.relu, F.relu, torch.nn.ReLU(), np.maximum,
                                     framework.describe_answer])
def test_library_implementations_are_refused(toy, library):
    feedback = toy(library)
    assert not feedback and "not your own code" in feedback.message


def test_learner_errors_are_reported_with_their_line(toy):
    def broken(x):
        return x / undefined_name  # noqa: F821

    feedback = toy(broken)
    assert not feedback
    assert "NameError" in feedback.message and "undefined_name" in feedback.message
    assert "random tensor of 3 values" in feedback.message


@pytest.mark.parametrize("answer, words", [
    (lambda x: None, "returned None"),
    (lambda x: x, "off by up to"),
    (lambda x: x.clamp(min=0)[:-1], "shape"),
    (lambda x: x.clamp(min=0).reshape(1, -1), "arranged differently"),
    (lambda x: torch.full_like(x, float("nan")), "NaN"),
    (lambda x: torch.full_like(x, float("inf")), "infinity"),
    (lambda x: "text", "str"),
    (lambda x: x.clamp(min=0).numpy(), None),  # NumPy output is fine
    (lambda x: x.clamp(min=0).double(), None),  # float64 output is fine
    (lambda x: x.clamp(min=0).tolist(), None),  # so is a list
])
def test_results_of_any_type_get_a_verdict(toy, answer, words):
    feedback = toy(answer)
    assert isinstance(feedback, framework.Feedback)
    if words is None:
        assert feedback, feedback.message
    else:
        assert not feedback and words in feedback.message, feedback.message


def test_a_checker_that_breaks_still_answers(monkeypatch, tmp_path):
    monkeypatch.setenv(progress.PROGRESS_ENV_VAR, str(tmp_path / "progress.json"))

    @exercise("ch02.broken", title="broken", kind="any", expects="anything", hints=("h",),
              solution="output_size")
    def check(answer):
        return {}[answer]  # a bug in the checker itself

    try:
        feedback = check(1)
        assert not feedback and "could not be checked" in feedback.message
    finally:
        framework.REGISTRY.pop("ch02.broken")


def test_hints_come_in_steps_then_point_to_the_solution(toy):
    hints = [toy(lambda x: x).hint for _ in range(4)]
    for step, hint in enumerate(hints[:3]):
        assert HINTS[step] in hint and f"({step + 1}/3)" in hint
    assert "show_solution('ch02.toy')" not in hints[0]
    assert "show_solution('ch02.toy')" in hints[2] and HINTS[2] in hints[3]


def test_show_solution_prints_the_file_and_the_code(toy, capsys):
    text = framework.show_solution("ch02.toy")
    assert "solutions/ch02.py" in text and "def output_size" in text
    assert text in capsys.readouterr().out
    assert "No exercise" in framework.show_solution("ch99.ex1")


def test_show_solution_of_a_value(monkeypatch, tmp_path):
    @exercise("ch02.value", title="a count", kind="number", expects="a whole number",
              hints=("h",), solution="conv_params")
    def check(answer):
        if answer != solutions_ch02.conv_params:
            raise Wrong("no")
        return "yes"

    try:
        assert "conv_params = 16 * 3 * 5 * 5 + 16" in framework.show_solution("ch02.value")
    finally:
        framework.REGISTRY.pop("ch02.value")


@pytest.mark.parametrize("value, ok", [
    (3, True), (3.5, True), (np.float32(2), True), (np.int64(4), True), (torch.tensor(2.0), True),
    (np.array([7]), True), (True, False), (float("nan"), False), (float("inf"), False),
    (torch.zeros(2), False), ("3", False), (None, False), (np.array([]), False),
])
def test_as_number(value, ok):
    if ok:
        assert isinstance(framework.as_number(value), float)
    else:
        with pytest.raises(Wrong):
            framework.as_number(value)


@pytest.mark.parametrize("value, ok", [
    ([[1, 2], [3, 4]], True), ((1.0, 2.0), True), (np.ones((2, 2), np.float32), True),
    (torch.ones(3, dtype=torch.int64), True), ([[1, 2], [3]], False), ([], False),
    ([float("nan")], False), (None, False), ("abc", False), ({"a": 1}, False), (len, False),
])
def test_as_array(value, ok):
    if ok:
        assert framework.as_array(value).dtype == torch.float64
    else:
        with pytest.raises(Wrong):
            framework.as_array(value)


def test_progress_record_counts_and_keeps_a_pass(monkeypatch, tmp_path):
    monkeypatch.setenv(progress.PROGRESS_ENV_VAR, str(tmp_path / "progress.json"))
    progress.record("ch02.ex1", passed=False)
    progress.record("ch02.ex1", passed=True)
    progress.record("ch02.ex1", passed=False)
    entry = progress.load()["ch02.ex1"]
    assert entry["attempts"] == 3 and entry["passed"] and entry["passed_at"]


@pytest.mark.parametrize("content", ["{not json", '{"version": 99, "exercises": {}}', "[1, 2]",
                                     '{"version": 1, "exercises": {"ch02.ex1": 5}}', "\xff\xfe"])
def test_corrupt_progress_record_is_set_aside(monkeypatch, tmp_path, content):
    path = tmp_path / "progress.json"
    path.write_text(content, encoding="latin-1")
    monkeypatch.setenv(progress.PROGRESS_ENV_VAR, str(path))
    with pytest.warns(UserWarning, match="could not be read"):
        assert progress.load() == {}
    assert (tmp_path / "progress.json.corrupt").exists() and not path.exists()
    progress.record("ch02.ex1", passed=True)
    assert progress.load()["ch02.ex1"]["passed"]


def test_unwritable_progress_record_only_warns(monkeypatch, tmp_path, toy):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv(progress.PROGRESS_ENV_VAR, str(blocker / "progress.json"))
    with pytest.warns(UserWarning, match="Could not update the progress record"):
        assert toy(lambda x: x.clamp(min=0))


def test_report_lists_every_notebook():
    keys = {"ch01.ex1": 0, "ch01.ex2": 0, "ch02.ex10": 0, "ch02.ex2": 0}
    text = progress.report(keys, {"ch01.ex2": {"passed": True}, "ch09.ex1": {"passed": True}})
    assert text.splitlines() == ["ch01  1/2  ex1 ·  ex2 ✓", "ch02  0/2  ex2 ·  ex10 ·",
                                 "all   1/4 exercises passed"]


def run_progress_command(path) -> subprocess.CompletedProcess:
    env = {**__import__("os").environ, progress.PROGRESS_ENV_VAR: str(path)}
    return subprocess.run([sys.executable, "-m", "course_utils", "progress"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_progress_command(tmp_path):
    path = tmp_path / "progress.json"
    keys = sorted(framework.all_exercises())
    done = run_progress_command(path)
    assert done.returncode == 0 and str(path) in done.stdout
    assert f"all   0/{len(keys)} exercises passed" in done.stdout
    if keys:
        path.write_text(json.dumps({"version": 1, "exercises": {keys[0]: {"passed": True}}}))
        assert f"all   1/{len(keys)}" in run_progress_command(path).stdout
    path.write_text("corrupt")
    done = run_progress_command(path)
    assert done.returncode == 0 and "could not be read" in done.stderr
    assert f"0/{len(keys)} exercises passed" in done.stdout
