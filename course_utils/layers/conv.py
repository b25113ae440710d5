"""Convolution written by hand: loops first, then vectorised, then the backward pass.

Introduced in ``02_convolution.ipynb`` (forward) and ``04_backprop_and_sgd.ipynb`` (backward).
Like ``torch.nn.functional.conv2d`` this is a cross-correlation: the kernel is not flipped.
"""

from __future__ import annotations

import torch

from course_utils.validation import (
    InputError,
    check_cache,
    check_positive_int,
    check_spatial_size,
    check_square_kernel,
    check_tensor,
)


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Size of a convolution's output along one axis: ``floor((n + 2p - d(k-1) - 1) / s) + 1``.

    Parameters
    ----------
    n : int
        Input size (height or width).
    k, stride, padding, dilation : int
        Kernel size, step, zeros added on each side, spacing between kernel taps.

    Returns
    -------
    int
        The output size (at least 1).

    Raises
    ------
    ValueError
        If a setting is out of range or the (dilated) kernel does not fit the padded input.
    """
    n = check_positive_int(n, "n")
    k = check_positive_int(k, "k")
    stride = check_positive_int(stride, "stride")
    padding = check_positive_int(padding, "padding", minimum=0)
    dilation = check_positive_int(dilation, "dilation")
    span = dilation * (k - 1) + 1
    if span > n + 2 * padding:
        raise InputError(
            f"the kernel spans {span} pixels (k={k}, dilation={dilation}) but the padded input "
            f"has only {n + 2 * padding} (n={n}, padding={padding}); use a smaller kernel or "
            "dilation, or more padding."
        )
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def _check_conv_inputs(x, weight, bias, stride, padding, dilation):
    x = check_spatial_size(check_tensor(x, "x", 4, "(N, C, H, W)", floating=True, numpy=False))
    weight = check_tensor(weight, "weight", 4, "(F, C, k, k)", floating=True, numpy=False)
    k = check_square_kernel(weight, "weight")
    if weight.shape[1] != x.shape[1]:
        raise InputError(
            f"weight has {weight.shape[1]} input channels but x has {x.shape[1]}; each filter "
            f"must cover every input channel: weight shape (F, {x.shape[1]}, k, k)."
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise InputError(
            f"bias must have shape ({weight.shape[0]},), one per filter, got {tuple(bias.shape)}."
        )
    ho = conv_output_size(x.shape[2], k, stride, padding, dilation)
    wo = conv_output_size(x.shape[3], k, stride, padding, dilation)
    return k, ho, wo


def _pad(x: torch.Tensor, padding: int) -> torch.Tensor:
    """Zero-pad the last two axes of ``(N, C, H, W)`` by ``padding`` on each side."""
    if padding == 0:
        return x
    n, c, h, w = x.shape
    out = x.new_zeros(n, c, h + 2 * padding, w + 2 * padding)
    out[:, :, padding:padding + h, padding:padding + w] = x
    return out


def conv2d_loops(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                 stride: int = 1, padding: int = 0, dilation: int = 1) -> torch.Tensor:
    """Convolution with explicit Python loops over images, filters and output cells (slow, clear).

    Written out in ``02_convolution.ipynb``, section 2.

    Parameters
    ----------
    x : (N, C, H, W) float tensor
    weight : (F, C, k, k) float tensor
    bias : (F,) float tensor, optional
    stride, padding, dilation : int

    Returns
    -------
    (N, F, H_out, W_out) tensor, with ``H_out = conv_output_size(H, k, stride, padding,
    dilation)``.
    """
    k, ho, wo = _check_conv_inputs(x, weight, bias, stride, padding, dilation)
    xp = _pad(x, padding)
    out = x.new_zeros(x.shape[0], weight.shape[0], ho, wo)
    span = dilation * (k - 1) + 1
    for n in range(x.shape[0]):
        for f in range(weight.shape[0]):
            for i in range(ho):
                for j in range(wo):
                    top, left = i * stride, j * stride
                    window = xp[n, :, top:top + span:dilation, left:left + span:dilation]
                    out[n, f, i, j] = (window * weight[f]).sum()
            if bias is not None:
                out[n, f] += bias[f]
    return out


def _tap(xp: torch.Tensor, u: int, v: int, ho: int, wo: int, stride: int, dilation: int):
    """The input values that kernel tap (u, v) meets at every output cell: (N, C, ho, wo)."""
    top, left = u * dilation, v * dilation
    return xp[:, :, top:top + stride * (ho - 1) + 1:stride,
              left:left + stride * (wo - 1) + 1:stride]


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
           stride: int = 1, padding: int = 0, dilation: int = 1) -> torch.Tensor:
    """Vectorised convolution: one loop over the k*k kernel taps, all cells at once.

    For each tap (u, v) the input is sliced so that element (i, j) of the slice is the pixel that
    tap meets when the window sits at output cell (i, j); the slices, weighted by the tap's
    weights, add up to the output. Same arguments and result as :func:`conv2d_loops` and
    ``torch.nn.functional.conv2d``. Written out in ``02_convolution.ipynb``, section 3.

    Parameters
    ----------
    x : torch.Tensor
    weight : torch.Tensor
    bias : torch.Tensor, optional
    stride : int
    padding : int
    dilation : int

    Returns
    -------
    (N, F, H_out, W_out) tensor
    """
    k, ho, wo = _check_conv_inputs(x, weight, bias, stride, padding, dilation)
    xp = _pad(x, padding)
    out = x.new_zeros(x.shape[0], weight.shape[0], ho, wo)
    for u in range(k):
        for v in range(k):
            # (N, C, ho, wo) x (F, C) -> (N, F, ho, wo): sum over input channels
            out += torch.einsum("nchw,fc->nfhw", _tap(xp, u, v, ho, wo, stride, dilation),
                                weight[:, :, u, v])
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
    return out


def conv2d_forward(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                   stride: int = 1, padding: int = 0,
                   dilation: int = 1) -> tuple[torch.Tensor, dict]:
    """:func:`conv2d` plus the cache the backward pass needs.

    Introduced in ``04_backprop_and_sgd.ipynb``.

    Parameters
    ----------
    x : torch.Tensor
    weight : torch.Tensor
    bias : torch.Tensor, optional
    stride : int
    padding : int
    dilation : int

    Returns
    -------
    out : (N, F, H_out, W_out) tensor
    cache : dict
        ``x``, ``weight``, ``has_bias``, ``stride``, ``padding``, ``dilation``.
    """
    out = conv2d(x, weight, bias, stride, padding, dilation)
    cache = {"x": x, "weight": weight, "has_bias": bias is not None, "stride": stride,
             "padding": padding, "dilation": dilation}
    return out, cache


def conv2d_backward(dout: torch.Tensor, cache: dict) -> tuple[torch.Tensor, torch.Tensor,
                                                              torch.Tensor | None]:
    """Gradients of a convolution, given ``dL/dout`` and the forward cache.

    Every tap (u, v) multiplied slice ``xp_uv`` by ``weight[:, :, u, v]``, so
    ``dL/dweight[:, :, u, v] = sum(dout * xp_uv)`` and ``dout`` flows back into the same slice.

    Parameters
    ----------
    dout : (N, F, H_out, W_out) tensor
    cache : dict from :func:`conv2d_forward`

    Returns
    -------
    dx : (N, C, H, W) tensor
    dweight : (F, C, k, k) tensor
    dbias : (F,) tensor, or None when the forward pass had no bias
    """
    check_cache(cache, ("x", "weight", "has_bias", "stride", "padding", "dilation"),
                "conv2d_forward")
    x, weight = cache["x"], cache["weight"]
    stride, padding, dilation = cache["stride"], cache["padding"], cache["dilation"]
    n, c, h, w = x.shape
    k = weight.shape[-1]
    ho = conv_output_size(h, k, stride, padding, dilation)
    wo = conv_output_size(w, k, stride, padding, dilation)
    dout = check_tensor(dout, "dout", 4, "(N, F, H_out, W_out)", floating=True, numpy=False)
    if dout.shape != (n, weight.shape[0], ho, wo):
        raise InputError(f"dout has shape {tuple(dout.shape)}; expected the forward output's "
                         f"shape ({n}, {weight.shape[0]}, {ho}, {wo}).")
    xp = _pad(x, padding)
    dxp = torch.zeros_like(xp)
    dweight = torch.zeros_like(weight)
    for u in range(k):
        for v in range(k):
            dweight[:, :, u, v] = torch.einsum("nfhw,nchw->fc", dout,
                                               _tap(xp, u, v, ho, wo, stride, dilation))
            _tap(dxp, u, v, ho, wo, stride, dilation).add_(
                torch.einsum("nfhw,fc->nchw", dout, weight[:, :, u, v]))
    dx = dxp[:, :, padding:padding + h, padding:padding + w]
    dbias = dout.sum(dim=(0, 2, 3)) if cache["has_bias"] else None
    return dx, dweight, dbias
