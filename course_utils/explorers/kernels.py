"""Classic convolution kernels by name, and what one does to a grayscale image.

Introduced in ``02_convolution.ipynb``: the presets the kernel explorer
(:mod:`~course_utils.explorers.kernel`) starts from, :func:`to_gray` and :func:`apply_kernel`.
No widget code here.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from course_utils.layers.conv import conv_output_size
from course_utils.validation import (
    InputError,
    as_tensor,
    check_finite,
    check_positive_int,
    check_spatial_size,
    check_square_kernel,
    check_tensor,
)

PRESETS = ("identity", "edge", "sobel_x", "sobel_y", "blur", "gaussian", "sharpen")


def _binomial(n: int) -> torch.Tensor:
    """Row ``n`` of Pascal's triangle: 1, n, ..., 1 (length ``n + 1``)."""
    return torch.tensor([math.comb(n, i) for i in range(n + 1)], dtype=torch.float32)


def kernel_preset(name: str, k: int = 3) -> torch.Tensor:
    """A classic ``(k, k)`` kernel by name.

    ``identity`` (1 in the middle), ``edge`` (-1 around, k*k - 1 in the middle: sums to 0),
    ``sobel_x`` / ``sobel_y`` (smooth across, difference along: left-right / top-bottom
    brightness changes), ``blur`` (box average), ``gaussian`` (binomial weights), ``sharpen``
    (2 * identity - blur).

    Parameters
    ----------
    name : str
        One of :data:`PRESETS`.
    k : int
        Odd kernel size, 1 or more.

    Returns
    -------
    (k, k) float32 tensor
    """
    if name not in PRESETS:
        raise InputError(f"unknown kernel preset {name!r}; choose one of {PRESETS}.")
    k = check_positive_int(k, "k")
    if k % 2 == 0:
        raise InputError(f"presets need an odd kernel size so they have a centre, got k={k}; "
                         f"use {k - 1} or {k + 1}.")
    identity = torch.zeros(k, k)
    identity[k // 2, k // 2] = 1
    box = torch.full((k, k), 1.0 / (k * k))
    if name == "identity":
        return identity
    if name == "blur":
        return box
    if name == "sharpen":
        return 2 * identity - box
    if name == "edge":
        return identity * (k * k) - 1
    smooth = _binomial(k - 1)
    if name == "gaussian":
        g = torch.outer(smooth, smooth)
        return g / g.sum()
    diff = torch.zeros(k) if k == 1 else torch.nn.functional.conv1d(
        _binomial(k - 2).view(1, 1, -1), torch.tensor([[[1.0, -1.0]]]), padding=1).view(-1)
    sobel_x = torch.outer(smooth, diff)  # columns differ: responds to left-right changes
    return sobel_x if name == "sobel_x" else sobel_x.T.contiguous()


def to_gray(image: torch.Tensor) -> torch.Tensor:
    """An image as ``(H, W)`` float in [0, 1] (luma weights 0.299, 0.587, 0.114 for RGB).

    Parameters
    ----------
    image : (C, H, W) or (H, W) tensor
        uint8 or float in [0, 1], C = 1 or 3.

    Returns
    -------
    (H, W) float32 tensor
    """
    if not isinstance(image, torch.Tensor):
        raise InputError(f"image must be a torch.Tensor, got {type(image).__name__}.")
    if image.ndim == 2:
        image = image[None]
    if image.ndim != 3 or image.shape[0] not in (1, 3):
        raise InputError(f"image must be (H, W) or (C, H, W) with C = 1 or 3, got shape "
                         f"{tuple(image.shape)}.")
    image = image.float() / 255 if image.dtype == torch.uint8 else image.float()
    check_spatial_size(image, "image")
    check_finite(image, "image", hint="Fix the image before filtering it.")
    if image.shape[0] == 3:
        image = (image * torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)).sum(0, keepdim=True)
    return image[0]


def as_kernel(kernel: object) -> torch.Tensor:
    """A square kernel as a float32 tensor, checked.

    Parameters
    ----------
    kernel : (k, k) tensor, array or nested list
        Square, any k >= 1.

    Returns
    -------
    (k, k) float32 tensor
    """
    kernel = as_tensor(kernel, "kernel", "(k, k)").float()
    if kernel.ndim != 2 or kernel.numel() == 0:
        raise InputError(f"kernel must be 2-D (k, k), got shape {tuple(kernel.shape)}.")
    check_square_kernel(kernel, "kernel")
    return kernel


def apply_kernel(gray: torch.Tensor, kernel: torch.Tensor, stride: int = 1, padding: int = 0,
                 dilation: int = 1) -> torch.Tensor:
    """Convolve an ``(H, W)`` image with a ``(k, k)`` kernel.

    Parameters
    ----------
    gray : (H, W) float tensor
        From :func:`to_gray`.
    kernel : (k, k) tensor or array
    stride, padding, dilation : int
        As in ``torch.nn.functional.conv2d``.

    Returns
    -------
    (H_out, W_out) float tensor

    Raises an :class:`InputError` for a non-square kernel, a stride below 1, negative padding,
    or a dilated kernel larger than the padded image.
    """
    kernel = as_kernel(kernel)
    k = kernel.shape[0]
    check_spatial_size(check_tensor(gray, "gray", 2, "(H, W)", numpy=False, finite=True), "gray")
    ho = conv_output_size(gray.shape[0], k, stride, padding, dilation)  # validates the settings
    wo = conv_output_size(gray.shape[1], k, stride, padding, dilation)
    out = F.conv2d(gray[None, None].float(), kernel[None, None], stride=stride, padding=padding,
                   dilation=dilation)[0, 0]
    assert out.shape == (ho, wo)
    return out
