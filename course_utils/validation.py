"""Input checks for every public helper of the course, and the one error type they raise.

Met from ``01_images_as_tensors.ipynb`` on, whenever a helper is given something odd. Each
``check_*`` function is named after what it checks, takes the value first and the argument's
name second, and either returns the value in the form the helper works with (a tensor, an int,
a float, a path) or raises :class:`InputError` with a sentence that says what was given, what
was expected and the usual fix, e.g.::

    >>> check_images(torch.full((2, 1, 28, 28), 200.0), "images", value_range="unit")
    InputError: images must lie in [0, 1], got values in [200, 200]: they look like 0..255
    floats: divide by 255 or use course_utils.validation.to_float_images(images); keep any
    normalisation inside the model (course_utils.models.Normalize).

Use the checks at the boundary of a public helper (its first lines). Inside a training step
check shapes and dtypes only: a check that reads values (NaN, range) waits for the GPU. A helper that needs a check missing here adds one small function to this module; no
module keeps a private copy of a check.

Floor 1: imports only torch and NumPy.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Iterable, Sequence, Union

import numpy as np
import torch

ArrayLike = Union[torch.Tensor, np.ndarray, list, tuple]
"""What a helper that takes numbers accepts: a tensor (any device), a NumPy array or a list."""


class InputError(ValueError, TypeError):
    """The course's error for a bad argument: what was given, what was expected, how to fix it.

    It is both a ``ValueError`` and a ``TypeError``, so ``except ValueError`` (or
    ``pytest.raises(TypeError)``) written before it existed still catches it.
    """


class MissingFileError(InputError, FileNotFoundError):
    """No file where a path points: an :class:`InputError` that is also a ``FileNotFoundError``."""


# ---------------------------------------------------------------------------------------------
# Describing what was given
# ---------------------------------------------------------------------------------------------

def describe(value: object) -> str:
    """A short description of ``value`` for an error message (type, dtype and shape)."""
    if isinstance(value, torch.Tensor):
        return f"a {str(value.dtype).replace('torch.', '')} tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"a NumPy {value.dtype} array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


# ---------------------------------------------------------------------------------------------
# Numbers and options
# ---------------------------------------------------------------------------------------------

def check_int_range(value: object, name: str, low: int | None = None, high: int | None = None,
                    hint: str = "") -> int:
    """Return ``value`` as an int after checking ``low <= value <= high`` (either bound optional).

    NumPy and torch integer scalars are accepted; bools and floats (even ``3.0``) are refused.
    """
    if isinstance(value, torch.Tensor) and value.ndim == 0 and not value.is_floating_point() \
            and value.dtype != torch.bool:
        value = int(value)
    if high is None:
        expected = "" if low is None else f" >= {low}"
    elif low is None:
        expected = f" <= {high}"
    else:
        expected = f" in [{low}, {high}]"
    extra = f" {hint}" if hint else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fix = f" Use int({value!r})." if isinstance(value, float) and value.is_integer() else ""
        raise InputError(f"{name} must be an int{expected}, got {describe(value)}.{fix}{extra}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputError(f"{name} must be an int{expected}, got {value}.{extra}")
    return value


_INT_HINTS = {
    "stride": "A stride of 0 would never move the window; use stride=1 to visit every position.",
    "dilation": "dilation=1 is an ordinary (not dilated) kernel.",
}


def check_positive_int(value: object, name: str, minimum: int = 1, hint: str = "") -> int:
    """Return ``value`` as an int after checking it is an integer ``>= minimum`` (default 1).

    ``stride`` and ``dilation`` get their usual fix in the message unless ``hint`` is given.
    """
    return check_int_range(value, name, low=minimum, hint=hint or _INT_HINTS.get(name, ""))


def check_number(value: object, name: str, low: float | None = None, high: float | None = None,
                 *, low_open: bool = False, high_open: bool = False, hint: str = "") -> float:
    """Return ``value`` as a finite float in the interval given by ``low`` and ``high``.

    ``low_open`` / ``high_open`` exclude the bound itself. NumPy and 0-d torch numbers are
    accepted; bools, strings, NaN and inf are refused.
    """
    if isinstance(value, torch.Tensor) and value.ndim == 0 and value.dtype != torch.bool:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fix = " Pass a number, e.g. float(...)." if isinstance(value, str) else ""
        raise InputError(f"{name} must be a number, got {describe(value)}.{fix}")
    value = float(value)
    extra = f" {hint}" if hint else ""
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {value}.{extra}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        if high is None:
            expected = f"{'>' if low_open else '>='} {low:g}"
        elif low is None:
            expected = f"{'<' if high_open else '<='} {high:g}"
        else:
            expected = f"in {left}{low:g}, {high:g}{right}"
        raise InputError(f"{name} must be {expected}, got {value:g}.{extra}")
    return value


def check_positive(value: object, name: str, hint: str = "") -> float:
    """Return ``value`` as a finite float ``> 0`` (a learning rate, a temperature, a size)."""
    return check_number(value, name, low=0.0, low_open=True, hint=hint)


def check_non_negative(value: object, name: str, hint: str = "") -> float:
    """Return ``value`` as a finite float ``>= 0`` (a weight decay, an ε, a noise level)."""
    return check_number(value, name, low=0.0, hint=hint)


def check_probability(value: object, name: str, *, open_low: bool = False,
                      open_high: bool = False, hint: str = "") -> float:
    """Return ``value`` as a float in [0, 1] (or an open side, e.g. a test fraction in (0, 1))."""
    return check_number(value, name, 0.0, 1.0, low_open=open_low, high_open=open_high,
                        hint=hint)


def check_choice(value: object, name: str, choices: Sequence, hint: str = "") -> object:
    """Return ``value`` after checking it is one of ``choices`` (None and bools by identity,
    numbers and strings by value; ``True`` is not ``1``)."""
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
            near = [c for c in choices if isinstance(c, str) and c.lower() == value.lower().strip()]
            close = f" Did you mean {near[0]!r}?" if near else ""
        raise InputError(f"{name} must be one of {tuple(choices)}, got {value!r}.{close}"
                         f"{' ' + hint if hint else ''}")
    return value


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` after checking it is True or False (not 0/1, not a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be True or False, got {describe(value)}.")
    return bool(value)


def check_type(value: object, name: str, types: type | tuple[type, ...], expected: str,
               hint: str = "") -> object:
    """Return ``value`` after checking ``isinstance(value, types)``; ``expected`` words it."""
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise InputError(f"{name} must be {expected}, got {describe(value)}.{' ' + hint if hint else ''}")
    if not isinstance(value, types):
        raise InputError(f"{name} must be {expected}, got {describe(value)}.{' ' + hint if hint else ''}")
    return value


def check_size(value: object, name: str = "size") -> tuple[int, int]:
    """An image size: an int ``s`` (square) or ``(H, W)``, each >= 1 -> ``(H, W)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise InputError(f"{name} must be an int or an (H, W) pair, got {value!r}.")
        return (check_positive_int(value[0], f"{name}[0]"), check_positive_int(value[1], f"{name}[1]"))
    side = check_positive_int(value, name, hint="An image needs at least one pixel a side.")
    return side, side


# ---------------------------------------------------------------------------------------------
# Arrays and tensors
# ---------------------------------------------------------------------------------------------

def to_numpy(value: object, name: str) -> np.ndarray:
    """``value`` as a NumPy array (a tensor is detached and copied to the CPU; lists read)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
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
    ``numpy=False``, where the message says how to convert)."""
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
    ``numpy=False``."""
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
    """Raise unless every value of a float tensor is finite (no NaN, no inf)."""
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
    """Raise unless ``tensor`` lives on ``device`` (where ``other`` lives)."""
    device = torch.device(device)
    if tensor.device.type != device.type or (
            device.index is not None and tensor.device.index not in (None, device.index)):
        raise InputError(f"{name} are on {tensor.device} but {other} is on {device}; move them "
                         f"with {name}.to({str(device)!r}).")
    return tensor


def check_same_length(**arrays: object) -> None:
    """Raise unless every array has the same number of rows (the same examples, in order)."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise InputError(f"the inputs must describe the same examples in the same order, but "
                         f"{listed} entries.")


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------

def to_float_images(images: object, name: str = "images") -> torch.Tensor:
    """Images as float32 in [0, 1]: uint8 0..255 and float 0..255 are divided by 255.

    Parameters
    ----------
    images : tensor or NumPy array, any shape
        uint8 (0..255), or float in [0, 1] (returned as float32) or in [0, 255].

    Returns
    -------
    tensor of the same shape, float32 in [0, 1]
    """
    tensor = as_tensor(images, name)
    if tensor.dtype == torch.uint8:
        return tensor.float() / 255
    if not tensor.is_floating_point():
        raise InputError(f"{name} must be uint8 (0..255) or float pixels, got {tensor.dtype}.")
    check_finite(tensor, name)
    if tensor.numel() == 0:
        return tensor.float()
    low, high = float(tensor.min()), float(tensor.max())
    if low < 0 or high > 255:
        raise InputError(f"{name} hold values from {low:.4g} to {high:.4g}: neither [0, 1] nor "
                         "0..255 pixels. Normalised images (mean/std) cannot be turned back "
                         "without their statistics; pass the raw pixels.")
    return tensor.float() / 255 if high > 1 else tensor.float()


def range_problem(low: float, high: float, name: str = "images") -> str:
    """Why images with values ``low..high`` are not in [0, 1], with the usual fix ('' if they are)."""
    if low >= 0 and high <= 1:
        return ""
    got = f"{name} must lie in [0, 1], got values in [{low:.4g}, {high:.4g}]"
    if low >= 0 and high <= 255:
        return (f"{got}: they look like 0..255 floats: divide by 255 or use "
                f"course_utils.validation.to_float_images({name}); keep any normalisation "
                "inside the model (course_utils.models.Normalize).")
    if low < 0:
        return (f"{got}: they look normalised (mean/std). Pass the raw [0, 1] images and put "
                "the normalisation inside the model (course_utils.models.Normalize).")
    return f"{got}; rescale them to [0, 1] first."


def check_images(value: object, name: str = "images", *, ndim: int | Sequence[int] = 4,
                 dtype: str = "float", value_range: str | None = None, finite: bool = True,
                 nonempty: bool = True, device: torch.device | str | None = None,
                 numpy: bool = True, layout: str | None = None) -> torch.Tensor:
    """Check a batch (or one image) and return it as a tensor.

    Parameters
    ----------
    value : tensor or NumPy array
        ``(N, C, H, W)`` for ``ndim=4``, ``(C, H, W)`` for ``ndim=3`` (both with ``(3, 4)``).
    name : str
        The argument's name, for the message.
    dtype : {"float", "uint8", "any"}
        ``"any"`` accepts uint8 and float.
    value_range : {"unit", None}
        ``"unit"``: float values must lie in [0, 1] (0..255 floats and normalised images are
        refused with the fix).
    finite : bool
        Refuse NaN and inf.
    nonempty : bool
        Refuse a batch with no image or an image with no pixel.
    device : optional
        The device the images must be on (the model's).
    numpy : bool
        Accept NumPy arrays (converted with ``torch.from_numpy``); otherwise refuse them with
        the conversion to use.
    layout : str, optional
        How the message names the axes (default ``"(N, C, H, W)"`` / ``"(C, H, W)"``).

    Returns
    -------
    tensor
        ``value`` itself when it is a tensor (never copied), else the converted array.
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    layout = layout or " or ".join({3: "(C, H, W)", 4: "(N, C, H, W)", 2: "(H, W)"}.get(
        d, f"{d}-D") for d in allowed)
    tensor = as_tensor(value, name, layout, numpy=numpy)
    var = name.split()[-1]  # "train images" -> images, for the code in the messages
    if tensor.ndim not in allowed:
        hint = "Reshape it to the expected layout."
        if tensor.ndim == min(allowed) - 1:
            hint = ("For one image pass image[None] (a batch of one); for grayscale (N, H, W) "
                    f"images add the channel axis with {var}.unsqueeze(1)." if min(allowed) == 4
                    else f"Add the channel axis with {var}.unsqueeze(0).")
        elif tensor.ndim in (3, 4) and _channels_last(tensor):
            hint = ("They look channels-last (..., H, W, C), as NumPy and PIL store them: use "
                    f"{var}.permute(0, 3, 1, 2) (or (2, 0, 1) for one image).")
        batch = "a non-empty batch " if 4 in allowed else ""
        raise InputError(f"{name} must be {batch}{layout}, got {describe(tensor)}. {hint}")
    if tensor.ndim >= 3 and _channels_last(tensor):
        raise InputError(f"{name} look channels-last {tuple(tensor.shape)} (..., H, W, C), but "
                         f"{layout} is expected: use {var}.permute(0, 3, 1, 2) (or (2, 0, 1) "
                         "for one image).")
    if dtype == "float" and not tensor.is_floating_point():
        fix = (f"convert uint8 pixels with {var}.float() / 255 (or to_float_images)"
               if tensor.dtype == torch.uint8 else f"convert with {var}.float()")
        kind = f" (a float batch {layout})" if 4 in allowed else ""
        raise InputError(f"{name} must be float{kind}, got {tensor.dtype}: {fix}.")
    if dtype == "uint8" and tensor.dtype != torch.uint8:
        raise InputError(f"{name} must be uint8 pixels (0..255), got {tensor.dtype}; convert "
                         f"[0, 1] floats with ({var} * 255).round().to(torch.uint8).")
    if dtype == "any" and not (tensor.is_floating_point() or tensor.dtype == torch.uint8):
        raise InputError(f"{name} must be uint8 (0..255) or float (0..1) pixels, got "
                         f"{tensor.dtype}; convert with {var}.float() / 255 or .to(torch.uint8).")
    if nonempty and (tensor.numel() == 0):
        raise InputError(f"{name} is empty (shape {tuple(tensor.shape)}); pass a non-empty batch "
                         f"{layout}: at least one image with at least one pixel.")
    if device is not None:
        check_same_device(tensor, name, device)
    if finite:
        check_finite(tensor, name, hint="Fix or drop those images before using them (look at "
                     "how they were loaded or normalised).")
    if value_range == "unit" and tensor.is_floating_point() and tensor.numel():
        problem = range_problem(float(tensor.min()), float(tensor.max()), name)
        if problem:
            raise InputError(problem)
    return tensor


def _channels_last(tensor: torch.Tensor) -> bool:
    """Whether ``(..., H, W, C)`` with 1 or 3 channels last is the likely reading of the shape."""
    return tensor.shape[-1] in (1, 3) and tensor.shape[-3] >= 8 and tensor.shape[-2] >= 8


def check_cache(cache: object, keys: Sequence[str], forward: str) -> dict:
    """Raise unless ``cache`` is the dict a ``forward`` function returned (it holds ``keys``)."""
    if not isinstance(cache, dict) or not set(keys) <= set(cache):
        got = (f"a dict without {sorted(set(keys) - set(cache))}" if isinstance(cache, dict)
               else describe(cache))
        raise InputError(f"cache must be the dict returned by {forward} (the second thing it "
                         f"returns), got {got}.")
    return cache


def check_square_kernel(kernel: torch.Tensor, name: str = "kernel") -> int:
    """Return the side ``k`` of a ``(..., k, k)`` kernel; raise if it is not square."""
    kh, kw = kernel.shape[-2:]
    if kh != kw:
        raise InputError(
            f"{name} must be square (k x k), got {kh} x {kw}. These lessons use square kernels; "
            f"pad the kernel with zeros to {max(kh, kw)} x {max(kh, kw)} if you need that shape.")
    return int(kh)


# ---------------------------------------------------------------------------------------------
# Labels and indices
# ---------------------------------------------------------------------------------------------

def check_labels(value: object, name: str = "labels", *, n: int | None = None,
                 num_classes: int | None = None, nonempty: bool = True) -> torch.Tensor:
    """Return class labels as an ``(N,)`` int64 tensor (on the device they came on).

    Accepts tensors, NumPy arrays and lists of ints; bools become 0/1. Refuses float labels,
    one-hot or score rows, negative labels, labels ``>= num_classes`` and, with ``n``, a length
    other than ``n``.
    """
    tensor = as_tensor(value, name, "(N,)")
    shape = f"({n},)" if n is not None else "(N,)"
    if tensor.ndim != 1:
        hint = (" If these are scores or one-hot rows, take the class with .argmax(1) first."
                if tensor.ndim == 2 else "")
        raise InputError(f"{name} must have shape {shape} (1-D class labels, one per item), got "
                         f"shape {tuple(tensor.shape)}.{hint}")
    if nonempty and len(tensor) == 0:
        raise InputError(f"{name} is empty (shape (0,)); pass at least one label.")
    if tensor.dtype == torch.bool:
        tensor = tensor.long()
    if tensor.is_floating_point() or tensor.is_complex():
        raise InputError(f"{name} must hold integer class labels, got dtype "
                         f"{str(tensor.dtype).replace('torch.', '')}: integer class indices 0, 1, "
                         "2, ... are expected. Predicted classes come from scores with .argmax(1); "
                         "convert labels with .long() (an int64 tensor) or .astype(int) (NumPy).")
    if n is not None and len(tensor) != n:
        raise InputError(f"{name} must have shape ({n},), one class per item, got "
                         f"{tuple(tensor.shape)}.")
    if len(tensor):
        low, high = int(tensor.min()), int(tensor.max())
        if low < 0:
            raise InputError(f"{name} must hold class indices >= 0, got {low}. Number the "
                             "classes 0, 1, 2, ... (for -1/+1 labels use y == 1).")
        if num_classes is not None and high >= num_classes:
            raise InputError(f"{name} go up to {high} but there are {num_classes} classes: "
                             f"labels must lie in [0, {num_classes}); fix the labels or the "
                             "class list.")
    return tensor.long()


def check_indices(value: object, n: int, name: str = "indices") -> torch.Tensor:
    """Positions into a set of ``n`` items as an int64 tensor.

    Accepts a list, a NumPy array or a tensor of ints (negative ones count from the end, as in
    Python), or a boolean mask of length ``n``. Refuses float indices and out-of-range ones.
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        raise InputError(f"{name} must be a sequence of positions, got the single int {value}; "
                         f"pass [{value}].")
    tensor = as_tensor(value, name, "(M,)")
    if tensor.ndim != 1:
        raise InputError(f"{name} must be 1-D positions (M,), got shape {tuple(tensor.shape)}.")
    if tensor.dtype == torch.bool:
        if len(tensor) != n:
            raise InputError(f"{name} is a boolean mask of length {len(tensor)}, but the set has "
                             f"{n} items; a mask needs one True/False per item.")
        return tensor.nonzero()[:, 0].cpu()
    if len(tensor) == 0 and tensor.is_floating_point():  # [] reads as float
        return torch.zeros(0, dtype=torch.long)
    if tensor.is_floating_point() or tensor.is_complex():
        raise InputError(f"{name} must be integer positions, got {tensor.dtype}; float indices "
                         "would be cut to whole numbers silently. Convert with .long() after "
                         "checking they are whole, or pass a boolean mask.")
    tensor = tensor.long().cpu()
    if len(tensor):
        low, high = int(tensor.min()), int(tensor.max())
        if low < -n or high >= n:
            bad = low if low < -n else high
            raise InputError(f"{name} holds {bad}, out of range for a set of {n} items "
                             f"(valid positions 0..{n - 1}, or -{n}..-1 from the end).")
    return tensor % max(n, 1)


# ---------------------------------------------------------------------------------------------
# Files and models
# ---------------------------------------------------------------------------------------------

def check_file(value: object, name: str = "path", suffixes: Iterable[str] | None = None) -> Path:
    """Return ``value`` as a :class:`~pathlib.Path` to an existing file (with one of
    ``suffixes``, e.g. ``(".jpg", ".png")``, when given)."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{name} must be a file path (str or pathlib.Path), got "
                         f"{describe(value)}.")
    path = Path(value)
    if not path.exists():
        raise MissingFileError(f"{name}: no file at {str(path)!r} (looked from {os.getcwd()}); check "
                         "the spelling, or build the path from course_utils.data.data_dir().")
    if path.is_dir():
        raise InputError(f"{name}: {str(path)!r} is a folder, not a file; pass one file in it.")
    wanted = tuple(s.lower() for s in suffixes) if suffixes else ()
    if wanted and path.suffix.lower() not in wanted:
        raise InputError(f"{name}: {path.name!r} is not one of the file types {wanted}.")
    return path


def check_model(value: object, name: str = "model", *, eval_mode: bool = False,
                has_parameters: bool = False, device: torch.device | str | None = None
                ) -> torch.nn.Module:
    """Raise unless ``value`` is an ``nn.Module`` (in eval mode, with parameters, on ``device``,
    each when asked)."""
    if not isinstance(value, torch.nn.Module):
        raise InputError(f"{name} must be a torch.nn.Module, got {describe(value)}.")
    if eval_mode and value.training:
        raise InputError(f"{name} is in training mode: dropout and batch norm would make the "
                         "result random and mix the images of a batch. Call model.eval() first.")
    param = next(value.parameters(), None)
    if has_parameters and param is None:
        raise InputError(f"{name} has no parameters; this needs a trained network.")
    if device is not None and param is not None and param.device != torch.device(device):
        raise InputError(f"the {name} is on {param.device} but the images are on {device}; "
                         f"move them with images.to({str(param.device)!r}).")
    return value


def model_device(model: torch.nn.Module) -> torch.device:
    """The device of the model's first parameter (the CPU for a model without parameters)."""
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


# ---------------------------------------------------------------------------------------------
# Metrics: labels and scores as NumPy arrays
# ---------------------------------------------------------------------------------------------

def check_label_array(value: object, name: str) -> np.ndarray:
    """:func:`check_labels` for the metrics: a non-empty ``(N,)`` int64 NumPy array."""
    if not isinstance(value, (torch.Tensor, np.ndarray, list, tuple)):
        to_numpy(value, name)  # raises with the accepted types
    if isinstance(value, (list, tuple)):
        value = to_numpy(value, name)
    return check_labels(value, name).cpu().numpy()


def check_pair(y_true: object, y_pred: object, pred_name: str = "y_pred"
               ) -> tuple[np.ndarray, np.ndarray]:
    """Check true and predicted labels together; return them as int64 arrays."""
    true, pred = check_label_array(y_true, "y_true"), check_label_array(y_pred, pred_name)
    check_same_length(y_true=true, **{pred_name: pred})
    return true, pred


def check_scores(value: object, name: str, ndim: int, probabilities: bool = False) -> np.ndarray:
    """Return finite scores with ``ndim`` dimensions as float64 (probabilities in [0, 1] if asked).

    With ``probabilities`` and ``ndim == 2``, each row must also sum to 1.
    """
    array = to_numpy(value, name)
    layout = "(N,)" if ndim == 1 else "(N, K)"
    if array.ndim != ndim:
        raise InputError(f"{name} must have shape {layout}, got shape {array.shape}.")
    if len(array) == 0:
        raise InputError(f"{name} is empty; a metric needs at least one example.")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) \
            or np.issubdtype(array.dtype, np.complexfloating):
        raise InputError(f"{name} must hold real numbers, got dtype {array.dtype}.")
    array = array.astype(np.float64)
    check_finite(torch.from_numpy(array), name, hint="Scores must be finite. A NaN usually "
                 "means training diverged (lower the learning rate) or a division by zero "
                 "upstream.")
    if probabilities:
        low, high = array.min(), array.max()
        if low < 0 or high > 1:
            raise InputError(f"{name} must be probabilities in [0, 1], got values from {low:.4g} "
                             f"to {high:.4g}. These look like logits or scores: apply softmax "
                             "(or sigmoid for one output) first.")
        if ndim == 2:
            sums = array.sum(axis=1)
            off = np.abs(sums - 1)
            if off.max() > 1e-5:
                worst = int(off.argmax())
                raise InputError(f"each row of {name} must sum to 1 (one probability per class), "
                                 f"but row {worst} sums to {sums[worst]:.6g}. Apply softmax over "
                                 "the classes (dim=1).")
    return array


def check_binary(labels: np.ndarray, name: str, what: str) -> None:
    """Raise unless ``labels`` hold 0 (negative) and 1 (positive), both present."""
    values = np.unique(labels)
    if values.max() > 1:
        raise InputError(f"{what} needs binary labels: {name} must hold 0 (negative) and 1 "
                         f"(positive), got labels {values[:10].tolist()}. For one class k against "
                         "the rest, pass (y_true == k) and that class's score.")
    if len(values) < 2:
        missing = "negatives (0)" if values[0] == 1 else "positives (1)"
        raise InputError(f"{name} holds only class {int(values[0])} and no {missing}, so {what} "
                         "is undefined (a rate of 0/0). Evaluate on a set that has both classes.")


# ---------------------------------------------------------------------------------------------
# Explanations: targets, maps and the scores of the target classes
# ---------------------------------------------------------------------------------------------

def check_targets(targets: object, n: int) -> torch.Tensor:
    """One class index per image: an int, a list or an ``(n,)`` integer tensor -> ``(n,)`` int64."""
    if isinstance(targets, bool):
        raise InputError("targets must be class indices (ints), got a bool.")
    if isinstance(targets, (int, np.integer)):
        targets = torch.full((n,), int(targets), dtype=torch.int64)
    elif isinstance(targets, (list, tuple)):
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in targets):
            raise InputError(f"targets must be ints, got {targets!r}.")
        targets = torch.tensor(targets, dtype=torch.int64)
    if not isinstance(targets, torch.Tensor) or targets.is_floating_point() or targets.is_complex() \
            or targets.dtype == torch.bool:
        got = targets.dtype if isinstance(targets, torch.Tensor) else describe(targets)
        raise InputError(f"targets must be integer class indices (one per image), got {got}.")
    if targets.shape != (n,):
        raise InputError(f"targets must have one class per image, shape ({n},), got "
                         f"{tuple(targets.shape)}.")
    return targets.long().cpu()


def check_target_range(targets: torch.Tensor, num_outputs: int) -> None:
    """Raise unless every target is a valid output index of a model with ``num_outputs`` outputs."""
    bad = targets[(targets < 0) | (targets >= num_outputs)]
    if len(bad):
        raise InputError(f"class index {int(bad[0])} is out of range: the model has "
                         f"{num_outputs} outputs, so targets must lie in [0, {num_outputs}).")


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``logits[i, targets[i]]`` after checking the model returned ``(N, K)`` and the targets fit."""
    if logits.ndim != 2:
        raise InputError(f"the model must return class scores (N, K), got shape "
                         f"{tuple(logits.shape)}.")
    check_target_range(targets, logits.shape[1])
    return logits.gather(1, targets.to(logits.device)[:, None])[:, 0]


def check_maps(maps: object, n: int, size: tuple[int, int] | None = None,
               name: str = "maps") -> torch.Tensor:
    """Raise unless ``maps`` is a finite ``(n, H, W)`` float tensor (of ``size`` when given)."""
    if not isinstance(maps, torch.Tensor) or not maps.is_floating_point():
        got = maps.dtype if isinstance(maps, torch.Tensor) else describe(maps)
        raise InputError(f"{name} must be a float tensor (N, H, W), got {got}.")
    if maps.ndim != 3 or maps.shape[0] != n:
        raise InputError(f"{name} must have shape ({n}, H, W), one map per image, got "
                         f"{tuple(maps.shape)}.")
    if size is not None and tuple(maps.shape[1:]) != tuple(size):
        raise InputError(f"{name} are {tuple(maps.shape[1:])} but the images are {tuple(size)}; "
                         "upsample them first with upsample_maps(maps, size).")
    if not torch.isfinite(maps).all():
        raise InputError(f"{name} contain NaN or inf.")
    return maps


# ---------------------------------------------------------------------------------------------
# Attacks: ε, the labels of a batch, and a model that returns logits
# ---------------------------------------------------------------------------------------------

def check_eps(eps: object, name: str = "eps") -> float:
    """Raise unless ``eps`` is a finite number >= 0 (a size of perturbation)."""
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not math.isfinite(eps):
        raise InputError(f"{name} must be a finite number >= 0, got {eps!r}.")
    if eps < 0:
        raise InputError(f"{name} must be >= 0 (a size of perturbation), got {eps}.")
    return float(eps)


def check_unit_images(images: object, name: str = "images") -> torch.Tensor:
    """A non-empty ``(B, C, H, W)`` float batch of finite values in [0, 1] (what an attack
    perturbs; introduced in ``12_adversarial_robustness.ipynb``)."""
    return check_images(images, name, value_range="unit", numpy=False, layout="(B, C, H, W)")


def check_batch_labels(labels: object, images: torch.Tensor, name: str = "labels") -> torch.Tensor:
    """Raise unless ``labels`` is a ``(B,)`` integer tensor of classes >= 0 on the images' device."""
    if not isinstance(labels, torch.Tensor):
        raise InputError(f"{name} must be a torch.Tensor of shape ({len(images)},), got "
                         f"{describe(labels)}; use torch.as_tensor(...).")
    if labels.dtype == torch.bool:
        raise InputError(f"{name} must be integer class indices, got {labels.dtype}; use .long().")
    if labels.ndim == 1 and labels.device != images.device:
        raise InputError(f"{name} are on {labels.device} but images are on {images.device}; "
                         "move both to the same device.")
    if labels.ndim == 2:
        raise InputError(f"{name} must have shape ({len(images)},), one class per image, got "
                         f"{tuple(labels.shape)}. Pass class indices, not one-hot rows.")
    return check_labels(labels, name, n=len(images), nonempty=False)


def check_logits(logits: object, labels: torch.Tensor) -> torch.Tensor:
    """Raise unless the model returned ``(B, K)`` float logits (not probabilities) covering every
    label."""
    if not isinstance(logits, torch.Tensor):
        raise InputError(
            f"the model must return a tensor of logits (B, K), got {type(logits).__name__}; "
            "if it returns a tuple or a dict, wrap it so that forward returns the logits only.")
    if logits.ndim != 2 or logits.shape[0] != len(labels) or not logits.is_floating_point():
        raise InputError(f"the model must return float logits of shape ({len(labels)}, K), got "
                         f"{tuple(logits.shape)} {logits.dtype}.")
    if int(labels.max()) >= logits.shape[1]:
        raise InputError(f"labels go up to {int(labels.max())} but the model has only "
                         f"{logits.shape[1]} outputs.")
    with torch.no_grad():
        sums = logits.sum(1)
        looks_like_probs = bool(((logits >= 0) & (logits <= 1)).all()) and bool(
            torch.allclose(sums, torch.ones_like(sums), atol=1e-4))
    if looks_like_probs:
        raise InputError("the model returns probabilities (rows in [0, 1] summing to 1), not "
                         "logits; the attack's cross-entropy needs raw scores. Remove the final "
                         "softmax.")
    return logits


# ---------------------------------------------------------------------------------------------
# Training: does the model fit the data?
# ---------------------------------------------------------------------------------------------

@torch.no_grad()
def check_model_fits(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor,
                     what: str = "train") -> int:
    """Run the model on two images in evaluation mode and check its output against the labels.

    Introduced in ``05_training_from_scratch.ipynb``: failing in the first second with a clear
    message beats failing after an epoch with a shape error from deep inside PyTorch.

    Parameters
    ----------
    model : torch.nn.Module
        Already on the device of ``images``.
    images : (N, C, H, W) float tensor, or (N, L) int64 token ids for a text model
    labels : (N,) int64 tensor
    what : str
        Name used in error messages.

    Returns
    -------
    int
        The number of classes the model predicts (its output width).
    """
    check_model(model)
    was_training = model.training
    model.eval()
    sample = images[:2]
    try:
        out = model(sample)
    except (RuntimeError, ValueError) as error:
        axes = "(N, L) token ids" if sample.ndim == 2 else "(N, C, H, W)"
        raise InputError(
            f"the model cannot take the {what} inputs: they are {axes} = "
            f"(N, {', '.join(map(str, sample.shape[1:]))}) and the model raised: {error}\n"
            "Check the model's in_channels and the input size it was built for, or resize "
            "the images to match (for a text model: the vocabulary size it was built for)."
        ) from None
    finally:
        model.train(was_training)
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[0] != len(sample):
        got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise InputError(
            f"the model should return class scores of shape (B, K), got {got} for "
            f"a batch of {len(sample)}; end it with nn.Flatten() and nn.Linear(..., K).")
    classes = out.shape[1]
    top = int(labels.max())
    if top >= classes:
        raise InputError(
            f"{what} labels go up to {top} but the model has only {classes} outputs (classes "
            f"0..{classes - 1}); build the model with num_classes={top + 1} or fix the labels.")
    return classes
