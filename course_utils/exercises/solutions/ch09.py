"""Worked solutions of the exercises of ``09_looking_inside_cnns.ipynb``."""

from __future__ import annotations

import math

import torch


def grad_cam(activations: torch.Tensor, gradients: torch.Tensor) -> torch.Tensor:
    """Exercise 1: ``(N, C, h, w), (N, C, h, w) -> (N, h, w)`` Grad-CAM maps.

    Parameters
    ----------
    activations : torch.Tensor
    gradients : torch.Tensor
    """
    weights = gradients.mean(dim=(2, 3), keepdim=True)  # one weight per channel
    return (weights * activations).sum(dim=1).clamp(min=0)


def spearman(a: torch.Tensor, b: torch.Tensor) -> float:
    """Exercise 2: Spearman rank correlation of two 1-D tensors without ties.

    Parameters
    ----------
    a : torch.Tensor
    b : torch.Tensor
    """
    ra = a.argsort().argsort().double()
    rb = b.argsort().argsort().double()
    ra, rb = ra - ra.mean(), rb - rb.mean()
    return float(ra @ rb / (ra.norm() * rb.norm()))


def window_positions(size: int, patch: int, stride: int) -> int:
    """Exercise 3: occlusion positions along one side, the last one possibly cut at the edge.

    Parameters
    ----------
    size : int
    patch : int
    stride : int
    """
    return math.ceil((size - patch) / stride) + 1


passes_both = {"Grad-CAM", "gradient"}
"""Exercise 4, for the table measured in the notebook (both modes)."""
