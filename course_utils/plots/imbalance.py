"""Figures of ``10_class_imbalance.ipynb``: class shares before and after, and metrics with
their bootstrap intervals, one row per remedy.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from course_utils.metrics import Interval
from course_utils.plots.palette import REFERENCE_COLOUR, class_colour, series_style


def plot_class_shares(counts: Mapping[str, Sequence[int]], classes: Sequence[str], *,
                      title: str = "") -> Figure:
    """Examples per class of several sets side by side, on a log scale (rare classes stay
    visible).

    Introduced in ``10_class_imbalance.ipynb``.

    Parameters
    ----------
    counts : dict of str to (K,) counts
        ``{set name: examples of each class}``, e.g. the balanced and the imbalanced set.
    classes : sequence of K str
    """
    if not counts:
        raise ValueError("counts is empty; expected {set name: counts per class}.")
    for name, values in counts.items():
        if len(values) != len(classes):
            raise ValueError(f"counts[{name!r}] has {len(values)} entries for {len(classes)} "
                             "classes.")
    width = 0.8 / len(counts)
    fig, ax = plt.subplots(figsize=(1.0 + 0.6 * len(classes), 3.2))
    x = np.arange(len(classes))
    for i, (name, values) in enumerate(counts.items()):
        bars = ax.bar(x + (i - (len(counts) - 1) / 2) * width, values, width, label=name,
                      edgecolor="white", **series_style(i, bars=True))
        ax.bar_label(bars, fontsize=7, rotation=90, padding=2)   # side by side, never touching
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(top=max(max(v) for v in counts.values()) * 2.2)   # room for the bar labels
    ax.set_xticks(x, list(classes))
    ax.set_ylabel("examples (log scale)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))   # beside the bars
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_intervals(results: Mapping[str, Mapping[str, Interval]], *, title: str = "") -> Figure:
    """One panel per metric, one row per method: the estimate and its interval.

    Introduced in ``10_class_imbalance.ipynb``.

    Parameters
    ----------
    results : dict of str to dict of str to Interval
        ``{method: {metric: Interval(estimate, low, high)}}``; every method has the same metrics.
        The first method is the reference, drawn as a dotted line in each panel.
    """
    if not results:
        raise ValueError("results is empty; expected {method: {metric: Interval}}.")
    methods = list(results)
    metrics = list(results[methods[0]])
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics) + 1.5,
                                                       0.35 * len(methods) + 1.2),
                             sharey=True, squeeze=False)
    y = np.arange(len(methods))[::-1]
    for ax, metric in zip(axes[0], metrics):
        values = [results[m][metric] for m in methods]
        est = np.array([v.estimate for v in values])
        low = est - np.array([v.low for v in values])
        high = np.array([v.high for v in values]) - est
        ax.errorbar(est, y, xerr=[low, high], fmt="o", capsize=3, color=class_colour(0))
        ax.axvline(est[0], color=REFERENCE_COLOUR, linestyle=":")
        ax.set_title(metric, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0, 0].set_yticks(y, methods)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
