"""Digital damage: brightness and contrast changes, JPEG compression, pixelation.

Introduced in ``11_data_quality_and_robustness.ipynb``. Deterministic: the generator of the
common signature is unused.
"""

from __future__ import annotations

import io

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from course_utils.validation import InputError

BRIGHTNESS_SHIFT = (0.1, 0.2, 0.3, 0.4, 0.5)
CONTRAST_FACTOR = (0.5, 0.4, 0.3, 0.2, 0.1)
JPEG_QUALITY = (25, 18, 15, 10, 7)
PIXELATE_BLOCK = (2, 3, 4, 5, 6)
"""Side of the square blocks, in pixels."""


def brightness(images: torch.Tensor, severity: int, generator: torch.Generator | None = None
               ) -> torch.Tensor:
    """Add ``BRIGHTNESS_SHIFT`` to every pixel and clip: ``(N, C, H, W)``.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator, optional
    """
    return (images + BRIGHTNESS_SHIFT[severity - 1]).clamp(0, 1)


def contrast(images: torch.Tensor, severity: int, generator: torch.Generator | None = None
             ) -> torch.Tensor:
    """Pull every pixel towards its image's mean by ``CONTRAST_FACTOR``: ``(N, C, H, W)``.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator, optional
    """
    mean = images.mean((1, 2, 3), keepdim=True)
    return ((images - mean) * CONTRAST_FACTOR[severity - 1] + mean).clamp(0, 1)


def jpeg(images: torch.Tensor, severity: int, generator: torch.Generator | None = None
         ) -> torch.Tensor:
    """Save each image as a JPEG of ``JPEG_QUALITY`` and read it back (Pillow): ``(N, C, H, W)``
    with 1 (grayscale) or 3 (RGB) channels.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator, optional
    """
    if images.shape[1] not in (1, 3):
        raise InputError(f"jpeg needs images with 1 (grayscale) or 3 (RGB) channels, got "
                         f"{images.shape[1]}.")
    pixels = (images.detach().cpu() * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    out = np.empty_like(pixels)
    for i, pixel in enumerate(pixels):
        buffer = io.BytesIO()
        mode = "L" if pixel.shape[-1] == 1 else "RGB"
        Image.fromarray(pixel.squeeze(-1) if mode == "L" else pixel, mode).save(
            buffer, "JPEG", quality=JPEG_QUALITY[severity - 1])
        out[i] = np.asarray(Image.open(buffer)).reshape(pixel.shape)
    return torch.from_numpy(out).permute(0, 3, 1, 2).to(images) / 255


def pixelate(images: torch.Tensor, severity: int, generator: torch.Generator | None = None
             ) -> torch.Tensor:
    """Replace each ``PIXELATE_BLOCK`` x ``PIXELATE_BLOCK`` block by its mean (blocks at the
    right and bottom edges may be cut): ``(N, C, H, W)``.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator, optional
    """
    h, w = images.shape[-2:]
    block = PIXELATE_BLOCK[severity - 1]
    coarse = F.avg_pool2d(images, block, ceil_mode=True)
    return coarse.repeat_interleave(block, -2).repeat_interleave(block, -1)[..., :h, :w]
