"""Figures of ``11_data_quality_and_robustness.ipynb``: a gallery of corruptions by severity, and
the precision of label-issue rankings as more of them are inspected.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.plots.palette import GREY_CMAP, REFERENCE_COLOUR, class_colour, series_style
from course_utils.plots.style import finish


def _display(image: torch.Tensor) -> tuple[np.ndarray, str | None]:
    pixels = image.detach().cpu().float()
    pixels = pixels / 255 if image.dtype == torch.uint8 else pixels
    if pixels.shape[0] == 1:
        return pixels[0].numpy(), GREY_CMAP
    return pixels.permute(1, 2, 0).clamp(0, 1).numpy(), None


def plot_corruptions(original: torch.Tensor, corrupted: Mapping[str, torch.Tensor], *,
                     size: float = 1.1, title: str = "") -> Figure:
    """One row per corruption: the original image, then the image at each severity.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    original : (C, H, W) image, uint8 or float in [0, 1]
    corrupted : dict of str to (S, C, H, W) tensor
        ``{corruption name: the image at severities 1..S}``.
    """
    if not corrupted:
        raise ValueError("corrupted is empty; expected {name: (S, C, H, W) images}.")
    severities = len(next(iter(corrupted.values())))
    fig, axes = plt.subplots(len(corrupted), severities + 1,
                             figsize=(size * (severities + 1) + 1.2, size * len(corrupted)),
                             squeeze=False)
    for row, (name, images) in zip(axes, corrupted.items()):
        for col, (ax, image) in enumerate(zip(row, [original, *images])):
            pixels, cmap = _display(image)
            ax.imshow(pixels, cmap=cmap, vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if row is axes[0]:
                ax.set_title("original" if col == 0 else f"severity {col}", fontsize=8)
        row[0].set_ylabel(name.replace("_", " "), fontsize=8, rotation=0, ha="right",
                          va="center")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_precision_at_k(rankings: Mapping[str, torch.Tensor], truth: torch.Tensor, *,
                        max_k: int | None = None, title: str = "") -> Figure:
    """Precision of the first k entries of each ranking for k = 1..max_k, with the share of real
    problems (what a random order finds) as a dashed line.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    rankings : dict of str to (N,) int64 permutation, most suspicious first
    truth : (N,) bool tensor, the real problems
    max_k : int, optional
        Default: twice the number of real problems.
    """
    if not rankings:
        raise ValueError("rankings is empty; expected {name: (N,) permutation}.")
    truth = torch.as_tensor(truth).bool().cpu()
    max_k = max_k or min(len(truth), 2 * int(truth.sum()))
    k = np.arange(1, max_k + 1)
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for i, (name, ranking) in enumerate(rankings.items()):
        hits = truth[torch.as_tensor(ranking).cpu()[:max_k]].double().cumsum(0).numpy()
        ax.plot(k, hits / k, **series_style(i), markevery=max(1, max_k // 8), markersize=4,
                label=name)
    ax.axhline(float(truth.double().mean()), color=REFERENCE_COLOUR, linestyle="--",
               label="random order")
    ax.axvline(int(truth.sum()), color=REFERENCE_COLOUR, linestyle=":", linewidth=1)
    ax.set_xlabel("k, examples inspected (dotted: the number of flips)")
    return finish(fig, ax, ylabel="precision at k", title=title, ylim=(0, 1.02), legend=True)


def plot_problem_files(problems: Mapping[str, str], *, title: str = "") -> Figure:
    """The problems found in an image folder, counted by kind, as bars.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    problems : dict of str to str
        ``{file or item: problem}`` where a problem starts with its kind and a colon
        (``"unreadable: ..."``), as :func:`course_utils.quality.scan_image_folder` gives.
    """
    kinds: dict[str, int] = {}
    for problem in problems.values():
        kind = problem.split(":", 1)[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    fig, ax = plt.subplots(figsize=(5, 0.4 * max(len(kinds), 1) + 1.2))
    names: Sequence[str] = list(kinds) or ["none"]
    bars = ax.barh(names, [kinds.get(n, 0) for n in names], color=class_colour(0))
    ax.bar_label(bars)
    ax.set_xlabel("items")
    ax.invert_yaxis()
    ax.set_title(title)
    fig.tight_layout()
    return fig
