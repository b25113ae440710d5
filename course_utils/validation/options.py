"""Options: one of a few values, True or False, an instance of a given type."""

from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np

from course_utils.validation.errors import InputError, describe


def check_choice(value: object, name: str, choices: Sequence, hint: str = "") -> object:
    """Return ``value`` after checking it is one of ``choices`` (None and bools by identity,
    numbers and strings by value; ``True`` is not ``1``).

    Parameters
    ----------
    value : object
    name : str
    choices : Sequence
    hint : str
    """
    def same(a: object, b: object) -> bool:
        if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
            return a is b
        if isinstance(a, str) or isinstance(b, str):
            return isinstance(a, str) and isinstance(b, str) and a == b
        if isinstance(a, numbers.Number) and isinstance(b, numbers.Number):
            return a == b
        return a is b

    if not any(same(value, c) for c in choices):
        close = ""
        if isinstance(value, str):
            near = [c for c in choices if isinstance(c,
                                                     str) and c.lower() == value.lower().strip()]
            close = f" Did you mean {near[0]!r}?" if near else ""
        raise InputError(f"{name} must be one of {tuple(choices)}, got {value!r}.{close}"
                         f"{' ' + hint if hint else ''}")
    return value


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` after checking it is True or False (not 0/1, not a string).

    Parameters
    ----------
    value : object
    name : str
    """
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be True or False, got {describe(value)}.")
    return bool(value)


def check_type(value: object, name: str, types: type | tuple[type, ...], expected: str,
               hint: str = "") -> object:
    """Return ``value`` after checking ``isinstance(value, types)``; ``expected`` words it.

    Parameters
    ----------
    value : object
    name : str
    types : type | tuple[type, ...]
    expected : str
    hint : str
    """
    bool_unwanted = isinstance(value, bool) and bool not in (
        types if isinstance(types, tuple) else (types,))
    if bool_unwanted or not isinstance(value, types):
        raise InputError(f"{name} must be {expected}, got "
                         f"{describe(value)}.{' ' + hint if hint else ''}")
    return value
