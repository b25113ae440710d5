"""Is a saliency map faithful? Deletion and insertion curves (Petsiuk et al., 2018).

Introduced in ``09_looking_inside_cnns.ipynb``. Rank the pixels by the map, most salient first:

- **deletion**: replace them, a share at a time, by a baseline and follow the class
  probability; a faithful map makes it fall fast, so the area under the curve is *small*;
- **insertion**: start from the baseline image and put them back; a faithful map makes the
  probability rise fast, so the area is *large*.

Both are compared with the same curves for a random order of the pixels
(:func:`random_maps`): a map that does no better than chance says nothing about the model.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.validation import (
    InputError,
    check_explained,
    check_maps,
    check_positive_int,
    check_target_range,
)


def random_maps(n: int, size: tuple[int, int], seed: int = 0) -> torch.Tensor:
    """``(n, H, W)`` maps of uniform noise: a random pixel order, the chance baseline.

    Parameters
    ----------
    n : int
    size : tuple[int, int]
    seed : int
    """
    check_positive_int(n, "n")
    return torch.rand((n, *size), generator=torch.Generator().manual_seed(seed))


def _ranks(maps: torch.Tensor) -> torch.Tensor:
    """Pixel indices of each map, most salient first: ``(N, H*W)``."""
    return maps.flatten(1).argsort(dim=1, descending=True, stable=True)


@torch.no_grad()
def _curve(model: nn.Module, images: torch.Tensor, targets: torch.Tensor, maps: torch.Tensor,
           steps: int, baseline: torch.Tensor | float, batch_size: int,
           insert: bool) -> tuple[torch.Tensor, torch.Tensor]:
    images, targets = check_explained(model, images, targets)
    maps = check_maps(maps, len(images), images.shape[2:])
    steps = check_positive_int(steps, "steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    base = torch.as_tensor(baseline, dtype=images.dtype, device=images.device).expand_as(images)
    n, channels, height, width = images.shape
    pixels = height * width
    counts = [round(pixels * k / steps) for k in range(steps + 1)]
    order = _ranks(maps).to(images.device)
    probs = torch.zeros(n, steps + 1)
    for i in range(n):
        frames = []
        for count in counts:
            keep = torch.zeros(pixels, dtype=torch.bool, device=images.device)
            keep[order[i, :count]] = True  # the first `count` pixels in the map's order
            chosen = keep.view(1, height, width)
            source, other = (images[i], base[i]) if insert else (base[i], images[i])
            frames.append(torch.where(chosen, source, other))
        outputs = []
        for start in range(0, len(frames), batch_size):
            logits = model(torch.stack(frames[start:start + batch_size]))
            check_target_range(targets, logits.shape[1])
            outputs.append(logits.softmax(dim=1)[:, targets[i]].cpu())
        probs[i] = torch.cat(outputs)
    return torch.tensor(counts, dtype=torch.float32) / pixels, probs


def deletion_curve(model: nn.Module, images: torch.Tensor, targets: torch.Tensor | int,
                   maps: torch.Tensor, *, steps: int = 20, baseline: torch.Tensor | float = 0.0,
                   batch_size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """Class probability as the most salient pixels are replaced by ``baseline`` first.

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    model : nn.Module in eval mode, returning ``(N, K)`` logits
    images : (N, C, H, W) float tensor on the model's device
    targets : int or (N,) int tensor
    maps : (N, H, W) tensor
        Saliency at the images' resolution (upsample layer maps first); higher = more salient.
    steps : int
        The curve has ``steps + 1`` points, from 0 to every pixel removed.
    baseline : float or tensor broadcastable to ``images``
        What a removed pixel becomes (0 is mid-gray for the shipped MobileNetV2; a blurred
        copy of the image is another choice).
    batch_size : int

    Returns
    -------
    fractions : (steps + 1,) tensor
        Share of pixels removed.
    probabilities : (N, steps + 1) tensor
    """
    return _curve(model, images, targets, maps, steps, baseline, batch_size, insert=False)


def insertion_curve(model: nn.Module, images: torch.Tensor, targets: torch.Tensor | int,
                    maps: torch.Tensor, *, steps: int = 20, baseline: torch.Tensor | float = 0.0,
                    batch_size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """Class probability as the most salient pixels are put back first into a baseline image.

    Same parameters and returns as :func:`deletion_curve` (``fractions`` = share inserted).

    Parameters
    ----------
    model : nn.Module
    images : torch.Tensor
    targets : torch.Tensor | int
    maps : torch.Tensor
    steps : int
    baseline : torch.Tensor | float
    batch_size : int
    """
    return _curve(model, images, targets, maps, steps, baseline, batch_size, insert=True)


def curve_area(fractions: torch.Tensor, probabilities: torch.Tensor) -> torch.Tensor:
    """Area under each curve by the trapezoid rule: ``(S,), (N, S) -> (N,)``, in [0, 1].

    Parameters
    ----------
    fractions : torch.Tensor
    probabilities : torch.Tensor
    """
    if fractions.ndim != 1 or probabilities.ndim != 2 or probabilities.shape[1] != len(fractions):
        raise InputError(f"need fractions (S,) and probabilities (N, S), got "
                         f"{tuple(fractions.shape)} and {tuple(probabilities.shape)}.")
    return torch.trapezoid(probabilities, fractions, dim=1)
