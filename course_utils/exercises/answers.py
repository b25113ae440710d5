"""Answers as the checkers read them: numbers, arrays and tuples from whatever a learner hands in,
compared with the expected values, and :class:`Wrong` saying what is off.

Introduced in ``00_setup.ipynb`` with the exercise framework (:mod:`course_utils.exercises.runner`
runs the checkers; this module is what their bodies use).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from course_utils.validation import describe


class Wrong(Exception):
    """Raised inside a checker's body: the answer is wrong, and the message says why."""


def function_name(fn: object) -> str:
    """The name a message gives a function: its qualified name, or its plain one for wrappers.

    Parameters
    ----------
    fn : object
        A function, method, builtin or callable object.

    Returns
    -------
    str
    """
    qualname = getattr(fn, "__qualname__", None)
    if qualname and (qualname.startswith("_") or "<locals>" in qualname):
        qualname = None  # a wrapper's inner name (torch builtins, dispatchers): use the plain one
    return qualname or getattr(fn, "__name__", None) or type(fn).__name__


def describe_answer(value: object) -> str:
    """A short phrase for a learner's answer: :func:`course_utils.validation.describe`, with
    ``None`` read as a missing ``return`` and a function named.

    Parameters
    ----------
    value : object
        Whatever the learner handed in.

    Returns
    -------
    str
    """
    if value is None:
        return "None (did a function forget to `return`?)"
    if callable(value):
        return f"the function `{function_name(value)}`"
    return describe(value)


def as_number(value: object, *, what: str = "the value", expects: str = "a number") -> float:
    """A finite Python float from an int, float, NumPy scalar or one-element array/tensor.

    Raises :class:`Wrong` for anything else, booleans, NaN and infinity.

    Parameters
    ----------
    value : object
    what : str
    expects : str
    """
    if isinstance(value, (bool, np.bool_)):
        raise Wrong(f"Expected {expects}; {what} is the boolean {value}.")
    if isinstance(value, (torch.Tensor, np.ndarray)):
        if value.size != 1 if isinstance(value, np.ndarray) else value.numel() != 1:
            raise Wrong(f"Expected {expects}; {what} is {describe_answer(value)}.")
        if value.dtype in (torch.bool, np.bool_):
            raise Wrong(f"Expected {expects}; {what} is a boolean.")
        value = value.item()
    if not isinstance(value, (int, float, np.integer, np.floating)):
        raise Wrong(f"Expected {expects}; {what} is {describe_answer(value)}.")
    number = float(value)
    if not math.isfinite(number):
        raise Wrong(f"{what.capitalize()} is {number}: expected a finite number.")
    return number


def as_array(value: object, *, what: str = "the value", expects: str = "an array") -> torch.Tensor:
    """A finite float64 CPU tensor from a tensor, NumPy array, list or tuple of numbers.

    Raises :class:`Wrong` for other types, ragged lists, empty input, NaN and infinity.

    Parameters
    ----------
    value : object
    what : str
    expects : str
    """
    if value is None or isinstance(value, (str, bytes, dict, set)) or callable(value):
        raise Wrong(f"Expected {expects}; {what} is {describe_answer(value)}.")
    try:
        if isinstance(value, torch.Tensor):
            tensor = value.detach().to("cpu", torch.float64)
        else:
            tensor = torch.as_tensor(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError, RuntimeError) as error:
        raise Wrong(f"Expected {expects}; {what} ({describe_answer(value)}) cannot be read as "
                    f"numbers "
                    f"({error}).") from None
    if tensor.numel() == 0:
        raise Wrong(f"Expected {expects}; {what} is empty.")
    if not torch.isfinite(tensor).all():
        bad = "NaN" if torch.isnan(tensor).any() else "infinity"
        raise Wrong(f"{what.capitalize()} contains {bad}: expected finite numbers.")
    return tensor


def as_tuple(value: object, length: int, *, what: str = "your answer",
             expects: str = "a pair") -> tuple:
    """The items of a list, tuple, array or tensor of exactly ``length`` items, as a tuple.

    Raises :class:`Wrong` for strings, dicts, sets, scalars (0-d arrays and tensors included) and
    collections of another length.

    Parameters
    ----------
    value : object
    length : int
    what : str
    expects : str
    """
    if isinstance(value, (str, bytes, dict, set, frozenset)):
        raise Wrong(f"Expected {expects}; {what} is {describe_answer(value)}.")
    try:
        items = tuple(value)
    except TypeError:
        raise Wrong(f"Expected {expects}; {what} is {describe_answer(value)}.") from None
    if len(items) != length:
        raise Wrong(f"Expected {expects}; {what} has {len(items)} items, not {length}.")
    return items


def expect_close(got: object, expected: object, *, what: str = "the result",
                 atol: float = 1e-6, rtol: float = 0.0, case: str = "") -> None:
    """Raise :class:`Wrong` unless ``got`` matches ``expected`` in shape and values.

    Any numeric type is accepted on both sides (tensors of any dtype, NumPy, lists, numbers);
    the comparison is in float64 and ``|got - expected| <= atol + rtol * |expected|``.

    Parameters
    ----------
    got : object
    expected : object
    what : str
    atol : float
    rtol : float
    case : str
    """
    where = f" on {case}" if case else ""
    want = as_array(expected, what="the expected value")
    have = as_array(got, what=f"{what}{where}", expects=f"values of shape {tuple(want.shape)}")
    if have.shape != want.shape:
        if have.numel() == want.numel():
            raise Wrong(f"{what.capitalize()}{where} has shape {tuple(have.shape)}; expected "
                        f"{tuple(want.shape)} (the right number of values, arranged differently).")
        raise Wrong(f"{what.capitalize()}{where} has shape {tuple(have.shape)}; expected "
                    f"{tuple(want.shape)}.")
    error = (have - want).abs()
    bound = atol + rtol * want.abs()
    if (error > bound).any():
        worst = int(torch.argmax(error - bound))
        index = tuple(int(i) for i in np.unravel_index(worst,
                                                       tuple(want.shape))) if want.ndim else ()
        at = f" at index {index}" if index else ""
        raise Wrong(f"{what.capitalize()}{where} is off by up to {error.max().item():.3g}{at}: "
                    f"got {have.flatten()[worst].item():.6g}, expected "
                    f"{want.flatten()[worst].item():.6g}.")
