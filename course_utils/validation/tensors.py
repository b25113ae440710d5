"""Arrays and tensors: reading them, their dimensions and dtype, NaN and inf, device, length."""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np
import torch

from course_utils.validation.errors import InputError, describe

ArrayLike = Union[torch.Tensor, np.ndarray, list, tuple]
"""What a helper that takes numbers accepts: a tensor (any device), a NumPy array or a list."""


def to_numpy(value: object, name: str) -> np.ndarray:
    """``value`` as a NumPy array (a tensor is detached and copied to the CPU, bfloat16, which
    NumPy lacks, as float32; lists read).

    Parameters
    ----------
    value : object
    name : str
    """
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        return (value.float() if value.dtype == torch.bfloat16 else value).numpy()
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (list, tuple)):
        try:
            return np.asarray(value)
        except ValueError as error:  # ragged nested lists
            raise InputError(f"{name} could not be read as an array ({error}); pass a flat "
                             "list, a NumPy array or a torch tensor.") from None
    raise InputError(f"{name} must be a torch tensor, a NumPy array or a list, got "
                     f"{describe(value)}.")


def as_tensor(value: object, name: str, layout: str = "", numpy: bool = True) -> torch.Tensor:
    """``value`` as a tensor: a tensor as it is; a NumPy array or a list converted (unless
    ``numpy=False``, where the message says how to convert).

    Parameters
    ----------
    value : object
    name : str
    layout : str
    numpy : bool
    """
    if isinstance(value, torch.Tensor):
        return value
    shape = f" of shape {layout}" if layout else ""
    if isinstance(value, np.ndarray) and numpy:
        if value.dtype == object:
            raise InputError(f"{name} is a NumPy array of Python objects; pass numbers{shape}.")
        return torch.from_numpy(np.ascontiguousarray(value))
    if isinstance(value, (list, tuple)) and numpy:
        try:
            return torch.as_tensor(np.asarray(value))
        except (ValueError, TypeError, RuntimeError):
            raise InputError(f"{name} could not be read as numbers{shape}: got {describe(value)} "
                             "(ragged or not numeric); pass a tensor.") from None
    if numpy:
        raise InputError(f"{name} must be a torch tensor, a NumPy array or a list{shape}, got "
                         f"{describe(value)}.")
    raise InputError(f"{name} must be a torch.Tensor{shape}, got {describe(value)}. Convert it "
                     f"with torch.as_tensor({name}).")


def check_tensor(value: object, name: str, ndim: int | Sequence[int] | None = None,
                 layout: str = "", *, floating: bool | None = None, numpy: bool = True,
                 finite: bool = False, nonempty: bool = False) -> torch.Tensor:
    """Check ``value`` is a tensor with ``ndim`` dimensions (``layout`` names them, e.g.
    ``"(N, C, H, W)"``); with ``floating`` True/False also its kind of dtype; ``finite`` refuses
    NaN/inf; ``nonempty`` refuses a tensor with no elements. NumPy arrays are converted unless
    ``numpy=False``.

    Parameters
    ----------
    value : object
    name : str
    ndim : int | Sequence[int], optional
    layout : str
    floating : bool, optional
    numpy : bool
    finite : bool
    nonempty : bool
    """
    tensor = as_tensor(value, name, layout, numpy=numpy)
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim or ())
    if allowed and tensor.ndim not in allowed:
        want = " or ".join(map(str, allowed))
        hint = ("Add a batch dimension with x[None] or x.unsqueeze(0)."
                if tensor.ndim == min(allowed) - 1 else "Reshape it to the expected layout.")
        raise InputError(f"{name} must have {want} dimensions {layout}, got shape "
                         f"{tuple(tensor.shape)}. {hint}".replace("  ", " "))
    if floating is True and not tensor.is_floating_point():
        raise InputError(f"{name} must be a floating-point tensor, got {tensor.dtype}. "
                         f"Convert it with {name}.float() (or .double() for a gradient check).")
    if floating is False and (tensor.is_floating_point() or tensor.is_complex()):
        raise InputError(f"{name} must hold integers, got {tensor.dtype}; convert with .long().")
    if nonempty and tensor.numel() == 0:
        raise InputError(f"{name} is empty (shape {tuple(tensor.shape)}); pass at least one item.")
    if finite:
        check_finite(tensor, name)
    return tensor


def check_finite(tensor: torch.Tensor, name: str, hint: str = "") -> torch.Tensor:
    """Raise unless every value of a float tensor is finite (no NaN, no inf).

    Parameters
    ----------
    tensor : torch.Tensor
    name : str
    hint : str
    """
    if tensor.is_floating_point() or tensor.is_complex():
        bad = ~torch.isfinite(tensor)
        if bool(bad.any()):
            count = int(bad.sum())
            first = [int(i) for i in bad.nonzero()[0].tolist()]
            kinds = " and ".join(kind for kind, mask in (("NaN", torch.isnan(tensor)),
                                                          ("inf", torch.isinf(tensor)))
                                 if bool(mask.any()))
            fix = hint or ("Check the preprocessing (a division by zero, a log of 0) or look for "
                           "missing pixels; drop or replace those values first.")
            raise InputError(f"{name} holds {count} {kinds} value(s), the first at index "
                             f"{first}; NaN or inf cannot be used. {fix}")
    return tensor


def check_same_device(tensor: torch.Tensor, name: str, device: torch.device | str,
                      other: str = "the model") -> torch.Tensor:
    """Raise unless ``tensor`` lives on ``device`` (where ``other`` lives).

    Parameters
    ----------
    tensor : torch.Tensor
    name : str
    device : torch.device | str
    other : str
    """
    device = torch.device(device)
    if tensor.device.type != device.type or (
            device.index is not None and tensor.device.index not in (None, device.index)):
        raise InputError(f"{name} are on {tensor.device} but {other} is on {device}; move them "
                         f"with {name}.to({str(device)!r}).")
    return tensor


def check_same_length(**arrays: object) -> None:
    """Raise unless every array has the same number of rows (the same examples, in order).

    Parameters
    ----------
    **arrays : object
    """
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise InputError(f"the inputs must describe the same examples in the same order, but "
                         f"{listed} entries.")
