"""Sanity checks for saliency maps: does the map change when the model does.

After Adebayo et al. (2018).

Introduced in ``09_looking_inside_cnns.ipynb``. The *model randomisation* test re-initialises the
network's layers one block at a time from the output down (cascading) and compares each new map
with the trained model's by Spearman rank correlation. A map that stays similar while the weights
that produced the prediction are destroyed is explaining the image (edges, contrast), not the
model: it fails the check.
"""

from __future__ import annotations

import copy
from typing import Callable, Sequence

import torch
from torch import nn

from course_utils.explain.hooks import get_layer
from course_utils.validation import InputError

Explainer = Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor]


def _average_ranks(values: torch.Tensor) -> torch.Tensor:
    """Ranks 0..n-1 of a 1-D tensor, tied values sharing the mean of their ranks."""
    order = values.argsort(stable=True)
    sorted_values = values[order]
    _, inverse, counts = torch.unique_consecutive(sorted_values, return_inverse=True,
                                                  return_counts=True)
    ends = counts.cumsum(0).double()
    mean_rank = ends - (counts.double() + 1) / 2  # first rank + (count - 1) / 2
    ranks = torch.empty(len(values), dtype=torch.float64)
    ranks[order] = mean_rank[inverse]
    return ranks


def rank_correlation(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Spearman rank correlation of each pair of maps: ``(N, H, W), (N, H, W) -> (N,)``.

    Ties share their mean rank. A constant map has no ranking: its correlation is 0.

    Parameters
    ----------
    a : torch.Tensor
    b : torch.Tensor
    """
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor) or a.shape != b.shape \
            or a.ndim < 2:
        raise InputError(f"need two batches of maps of the same shape (N, ...), got "
                         f"{getattr(a, 'shape', type(a).__name__)} and "
                         f"{getattr(b, 'shape', type(b).__name__)}.")
    if not (torch.isfinite(a).all() and torch.isfinite(b).all()):
        raise InputError("the maps contain NaN or inf.")
    result = []
    for x, y in zip(a.flatten(1).cpu().double(), b.flatten(1).cpu().double()):
        rx, ry = _average_ranks(x), _average_ranks(y)
        rx, ry = rx - rx.mean(), ry - ry.mean()
        denominator = (rx.norm() * ry.norm()).item()
        result.append((rx @ ry).item() / denominator if denominator > 0 else 0.0)
    return torch.tensor(result, dtype=torch.float64)


def randomize_layers(model: nn.Module, layers: Sequence[str], seed: int = 0) -> nn.Module:
    """A copy of ``model`` whose named layers get fresh random weights (their default init).

    Every submodule of each named layer with a ``reset_parameters`` method is re-initialised
    (convolutions, linear layers, batch norm); the original model is untouched.

    Parameters
    ----------
    model : nn.Module
    layers : Sequence[str]
    seed : int
    """
    clone = copy.deepcopy(model)
    state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        for name in layers:
            for module in get_layer(clone, name).modules():
                if hasattr(module, "reset_parameters"):
                    module.reset_parameters()
    finally:
        torch.random.set_rng_state(state)
    return clone.eval()


def cascading_randomization(model: nn.Module, explain: Explainer, images: torch.Tensor,
                            targets: torch.Tensor, blocks: Sequence[str],
                            seed: int = 0) -> list[tuple[str, torch.Tensor]]:
    """Rank correlation between the trained model's map and the maps after randomising blocks.

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    model : nn.Module in eval mode
    explain : callable ``(model, images, targets) -> (N, H, W)`` maps
        E.g. ``lambda m, x, t: grad_cam(m, x, t, layer="features.18")``.
    images : (N, C, H, W) tensor; targets : (N,) int tensor
        The classes are kept fixed: the same class is explained by every model.
    blocks : sequence of str
        Layer names from the output towards the input; step ``k`` randomises
        ``blocks[:k + 1]``.
    seed : int

    Returns
    -------
    list of (block name, (N,) correlations)
        The name of the last block randomised at each step, with each image's correlation.
    """
    if not blocks:
        raise InputError("blocks is empty; name the layers to randomise, from the output down.")
    for name in blocks:
        get_layer(model, name)
    reference = explain(model, images, targets)
    results = []
    for k, name in enumerate(blocks):
        randomized = randomize_layers(model, blocks[:k + 1], seed)
        results.append((name, rank_correlation(reference, explain(randomized, images, targets))))
    return results
