"""The course's error for a bad argument, and how a message describes what was given."""

from __future__ import annotations

import numpy as np
import torch


class InputError(ValueError, TypeError):
    """The course's error for a bad argument: what was given, what was expected, how to fix it.

    It is both a ``ValueError`` and a ``TypeError``, so ``except ValueError`` (or
    ``pytest.raises(TypeError)``) written before it existed still catches it.
    """


class MissingFileError(InputError, FileNotFoundError):
    """No file where a path points: an :class:`InputError` that is also a ``FileNotFoundError``."""


def describe(value: object) -> str:
    """A short description of ``value`` for an error message (type, dtype and shape).

    Parameters
    ----------
    value : object
    """
    if isinstance(value, torch.Tensor):
        return f"a {str(value.dtype).replace('torch.', '')} tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"a NumPy {value.dtype} array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
