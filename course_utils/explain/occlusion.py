"""Occlusion sensitivity: cover a patch, see how much the class score drops.

Introduced in ``09_looking_inside_cnns.ipynb`` (Zeiler and Fergus, 2014). A ``patch`` x
``patch`` square slides over the image by ``stride`` (the last position may hang over the edge
and is cut there); each pixel gets the mean score drop over the positions that covered it.
Needs no gradient and no access to the layers, only forward passes: one per position.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from course_utils.validation import (
    InputError,
    check_explained,
    check_positive_int,
    target_scores,
)


def window_starts(size: int, patch: int, stride: int) -> list[int]:
    """Top (or left) edges of the patch along one side: 0, stride, ... until the side is
    covered.

    Parameters
    ----------
    size : int
    patch : int
    stride : int
    """
    if patch > size:
        raise InputError(f"patch {patch} is larger than the image side {size}; use a patch of "
                         f"at most {size} pixels.")
    if stride > patch and patch < size:
        raise InputError(f"stride {stride} is larger than the patch {patch}: some pixels would "
                         "never be covered. Use stride <= patch.")
    return [i * stride for i in range(math.ceil((size - patch) / stride) + 1)]


@torch.no_grad()
def occlusion(model: nn.Module, images: torch.Tensor, targets: torch.Tensor | int, *,
              patch: int = 16, stride: int = 8, baseline: float = 0.0,
              batch_size: int = 32) -> torch.Tensor:
    """The drop of each image's target score when a square around each pixel is covered.

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    model : nn.Module in eval mode, returning ``(N, K)`` logits
    images : (N, C, H, W) float tensor on the model's device
    targets : int or (N,) int tensor
    patch, stride : int
        Side of the square and its step, in pixels.
    baseline : float
        The value the covered pixels take (0 is mid-gray for the shipped MobileNetV2).
    batch_size : int
        Occluded copies per forward pass.

    Returns
    -------
    (N, H, W) tensor on the CPU: positive where covering the pixels lowers the score.
    """
    images, targets = check_explained(model, images, targets)
    patch, stride = check_positive_int(patch, "patch"), check_positive_int(stride, "stride")
    batch_size = check_positive_int(batch_size, "batch_size")
    if not isinstance(baseline, (int, float)) or not math.isfinite(baseline):
        raise InputError(f"baseline must be a finite number, got {baseline!r}.")
    _, _, height, width = images.shape
    corners = [(top, left) for top in window_starts(height, patch, stride)
               for left in window_starts(width, patch, stride)]
    result = torch.zeros(len(images), height, width)
    covered = torch.zeros(height, width)
    for top, left in corners:
        covered[top:top + patch, left:left + patch] += 1
    for i in range(len(images)):
        target = targets[i:i + 1]
        reference = target_scores(model(images[i:i + 1]), target)[0].cpu()
        for start in range(0, len(corners), batch_size):
            chunk = corners[start:start + batch_size]
            batch = images[i].repeat(len(chunk), 1, 1, 1)
            for j, (top, left) in enumerate(chunk):
                batch[j, :, top:top + patch, left:left + patch] = baseline
            drops = reference - target_scores(model(batch), target.repeat(len(chunk))).cpu()
            for drop, (top, left) in zip(drops, chunk):
                result[i, top:top + patch, left:left + patch] += drop
    return result / covered
