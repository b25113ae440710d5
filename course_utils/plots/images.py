"""Image grids and class counts (notebook 01)."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.plots.palette import GREY_CMAP, class_colour, verdict
from course_utils.validation import (
    InputError,
    as_tensor,
    check_finite,
    check_images,
    check_labels,
    check_positive,
    check_positive_int,
    range_problem,
)


def to_display(image: torch.Tensor) -> np.ndarray:
    """An image tensor as the array ``imshow`` draws, checked.

    Float values outside [0, 1] (beyond rounding) and NaN are refused: imshow would clip them
    to white or black squares without a word. Used by every figure that shows images.

    Parameters
    ----------
    image : (C, H, W) tensor, array or list
        uint8, or float in [0, 1]; C = 1 or 3.

    Returns
    -------
    (H, W) or (H, W, 3) float array in [0, 1]
    """
    image = as_tensor(image, "image", "(C, H, W)")
    if image.ndim != 3 or image.shape[0] not in (1, 3):
        hint = (" It looks channels-last (H, W, C): use image.permute(2, 0, 1)."
                if image.ndim == 3 and image.shape[-1] in (1, 3) else
                " For a grayscale (H, W) image use image[None]." if image.ndim == 2 else "")
        raise InputError(
            f"each image must be (C, H, W) with C = 1 or 3, got shape {tuple(image.shape)}.{hint}"
        )
    array = image.detach().cpu().float()
    if image.is_floating_point() and array.numel():
        check_finite(array, "image", hint="Fix the image before drawing it.")
        low, high = float(array.min()), float(array.max())
        if low < -0.01 or high > 1.01:
            raise InputError(range_problem(low, high, "image"))
    if image.dtype == torch.uint8:
        array = array / 255
    array = array.clamp(0, 1).permute(1, 2, 0).numpy()
    return array[:, :, 0] if array.shape[2] == 1 else array


def show_images(
    images: torch.Tensor | Sequence[torch.Tensor],
    labels: Sequence[int] | torch.Tensor | None = None,
    preds: Sequence[int] | torch.Tensor | None = None,
    classes: Sequence[str] | None = None,
    ncols: int = 8,
    size: float = 1.6,
    title: str | None = None,
) -> Figure:
    """Draw images in a grid, each titled with its label and, if given, the prediction.

    Parameters
    ----------
    images : (N, C, H, W) tensor or a sequence of (C, H, W) tensors
        uint8 in 0..255 or float in [0, 1]; C is 1 (gray) or 3 (RGB).
    labels, preds : (N,) integers, optional
        With both, a title reads "✓ pred (true)" in blue when they agree and "✗ pred (true)"
        in vermilion otherwise (:func:`~course_utils.plots.palette.verdict`).
    classes : sequence of str, optional
        Names for the integer labels.
    ncols : int
        Images per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if isinstance(images, (torch.Tensor, np.ndarray)):
        images = check_images(images, "images", dtype="any", finite=False, nonempty=False)
    elif not isinstance(images, (list, tuple)):
        raise InputError(f"images must be an (N, C, H, W) tensor or a list of (C, H, W) "
                         f"tensors, got {type(images).__name__}.")
    n = len(images)
    if n == 0:
        raise InputError("show_images got no images; pass at least one (C, H, W) image.")
    ncols, size = check_positive_int(ncols, "ncols"), check_positive(size, "size")
    for name, values in (("labels", labels), ("preds", preds)):
        if values is not None and len(values) != n:
            raise InputError(f"{name} has {len(values)} entries but there are {n} images.")
    if preds is not None and labels is None:
        raise InputError("preds need labels to compare with; pass labels= too.")
    labels = None if labels is None else check_labels(labels, "labels", n=n).tolist()
    preds = None if preds is None else check_labels(preds, "preds", n=n).tolist()
    if classes is not None and labels is not None:
        top = max(labels + (preds or []))
        if top >= len(classes):
            raise InputError(f"classes has {len(classes)} names but the labels go up to {top}; "
                             "pass one name per class.")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols,
                             figsize=(size * ncols, size * nrows + 0.3 * bool(title)),
                             squeeze=False)
    name = (lambda k: classes[int(k)]) if classes is not None else (lambda k: str(int(k)))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(to_display(images[i]), cmap=GREY_CMAP, vmin=0, vmax=1)
        if preds is not None:
            mark, colour = verdict(int(preds[i]) == int(labels[i]))
            text = f"{mark} {name(preds[i])} ({name(labels[i])})"
            if len(text) > 15 * size:  # wider than the image at fontsize 8: two lines
                text = f"{mark} {name(preds[i])}\n({name(labels[i])})"
            ax.set_title(text, fontsize=8, color=colour)
        elif labels is not None:
            ax.set_title(name(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_class_counts(counts: dict[str, int], title: str = "",
                      ax: plt.Axes | None = None) -> Figure:
    """Bar chart of ``{class name: count}`` (as ``ImageSet.class_counts()`` returns).

    Parameters
    ----------
    counts : dict[str, int]
    title : str
    ax : plt.Axes, optional
    """
    if not isinstance(counts, dict) or not counts:
        raise InputError(f"counts must be a non-empty dict {{class name: number of images}} (as "
                         f"ImageSet.class_counts() returns), got {counts!r:.80}.")
    for name, value in counts.items():
        check_positive_int(value, f"counts[{name!r}]", minimum=0)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.45 * len(counts)), 3))
    names, values = list(counts), list(counts.values())
    ax.bar(range(len(names)), values, color=class_colour(0))
    ax.set_xticks(range(len(names)), names, rotation=45 if len(names) > 4 else 0, ha="right"
                  if len(names) > 4 else "center", fontsize=8)
    ax.set_ylabel("images")
    ax.set_title(title or f"{sum(values):,} images")
    ax.figure.tight_layout()
    return ax.figure
