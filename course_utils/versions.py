"""Which library versions the course was tested with, and a warning for any other.

Introduced in ``00_setup.ipynb``; used by ``python -m course_utils check`` and by the Colab and
Kaggle install cell. Two files at the repository root hold the tested versions:

- ``constraints.txt``: the newest, the full set the test suite last passed with (what
  ``python course.py setup`` installs);
- ``constraints-oldest.txt``: the oldest, the Colab-like stage of the tests (ipywidgets 7.7.1
  and the floors of numpy, matplotlib and scikit-learn).

A version between the oldest and the newest tested release (any patch release of the newest
minor version included) is tested; anything else earns a warning that names the tested range.
Standard library only: the install cell uses it before the rest of the course is importable.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

WATCHED = ("torch", "numpy", "ipywidgets", "matplotlib", "scikit-learn")
"""The libraries whose releases most often change what a lesson shows."""
ROOT = Path(__file__).resolve().parents[1]
NEWEST_FILE = ROOT / "constraints.txt"
OLDEST_FILE = ROOT / "constraints-oldest.txt"


def release(version: str) -> tuple[int, ...]:
    """The numeric release of a version string: ``"2.14.1+cu130"`` -> ``(2, 14, 1)``.

    Parameters
    ----------
    version : str
        A PEP 440 version as pip reports it.

    Returns
    -------
    tuple of int
        Its leading numbers; ``()`` when it starts with none.
    """
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", version)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def read_pins(path: Path) -> dict[str, str]:
    """``{normalised name: version}`` of the ``name==version`` lines of a constraints file.

    Parameters
    ----------
    path : pathlib.Path
        A pip constraints file; a missing file reads as empty.
    """
    if not path.is_file():
        return {}
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, _, version = line.partition("==")
            pins[normalise(name)] = version.split(";")[0].strip()
    return pins


def normalise(name: str) -> str:
    """A distribution name as pip compares them: ``"Scikit_Learn"`` -> ``"scikit-learn"``.

    Parameters
    ----------
    name : str
    """
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def versions_tested(newest: Path = NEWEST_FILE,
                  oldest: Path = OLDEST_FILE) -> dict[str, tuple[str, str]]:
    """``{library: (oldest tested, newest tested)}`` for the :data:`WATCHED` libraries.

    Parameters
    ----------
    newest, oldest : pathlib.Path
        The two constraints files; a library missing from ``oldest`` was tested at its newest
        version only, and one missing from ``newest`` is left out.
    """
    high, low = read_pins(newest), read_pins(oldest)
    return {name: (low.get(name, high[name]), high[name]) for name in WATCHED if name in high}


def outside_tested(name: str, installed: str, low: str, high: str) -> str | None:
    """A warning when ``installed`` lies outside ``[low, high]``, else None.

    Parameters
    ----------
    name : str
        The library.
    installed, low, high : str
        Its installed version and the oldest and newest tested ones. Patch releases of the
        newest tested minor version count as tested.
    """
    found = release(installed)
    if found < release(low):
        side = "older than"
    elif found[:2] > release(high)[:2]:
        side = "newer than"
    else:
        return None
    tested = low if low == high else f"{low} to {high}"
    return (f"{name} {installed} is {side} the versions the course was tested with ({tested}): "
            f"most lessons still run; if one fails, `pip install \"{name}=={high}\"` gives the "
            "tested version.")


def version_warnings(installed: dict[str, str] | None = None,
                     ranges: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """One warning per watched library installed outside the tested range.

    Parameters
    ----------
    installed : dict of str to str, optional
        ``{library: version}``; default: what is installed here (a missing library is skipped:
        the readiness report lists it as a problem of its own).
    ranges : dict of str to (str, str), optional
        Default: :func:`versions_tested`.
    """
    ranges = versions_tested() if ranges is None else ranges
    if installed is None:
        installed = {}
        for name in ranges:
            try:
                installed[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                continue
    found = [outside_tested(name, installed[name], *ranges[name])
             for name in ranges if name in installed]
    return [warning for warning in found if warning]


if __name__ == "__main__":
    for line in version_warnings():
        print(f"WARNING: {line}")
