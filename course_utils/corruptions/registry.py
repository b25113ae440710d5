"""Every image corruption by name, at severities 1 to 5, in the style of MNIST-C and ImageNet-C.

Introduced in ``11_data_quality_and_robustness.ipynb``::

    from course_utils.corruptions import CORRUPTIONS, corrupt
    blurred = corrupt(images, "motion_blur", severity=3, seed=0)

The same images, name, severity and seed always give the same result.
"""

from __future__ import annotations

from typing import Callable

import torch

from course_utils.corruptions.blur import defocus_blur, motion_blur
from course_utils.corruptions.digital import brightness, contrast, jpeg, pixelate
from course_utils.corruptions.noise import gaussian_noise, impulse_noise, shot_noise
from course_utils.corruptions.occlusion import occluding_patch
from course_utils.validation import InputError, check_images, check_int_range

Corruption = Callable[[torch.Tensor, int, torch.Generator], torch.Tensor]

CORRUPTIONS: dict[str, Corruption] = {
    "gaussian_noise": gaussian_noise,
    "shot_noise": shot_noise,
    "impulse_noise": impulse_noise,
    "defocus_blur": defocus_blur,
    "motion_blur": motion_blur,
    "brightness": brightness,
    "contrast": contrast,
    "jpeg": jpeg,
    "pixelate": pixelate,
    "occluding_patch": occluding_patch,
}
"""``name -> fn(images, severity, generator)``, the order of the heat maps."""

SEVERITIES = (1, 2, 3, 4, 5)


def corrupt(images: torch.Tensor, name: str, severity: int, seed: int = 0) -> torch.Tensor:
    """Apply the corruption ``name`` at ``severity`` to a batch of images.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    images : (N, C, H, W) uint8 (0..255) or float (0..1) tensor
    name : str
        A key of :data:`CORRUPTIONS`.
    severity : int in 1..5
    seed : int
        Seeds the corruption's random draws (noise, angles, patch places).

    Returns
    -------
    (N, C, H, W) tensor of the dtype, device and range of ``images``
    """
    images = check_images(images, "images", dtype="any", value_range="unit")
    if not isinstance(name, str) or name not in CORRUPTIONS:
        raise InputError(f"unknown corruption {name!r}; the corruptions are "
                         f"{', '.join(CORRUPTIONS)}.")
    severity = check_int_range(severity, "severity", 1, 5,
                               hint="Severity 1 is the mildest and 5 the strongest.")
    generator = torch.Generator().manual_seed(seed)
    floats = images.float() / 255 if images.dtype == torch.uint8 else images
    out = CORRUPTIONS[name](floats, severity, generator).clamp(0, 1)
    if images.dtype == torch.uint8:
        return (out * 255).round().to(torch.uint8)
    return out.to(images.dtype)
