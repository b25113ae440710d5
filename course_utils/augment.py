"""Data augmentation done on whole batches, on the device where the batch already is.

Introduced in ``05_training_from_scratch.ipynb``. A per-image transform in a ``Dataset`` runs
Python code once per image; these functions move a whole ``(B, C, H, W)`` batch in a few tensor
operations, so :func:`course_utils.train.fit` can augment without leaving the GPU (or without
per-image overhead on the CPU). Every random draw comes from the ``torch.Generator`` passed in,
so a seeded run repeats exactly.

``fit`` takes one ``batch_transform(images, labels, generator=g) -> (images, labels)``;
:func:`images_only` turns any of these image functions into one. :func:`random_shift` and
:func:`random_affine` check shapes, dtypes and settings, not values: a NaN pixel passes through
(``fit`` then stops at the first non-finite loss). :func:`random_gaussian_noise` checks the
[0, 1] range, so it refuses NaN. A NumPy batch is converted.
"""

from __future__ import annotations

import inspect
import math
from typing import Callable

import torch
import torch.nn.functional as F

from course_utils.validation import (
    InputError,
    check_images,
    check_int_range,
    check_non_negative,
    check_number,
    check_positive,
)


def _check_batch(images: object, generator: object, value_range: str | None = None
                 ) -> torch.Tensor:
    """The batch as a float tensor (a NumPy array is converted); shape and dtype only, so that
    the check costs nothing next to the augmentation (no pass over the values).
    """
    if generator is not None and not isinstance(generator, torch.Generator):
        raise InputError(f"generator must be a torch.Generator (or None), got "
                         f"{type(generator).__name__}; e.g. torch.Generator().manual_seed(0).")
    return check_images(images, "images", finite=value_range is not None,
                        value_range=value_range, layout="(B, C, H, W)")


def _uniform(n: int, low: float, high: float, generator: torch.Generator | None,
             device: torch.device) -> torch.Tensor:
    """``n`` draws from U(low, high), taken on the CPU (same numbers on every device)."""
    draws = torch.rand(n, generator=generator) * (high - low) + low
    return draws.to(device)


def random_shift(images: torch.Tensor, max_shift: int = 2,
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """Shift each image by a random whole number of pixels, filling with zeros.

    Parameters
    ----------
    images : (B, C, H, W) float tensor
    max_shift : int
        Each image moves by ``dx, dy`` drawn uniformly from ``-max_shift .. max_shift``.
    generator : torch.Generator, optional
        Source of the random shifts (a CPU generator).

    Returns
    -------
    (B, C, H, W) tensor on the same device and memory format as ``images``.
    """
    images = _check_batch(images, generator)
    max_shift = check_int_range(max_shift, "max_shift", low=0, hint="It is a number of pixels.")
    if max_shift == 0:
        return images
    b, c, h, w = images.shape
    if max_shift >= min(h, w):
        raise InputError(f"max_shift={max_shift} would move {h} x {w} images entirely out of "
                         f"view; use a max_shift below {min(h, w)} (2 suits 28 x 28 digits).")
    p = max_shift
    shifts = torch.randint(0, 2 * p + 1, (2, b), generator=generator).to(images.device)
    padded = F.pad(images, (p, p, p, p))
    rows = torch.arange(h, device=images.device)[None, :] + shifts[0][:, None]  # (B, H)
    cols = torch.arange(w, device=images.device)[None, :] + shifts[1][:, None]  # (B, W)
    batch = torch.arange(b, device=images.device)[:, None, None, None]
    chans = torch.arange(c, device=images.device)[None, :, None, None]
    out = padded[batch, chans, rows[:, None, :, None], cols[:, None, None, :]]
    return out.contiguous(memory_format=_format_of(images))


def random_affine(images: torch.Tensor, degrees: float = 10.0,
                  scale: tuple[float, float] = (0.9, 1.1),
                  translate: float = 0.1,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """Rotate, scale and shift each image by its own random amount (bilinear, zero fill).

    Parameters
    ----------
    images : (B, C, H, W) float tensor
    degrees : float
        Rotation drawn from U(-degrees, degrees).
    scale : (low, high)
        Zoom factor drawn from U(low, high); above 1 enlarges the content.
    translate : float
        Shift drawn from U(-translate, translate) as a fraction of the width (and height).
    generator : torch.Generator, optional

    Returns
    -------
    (B, C, H, W) tensor on the same device as ``images``.
    """
    images = _check_batch(images, generator)
    degrees = check_number(degrees, "degrees")
    if not isinstance(scale, (tuple, list)) or len(scale) != 2:
        raise InputError(f"scale must be a (low, high) pair of zoom factors, got {scale!r}; "
                         "e.g. (0.9, 1.1).")
    low, high = check_positive(scale[0], "scale[0]"), check_positive(scale[1], "scale[1]")
    if not low <= high:
        raise InputError(f"scale must be (low, high) with 0 < low <= high, got {scale}.")
    scale = (low, high)
    translate = check_number(translate, "translate", 0.0, 1.0,
                             hint="It is a fraction of the image side; 0.1 is typical.")
    b = images.shape[0]
    angle = _uniform(b, -degrees, degrees, generator, images.device) * (math.pi / 180)
    zoom = _uniform(b, scale[0], scale[1], generator, images.device)
    shift = _uniform(2 * b, -translate, translate, generator, images.device).view(2, b) * 2
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, shift[0]], 1),
                         torch.stack([sin, cos, shift[1]], 1)], 1)  # (B, 2, 3)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    out = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return out.contiguous(memory_format=_format_of(images))


def random_gaussian_noise(images: torch.Tensor, std: float = 0.3,
                          generator: torch.Generator | None = None) -> torch.Tensor:
    """Add N(0, std²) noise to every pixel and clip to [0, 1] (introduced in notebook 12).

    Parameters
    ----------
    images : (B, C, H, W) float tensor in [0, 1]
    std : float
        Standard deviation of the noise, >= 0.
    generator : torch.Generator, optional

    Returns
    -------
    (B, C, H, W) tensor on the same device and memory format as ``images``.
    """
    images = _check_batch(images, generator, value_range="unit")
    std = check_non_negative(std, "std")
    noise = torch.randn(images.shape, generator=generator).to(images.device) * std
    return (images + noise).clamp(0, 1).contiguous(memory_format=_format_of(images))


def images_only(fn: Callable[..., torch.Tensor], **options
                ) -> Callable[..., tuple[torch.Tensor, torch.Tensor]]:
    """Make an image augmentation into a batch transform for ``fit(batch_transform=...)``.

    Parameters
    ----------
    fn : callable
        ``fn(images, generator=g, **options) -> images``, e.g. :func:`random_shift`.
    **options
        Passed on to ``fn`` (``max_shift=2``...).

    Returns
    -------
    callable
        ``transform(images, labels, generator=g) -> (fn(images, ...), labels)``.
    """
    if not callable(fn):
        raise InputError(
            f"fn must be an image function such as random_shift, got {type(fn).__name__}."
        )
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin without a signature: nothing to check
        signature = None
    if signature is not None:
        try:
            signature.bind(None, generator=None, **options)
        except TypeError as error:
            raise InputError(f"{getattr(fn, '__name__', 'fn')} cannot take the options "
                             f"{sorted(options)}: {error}. Its parameters are "
                             f"{list(signature.parameters)}.") from None

    def transform(images: torch.Tensor, labels: torch.Tensor, *,
                  generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        return fn(images, generator=generator, **options), labels

    transform.__name__ = f"images_only({getattr(fn, '__name__', type(fn).__name__)})"
    return transform


def _format_of(images: torch.Tensor) -> torch.memory_format:
    if images.is_contiguous(memory_format=torch.channels_last) and not images.is_contiguous():
        return torch.channels_last
    return torch.contiguous_format
