"""Explanation maps made comparable and drawable: min-max normalised, upsampled to the image.

Introduced in ``09_looking_inside_cnns.ipynb``. A Grad-CAM map at a 7 x 7 layer is upsampled to
the 224 x 224 photo before it is overlaid or used to rank pixels.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_utils.validation import InputError


def _check(maps: object) -> torch.Tensor:
    if not isinstance(maps, torch.Tensor) or not maps.is_floating_point() or maps.ndim != 3:
        got = tuple(maps.shape) if isinstance(maps, torch.Tensor) else type(maps).__name__
        raise InputError(f"maps must be a float tensor (N, h, w), got {got}.")
    if not torch.isfinite(maps).all():
        raise InputError("maps contain NaN or inf.")
    return maps


def normalize_maps(maps: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Scale each map to [0, 1]: ``(m - min) / (max - min + eps)``; ``(N, h, w) -> (N, h, w)``.

    A constant map becomes all zeros.

    Parameters
    ----------
    maps : torch.Tensor
    eps : float
    """
    maps = _check(maps)
    low = maps.amin(dim=(1, 2), keepdim=True)
    shifted = maps - low
    return shifted / (shifted.amax(dim=(1, 2), keepdim=True) + eps)


def upsample_maps(maps: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear upsampling (pixel centres aligned, ``align_corners=False``) to ``size``.

    Parameters
    ----------
    maps : (N, h, w) float tensor
    size : (H, W)

    Returns
    -------
    (N, H, W) tensor
    """
    maps = _check(maps)
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(s, int) and s > 0 for s in size)):
        raise InputError(f"size must be (H, W) positive ints, got {size!r}.")
    if tuple(maps.shape[1:]) == tuple(size):
        return maps
    return F.interpolate(maps[:, None], size=tuple(size), mode="bilinear",
                         align_corners=False)[:, 0]


def heatmaps(maps: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """What an overlay shows: each map upsampled to ``size``, then min-max normalised to [0, 1].

    Bilinear upsampling commutes with the shift and scale of a min-max normalisation, so this is
    also what ``pytorch_grad_cam`` returns (it normalises, resizes with OpenCV, and normalises
    again). ``(N, h, w) -> (N, H, W)``.

    Parameters
    ----------
    maps : torch.Tensor
    size : tuple[int, int]
    """
    return normalize_maps(upsample_maps(maps, size))
