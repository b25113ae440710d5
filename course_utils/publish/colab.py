"""Every notebook opens on Colab (and Kaggle): an "Open in Colab" badge and a guarded install cell.

The badge (a markdown cell tagged ``colab-badge``, first in the notebook) links to the notebook in
:data:`REPOSITORY`, the one place the course's address is configured. The install cell (a code
cell tagged ``colab-install``, before the first other code cell) does nothing outside Colab and
Kaggle, nor there once ``course_utils`` imports; otherwise it clones the course and runs
:func:`install_course`, which installs ``course_utils`` with every extra but keeps the torch,
torchvision and ipywidgets the platform already has, then warns about any library outside the
versions the course was tested with (:mod:`course_utils.versions`).

Why ipywidgets is kept: Colab ships ipywidgets 7.7 and imports it while the kernel starts, and
its front end renders the 7.x widget protocol; upgrading to 8 makes pip ask for a runtime
restart before anything works. ``pyproject.toml`` admits 7.7.1, the explorers use only widgets
and traits that 7.7 has, and the Colab-like stage of the tests runs them there.

Idempotent and safe on any notebook: it only adds or rewrites its own two cells (found by their
tags), leaves every other cell, its markers and outputs as they are, and writes the file only
when something changed::

    python -m course_utils.publish prepare notebooks/*.ipynb

Run as a script (what the install cell does, before ``course_utils`` can be imported), it only
installs; it needs nothing but the standard library::

    python course_utils/publish/colab.py install PATH_TO_THE_CLONE
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

REPOSITORY = "https://github.com/cnn-course/cnn-course"
"""The course's public git repository: the badge and the install cell are built from it."""
BRANCH = "main"
CLONE_DIR = "cnn-course"
"""Where the install cell clones the course on Colab (relative to Colab's ``/content``)."""
BADGE_TAG = "colab-badge"
INSTALL_TAG = "colab-install"
KEEP = ("torch", "torchvision", "ipywidgets")
"""Packages Colab and Kaggle bring that the install never replaces (upgrading needs a restart)."""
EXTRAS = "all"
"""The install cell installs every extra: hosted notebooks have the network to fetch them."""

INSTALL_SOURCE = '''\
# Colab and Kaggle only: fetch the course and install it; anywhere else this cell does nothing.
# (On Kaggle, first turn on Settings > Internet.)
import importlib.util
import os
import subprocess
import sys

COURSE_REPO = os.environ.get("COURSE_REPO", "{repository}.git")
COURSE_DIR = os.path.abspath("{clone_dir}")


def hosted() -> bool:
    """course_utils.env.in_colab or in_kaggle, which cannot be imported before the install."""
    return "google.colab" in sys.modules or bool(os.environ.get("KAGGLE_KERNEL_RUN_TYPE"))


if hosted() and importlib.util.find_spec("course_utils") is None:
    if not os.path.isdir(COURSE_DIR):
        subprocess.run(["git", "clone", "--depth", "1", COURSE_REPO, COURSE_DIR], check=True)
    # Installs course_utils and what it needs, keeping the torch, torchvision and ipywidgets
    # already here, and warns about versions the course was not tested with.
    installer = os.path.join(COURSE_DIR, "course_utils", "publish", "colab.py")
    subprocess.run([sys.executable, installer, "install", COURSE_DIR], check=True)
    sys.path.insert(0, COURSE_DIR)'''
"""The install cell: ``prepare`` writes it into every notebook, so change it here, not there."""


def colab_url(notebook_name: str, repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """The Colab address that opens ``notebooks/<notebook_name>`` of ``repository``.

    Parameters
    ----------
    notebook_name : str
    repository : str
    branch : str
    """
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repository)
    if match is None:
        raise ValueError(f"repository must be a https://github.com/OWNER/NAME address, got "
                         f"{repository!r}; set REPOSITORY in course_utils/publish/colab.py.")
    owner, name = match.groups()
    return (f"https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/"
            f"notebooks/{notebook_name}")


def badge_source(notebook_name: str) -> str:
    """The badge cell's markdown.

    Parameters
    ----------
    notebook_name : str
    """
    return ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(notebook_name)})")


def install_source() -> str:
    """The install cell's code."""
    return INSTALL_SOURCE.format(repository=REPOSITORY, clone_dir=CLONE_DIR)


def tagged(nb, tag: str) -> list[int]:
    """Indices of the cells of ``nb`` that carry ``tag``.

    Parameters
    ----------
    nb : object
    tag : str
    """
    return [i for i,
            cell in enumerate(nb.cells) if tag in cell.get("metadata", {}).get("tags", [])]


def _own_cell(nb, tag: str, make) -> object:
    """The cell tagged ``tag`` (taken out of ``nb.cells``), or a new one from ``make()``."""
    found = tagged(nb, tag)
    if len(found) > 1:
        raise ValueError(f"{len(found)} cells are tagged {tag!r} (cells {found}); keep one.")
    if found:
        return nb.cells.pop(found[0])
    cell = make()
    cell.metadata["tags"] = [tag]
    if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) >= 5:
        cell["id"] = tag  # stable, so a second run changes nothing
    else:
        cell.pop("id", None)
    return cell


def add_colab_cells(nb, notebook_name: str) -> None:
    """Put the badge first and the install cell before the first other code cell, in place.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A version-4 notebook; only its two tagged cells are added or rewritten.
    notebook_name : str
        The file name under ``notebooks/`` the badge links to.
    """
    from nbformat.v4 import new_code_cell, new_markdown_cell

    badge = _own_cell(nb, BADGE_TAG, lambda: new_markdown_cell(""))
    install = _own_cell(nb, INSTALL_TAG, lambda: new_code_cell(""))
    badge.source = badge_source(notebook_name)
    install.source = install_source()
    if install.get("outputs") or install.get("execution_count") is not None:
        install.outputs, install.execution_count = [], None
    first_code = next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"),
                      len(nb.cells))
    nb.cells.insert(first_code, install)
    nb.cells.insert(0, badge)


def install_course(course_dir: str) -> None:
    """Install the course at ``course_dir`` (editable, every extra), keeping :data:`KEEP`.

    The packages of :data:`KEEP` that are installed are pinned to their installed versions for
    this install, so pip leaves them as they are; what else is already satisfied stays too. Then
    any watched library outside the tested versions is reported (``WARNING: ...`` lines).

    Parameters
    ----------
    course_dir : str
        The clone of the course's repository.
    """
    keep = [f"{name}=={metadata.version(name)}" for name in KEEP if _installed(name)]
    with tempfile.TemporaryDirectory() as scratch:
        pins = Path(scratch) / "keep.txt"
        pins.write_text("\n".join(keep) + "\n")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--constraint",
                        str(pins), "--editable", f"{course_dir}[{EXTRAS}]"], check=True)
    subprocess.run([sys.executable, "-m", "course_utils.versions"], cwd=course_dir, check=True)


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "install":
        sys.exit("usage: python colab.py install PATH_TO_THE_COURSE")
    install_course(sys.argv[2])
