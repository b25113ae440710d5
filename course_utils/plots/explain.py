"""Figures for looking inside a CNN: filters, heat-map overlays, channel pictures, faithfulness
curves, the randomisation check and a 2-D map of features (notebook 09).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from course_utils.plots.images import to_display
from course_utils.plots.palette import (
    GREY_CMAP,
    HEAT_CMAP,
    MAGNITUDE_CMAP,
    REFERENCE_COLOUR,
    SIGNED_CMAP,
    class_colour,
    series_style,
)
from course_utils.validation import InputError, check_positive_int


def _numpy(values: torch.Tensor | np.ndarray) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().float().numpy()
    return np.asarray(values, dtype=np.float32)


def plot_filters(weight: torch.Tensor, *, ncols: int = 16, title: str = "") -> Figure:
    """First-layer filters: RGB filters as colour patches, one-channel filters in blue-white-red.

    Introduced in ``09_looking_inside_cnns.ipynb``. The filters are tiled into one image (one
    ``imshow``), each enlarged and separated by a white line.

    Parameters
    ----------
    weight : (C_out, C_in, k, k) tensor, C_in = 1 or 3
        RGB filters are each scaled by their own largest absolute weight, so mid-grey is 0;
        one-channel filters share one symmetric scale.
    """
    w = _numpy(weight)
    if w.ndim != 4 or w.shape[1] not in (1, 3):
        raise InputError(f"weight must be (C_out, 1 or 3, k, k), got shape {w.shape}.")
    n, _, k, _ = w.shape
    ncols = check_positive_int(ncols, "ncols")
    if w.shape[1] == 3:
        m = np.abs(w).max(axis=(1, 2, 3), keepdims=True)
        tiles = ((w / np.where(m > 0, m, 1) + 1) / 2).transpose(0, 2, 3, 1)
    else:
        m = np.abs(w).max() or 1.0
        tiles = plt.get_cmap(SIGNED_CMAP)((w[:, 0] / m + 1) / 2)[..., :3]
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    cell = k + 1
    canvas = np.ones((nrows * cell - 1, ncols * cell - 1, 3))
    for i, tile in enumerate(tiles):
        r, c = divmod(i, ncols)
        canvas[r * cell:r * cell + k, c * cell:c * cell + k] = tile
    fig, ax = plt.subplots(figsize=(ncols * 0.45, nrows * 0.45 + 0.4))
    ax.imshow(canvas, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout(pad=0.2)
    return fig


def _overlay(image: np.ndarray, heat: np.ndarray, alpha: float) -> np.ndarray:
    colour = plt.get_cmap(HEAT_CMAP)(np.clip(heat, 0, 1))[..., :3]
    base = image if image.ndim == 3 else np.repeat(image[..., None], 3, axis=2)
    return (1 - alpha) * base + alpha * colour


_BAR_INCHES = 0.5
"""Height kept under :func:`plot_overlays`' panels for its colour bar."""


def _scale_bar(fig: Figure, cmap: str, bottom: float) -> None:
    """A horizontal colour bar from 0 to 1 in the strip of height ``bottom`` (figure fraction)
    under the panels, its ends named.
    """
    cax = fig.add_axes((0.3, 0.55 * bottom, 0.4, 0.18 * bottom))
    bar = fig.colorbar(ScalarMappable(Normalize(0, 1), cmap), cax=cax, orientation="horizontal")
    bar.set_ticks([0, 0.5, 1], labels=["0: none", "0.5", "1: strongest"])
    bar.ax.tick_params(labelsize=7, length=2, pad=1)


def plot_overlays(images: torch.Tensor, columns: Mapping[str, torch.Tensor], *,
                  row_titles: Sequence[str] | None = None, overlay: bool = True,
                  alpha: float = 0.5, show_input: bool = True, title: str = "") -> Figure:
    """Rows of images, one column per map: heat maps over the photo, or the maps alone.

    Introduced in ``09_looking_inside_cnns.ipynb`` (CAM, Grad-CAM, occlusion, saliency).

    Parameters
    ----------
    images : (N, C, H, W) tensor, uint8 or float in [0, 1]
    columns : dict of column title -> (N, H, W) maps in [0, 1] (see ``explain.heatmaps``)
    row_titles : one caption per image, optional
    overlay : bool
        Blend each map over the photo in :data:`~course_utils.plots.palette.HEAT_CMAP` colours
        (black = nothing, bright yellow = strongest); otherwise show it alone in
        :data:`~course_utils.plots.palette.MAGNITUDE_CMAP` (dark = nothing, yellow = strongest).
        A colour bar under the panels gives the scale.
    """
    n = len(images)
    for name, maps in columns.items():
        if tuple(maps.shape) != (n, *images.shape[2:]):
            raise InputError(f"column {name!r} must be ({n}, H, W) at the images' size "
                             f"{tuple(images.shape[2:])}, got {tuple(maps.shape)}.")
    ncols = len(columns) + int(show_input)
    height = 2.1 * n + 0.3 + _BAR_INCHES
    fig, axes = plt.subplots(n, ncols, figsize=(2.1 * ncols, height), squeeze=False)
    for i in range(n):
        photo = to_display(images[i])
        photo = photo.astype(np.float32) / 255 if photo.dtype == np.uint8 else photo
        col = 0
        if show_input:
            axes[i, 0].imshow(photo, cmap=GREY_CMAP)
            axes[i, 0].set_title("input" if i == 0 else "", fontsize=9)
            col = 1
        for j, (name, maps) in enumerate(columns.items()):
            heat = _numpy(maps[i])
            ax = axes[i, col + j]
            if overlay:
                ax.imshow(_overlay(photo, heat, alpha))
            else:
                ax.imshow(heat, cmap=MAGNITUDE_CMAP, vmin=0, vmax=1)
            if i == 0:
                ax.set_title(name, fontsize=9)
        if row_titles is not None:
            axes[i, 0].set_ylabel(row_titles[i], fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout(pad=0.3, rect=(0, _BAR_INCHES / height, 1, 1))
    _scale_bar(fig, HEAT_CMAP if overlay else MAGNITUDE_CMAP, _BAR_INCHES / height)
    return fig


def plot_channel(optimized: torch.Tensor, patches: torch.Tensor, *, history: torch.Tensor,
                 value_range: tuple[float, float] = (-1.0, 1.0), title: str = "") -> Figure:
    """What a channel responds to: the optimised input, its activation during the optimisation,
    and the dataset patches that excite it most (3 x 3).

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    optimized : (C, H, W) tensor in ``value_range``
    patches : (9, C, p, p) tensor, uint8 or float in [0, 1]
    history : (steps,) activation at each optimisation step
    """
    fig = plt.figure(figsize=(10, 3.4))
    grid = fig.add_gridspec(3, 7, width_ratios=[3, 0.3, 2.4, 0.3, 1, 1, 1])
    ax = fig.add_subplot(grid[:, 0])
    low, high = value_range
    image = ((_numpy(optimized) - low) / (high - low)).clip(0, 1)
    ax.imshow(image.transpose(1, 2, 0) if image.shape[0] == 3 else image[0], cmap=GREY_CMAP)
    ax.set_title("optimised input", fontsize=9)
    ax.set_axis_off()
    ax = fig.add_subplot(grid[:, 2])
    ax.plot(_numpy(history), color=class_colour(0))
    ax.set_xlabel("step")
    ax.set_ylabel("mean activation")
    ax.set_title("gradient ascent", fontsize=9)
    for k in range(min(9, len(patches))):
        ax = fig.add_subplot(grid[k // 3, 4 + k % 3])
        ax.imshow(to_display(patches[k]), cmap=GREY_CMAP)
        ax.set_axis_off()
        if k == 1:
            ax.set_title("top-9 patches in the data", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout(pad=0.3)
    return fig


def plot_curves(fractions: torch.Tensor, curves: Mapping[str, torch.Tensor], *,
                xlabel: str = "share of pixels removed", title: str = "") -> Figure:
    """Mean class probability (and the spread over images) against the share of pixels changed.

    Introduced in ``09_looking_inside_cnns.ipynb`` (deletion and insertion curves).

    Parameters
    ----------
    fractions : (S,) tensor
    curves : dict of method -> (N, S) probabilities
    """
    x = _numpy(fractions)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for i, (name, probs) in enumerate(curves.items()):
        p = _numpy(probs)
        if p.ndim != 2 or p.shape[1] != len(x):
            raise InputError(f"curve {name!r} must be (N, {len(x)}), got {p.shape}.")
        mean = p.mean(axis=0)
        area = np.trapezoid(mean, x)
        style = series_style(i)
        ax.plot(x, mean, **style, markevery=max(1, len(x) // 8), markersize=4,
                label=f"{name} (area {area:.3f})")
        ax.fill_between(x, np.percentile(p, 25, axis=0), np.percentile(p, 75, axis=0),
                        color=style["color"], alpha=0.15)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("probability of the class")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    ax.set_title(title or "mean over images; band: middle half", fontsize=10)
    fig.tight_layout()
    return fig


def plot_randomization(results: Mapping[str, Sequence[tuple[str, torch.Tensor]]], *,
                       threshold: float = 0.5, title: str = "") -> Figure:
    """Rank correlation with the trained model's map as more blocks are randomised.

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    results : dict of method -> list of (last block randomised, (N,) correlations)
        As :func:`course_utils.explain.cascading_randomization` returns them.
    threshold : float
        Drawn as a dashed line: below it, the map has changed (the method passes).
    """
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for i, (name, steps) in enumerate(results.items()):
        blocks = [b for b, _ in steps]
        means = [float(r.float().mean()) for _, r in steps]
        ax.plot(range(len(blocks)), means, **series_style(i), label=name)
    ax.axhline(threshold, color=REFERENCE_COLOUR, ls="--", lw=1, label=f"threshold {threshold:g}")
    ax.set_xticks(range(len(blocks)), [f"…{b}" for b in blocks], rotation=30, fontsize=8)
    ax.set_xlabel("randomised from the output down to")
    ax.set_ylabel("rank correlation with\nthe trained model's map")
    ax.set_ylim(-0.2, 1.05)
    ax.legend(fontsize=8)
    ax.set_title(title or "model-randomisation check (mean over images)", fontsize=10)
    fig.tight_layout()
    return fig


def plot_embedding(points: torch.Tensor | np.ndarray, labels: torch.Tensor | np.ndarray,
                   classes: Sequence[str], *, mistakes: torch.Tensor | np.ndarray | None = None,
                   title: str = "") -> Figure:
    """A 2-D map of features, each class in its own colour and marker, mistakes marked with
    black crosses.

    Introduced in ``09_looking_inside_cnns.ipynb`` (PCA of penultimate features).

    Parameters
    ----------
    points : (N, 2)
    labels : (N,) true classes
    classes : class names
    mistakes : (N,) bool, optional
    """
    xy, y = _numpy(points), np.asarray(labels)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(y) != len(xy):
        raise InputError(f"need points (N, 2) and labels (N,), got {xy.shape} and {y.shape}.")
    fig, ax = plt.subplots(figsize=(7, 5.2))
    for k, name in enumerate(classes):
        keep = y == k
        ax.scatter(xy[keep, 0], xy[keep, 1], s=14, alpha=0.7, label=name, linewidths=0,
                   **series_style(k))
    if mistakes is not None:
        wrong = np.asarray(mistakes, dtype=bool)
        ax.scatter(xy[wrong, 0], xy[wrong, 1], s=22, marker="x", color="black", lw=0.9,
                   label="mistakes")
    ax.legend(fontsize=7, markerscale=1.5, loc="center left", bbox_to_anchor=(1, 0.5))
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
