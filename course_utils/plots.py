"""Figures shared by the lessons. Each function draws and returns a matplotlib Figure and never
calls ``plt.show()``, so notebooks display the figure and scripts can save it.

- images: :func:`show_images` (labels and predictions), :func:`plot_class_counts` (notebook 01);
- training: :func:`plot_history`, :func:`plot_lr_range`, :func:`plot_heatmap` (notebook 05);
- architectures: :func:`plot_tradeoffs` (notebook 06);
- transfer learning: :func:`plot_top_predictions`, :func:`plot_accuracy_curves`,
  :func:`plot_accuracy_bars` (notebook 07).
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

CORRECT, WRONG = "#1a7f37", "#cf222e"


def _to_display(image: torch.Tensor) -> np.ndarray:
    """(C, H, W) uint8 or float in [0, 1] -> (H, W) or (H, W, 3) float array for imshow."""
    if image.ndim != 3 or image.shape[0] not in (1, 3):
        raise ValueError(
            f"each image must be (C, H, W) with C = 1 or 3, got shape {tuple(image.shape)}."
        )
    array = image.detach().cpu().float()
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
        With both, a title reads "pred (true)" in green when they agree, red otherwise.
    classes : sequence of str, optional
        Names for the integer labels.
    ncols : int
        Images per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(images)
    if n == 0:
        raise ValueError("show_images got no images; pass at least one (C, H, W) image.")
    for name, values in (("labels", labels), ("preds", preds)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} has {len(values)} entries but there are {n} images.")
    if preds is not None and labels is None:
        raise ValueError("preds need labels to compare with; pass labels= too.")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3 * bool(title)),
                             squeeze=False)
    name = (lambda k: classes[int(k)]) if classes is not None else (lambda k: str(int(k)))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(_to_display(images[i]), cmap="gray", vmin=0, vmax=1)
        if preds is not None:
            ok = int(preds[i]) == int(labels[i])
            ax.set_title(f"{name(preds[i])} ({name(labels[i])})", fontsize=8,
                         color=CORRECT if ok else WRONG)
        elif labels is not None:
            ax.set_title(name(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_class_counts(counts: dict[str, int], title: str = "", ax: plt.Axes | None = None) -> Figure:
    """Bar chart of ``{class name: count}`` (as ``ImageSet.class_counts()`` returns)."""
    if not counts:
        raise ValueError("counts is empty; expected {class name: number of images}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.45 * len(counts)), 3))
    names, values = list(counts), list(counts.values())
    ax.bar(range(len(names)), values, color="#4c72b0")
    ax.set_xticks(range(len(names)), names, rotation=45 if len(names) > 4 else 0, ha="right"
                  if len(names) > 4 else "center", fontsize=8)
    ax.set_ylabel("images")
    ax.set_title(title or f"{sum(values):,} images")
    ax.figure.tight_layout()
    return ax.figure


def plot_history(histories: "dict[str, object] | object", metrics: Sequence[str] = ("loss", "acc"),
                 title: str = "") -> Figure:
    """Learning curves: training (dashed) and validation (solid) per epoch, one panel per metric.

    Introduced in ``05_training_from_scratch.ipynb``.

    Parameters
    ----------
    histories : History or {label: History}
        What :func:`course_utils.train.fit` returned (anything with ``epoch``,
        ``train_loss``, ``val_loss``, ``train_acc``, ``val_acc`` lists).
    metrics : sequence of {"loss", "acc"}
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(histories, dict):
        histories = {"": histories}
    if not histories or any(len(h.epoch) == 0 for h in histories.values()):
        raise ValueError("plot_history needs at least one History with at least one epoch.")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), 3.2), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics):
        for i, (label, h) in enumerate(histories.items()):
            color = colors[i % len(colors)]
            prefix = f"{label} " if label else ""
            ax.plot(h.epoch, getattr(h, f"train_{metric}"), "--", color=color,
                    label=f"{prefix}train")
            if not all(np.isnan(getattr(h, f"val_{metric}"))):
                ax.plot(h.epoch, getattr(h, f"val_{metric}"), "-", color=color,
                        label=f"{prefix}validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel({"loss": "cross-entropy loss", "acc": "accuracy"}.get(metric, metric))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_lr_range(lrs: Sequence[float], losses: Sequence[float], suggestion: float | None = None
                  ) -> Figure:
    """Smoothed loss against learning rate (log scale), from ``lr_range_test``.

    Introduced in ``05_training_from_scratch.ipynb``; ``suggestion`` draws a vertical line.
    """
    if len(lrs) != len(losses) or not lrs:
        raise ValueError(f"need as many losses as rates (at least one), got {len(lrs)} and "
                         f"{len(losses)}.")
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(lrs, losses)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss (smoothed)")
    if suggestion is not None:
        ax.axvline(suggestion, color=WRONG, ls=":", label=f"suggested {suggestion:.1e}")
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig


def plot_heatmap(values: np.ndarray | torch.Tensor, row_labels: Sequence, col_labels: Sequence,
                 row_title: str = "", col_title: str = "", title: str = "",
                 fmt: str = "{:.3f}") -> Figure:
    """A table of numbers as coloured cells, each cell labelled with its value.

    Introduced in ``05_training_from_scratch.ipynb`` (learning rate by batch size).

    Parameters
    ----------
    values : (R, K) array
    row_labels, col_labels : sequences of length R and K
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape != (len(row_labels), len(col_labels)):
        raise ValueError(f"values must be ({len(row_labels)}, {len(col_labels)}) to match the "
                         f"labels, got {values.shape}.")
    fig, ax = plt.subplots(figsize=(1.2 * len(col_labels) + 2, 0.6 * len(row_labels) + 1.5))
    image = ax.imshow(values, cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(col_labels)), [str(c) for c in col_labels])
    ax.set_yticks(range(len(row_labels)), [str(r) for r in row_labels])
    ax.set_xlabel(col_title)
    ax.set_ylabel(row_title)
    middle = np.nanmin(values) + 0.5 * (np.nanmax(values) - np.nanmin(values))
    for (r, c), value in np.ndenumerate(values):
        ax.text(c, r, fmt.format(value), ha="center", va="center", fontsize=8,
                color="black" if value > middle else "white")
    fig.colorbar(image, ax=ax)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_tradeoffs(names: Sequence[str], accuracy: Sequence[float], macs: Sequence[float],
                   latency_ms: Sequence[float], params: Sequence[float]) -> Figure:
    """Accuracy against multiply-accumulates and against CPU latency; marker area ~ parameters.

    Introduced in ``06_architectures.ipynb``.
    """
    n = len(names)
    if not n or any(len(v) != n for v in (accuracy, macs, latency_ms, params)):
        raise ValueError("names, accuracy, macs, latency_ms and params need one entry per model.")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    size = 300 * np.asarray(params, dtype=float) / max(params)
    for ax, x, label in ((axes[0], macs, "multiply-accumulates per image"),
                         (axes[1], latency_ms, "CPU latency per image (ms)")):
        ax.scatter(x, accuracy, s=size + 20, alpha=0.6)
        for name, xi, yi in zip(names, x, accuracy):
            ax.annotate(name, (xi, yi), fontsize=8, xytext=(4, 4), textcoords="offset points")
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(label)
        ax.set_ylabel("test accuracy")
        ax.grid(alpha=0.3, which="both")
    fig.suptitle("Accuracy against cost (marker area: parameters)")
    fig.tight_layout()
    return fig


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
        raise ValueError(f"probs must be (K,) with K = len(labels) = {len(labels)}, got shape "
                         f"{tuple(probs.shape)}.")
    if not 1 <= k <= len(labels):
        raise ValueError(f"k must be in [1, {len(labels)}], got {k}.")
    top = probs.detach().cpu().topk(k)
    fig, (ax_img, ax_bar) = plt.subplots(1, 2, figsize=(8, 3),
                                         gridspec_kw={"width_ratios": [1, 1.6]})
    ax_img.imshow(_to_display(image))
    ax_img.axis("off")
    names = [labels[int(i)].split(",")[0] for i in top.indices]
    ax_bar.barh(range(k)[::-1], top.values.numpy(), color="#4c72b0")
    ax_bar.set_yticks(range(k)[::-1], names)
    ax_bar.set_xlim(0, 1)
    ax_bar.set_xlabel("probability")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_accuracy_curves(sizes: Sequence[int], curves: dict[str, Sequence[float]],
                         baseline: float | None = None, title: str = "") -> Figure:
    """Test accuracy against the number of training images, one line per method.

    Introduced in ``07_transfer_learning.ipynb`` (label efficiency).

    Parameters
    ----------
    sizes : sequence of int
        Training-set sizes (the x axis, drawn on a log scale).
    curves : dict of str to sequence of float
        ``{method: accuracy at each size}``, accuracies in [0, 1].
    baseline : float, optional
        Drawn as a dashed line (e.g. always guessing the majority class).
    """
    if not curves:
        raise ValueError("curves is empty; expected {method: accuracies}.")
    for name, values in curves.items():
        if len(values) != len(sizes):
            raise ValueError(f"curve {name!r} has {len(values)} points for {len(sizes)} sizes.")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in curves.items():
        ax.plot(sizes, values, marker="o", label=name)
    if baseline is not None:
        ax.axhline(baseline, color="gray", linestyle="--", label="majority class")
    ax.set_xscale("log")
    ax.set_xticks(list(sizes), [str(s) for s in sizes])
    ax.set_xlabel("training images")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0.4, 1.02)
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_accuracy_bars(groups: dict[str, dict[str, float]], baseline: float | None = None,
                       title: str = "") -> Figure:
    """Grouped bars of accuracy: ``{group: {series: accuracy}}``.

    Introduced in ``07_transfer_learning.ipynb`` (methods compared, domain shift).
    """
    if not groups:
        raise ValueError("groups is empty; expected {group: {series: accuracy}}.")
    series = list(dict.fromkeys(s for values in groups.values() for s in values))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(5.0, 1.2 * len(groups)), 3.2))
    for j, name in enumerate(series):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(groups))]
        values = [groups[g].get(name, np.nan) for g in groups]
        bars = ax.bar(xs, values, width, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    if baseline is not None:
        ax.axhline(baseline, color="gray", linestyle="--", label="majority class")
    ax.set_xticks(range(len(groups)), list(groups))
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title)
    fig.tight_layout()
    return fig
