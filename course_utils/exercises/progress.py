"""The learner's progress record: which exercises were tried and passed, kept on this machine.

Introduced in ``00_setup.ipynb``; read by ``python -m course_utils progress``. Every checker writes
here through :func:`record`. The record is a small JSON file in the course's cache folder
(``COURSE_PROGRESS_FILE`` moves it); nothing leaves the machine. A record that cannot be read
(corrupt, or from another version) is set aside as ``progress.json.corrupt`` with a warning and a
new one is started; a record that cannot be written only warns: checking an answer never fails
because of it.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path

from course_utils.data.paths import cache_dir

PROGRESS_ENV_VAR = "COURSE_PROGRESS_FILE"
VERSION = 1


def progress_path() -> Path:
    """The record's file: ``$COURSE_PROGRESS_FILE``, else ``<cache>/progress.json``."""
    override = os.environ.get(PROGRESS_ENV_VAR)
    return Path(override) if override else cache_dir() / "progress.json"


def load() -> dict[str, dict]:
    """``{exercise key: {"attempts": int, "passed": bool, "passed_at": str | None}}``.

    A missing record is empty; a corrupt one is moved aside (with a warning) and read as empty.
    """
    path = progress_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION or not isinstance(data.get("exercises"), dict):
            raise ValueError(f"expected {{'version': {VERSION}, 'exercises': {{...}}}}")
        return {str(k): _entry(v) for k, v in data["exercises"].items()}
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError) as error:
        aside = path.with_name(path.name + ".corrupt")
        try:
            os.replace(path, aside)
        except OSError:
            aside = path
        warnings.warn(f"The progress record {path} could not be read ({error}); it was set aside "
                      f"as {aside} and a new record is started.", stacklevel=2)
        return {}


def _entry(value: object) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"an exercise entry must be an object, got {value!r}")
    return {"attempts": int(value.get("attempts", 0)), "passed": bool(value.get("passed", False)),
            "passed_at": value.get("passed_at")}


def record(key: str, *, passed: bool) -> None:
    """Count one checked try of exercise ``key`` and whether it passed (a pass is kept).

    Parameters
    ----------
    key : str
    passed : bool
    """
    path = progress_path()
    try:
        exercises = load()
        entry = exercises.setdefault(key, {"attempts": 0, "passed": False, "passed_at": None})
        entry["attempts"] += 1
        if passed and not entry["passed"]:
            entry["passed"], entry["passed_at"] = True, time.strftime("%Y-%m-%dT%H:%M:%S")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"version": VERSION, "exercises": exercises}, indent=1),
                             encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        warnings.warn(f"Could not update the progress record {path}: {error}. Your answer was "
                      f"still checked; set {PROGRESS_ENV_VAR} to a writable file to keep a "
                      "record.",
                      stacklevel=3)


def report(exercises: dict[str, object], record_: dict[str, dict]) -> str:
    """Per-notebook lines of passed exercises, e.g. ``ch02  2/4  ex1 ✓  ex2 ✓  ex3 ·  ex4 ·``.

    ``exercises``: every exercise key of the course (value unused, e.g. the registry);
    ``record_``: what :func:`load` returned. Keys in the record the course no longer has are
    ignored.

    Parameters
    ----------
    exercises : dict[str, object]
    record_ : dict[str, dict]
    """
    chapters: dict[str, list[str]] = {}
    for key in sorted(exercises, key=_order):
        chapters.setdefault(key.split(".")[0], []).append(key)
    lines = []
    total = passed_total = 0
    for chapter, keys in chapters.items():
        passed = [k for k in keys if record_.get(k, {}).get("passed")]
        total, passed_total = total + len(keys), passed_total + len(passed)
        marks = "  ".join(f"{k.split('.')[1]} {'✓' if k in passed else '·'}" for k in keys)
        lines.append(f"{chapter}  {len(passed)}/{len(keys)}  {marks}")
    lines.append(f"all   {passed_total}/{total} exercises passed")
    return "\n".join(lines)


def _order(key: str) -> tuple:
    chapter, _, number = key.partition(".ex")
    return (chapter, int(number) if number.isdigit() else 0, key)
