"""Blur: an out-of-focus lens (a disc) and a moving camera (a line at a random angle).

Introduced in ``11_data_quality_and_robustness.ipynb``. The kernels are sized in pixels for the
course's 28x28 digits; borders are padded by repeating the edge pixels.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

DEFOCUS_RADIUS = (1.0, 1.5, 2.0, 2.5, 3.0)
MOTION_LENGTH = (3.0, 5.0, 7.0, 9.0, 11.0)
SUPERSAMPLE = 8
"""Sub-pixel samples a side when drawing a kernel, so that its weights grow smoothly."""


def disc_kernel(radius: float) -> torch.Tensor:
    """A ``(k, k)`` disc of ``radius`` pixels (pixels weighted by the share they cover), sum 1.

    Parameters
    ----------
    radius : float
    """
    half = math.ceil(radius)
    side = 2 * half + 1
    fine = (torch.arange(side * SUPERSAMPLE) + 0.5) / SUPERSAMPLE - side / 2
    inside = (fine[:, None] ** 2 + fine[None, :] ** 2 <= radius**2).double()
    kernel = inside.view(side, SUPERSAMPLE, side, SUPERSAMPLE).mean((1, 3))
    return (kernel / kernel.sum()).float()


def line_kernels(length: float, angles: torch.Tensor) -> torch.Tensor:
    """``(N, k, k)`` kernels, each a line of ``length`` pixels through the centre at one angle
    (radians), drawn by spreading points along it bilinearly; each sums to 1.

    Parameters
    ----------
    length : float
    angles : torch.Tensor
    """
    half = math.ceil(length / 2)
    side = 2 * half + 1
    t = torch.linspace(-length / 2, length / 2, int(length * SUPERSAMPLE) + 1)
    x = half + t[None, :] * angles.cos()[:, None]  # (N, P)
    y = half - t[None, :] * angles.sin()[:, None]
    kernels = torch.zeros(len(angles), side * side)
    x0, y0 = x.floor(), y.floor()
    for dx in (0, 1):
        for dy in (0, 1):
            w = (1 - (x - x0 - dx).abs()) * (1 - (y - y0 - dy).abs())
            cx, cy = (x0 + dx).long().clamp(0, side - 1), (y0 + dy).long().clamp(0, side - 1)
            kernels.scatter_add_(1, cy * side + cx, w)
    kernels = kernels.view(-1, side, side)
    return kernels / kernels.sum((1, 2), keepdim=True)


def _convolve(images: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """Filter every image with its own ``(k, k)`` kernel (one kernel for all if ``(k, k)``)."""
    n, c, h, w = images.shape
    k = kernels.shape[-1]
    if kernels.ndim == 2:
        kernels = kernels.expand(n, k, k)
    weight = kernels.repeat_interleave(c, dim=0)[:, None].to(images)  # (N*C, 1, k, k)
    padded = F.pad(images.reshape(1, n * c, h, w), (k // 2,) * 4, mode="replicate")
    return F.conv2d(padded, weight, groups=n * c).view(n, c, h, w).clamp(0, 1)


def defocus_blur(images: torch.Tensor, severity: int, generator: torch.Generator
                 ) -> torch.Tensor:
    """Average each pixel over a disc of ``DEFOCUS_RADIUS`` pixels: ``(N, C, H, W)``.
    Deterministic (``generator`` is unused, kept for the common signature).

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator
    """
    return _convolve(images, disc_kernel(DEFOCUS_RADIUS[severity - 1]))


def motion_blur(images: torch.Tensor, severity: int, generator: torch.Generator
                ) -> torch.Tensor:
    """Smear each image along a line of ``MOTION_LENGTH`` pixels at its own random angle:
    ``(N, C, H, W)``.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator
    """
    angles = torch.rand(len(images), generator=generator) * math.pi
    return _convolve(images, line_kernels(MOTION_LENGTH[severity - 1], angles))
