"""The exercise runner: one decorator turns a checking function into a checker that never raises.

Introduced in ``00_setup.ipynb`` and used by every lesson's exercises. A checker is declared once::

    @exercise("ch02.ex1", title="output size of a convolution", kind="function",
              expects="a function output_size(n, k, stride, padding, dilation) -> int",
              hints=("...", "...", "..."), solution="output_size", forbidden=(some_library_fn,))
    def check_output_size(fn) -> str:
        ...                     # raise Wrong("what is wrong") or return the success message

and the learner calls ``check_output_size(answer)``. Whatever ``answer`` is, the call returns a
:class:`~course_utils.exercises.feedback.Feedback`:

- ``...`` (the cell as shipped): "no answer yet", and no hint;
- the wrong kind of object: what was expected and what arrived;
- a library's or the course's own implementation where the exercise is to write it: refused;
- the learner's code raised: which error, on which case, and where in their code;
- a wrong result on a hidden case: the body's sentence (``raise Wrong(...)``);
- right: the body's message, and the exercise is recorded as passed in the progress record.

Hints come in steps: the first failed try shows the first hint, the next one the second, and so
on; the worked solution is shown only by :func:`show_solution`. The body receives the answer
already validated for its ``kind``: a callable, a finite ``float``, or a finite float64 tensor.
"""


from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from course_utils.exercises import progress
from course_utils.exercises.answers import (
    Wrong,
    as_array,
    as_number,
    describe_answer,
    function_name,
)
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback

KINDS = ("function", "number", "array", "any")
LIBRARY_MODULES = ("torch", "torchvision", "numpy", "scipy", "sklearn", "course_utils", "captum",
                   "pytorch_grad_cam", "torchattacks", "statsmodels", "skimage")
"""Packages whose functions never count as the learner's own code (solutions aside)."""
SOLUTIONS_PACKAGE = "course_utils.exercises.solutions"


class LearnerError(Exception):
    """The learner's own code raised while a checker ran it (see :func:`call`)."""

    def __init__(self, error: BaseException, case: str):
        super().__init__(str(error))
        self.error, self.case = error, case


@dataclass(frozen=True)
class Exercise:
    """What the framework knows of one exercise.

    Attributes
    ----------
    key : str
        ``"chNN.exK"``: notebook NN, exercise K.
    title : str
    kind : {"function", "number", "array", "any"}
    expects : str
        What a right answer looks like, for "wrong type" messages.
    hints : tuple of str
        Given one more per failed try; none gives the answer away.
    solution : str
        Name of the solution in ``course_utils/exercises/solutions/chNN.py``.
    forbidden : tuple of callables
        Implementations that must not be handed in as the answer.
    test_kwargs : callable or None
        Returns the extra keyword arguments the notebook passes to the checker (the data the
        check needs), so the tests can call it the same way.
    """

    key: str
    title: str
    kind: str
    expects: str
    hints: tuple[str, ...]
    solution: str
    forbidden: tuple[Callable, ...] = ()
    test_kwargs: Callable[[], dict] | None = None

    @property
    def chapter(self) -> str:
        """``"ch02"`` for ``"ch02.ex1"``."""
        return self.key.split(".")[0]

    def solution_module(self) -> Any:
        """The module of worked solutions of this exercise's chapter."""
        return importlib.import_module(f"{SOLUTIONS_PACKAGE}.{self.chapter}")

    def solution_value(self) -> Any:
        """The reference answer (the tests feed it to the checker)."""
        return getattr(self.solution_module(), self.solution)


REGISTRY: dict[str, Callable[..., Feedback]] = {}
"""Every declared checker, by exercise key (its :class:`Exercise` is ``checker.exercise``);
filled when a ``chNN`` module is imported."""

_failures: dict[str, int] = {}
"""Failed tries per exercise in this session (drives the hint steps)."""


def exercise(key: str, *, title: str, kind: str, expects: str, hints: Sequence[str],
             solution: str, forbidden: Sequence[Callable] = (),
             test_kwargs: Callable[[], dict] | None = None) -> Callable:
    """Declare a checker; see the module docstring.

    The decorated function ``body(answer, *args, **kwargs) -> str`` receives the validated
    answer and any extra arguments the notebook passes (data the check needs), raises
    :class:`Wrong` for a wrong answer and returns the success message.

    Parameters
    ----------
    key : str
    title : str
    kind : str
    expects : str
    hints : Sequence[str]
    solution : str
    forbidden : Sequence[Callable]
    test_kwargs : Callable[[], dict], optional
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    if not hints:
        raise ValueError(f"exercise {key!r} needs at least one hint.")
    spec = Exercise(key, title, kind, expects, tuple(hints), solution, tuple(forbidden),
                    test_kwargs)

    def decorate(body: Callable[..., str]) -> Callable[..., Feedback]:
        @functools.wraps(body)
        def checker(answer: object = NOT_ANSWERED, *args: Any, **kwargs: Any) -> Feedback:
            return _run(spec, body, answer, args, kwargs)

        checker.exercise = spec
        REGISTRY[key] = checker
        return checker

    return decorate


def _run(spec: Exercise, body: Callable, answer: object, args: tuple, kwargs: dict) -> Feedback:
    if answer is NOT_ANSWERED:
        return Feedback(False, "No answer yet: replace the `...` with your answer and run the "
                               "cell. Each try that is not right yet unlocks a hint.")
    try:
        value = _validate(spec, answer)
        message = body(value, *args, **kwargs)
    except Wrong as wrong:
        return _failed(spec, str(wrong))
    except LearnerError as raised:
        return _failed(spec, _describe_learner_error(raised))
    except Exception as error:  # a checker must never raise at the learner
        return _failed(spec, f"This answer could not be checked ({type(error).__name__}: "
                             f"{error}). Expected {spec.expects}.")
    progress.record(spec.key, passed=True)
    return Feedback(True, str(message or ""))


def _failed(spec: Exercise, message: str) -> Feedback:
    count = _failures.get(spec.key, 0) + 1
    _failures[spec.key] = count
    progress.record(spec.key, passed=False)
    step = min(count, len(spec.hints))
    hint = f"({step}/{len(spec.hints)}) {spec.hints[step - 1]}"
    if count >= len(spec.hints):
        hint += f"\nStill stuck? show_solution({spec.key!r}) shows the worked solution."
    return Feedback(False, message, hint)


def _validate(spec: Exercise, answer: object) -> Any:
    """The answer in the form the body expects, or :class:`Wrong` saying what arrived."""
    if spec.kind == "function":
        if not callable(answer):
            raise Wrong(f"Expected {spec.expects}; got {describe_answer(answer)}.")
        refused = _library_origin(answer, spec.forbidden)
        if refused:
            raise Wrong(f"That is {refused}, not your own code: the point of this exercise is to "
                        f"write it yourself. Define a function with `def` in the notebook.")
        return answer
    if spec.kind == "number":
        return as_number(answer, what="your answer", expects=spec.expects)
    if spec.kind == "array":
        return as_array(answer, what="your answer", expects=spec.expects)
    return answer




def _library_origin(fn: Callable, forbidden: Sequence[Callable]) -> str:
    """A description of ``fn`` when it is a library's or the course's implementation, else ''."""
    target = fn.func if isinstance(fn, functools.partial) else fn
    target = inspect.unwrap(target) if inspect.isfunction(target) else target
    module = getattr(target, "__module__", None) or type(target).__module__ or ""
    if any(target is f for f in forbidden):
        return f"`{module + '.' if module else ''}{function_name(target)}` from a library"
    if module.startswith(SOLUTIONS_PACKAGE):
        return ""
    if module.split(".")[0] in LIBRARY_MODULES:
        return f"`{module}.{function_name(target)}`"
    return ""


def call(fn: Callable, *args: Any, case: str = "", none_ok: bool = False, **kwargs: Any) -> Any:
    """Run the learner's ``fn``; its exceptions become feedback, and ``None`` is refused unless
    ``none_ok`` (for a function run for its effect, such as one that freezes a model).

    Parameters
    ----------
    fn : Callable
    *args : Any
    case : str
    none_ok : bool
    **kwargs : Any
    """
    try:
        result = fn(*args, **kwargs)
    except Exception as error:  # the learner's code may fail in any way
        raise LearnerError(error, case) from error
    if result is None and not none_ok:
        raise Wrong(f"Your function returned None{' on ' + case if case else ''}: did it forget "
                    f"to `return` its result?")
    return result


def _describe_learner_error(raised: LearnerError) -> str:
    error = raised.error
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not f.filename.startswith(str(Path(__file__).parent))]
    line = (f" (line {frames[-1].lineno}: `{frames[-1].line}`)" if frames and frames[-1].line
            else "")
    case = f" on {raised.case}" if raised.case else ""
    return f"Your code raised {type(error).__name__}{case}: {error}{line}."


def load_all() -> None:
    """Import every ``chNN`` checker module so that :data:`REGISTRY` is complete."""
    package = importlib.import_module("course_utils.exercises")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("ch") and info.name[2:].isdigit():
            importlib.import_module(f"{package.__name__}.{info.name}")


def all_exercises() -> dict[str, Callable[..., Feedback]]:
    """Every checker of the course, by exercise key (imports all checker modules)."""
    load_all()
    return dict(sorted(REGISTRY.items()))
