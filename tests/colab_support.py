"""A simulated Colab or Kaggle kernel for the install cell, shared by ``tests/test_colab.py`` and
``tests/test_colab_like.py``.

:func:`hosted_kernel` clones this repository (a local clone, no network) and makes a fresh
virtual environment whose only packages are the given site folders (a ``.pth`` file, so pip comes
from there too, and pip may not reach an index); :func:`run_install_cell` runs the install cell's
code as it is stored in the notebooks, in Colab's working folder, as Colab (a ``google.colab``
stand-in) or as Kaggle (``KAGGLE_KERNEL_RUN_TYPE``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course_utils.publish.colab import install_source

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class HostedKernel:
    python: Path
    purelib: Path
    content: Path
    env: dict


def hosted_kernel(tmp_path: Path, site_paths: list[str]) -> HostedKernel:
    clone = tmp_path / "origin"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                                   "get_paths()['purelib'])"], capture_output=True, text=True,
                                  check=True).stdout.strip())
    (purelib / "course_env.pth").write_text("\n".join(site_paths) + "\n")
    content = tmp_path / "content"  # Colab's working folder
    content.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.pop("KAGGLE_KERNEL_RUN_TYPE", None)
    env.update(COURSE_REPO=str(clone), PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0",
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return HostedKernel(python, purelib, content, env)


def run_install_cell(kernel: HostedKernel, *, platform: str = "colab",
                     then: str = "") -> subprocess.CompletedProcess:
    env = dict(kernel.env)
    stand_in = ("import sys, types\n"
                "sys.modules['google.colab'] = types.ModuleType('google.colab')\n")
    if platform == "kaggle":
        env["KAGGLE_KERNEL_RUN_TYPE"], stand_in = "Interactive", ""
    return subprocess.run([str(kernel.python), "-c", stand_in + install_source() + "\n" + then],
                          cwd=kernel.content, env=env, capture_output=True, text=True,
                          timeout=600)
