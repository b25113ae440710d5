"""Max and average pooling written by hand, forward and backward.

Introduced in ``03_pooling_activations_dense.ipynb`` (forward) and ``04_backprop_and_sgd.ipynb``
(backward). Like :mod:`course_utils.layers.conv`, one loop runs over the k*k window offsets and
every output cell is handled at once.
"""

from __future__ import annotations

import torch

from course_utils.layers.conv import conv_output_size
from course_utils.validation import (
    InputError,
    check_cache,
    check_positive_int,
    check_spatial_size,
    check_tensor,
)


def _window_slices(x: torch.Tensor, k: int, stride: int) -> tuple[torch.Tensor, int, int]:
    """Stack the k*k window offsets: ``(k*k, N, C, H_out, W_out)``."""
    ho = conv_output_size(x.shape[2], k, stride)
    wo = conv_output_size(x.shape[3], k, stride)
    taps = [x[:, :, u:u + stride * (ho - 1) + 1:stride, v:v + stride * (wo - 1) + 1:stride]
            for u in range(k) for v in range(k)]
    return torch.stack(taps), ho, wo


def _check(x, k, stride):
    x = check_spatial_size(check_tensor(x, "x", 4, "(N, C, H, W)", floating=True, numpy=False))
    k = check_positive_int(k, "kernel_size")
    stride = check_positive_int(k if stride is None else stride, "stride")
    return x, k, stride


def pool2d(x: torch.Tensor, kernel_size: int = 2, stride: int | None = None,
           mode: str = "max") -> torch.Tensor:
    """Max or average pooling of every channel over ``kernel_size`` x ``kernel_size`` windows.

    Parameters
    ----------
    x : (N, C, H, W) float tensor
    kernel_size : int
    stride : int, optional
        Defaults to ``kernel_size`` (windows that do not overlap).
    mode : {"max", "avg"}

    Returns
    -------
    (N, C, H_out, W_out) tensor, ``H_out = floor((H - k) / stride) + 1``.
    """
    if mode not in ("max", "avg"):
        raise InputError(f"mode must be 'max' or 'avg', got {mode!r}.")
    x, k, stride = _check(x, kernel_size, stride)
    windows, _, _ = _window_slices(x, k, stride)
    return windows.amax(dim=0) if mode == "max" else windows.mean(dim=0)


def maxpool2d_forward(x: torch.Tensor, kernel_size: int = 2,
                      stride: int | None = None) -> tuple[torch.Tensor, dict]:
    """Max pooling plus its cache: which window offset held each maximum.

    Parameters
    ----------
    x : torch.Tensor
    kernel_size : int
    stride : int, optional

    Returns
    -------
    out : (N, C, H_out, W_out) tensor
    cache : dict
        ``argmax`` ``(N, C, H_out, W_out)`` offsets into the window, ``x_shape``, ``k``,
    ``stride``.
    """
    x, k, stride = _check(x, kernel_size, stride)
    windows, _, _ = _window_slices(x, k, stride)
    out, argmax = windows.max(dim=0)
    return out, {"argmax": argmax, "x_shape": tuple(x.shape), "k": k, "stride": stride,
                 "dtype": x.dtype, "device": x.device}


def maxpool2d_backward(dout: torch.Tensor, cache: dict) -> torch.Tensor:
    """Route each output gradient to the input pixel that was the window's maximum.

    Overlapping windows (stride < k) add up their contributions.

    Parameters
    ----------
    dout : torch.Tensor
    cache : dict

    Returns
    -------
    dx : (N, C, H, W) tensor
    """
    check_cache(cache, ("argmax", "x_shape", "k", "stride"), "maxpool2d_forward")
    k, stride, argmax = cache["k"], cache["stride"], cache["argmax"]
    dout = check_tensor(dout, "dout", 4, "(N, C, H_out, W_out)", floating=True, numpy=False)
    if dout.shape != argmax.shape:
        raise InputError(f"dout has shape {tuple(dout.shape)}; expected the forward output's "
                         f"shape {tuple(argmax.shape)}.")
    dx = torch.zeros(cache["x_shape"], dtype=dout.dtype, device=dout.device)
    ho, wo = argmax.shape[-2:]
    for u in range(k):
        for v in range(k):
            hit = argmax == u * k + v
            dx[:, :, u:u + stride * (ho - 1) + 1:stride,
               v:v + stride * (wo - 1) + 1:stride] += dout * hit
    return dx
