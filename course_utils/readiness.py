"""The readiness report: can the course run here, and how long will it take.

Introduced in ``00_setup.ipynb``; also printed by ``python -m course_utils check`` (the
instructor's pre-flight, see ``INSTRUCTORS.md``), which exits non-zero with the reason when
something would stop a lesson. It reports:

- the versions of Python and the libraries the lessons import (a missing one is a problem);
- the device (``get_device()``), its name, and the CPU threads PyTorch uses;
- every shipped data file hashed against ``data/SHA256SUMS`` (missing or corrupted: a problem);
- the widget front end: JupyterLab's widget manager extension, matched to the installed
  ipywidgets major version, or Colab's own (no manager: the explorers would show as text);
- free disk space where the cache lives (below :data:`MIN_FREE_GB`: a problem);
- the expected run time of every notebook, from :data:`RUN_SECONDS`;
- a warning for torch, numpy, ipywidgets, matplotlib or scikit-learn installed outside the
  versions the course was tested with (:mod:`course_utils.versions`).
"""

from __future__ import annotations

import json
import math
import platform
import shutil
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import NamedTuple

import torch

from course_utils.data.manifest import read_manifest, sha256_file
from course_utils.data.paths import cache_dir, data_dir
from course_utils.env import get_device, in_colab, is_fast_mode
from course_utils.versions import version_warnings

PACKAGES = ("torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "scikit-learn",
            "scikit-image", "tqdm")
MIN_FREE_GB = 1.0
"""Free disk needed for caches, checkpoints and converted weights."""
WIDGET_MANAGER = "@jupyter-widgets/jupyterlab-manager"
MANAGER_FOR_IPYWIDGETS = {"8": "5", "7": "3"}
"""ipywidgets major version -> the major version of JupyterLab's widget manager that renders it."""

RUN_SECONDS: dict[str, tuple[float, float]] = {
    "00": (3.7, 5.6), "01": (11.7, 12.1), "02": (6.2, 6.3), "03": (17.7, 26.4),
    "04": (8.8, 19.5), "05": (29.7, 154.5), "06": (18.0, 55.1), "07": (33.8, 63.0),
    "08": (12.1, 31.5), "09": (24.3, 35.7), "10": (22.4, 80.6), "11": (21.0, 79.0),
    "12": (44.0, 296.3), "13": (47.5, 86.2), "14": (11.7, 15.5), "15": (14.3, 21.8),
    "16": (13.8, 83.9), "17": (18.3, 20.3), "18": (20.1, 47.1),
}
"""Seconds to run each notebook (by number) top to bottom on a 2-core CPU: (fast, default mode).

The source of every lesson's time line (:func:`time_line`) and of the readiness report.
"""

READING_MINUTES: dict[str, int] = {
    "00": 5, "01": 35, "02": 45, "03": 45, "04": 50, "05": 75, "06": 60, "07": 45, "08": 60,
    "09": 60, "10": 45, "11": 50, "12": 60, "13": 45, "14": 30, "15": 40, "16": 45, "17": 35,
    "18": 45,
}
"""Minutes to work through each lesson's text and code (read, run, discuss), exercises aside."""

EXERCISE_MINUTES: dict[str, int] = {
    "00": 10, "01": 25, "02": 35, "03": 20, "04": 45, "05": 25, "06": 25, "07": 30, "08": 30,
    "09": 20, "10": 25, "11": 20, "12": 20, "13": 30, "14": 15, "15": 20, "16": 25, "17": 15,
    "18": 20,
}
"""Minutes for each lesson's exercises, estimated from their number and kind.

About 3-5 minutes for a prediction or a count (a number, a letter, a set), 5-10 for a short
function, 10-15 for a loop written from scratch (02's dilated convolution, 04's max-pool
backward pass). First tries and hints included; the worked solutions not read.
"""

TIME_LINE_START = "**Time**"


class LessonMinutes(NamedTuple):
    """Minutes one lesson takes: reading, exercises, computing (default mode) and their sum."""

    reading: int
    exercises: int
    computing: int
    total: int


def _minutes(seconds: float) -> str:
    if seconds < 60:
        return "under a minute"
    minutes = round(seconds / 60)
    return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"


def lesson_minutes(number: str) -> LessonMinutes:
    """The minutes lesson ``number`` takes, from the course's one source of times.

    Reading from :data:`READING_MINUTES`, exercises from :data:`EXERCISE_MINUTES`, computing
    from :data:`RUN_SECONDS` (default mode on a 2-core laptop, rounded up to whole minutes, so
    that a schedule built on it never runs short). The lesson headers (:func:`time_line`) and
    ``INSTRUCTORS.md`` (``python -m course_utils.publish instructors``) are written from it.

    Parameters
    ----------
    number : str
        The lesson's two-digit number, e.g. ``"09"``.

    Returns
    -------
    LessonMinutes
        ``(reading, exercises, computing, total)`` in minutes.
    """
    tables = {"READING_MINUTES": READING_MINUTES, "EXERCISE_MINUTES": EXERCISE_MINUTES,
              "RUN_SECONDS": RUN_SECONDS}
    missing = [name for name, table in tables.items() if number not in table]
    if missing:
        raise KeyError(f"no times for lesson {number!r} in {', '.join(missing)}; known lessons: "
                       f"{sorted(READING_MINUTES)}. Add it to READING_MINUTES, EXERCISE_MINUTES "
                       "and RUN_SECONDS in course_utils/readiness.py.")
    reading, exercises = READING_MINUTES[number], EXERCISE_MINUTES[number]
    computing = math.ceil(RUN_SECONDS[number][1] / 60)
    return LessonMinutes(reading, exercises, computing, reading + exercises + computing)


def time_line(number: str) -> str:
    """The header line that says how long lesson ``number`` takes, from one source.

    The minutes are :func:`lesson_minutes`' (reading, exercises and default-mode computing);
    the fast-mode computing time follows in brackets.
    ``python -m course_utils.publish prepare`` writes it into each notebook's header.

    Parameters
    ----------
    number : str
        The lesson's two-digit number, e.g. ``"09"``.

    Returns
    -------
    str
        One line of markdown starting with ``**Time**``.
    """
    minutes = lesson_minutes(number)
    fast = RUN_SECONDS[number][0]
    return (f"{TIME_LINE_START} about {minutes.total} minutes: {minutes.reading} minutes of "
            f"reading, {minutes.exercises} of exercises and {minutes.computing} of computing on a "
            f"2-core laptop (fast mode: {_minutes(fast)} of computing).")


def package_versions() -> dict[str, str]:
    """``{package: installed version}``, ``"missing"`` for one that is not installed."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def data_problems() -> tuple[int, list[str]]:
    """Hash every shipped file: ``(files in the manifest, ["path: missing|corrupted", ...])``.

    A missing data folder or manifest is one problem naming the folder and the fix.
    """
    try:
        folder = data_dir()
        manifest = read_manifest(folder)
    except (FileNotFoundError, ValueError) as error:
        return 0, [str(error)]
    problems = []
    for name, digest in manifest.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(path) != digest:
            problems.append(f"{name}: corrupted (SHA-256 differs from data/SHA256SUMS)")
    return len(manifest), problems


def widget_front_end(ipywidgets_version: str) -> tuple[str, str | None]:
    """``(what renders the widgets, problem or None)`` for the installed ipywidgets.

    Parameters
    ----------
    ipywidgets_version : str
    """
    if in_colab():
        return "Colab's own widget manager", None
    if ipywidgets_version == "missing":
        return "none", ("ipywidgets is missing: the explorers cannot be built (pip install "
                        "ipywidgets)")
    from jupyter_core.paths import jupyter_path

    major = ipywidgets_version.split(".")[0]
    for folder in jupyter_path("labextensions"):
        package = Path(folder) / WIDGET_MANAGER / "package.json"
        if package.is_file():
            manager = json.loads(package.read_text())["version"]
            if manager.split(".")[0] != MANAGER_FOR_IPYWIDGETS.get(major, manager.split(".")[0]):
                return (f"JupyterLab {WIDGET_MANAGER} {manager}",
                        f"the widget manager {manager} cannot render ipywidgets "
                        f"{ipywidgets_version}: pip install 'jupyterlab_widgets' matching it")
            return f"JupyterLab {WIDGET_MANAGER} {manager}", None
    return "none", (f"no JupyterLab widget manager ({WIDGET_MANAGER}) is installed: sliders "
                    "would show as text; pip install jupyterlab_widgets (python course.py lab "
                    "has it)")


def expected_seconds(names: list[str]) -> dict[str, float | None]:
    """Measured seconds for notebooks ``names`` (file stems) in the current mode, else None.

    Parameters
    ----------
    names : list[str]
    """
    column = 0 if is_fast_mode() else 1
    return {name: RUN_SECONDS.get(name[:2], (None, None))[column] for name in names}


def readiness_report() -> dict:
    """Check that the course can run here.

    Returns
    -------
    dict
        ``versions`` (dict), ``device`` (str), ``device_name`` (str), ``cpu_threads`` (int),
        ``fast_mode`` and ``colab`` (bool), ``data_dir`` (str), ``data_files`` (int),
        ``data_bad`` (list of ``"path: missing"`` / ``"path: corrupted ..."``), ``widgets``
        (str), ``free_gb`` (float), ``run_seconds`` (dict of notebook -> seconds or None),
        ``warnings`` (list of str: libraries outside the tested versions), ``problems``
        (list of str, each saying what is wrong and how to fix it), ``ready``.
    """
    versions = package_versions()
    files, bad = data_problems()
    widgets, widget_problem = widget_front_end(versions["ipywidgets"])
    device = get_device()
    name = (torch.cuda.get_device_name(device) if device.type == "cuda"
            else platform.processor() or platform.machine())
    cache = cache_dir()
    free_gb = shutil.disk_usage(cache).free / 1e9
    notebooks = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "notebooks")
                       .glob("*.ipynb"))
    problems = [f"{n} is missing: pip install {n}" for n, v in versions.items() if v == "missing"]
    if bad:
        problems.append(f"{len(bad)} shipped data problem(s) (listed above): restore data/ from "
                        "the course repository (git checkout -- data/)")
    if widget_problem:
        problems.append(widget_problem)
    if free_gb < MIN_FREE_GB:
        problems.append(f"only {free_gb:.1f} GB free in {cache}: the lessons need "
                        f"{MIN_FREE_GB:.0f} GB for caches and checkpoints")
    try:
        folder = str(data_dir())
    except FileNotFoundError:
        folder = "(not found)"
    return {
        "versions": versions,
        "device": str(device),
        "device_name": name or "unknown",
        "cpu_threads": torch.get_num_threads(),
        "fast_mode": is_fast_mode(),
        "colab": in_colab(),
        "data_dir": folder,
        "data_files": files,
        "data_bad": bad,
        "widgets": widgets,
        "free_gb": round(free_gb, 1),
        "run_seconds": expected_seconds(notebooks),
        "warnings": version_warnings(),
        "problems": problems,
        "ready": not problems,
    }


def format_report(report: dict) -> str:
    """The report as aligned text lines, the problems last.

    Parameters
    ----------
    report : dict
    """
    lines = [f"{name:>13}  {v}" for name, v in report["versions"].items()]
    verified = report["data_files"] - len(report["data_bad"])
    known = {n: s for n, s in report["run_seconds"].items() if s is not None}
    unknown = sorted(set(report["run_seconds"]) - set(known))
    mode = "fast" if report["fast_mode"] else "default"
    lines += [
        f"{'device':>13}  {report['device']} ({report['device_name']}; "
        f"{report['cpu_threads']} CPU threads)",
        f"{'fast mode':>13}  {'on' if report['fast_mode'] else 'off'}",
        f"{'colab':>13}  {'yes' if report['colab'] else 'no'}",
        f"{'data':>13}  {verified}/{report['data_files']} files verified in {report['data_dir']}",
        f"{'widgets':>13}  {report['widgets']}",
        f"{'free disk':>13}  {report['free_gb']:.1f} GB",
        f"{'run time':>13}  about {sum(known.values()) / 60:.0f} min for {len(known)} notebooks "
        f"in {mode} mode on a 2-core CPU"
        + (f" (not measured yet: {', '.join(unknown)})" if unknown else ""),
    ]
    lines += [f"{'BAD FILE':>13}  {item}" for item in report["data_bad"]]
    lines += [f"{'WARNING':>13}  {w}" for w in report.get("warnings", [])]
    lines += [f"{'PROBLEM':>13}  {p}" for p in report["problems"]]
    lines.append(f"{'ready':>13}  {'yes' if report['ready'] else 'NO: see the problems above'}")
    return "\n".join(lines)

