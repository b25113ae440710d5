"""Pixel noise: Gaussian (sensor read noise), shot (photon counting) and impulse (dead pixels).

Introduced in ``11_data_quality_and_robustness.ipynb``. Each function takes ``(N, C, H, W)``
float images in [0, 1], a severity 1..5 (already checked by
:func:`~course_utils.corruptions.registry.corrupt`) and a CPU generator, and returns the
corrupted images clipped to [0, 1].
"""

from __future__ import annotations

import torch

GAUSSIAN_STD = (0.08, 0.12, 0.18, 0.26, 0.38)
SHOT_PHOTONS = (60.0, 25.0, 12.0, 5.0, 3.0)
"""Photons counted at a white pixel; fewer photons, more relative noise."""
IMPULSE_AMOUNT = (0.03, 0.06, 0.09, 0.17, 0.27)
"""Share of pixels set to 0 or 1."""


def gaussian_noise(images: torch.Tensor, severity: int, generator: torch.Generator
                   ) -> torch.Tensor:
    """Add N(0, σ²) to every pixel, σ from ``GAUSSIAN_STD``: ``(N, C, H, W) -> (N, C, H, W)``.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator
    """
    noise = torch.randn(images.shape, generator=generator).to(images.device)
    return (images + GAUSSIAN_STD[severity - 1] * noise).clamp(0, 1)


def shot_noise(images: torch.Tensor, severity: int, generator: torch.Generator) -> torch.Tensor:
    """Replace each pixel by a Poisson count of ``λ x`` photons over ``λ``: ``(N, C, H, W)``.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator
    """
    photons = SHOT_PHOTONS[severity - 1]
    counts = torch.poisson(images.cpu().double() * photons, generator=generator)
    return (counts / photons).to(images).clamp(0, 1)


def impulse_noise(images: torch.Tensor, severity: int, generator: torch.Generator
                  ) -> torch.Tensor:
    """Set a share of pixels (``IMPULSE_AMOUNT``) to black or white, half each: ``(N, C, H,
    W)``.

    Parameters
    ----------
    images : torch.Tensor
    severity : int
    generator : torch.Generator
    """
    draws = torch.rand(images.shape, generator=generator).to(images.device)
    amount = IMPULSE_AMOUNT[severity - 1]
    out = images.clone()
    out[draws < amount / 2] = 0.0
    out[(draws >= amount / 2) & (draws < amount)] = 1.0
    return out
