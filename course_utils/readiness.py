"""The readiness report: versions, device, fast mode and whether the shipped data is intact.

Introduced in ``00_setup.ipynb``; also printed by ``python -m course_utils check``.
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

import torch

from course_utils.data.manifest import verify_all
from course_utils.data.paths import data_dir
from course_utils.env import get_device, in_colab, is_fast_mode

PACKAGES = ("torch", "torchvision", "numpy", "matplotlib", "ipywidgets", "scikit-learn",
            "scikit-image", "tqdm")


def package_versions() -> dict[str, str]:
    """``{package: installed version}``, ``"missing"`` for one that is not installed."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def readiness_report() -> dict:
    """Check that the course can run here.

    Returns
    -------
    dict
        ``versions`` (dict), ``device`` (str), ``cpu_threads`` (int), ``fast_mode`` and
        ``colab`` (bool), ``data_dir`` (str), ``data_files`` (int), ``data_bad`` (list of
        files that are missing or fail their SHA-256), ``ready`` (bool).
    """
    checks = verify_all()
    versions = package_versions()
    bad = sorted(name for name, ok in checks.items() if not ok)
    missing = sorted(name for name, v in versions.items() if v == "missing")
    return {
        "versions": versions,
        "device": str(get_device()),
        "cpu_threads": torch.get_num_threads(),
        "fast_mode": is_fast_mode(),
        "colab": in_colab(),
        "data_dir": str(data_dir()),
        "data_files": len(checks),
        "data_bad": bad,
        "missing_packages": missing,
        "ready": not bad and not missing,
    }


def format_report(report: dict) -> str:
    """The report as aligned text lines."""
    lines = [f"{name:>13}  {v}" for name, v in report["versions"].items()]
    verified = report["data_files"] - len(report["data_bad"])
    lines += [
        f"{'device':>13}  {report['device']} ({report['cpu_threads']} CPU threads)",
        f"{'fast mode':>13}  {'on' if report['fast_mode'] else 'off'}",
        f"{'colab':>13}  {'yes' if report['colab'] else 'no'}",
        f"{'data':>13}  {verified}/{report['data_files']} files verified in {report['data_dir']}",
    ]
    lines += [f"{'BAD FILE':>13}  {name}" for name in report["data_bad"]]
    lines += [f"{'MISSING':>13}  {name} (pip install {name})" for name in report["missing_packages"]]
    lines.append(f"{'ready':>13}  {'yes' if report['ready'] else 'NO: see the lines above'}")
    return "\n".join(lines)
