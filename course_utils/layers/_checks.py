"""Input checks shared by the from-scratch layers and the explorers built on them.

Each check raises an error that says what it got, what it expected and how to fix it.
"""

from __future__ import annotations

import torch


def check_positive_int(name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import numpy as np

            if isinstance(value, np.integer):
                value = int(value)
        except ImportError:  # pragma: no cover - numpy ships with torch
            pass
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r}).")
    if value < minimum:
        hint = {
            "stride": " A stride of 0 would never move the window; use stride=1 to visit every position.",
            "dilation": " dilation=1 is an ordinary (not dilated) kernel.",
        }.get(name, "")
        raise ValueError(f"{name} must be >= {minimum}, got {value}.{hint}")
    return value


def check_tensor(name: str, value: object, ndim: int, layout: str) -> torch.Tensor:
    """Check ``value`` is a floating-point tensor with ``ndim`` dimensions (``layout`` names them)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of shape {layout}, got {type(value).__name__}. "
            f"Convert it with torch.as_tensor(...)."
        )
    if value.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} dimensions {layout}, got shape {tuple(value.shape)}. "
            + ("Add a batch dimension with x[None] or x.unsqueeze(0)." if value.ndim == ndim - 1
               else "Reshape it to the expected layout.")
        )
    if not value.is_floating_point():
        raise TypeError(
            f"{name} must be a floating-point tensor, got {value.dtype}. "
            f"Convert it with {name}.float() (or .double() for a gradient check)."
        )
    return value


def check_square_kernel(name: str, kernel: torch.Tensor) -> int:
    """Return the side ``k`` of a ``(..., k, k)`` kernel; raise if it is not square."""
    kh, kw = kernel.shape[-2:]
    if kh != kw:
        raise ValueError(
            f"{name} must be square (k x k), got {kh} x {kw}. These lessons use square kernels; "
            f"pad the kernel with zeros to {max(kh, kw)} x {max(kh, kw)} if you need that shape."
        )
    return int(kh)
