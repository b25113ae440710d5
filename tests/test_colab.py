"""Every notebook opens on Colab: the badge, the guarded install cell, and that cell run for real.

The simulated install (``tests/colab_support.py``) runs the install cell in a fresh virtual
environment whose only packages are the course environment's, as Colab and as Kaggle, and then
imports ``course_utils`` from the clone in a new process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import nbtools
import pytest
from colab_support import hosted_kernel, run_install_cell

from course_utils.publish.__main__ import prepare
from course_utils.publish.colab import (
    BADGE_TAG,
    INSTALL_TAG,
    add_colab_cells,
    badge_source,
    colab_url,
    install_source,
    tagged,
)
from course_utils.publish.slides import tag_slides

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_the_badge_and_the_install_cell(path):
    nb = nbformat.read(path, as_version=4)
    fix = f"run: python -m course_utils.publish prepare notebooks/{path.name}"
    assert tagged(nb, BADGE_TAG) == [0], f"{path.name}: no Colab badge first ({fix})"
    assert nb.cells[0].source == badge_source(path.name), f"{path.name}: stale badge ({fix})"
    [install] = tagged(nb, INSTALL_TAG) or [None]
    assert install is not None, f"{path.name}: no Colab install cell ({fix})"
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert install == first_code, f"{path.name}: the install cell must be the first code cell"
    assert nb.cells[install].source == install_source(), f"{path.name}: stale install cell ({fix})"


def test_the_badge_opens_the_notebook_in_the_configured_repository():
    url = colab_url("02_convolution.ipynb", "https://github.com/someone/cnn-course.git")
    assert url == ("https://colab.research.google.com/github/someone/cnn-course/blob/main/"
                   "notebooks/02_convolution.ipynb")
    with pytest.raises(ValueError, match="https://github.com/OWNER/NAME"):
        colab_url("02_convolution.ipynb", "git@github.com:someone/cnn-course.git")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prepare_is_idempotent_and_touches_nothing_else(path, tmp_path):
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    prepare(copy)
    assert prepare(copy) is False, "a second run changed the notebook"
    before = nbformat.read(path, as_version=4)
    after = nbformat.read(copy, as_version=4)
    nbformat.validate(after)
    own = {BADGE_TAG, INSTALL_TAG}
    theirs = [c for c in before.cells if not own & set(c.metadata.get("tags", []))]
    kept = [c for c in after.cells if not own & set(c.metadata.get("tags", []))]
    assert [c.source for c in kept] == [c.source for c in theirs]  # markers included
    assert [c.get("outputs") for c in kept] == [c.get("outputs") for c in theirs]
    assert nbtools.problems(after, copy.name) == []


def test_prepare_moves_its_cells_back_and_keeps_an_authors_slide_tags():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)"),
        nbformat.v4.new_markdown_cell("## A section", metadata={"tags": ["fragment"]}),
    ])
    add_colab_cells(nb, "x.ipynb")
    nb.cells.append(nb.cells.pop(0))  # someone moved the badge to the end
    add_colab_cells(nb, "x.ipynb")
    tag_slides(nb)
    assert [c.metadata.get("tags") for c in nb.cells] == [
        [BADGE_TAG], ["slide"], [INSTALL_TAG], None, ["fragment"]]
    assert nb.cells[3].source.startswith("# NBVAL_CHECK_OUTPUT")


def test_two_install_cells_are_refused():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("", metadata={"tags": [INSTALL_TAG]}),
        nbformat.v4.new_code_cell("", metadata={"tags": [INSTALL_TAG]})])
    with pytest.raises(ValueError, match="2 cells are tagged 'colab-install'"):
        add_colab_cells(nb, "x.ipynb")


def test_the_install_cell_does_nothing_outside_colab(tmp_path):
    result = subprocess.run([sys.executable, "-c", install_source()], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == [], "the cell cloned or wrote something outside Colab"


OLD_TORCH = {"torch": "Version: 2.9.0\n",
             "torchvision": "Version: 0.24.0\nRequires-Dist: torch==2.9.0\n"}
"""Metadata of a platform's older torch, found before the real one: what pip and the version
check see (the real torch still imports)."""


def plant_old_torch(purelib: Path) -> None:
    for name, fields in OLD_TORCH.items():
        info = purelib / f"{name}-{fields.split()[1]}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\n{fields}")


@pytest.mark.parametrize("platform", ["colab", "kaggle"])
def test_the_install_cell_installs_the_course_on_a_simulated_platform(tmp_path, platform):
    kernel = hosted_kernel(tmp_path, [sysconfig.get_paths()["purelib"]])
    purelib, content = kernel.purelib, kernel.content
    if platform == "kaggle":
        plant_old_torch(purelib)
    ran = run_install_cell(kernel, platform=platform,
                           then="import course_utils\nprint(course_utils.__file__)\n")
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert "dependency resolver" not in ran.stdout + ran.stderr
    warned = "WARNING: torch 2.9.0 is older than the versions the course was tested with"
    assert (warned in ran.stdout) == (platform == "kaggle"), ran.stdout
    installed = content / "cnn-course"
    assert ran.stdout.strip().endswith(str(installed / "course_utils" / "__init__.py"))
    # A new kernel (a new process) imports the installed course, and torch is the one it had.
    check = ("import course_utils, torch, json; print(json.dumps([course_utils.__file__, "
             "torch.__file__]))")
    later = subprocess.run([str(kernel.python), "-c", check], cwd=tmp_path, env=kernel.env,
                           capture_output=True, text=True, timeout=300)
    assert later.returncode == 0, later.stderr[-3000:]
    utils_file, torch_file = json.loads(later.stdout)
    assert utils_file == str(installed / "course_utils" / "__init__.py")
    assert torch_file.startswith(sysconfig.get_paths()["purelib"]), "torch was reinstalled"
    planted = [f"{name}-{fields.split()[1]}.dist-info" for name, fields in OLD_TORCH.items()]
    added = sorted(p.name for p in purelib.iterdir() if "course_utils" not in p.name
                   and p.name not in ("course_env.pth", "__pycache__", *planted))
    assert added == [], f"the install replaced packages Colab already has: {added}"


def test_an_upload_is_read_from_the_ipywidgets_colab_ships_and_from_8():
    from course_utils.explorers.photo_upload import uploaded_files

    colab_7 = {"cat.png": {"metadata": {"name": "cat.png", "size": 3}, "content": b"abc"}}
    widgets_8 = ({"name": "cat.png", "type": "image/png", "size": 3,
                  "content": memoryview(b"abc")},)
    assert uploaded_files(colab_7) == uploaded_files(widgets_8) == [("cat.png", b"abc")]
    assert uploaded_files(()) == uploaded_files({}) == []
