"""Labels and indices as tensors: class labels, the labels of a batch, positions into a set."""

from __future__ import annotations

import numpy as np
import torch

from course_utils.validation.errors import InputError, describe
from course_utils.validation.tensors import as_tensor


def check_labels(value: object, name: str = "labels", *, n: int | None = None,
                 num_classes: int | None = None, nonempty: bool = True) -> torch.Tensor:
    """Return class labels as an ``(N,)`` int64 tensor (on the device they came on).

    Accepts tensors, NumPy arrays and lists of ints; bools become 0/1. Refuses float labels,
    one-hot or score rows, negative labels, labels ``>= num_classes`` and, with ``n``, a length
    other than ``n``.

    Parameters
    ----------
    value : object
    name : str
    n : int, optional
    num_classes : int, optional
    nonempty : bool
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
                         "2, ... are expected. Predicted classes come from scores with "
                         ".argmax(1); "
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


def check_batch_labels(labels: object, images: torch.Tensor, name: str = "labels") -> torch.Tensor:
    """Raise unless ``labels`` is a ``(B,)`` integer tensor of classes >= 0 on the images'
    device.

    Parameters
    ----------
    labels : object
    images : torch.Tensor
    name : str
    """
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


def check_indices(value: object, n: int, name: str = "indices") -> torch.Tensor:
    """Positions into a set of ``n`` items as an int64 tensor.

    Accepts a list, a NumPy array or a tensor of ints (negative ones count from the end, as in
    Python), or a boolean mask of length ``n``. Refuses float indices and out-of-range ones.

    Parameters
    ----------
    value : object
    n : int
    name : str
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
