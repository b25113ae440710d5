"""Accuracy against cost for architectures (notebook 06)."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter


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
