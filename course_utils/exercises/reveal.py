"""Showing a worked solution: :func:`show_solution` prints where it lives and its code.

Introduced in ``00_setup.ipynb``; the solutions are in ``course_utils/exercises/solutions/``.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from course_utils.exercises.runner import REGISTRY, Exercise, load_all


def show_solution(key: str) -> str:
    """Print (and return) where the worked solution of exercise ``key`` is, and its code.

    Introduced in ``00_setup.ipynb``. ``key`` is ``"chNN.exK"`` as the exercise's heading says.

    Parameters
    ----------
    key : str
    """
    load_all()
    if key not in REGISTRY:
        message = f"No exercise {key!r}; the exercises are: {', '.join(sorted(REGISTRY))}."
        print(message)
        return message
    spec = REGISTRY[key].exercise
    path = Path(spec.solution_module().__file__)
    text = (f"Solution of {key} ({spec.title}): `{spec.solution}` in "
            f"course_utils/exercises/solutions/{path.name}\n({path})\n\n{solution_code(spec)}")
    print(text)
    return text


def solution_code(spec: Exercise) -> str:
    """The source of an exercise's solution: the function, or the ``name = ...`` lines.

    Parameters
    ----------
    spec : Exercise
    """
    value = spec.solution_value()
    if inspect.isfunction(value) or inspect.isclass(value):
        return inspect.getsource(value)
    source = inspect.getsource(spec.solution_module())
    return _assignment(source, spec.solution) or f"{spec.solution} = {value!r}"


def _assignment(source: str, name: str) -> str:
    """The lines of ``name = ...`` in ``source`` (continuation lines included), or ''."""
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"{name} =") or line.startswith(f"{name}:"):
            block = [line]
            for more in lines[i + 1:]:
                if more and not more[0].isspace() and not more.startswith((")", "]", "}")):
                    break
                block.append(more)
            return "\n".join(block).rstrip()
    return ""
