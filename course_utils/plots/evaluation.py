"""Evaluation figures that scikit-learn's display classes do not draw (notebook 08): the most
confident mistakes, per-class accuracy with confidence intervals, and how the width of an
interval shrinks with the size of the test set.

For confusion matrices, ROC, precision-recall and reliability diagrams the lesson uses
``sklearn.metrics.ConfusionMatrixDisplay``, ``RocCurveDisplay``, ``PrecisionRecallDisplay`` and
``sklearn.calibration.CalibrationDisplay``.
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from course_utils.metrics import most_confident_mistakes
from course_utils.plots.images import to_display
from course_utils.plots.palette import (
    GREY_CMAP,
    HIGHLIGHT_COLOUR,
    REFERENCE_COLOUR,
    WRONG_MARK,
    class_colour,
    verdict,
)
from course_utils.validation import InputError, to_numpy


def plot_confident_mistakes(images: torch.Tensor, y_true: torch.Tensor | np.ndarray,
                            y_prob: torch.Tensor | np.ndarray, *, classes: Sequence[str],
                            n: int = 16, ncols: int = 8, title: str = "") -> Figure:
    """The wrong predictions the model was surest of, each titled with the wrong mark, its
    prediction, confidence and true class.

    Introduced in ``08_evaluating_classifiers.ipynb``.

    Parameters
    ----------
    images : (N, C, H, W) tensor
        uint8 in 0..255 or float in [0, 1].
    y_true : (N,) integer labels
    y_prob : (N, K) probabilities
    classes : sequence of K str
    n, ncols : int
        How many mistakes at most, and per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or len(images) != len(y_true):
        raise InputError("images must be a (N, C, H, W) tensor with one image per label, got "
                         f"{getattr(images, 'shape', type(images).__name__)} for "
                         f"{len(y_true)} labels.")
    probs = to_numpy(y_prob, "y_prob")
    if probs.ndim != 2 or probs.shape[1] != len(classes):
        raise InputError(f"y_prob must be (N, K) with K = len(classes) = {len(classes)}, got "
                         f"shape {probs.shape}.")
    chosen = most_confident_mistakes(y_true, probs, n=n)
    if len(chosen) == 0:
        raise InputError("there are no mistakes to show: every prediction is right.")
    true = to_numpy(y_true, "y_true")
    ncols = max(1, min(ncols, len(chosen)))
    nrows = -(-len(chosen) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.45 * ncols, 1.7 * nrows + 0.4),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    mark, colour = verdict(False)
    for ax, i in zip(axes.flat, chosen):
        ax.imshow(to_display(images[i]), cmap=GREY_CMAP, vmin=0, vmax=1)
        ax.set_title(f"{mark} {classes[int(probs[i].argmax())]} {probs[i].max():.0%}\n"
                     f"(is {classes[int(true[i])]})", fontsize=7, color=colour)
    fig.suptitle(title or f"the {len(chosen)} most confident mistakes: {WRONG_MARK} prediction, "
                          "confidence (true class)")
    fig.tight_layout()
    return fig


def plot_per_class_accuracy(classes: Sequence[str], estimates: Sequence[float],
                            lows: Sequence[float], highs: Sequence[float], *,
                            overall: float | None = None, title: str = "") -> Figure:
    """Accuracy of each class with its confidence interval, as dots and horizontal bars.

    Introduced in ``08_evaluating_classifiers.ipynb``.

    Parameters
    ----------
    classes : sequence of K str
    estimates, lows, highs : sequences of K floats in [0, 1]
        Each class's accuracy (its recall) and interval, e.g. from
        :func:`course_utils.metrics.bootstrap_ci` on that class's examples.
    overall : float, optional
        Drawn as a vertical line (the accuracy on the whole set).

    Returns
    -------
    matplotlib.figure.Figure
    """
    est, low, high = (np.asarray(v, dtype=float) for v in (estimates, lows, highs))
    k = len(classes)
    if not est.shape == low.shape == high.shape == (k,):
        raise InputError(f"estimates, lows and highs need one value per class ({k}), got "
                         f"shapes {est.shape}, {low.shape}, {high.shape}.")
    if np.any(low > est) or np.any(est > high):
        raise InputError("each interval must contain its estimate (lows <= estimates <= highs).")
    fig, ax = plt.subplots(figsize=(6, 0.32 * k + 1.2))
    rows = np.arange(k)[::-1]
    ax.errorbar(est, rows, xerr=[est - low, high - est], fmt="o", color=class_colour(0), capsize=3)
    if overall is not None:
        ax.axvline(overall, color=REFERENCE_COLOUR, linestyle="--", linewidth=1,
                   label=f"all classes {overall:.1%}")
        ax.legend(loc="lower left", fontsize=8)
    ax.set_yticks(rows, classes)
    ax.set_xlabel("accuracy on the class's examples (95% interval)")
    ax.set_xlim(max(0.0, low.min() - 0.05), 1.0)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title or "per-class accuracy")
    fig.tight_layout()
    return fig


def plot_ci_width(sizes: Sequence[int], widths: Sequence[float], *,
                  reference: Sequence[float] | None = None, marks: dict[str, int] | None = None,
                  title: str = "") -> Figure:
    """Width of a 95% interval against the number of test examples (log-log axes).

    Introduced in ``08_evaluating_classifiers.ipynb``.

    Parameters
    ----------
    sizes : sequence of int
        Test-set sizes.
    widths : sequence of float
        Interval width (high - low) measured at each size, in accuracy (a fraction).
    reference : sequence of float, optional
        A width per size from a formula (e.g. the normal approximation), drawn as a line.
    marks : dict of {label: size}, optional
        Sizes to point out with a vertical line (e.g. ``{"our test set": 888}``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n, w = np.asarray(sizes, dtype=float), np.asarray(widths, dtype=float)
    if n.ndim != 1 or n.shape != w.shape or len(n) < 2:
        raise InputError(f"sizes and widths need the same length (2 or more), got {n.shape} and "
                         f"{w.shape}.")
    if np.any(n <= 0) or np.any(w <= 0):
        raise InputError("sizes and widths must be > 0 (they are drawn on log axes).")
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.loglog(n, w * 100, "o", color=class_colour(0), label="bootstrap, measured")
    if reference is not None:
        ref = np.asarray(reference, dtype=float)
        if ref.shape != n.shape:
            raise InputError(f"reference needs one width per size ({len(n)}), got {ref.shape}.")
        ax.loglog(n, ref * 100, "-", color=REFERENCE_COLOUR,
                  label=r"normal approximation, $\propto 1/\sqrt{n}$")
    for label, size in (marks or {}).items():
        ax.axvline(size, color=HIGHLIGHT_COLOUR, linestyle=":", linewidth=1.2)
        ax.annotate(label, (size, 0.97), xycoords=("data", "axes fraction"), fontsize=8,
                    rotation=90, va="top", ha="right", color=REFERENCE_COLOUR)
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(plain)
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("test examples")
    ax.set_ylabel("width of the 95% interval (accuracy points)")
    ax.grid(which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title or "more test examples, narrower interval")
    fig.tight_layout()
    return fig
