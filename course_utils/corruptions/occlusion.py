"""Occlusion: a grey square hides part of each image, as a finger, a sticker or clutter would.

Introduced in ``11_data_quality_and_robustness.ipynb`` (accuracy as the patch grows).
"""

from __future__ import annotations

import torch

from course_utils.validation import check_images, check_int_range, check_probability

PATCH_FRACTION = (0.2, 0.3, 0.4, 0.5, 0.6)
"""Side of the patch as a share of the image side, severities 1..5."""
FILL = 0.5


def occlude(images: torch.Tensor, size: int, *, fill: float = FILL,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """Cover a ``size`` x ``size`` square at a random place inside each image.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    images : (N, C, H, W) float tensor in [0, 1]
    size : int
        Side of the square in pixels, 0 (nothing covered) up to the shorter image side.
    fill : float in [0, 1]
        The square's grey level.
    generator : torch.Generator, optional
        Where each square goes (a CPU generator).

    Returns
    -------
    (N, C, H, W) tensor
    """
    images = check_images(images, "images", value_range="unit")
    h, w = images.shape[-2:]
    size = check_int_range(size, "size", 0, min(h, w))
    fill = check_probability(fill, "fill")
    out = images.clone()
    if size == 0:
        return out
    tops = torch.randint(0, h - size + 1, (len(images),), generator=generator).tolist()
    lefts = torch.randint(0, w - size + 1, (len(images),), generator=generator).tolist()
    for i, (top, left) in enumerate(zip(tops, lefts)):
        out[i, :, top:top + size, left:left + size] = fill
    return out


def occluding_patch(images: torch.Tensor, severity: int, generator: torch.Generator
                    ) -> torch.Tensor:
    """:func:`occlude` with a side of ``PATCH_FRACTION`` of the shorter side: ``(N, C, H, W)``.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator
    """
    side = round(PATCH_FRACTION[severity - 1] * min(images.shape[-2:]))
    return occlude(images, side, generator=generator)
