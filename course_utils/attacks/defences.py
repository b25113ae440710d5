"""A defence that only hides the gradient: input quantisation, and the attack that goes around it.

Introduced in ``12_adversarial_robustness.ipynb``. Rounding every pixel to a few gray levels is
non-differentiable: its gradient is zero almost everywhere, so FGSM and PGD, which follow the
gradient, see nothing to climb and the "defended" model looks robust. BPDA (Athalye et al.,
2018) replaces the rounding by the identity in the backward pass only (a straight-through
gradient) and the robustness is gone.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.validation import InputError


class InputQuantization(nn.Module):
    """Round ``(B, C, H, W)`` images in [0, 1] to ``levels`` evenly spaced values, then ``model``.

    Parameters
    ----------
    model : nn.Module
        The classifier that sees the quantised images.
    levels : int
        Gray levels, >= 2 (2 is a threshold at 0.5).
    straight_through : bool
        Backward pass as if there were no rounding (BPDA). The forward pass is the same either
        way; switch it on only to attack. Can be changed later through the attribute.
    """

    def __init__(self, model: nn.Module, levels: int = 8, straight_through: bool = False) -> None:
        super().__init__()
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
            raise InputError(f"levels must be an int >= 2, got {levels!r}.")
        self.model, self.levels, self.straight_through = model, levels, straight_through

    def quantize(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W) -> (B, C, H, W)``: the rounded images (with BPDA's gradient if on).

        Parameters
        ----------
        images : torch.Tensor
        """
        steps = self.levels - 1
        rounded = torch.round(images * steps) / steps
        if self.straight_through:
            return images + (rounded - images).detach()
        return rounded

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """The defended model's class scores ``(N, K)`` for ``(N, C, H, W)`` images.

        Parameters
        ----------
        images : torch.Tensor
        """
        return self.model(self.quantize(images))
