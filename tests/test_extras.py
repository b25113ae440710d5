"""Optional extras: `import course_utils` without them, and each lesson's section that needs one
says how to install it (one line, no traceback) when the package is missing (simulated)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_utils.extras import EXTRAS, LESSONS, MissingExtraError, install_line, require
from course_utils.validation import InputError

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
BLOCK = "import sys\nfor name in {modules!r}:\n    sys.modules[name] = None  # not installed\n"
"""Simulates missing packages: importing a module set to None raises ImportError."""
REQUIRE = re.compile(r'^require\("(\w+)"\)', re.MULTILINE)


def require_cells() -> list[tuple[str, int, str, str]]:
    """(notebook, cell index, extra, source) of every cell that calls ``require``."""
    found = []
    for path in NOTEBOOKS:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                found += [(path.name, index, extra, cell.source)
                          for extra in REQUIRE.findall(cell.source)]
    return found


def test_course_utils_imports_without_any_extra():
    every_module = [m for ms in EXTRAS.values() for m in ms]
    code = BLOCK.format(modules=every_module) + textwrap.dedent("""
        import importlib, pkgutil
        import course_utils
        names = [m.name for m in pkgutil.walk_packages(course_utils.__path__, "course_utils.")
                 if not m.name.endswith("__main__")]
        for name in names:
            importlib.import_module(name)
        print(len(names))
    """)
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert int(ran.stdout) > 50


def test_every_extra_is_required_where_its_lesson_uses_it():
    cells = require_cells()
    for extra, lesson in LESSONS.items():
        assert any(n.startswith(lesson) and e == extra for n, _, e, _ in cells), (
            f"notebook {lesson} uses the {extra!r} extra but no cell calls require({extra!r})")
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        required: set[str] = set()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            required |= set(REQUIRE.findall(cell.source))
            for extra, modules in EXTRAS.items():
                for module in modules:
                    if re.search(rf"^\s*(from|import) {module}\b", cell.source, re.MULTILINE):
                        assert extra in required, (f"{path.name} [{index}] imports {module} "
                                                   f"before require({extra!r})")


@pytest.mark.parametrize("notebook,index,extra,source", require_cells(),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "")
def test_a_missing_extra_gives_the_install_line_not_a_traceback(notebook, index, extra, source):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(BLOCK.format(modules=list(EXTRAS[extra]))),
        nbformat.v4.new_code_cell(source)])
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True)
    client.execute()
    [error] = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert error.ename == "MissingExtraError"
    shown = "\n".join(error.traceback)
    assert "Traceback" not in shown and "File " not in shown, shown
    assert f'pip install "course_utils[{extra}]"' in shown and "restart" in shown


def test_require_passes_when_installed_and_names_the_line_when_not(monkeypatch):
    require("deploy")  # the course's environment has every extra
    monkeypatch.setitem(sys.modules, "cleanlab", None)
    with pytest.raises(MissingExtraError, match=re.escape(install_line("quality"))) as caught:
        require("quality")
    assert "notebook 11" in str(caught.value) and "cleanlab" in str(caught.value)
    assert caught.value._render_traceback_() == [f"MissingExtraError: {caught.value}"]
    with pytest.raises(InputError, match="extra must be one of"):
        require("everything")


def test_litert_on_an_intel_mac_says_to_read_instead(monkeypatch):
    monkeypatch.setitem(sys.modules, "ai_edge_litert", None)
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr("platform.machine", lambda: "x86_64")
    with pytest.raises(MissingExtraError, match="no wheel for Intel Macs"):
        require("litert")
