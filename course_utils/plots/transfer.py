"""Transfer-learning figures: top predictions of a photo, accuracy against training-set size,
grouped accuracy bars (notebook 07).
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.plots.images import to_display
from course_utils.plots.palette import REFERENCE_COLOUR, class_colour, series_style
from course_utils.validation import InputError, check_curves


def plot_top_predictions(image: torch.Tensor, probs: torch.Tensor, labels: Sequence[str],
                         k: int = 5, title: str = "") -> Figure:
    """A photo next to a bar chart of its ``k`` most probable classes.

    Introduced in ``07_transfer_learning.ipynb``.

    Parameters
    ----------
    image : (C, H, W) tensor
        uint8 in 0..255 or float in [0, 1].
    probs : (K,) tensor
        Class probabilities for this image (K = len(labels)).
    labels : sequence of str
        Class names.
    k : int
        How many classes to show.
    """
    if probs.ndim != 1 or len(probs) != len(labels):
        raise InputError(f"probs must be (K,) with K = len(labels) = {len(labels)}, got shape "
                         f"{tuple(probs.shape)}.")
    if not 1 <= k <= len(labels):
        raise InputError(f"k must be in [1, {len(labels)}], got {k}.")
    top = probs.detach().cpu().topk(k)
    fig, (ax_img, ax_bar) = plt.subplots(1, 2, figsize=(8, 3),
                                         gridspec_kw={"width_ratios": [1, 1.6]})
    ax_img.imshow(to_display(image))
    ax_img.axis("off")
    names = [labels[int(i)].split(",")[0] for i in top.indices]
    ax_bar.barh(range(k)[::-1], top.values.numpy(), color=class_colour(0))
    ax_bar.set_yticks(range(k)[::-1], names)
    ax_bar.set_xlim(0, 1)
    ax_bar.set_xlabel("probability")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_accuracy_curves(sizes: Sequence[int], curves: dict[str, Sequence[float]],
                         baseline: float | None = None, title: str = "",
                         ylabel: str = "validation accuracy") -> Figure:
    """Accuracy against the number of training images, one line per method.

    Introduced in ``07_transfer_learning.ipynb`` (label efficiency).

    Parameters
    ----------
    sizes : sequence of int
        Training-set sizes (the x axis, drawn on a log scale).
    curves : dict of str to sequence of float
        ``{method: accuracy at each size}``, accuracies in [0, 1].
    baseline : float, optional
        Drawn as a dashed line (e.g. always guessing the majority class).
    title : str
    ylabel : str
        Which images the accuracies were measured on.
    """
    check_curves(curves, len(sizes), per="sizes")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for i, (name, values) in enumerate(curves.items()):
        ax.plot(sizes, values, **series_style(i), label=name)
    if baseline is not None:
        ax.axhline(baseline, color=REFERENCE_COLOUR, linestyle="--", label="majority class")
    ax.set_xscale("log")
    ax.set_xticks(list(sizes), [str(s) for s in sizes])
    ax.set_xlabel("training images")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0.4, 1.02)
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_accuracy_bars(groups: dict[str, dict[str, float]], baseline: float | None = None,
                       title: str = "") -> Figure:
    """Grouped bars of accuracy: ``{group: {series: accuracy}}``.

    Introduced in ``07_transfer_learning.ipynb`` (methods compared, domain shift).

    Parameters
    ----------
    groups : dict[str, dict[str, float]]
    baseline : float, optional
    title : str
    """
    if not groups:
        raise InputError("groups is empty; expected {group: {series: accuracy}}.")
    series = list(dict.fromkeys(s for values in groups.values() for s in values))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(5.0, 1.2 * len(groups)) + 1.8, 3.2))  # + the legend
    for j, name in enumerate(series):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(groups))]
        values = [groups[g].get(name, np.nan) for g in groups]
        bars = ax.bar(xs, values, width, label=name, edgecolor="white",
                      **series_style(j, bars=True))
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    if baseline is not None:
        ax.axhline(baseline, color=REFERENCE_COLOUR, linestyle="--", label="majority class")
    ax.set_xticks(range(len(groups)), list(groups))
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the bars
    ax.set_title(title)
    fig.tight_layout()
    return fig
