"""Training figures: learning curves, the learning-rate range test, a heatmap of a sweep
(notebook 05).
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course_utils.plots.palette import (
    GAIN_CMAP,
    HIGHLIGHT_COLOUR,
    MAGNITUDE_CMAP,
    class_colour,
    series_style,
)
from course_utils.validation import InputError, check_positive, to_numpy

METRICS = ("loss", "acc")


def plot_history(histories: "dict[str, object] | object", metrics: Sequence[str] = ("loss", "acc"),
                 title: str = "") -> Figure:
    """Learning curves: training (dashed) and validation (solid) per epoch, one panel per metric;
    each history has its own colour and marker.

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
    for label, h in histories.items():
        if not all(hasattr(h, f) for f in ("epoch", "train_loss", "val_loss", "train_acc",
                                           "val_acc")):
            raise InputError(f"histories must be a History (what fit returns) or a dict "
                             f"{{label: History}}, got {type(h).__name__}"
                             f"{' for ' + repr(label) if label else ''}.")
    if not histories or any(len(h.epoch) == 0 for h in histories.values()):
        raise InputError("plot_history needs at least one History with at least one epoch.")
    unknown = [m for m in metrics if m not in METRICS]
    if isinstance(metrics, str) or unknown or not metrics:
        raise InputError(f"metrics must be a sequence of {METRICS}, got {metrics!r}.")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), 3.2), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for i, (label, h) in enumerate(histories.items()):
            style = series_style(i)
            prefix = f"{label} " if label else ""
            ax.plot(h.epoch, getattr(h, f"train_{metric}"), "--", **style, markersize=3,
                    markerfacecolor="white", label=f"{prefix}train")
            if not all(np.isnan(getattr(h, f"val_{metric}"))):
                ax.plot(h.epoch, getattr(h, f"val_{metric}"), "-", **style, markersize=3,
                        label=f"{prefix}validation")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs only
        ax.set_ylabel({"loss": "cross-entropy loss", "acc": "accuracy"}.get(metric, metric))
        ax.grid(alpha=0.3)
    # one legend for all panels, below them, where it covers no curve
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=8,
               ncol=min(len(labels), 4))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_lr_range(lrs: Sequence[float], losses: Sequence[float], suggestion: float | None = None
                  ) -> Figure:
    """Smoothed loss against learning rate (log scale), from ``lr_range_test``.

    Introduced in ``05_training_from_scratch.ipynb``; ``suggestion`` draws a vertical line.

    Parameters
    ----------
    lrs : Sequence[float]
    losses : Sequence[float]
    suggestion : float, optional
    """
    if len(lrs) != len(losses) or not len(lrs):
        raise InputError(f"need as many losses as rates (at least one), got {len(lrs)} and "
                         f"{len(losses)}.")
    rates = to_numpy(lrs, "lrs")
    if not np.issubdtype(rates.dtype, np.number) or not (rates > 0).all():
        raise InputError("lrs must be learning rates > 0 (the axis is logarithmic), got "
                         f"values from {rates.min()} to {rates.max()}.")
    if suggestion is not None:
        check_positive(suggestion, "suggestion")
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(lrs, losses, color=class_colour(0))
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss (smoothed)")
    if suggestion is not None:
        ax.axvline(suggestion, color=HIGHLIGHT_COLOUR, ls=":", lw=2,
                   label=f"suggested {suggestion:.1e}")
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig


def plot_heatmap(values: np.ndarray | torch.Tensor, row_labels: Sequence, col_labels: Sequence,
                 row_title: str = "", col_title: str = "", title: str = "",
                 fmt: str = "{:.3f}", *, center: float | None = None) -> Figure:
    """A table of numbers as coloured cells, each cell labelled with its value.

    Introduced in ``05_training_from_scratch.ipynb`` (learning rate by batch size).

    Parameters
    ----------
    values : (R, K) array
    row_labels, col_labels : sequences of length R and K
    center : float, optional
        For signed changes such as gains: :data:`~course_utils.plots.palette.GAIN_CMAP` (red
        below, blue above) with ``center`` in its white middle and limits symmetric around it.
        Default: :data:`~course_utils.plots.palette.MAGNITUDE_CMAP`, from the smallest to the
        largest value.
    """
    values = to_numpy(values, "values")
    if not (np.issubdtype(values.dtype, np.number) or values.dtype == bool):
        raise InputError(f"values must be numbers, got dtype {values.dtype}.")
    values = values.astype(float)
    try:
        fmt.format(0.5)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
        raise InputError(f"fmt must format one float, e.g. '{{:.3f}}' or '{{:.0%}}', got "
                         f"{fmt!r} ({error}).") from None
    if values.ndim != 2 or values.shape != (len(row_labels), len(col_labels)):
        raise InputError(f"values must be ({len(row_labels)}, {len(col_labels)}) to match the "
                         f"labels, got {values.shape}.")
    fig, ax = plt.subplots(figsize=(1.2 * len(col_labels) + 2, 0.6 * len(row_labels) + 1.5))
    if center is None:
        image = ax.imshow(values, cmap=MAGNITUDE_CMAP, aspect="auto")
    else:
        reach = max(float(np.nanmax(np.abs(values - center))), 1e-12)
        image = ax.imshow(values, cmap=GAIN_CMAP, vmin=center - reach, vmax=center + reach,
                          aspect="auto")
        dark_from = 0.6 * reach
    ax.set_xticks(range(len(col_labels)), [str(c) for c in col_labels])
    ax.set_yticks(range(len(row_labels)), [str(r) for r in row_labels])
    ax.set_xlabel(col_title)
    ax.set_ylabel(row_title)
    middle = np.nanmin(values) + 0.5 * (np.nanmax(values) - np.nanmin(values))
    for (r, c), value in np.ndenumerate(values):
        dark = value <= middle if center is None else abs(value - center) > dark_from
        ax.text(c, r, fmt.format(value), ha="center", va="center", fontsize=8,
                color="white" if dark else "black")
    fig.colorbar(image, ax=ax)
    ax.set_title(title)
    fig.tight_layout()
    return fig
