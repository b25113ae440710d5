"""The code follows the rules configured in pyproject.toml ([tool.ruff]).

The linter runs as a test, so the one test command of the README (and of .ci/run) fails on a
lint error, with ruff's report as the failure message.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["course_utils", "tests", "benchmarks", *sorted(p.name for p in ROOT.glob("*.py"))]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *CHECKED],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    if "No module named ruff" in result.stderr:
        raise AssertionError("ruff is not installed: pip install -e '.[test]' (it is in the "
                             "test extra)")
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"ruff check {' '.join(CHECKED)}:\n{report}"


def _is_exercise_body(node: ast.FunctionDef) -> bool:
    """A checker's body, declared with ``@exercise(...)``: its answer is described there."""
    return any(isinstance(d, ast.Call) and getattr(d.func, "id", "") == "exercise"
               for d in node.decorator_list)


def _missing_parameters(path: Path) -> list[str]:
    missing = []

    def visit(body: list, prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                named = [a for a in arguments if a.arg not in ("self", "cls")]
                if (node.name.startswith("_") or _is_exercise_body(node)
                        or not (named or node.args.vararg or node.args.kwarg)
                        or any(getattr(d, "id", "") == "property" for d in node.decorator_list)):
                    continue
                if "Parameters\n----------" not in (ast.get_docstring(node) or ""):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {prefix}{node.name}")

    visit(ast.parse(path.read_text()).body, "")
    return missing


def test_every_public_function_documents_its_parameters():
    missing = []
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if ("solutions" in relative.parts
                or any(p.startswith("_") and p != "__init__.py" for p in relative.parts)):
            continue
        missing += _missing_parameters(path)
    assert not missing, ("public functions without a numpydoc Parameters section:\n"
                         + "\n".join(missing))
