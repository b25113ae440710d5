"""Domain shifts of photos: what a deployed model may meet that training did not show.

Introduced in ``07_transfer_learning.ipynb``.
"""

from __future__ import annotations

import torch
from torchvision.transforms.v2 import functional as TF

from course_utils.validation import InputError

SHIFTS = ("grayscale", "blur", "rotate", "crop")


def shift_images(images: torch.Tensor, kind: str) -> torch.Tensor:
    """Apply a domain shift to photos: what a deployed model may meet that training did not show.

    Introduced in ``07_transfer_learning.ipynb``.

    Parameters
    ----------
    images : (N, 3, H, W) uint8 tensor
    kind : {"grayscale", "blur", "rotate", "crop"}
        ``"grayscale"`` drops colour; ``"blur"`` is a Gaussian blur with sigma = H / 56 (4 pixels
        at 224); ``"rotate"`` turns the photo a quarter turn; ``"crop"`` zooms into the central
        third, so only part of the animal is left.

    Returns
    -------
    (N, 3, H, W) uint8 tensor
    """
    if not isinstance(images, torch.Tensor) or images.dtype != torch.uint8 or images.ndim != 4 \
            or images.shape[1] != 3:
        raise InputError("images must be a (N, 3, H, W) uint8 tensor, got "
                         f"{getattr(images, 'shape', type(images).__name__)} "
                         f"{getattr(images, 'dtype', '')}.")
    size = images.shape[-1]
    if kind == "grayscale":
        return TF.rgb_to_grayscale(images, num_output_channels=3)
    if kind == "blur":
        sigma = size / 56
        return TF.gaussian_blur(images, kernel_size=2 * round(3 * sigma) + 1, sigma=sigma)
    if kind == "rotate":
        return images.rot90(1, dims=(2, 3))
    if kind == "crop":
        side = size // 3
        return TF.resize(TF.center_crop(images, side), [size, size], antialias=True)
    raise InputError(f"kind must be one of {SHIFTS}, got {kind!r}.")
