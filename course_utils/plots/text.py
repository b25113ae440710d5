"""Text figures: a sentence as token vectors, a 1-D filter's score per window, the n-grams
that excite filters most, accuracies with their intervals (notebook 15).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.plots.palette import (
    HIGHLIGHT_COLOUR,
    HIGHLIGHT_HATCH,
    NEUTRAL_COLOUR,
    REFERENCE_COLOUR,
    SIGNED_CMAP,
    class_colour,
)
from course_utils.plots.style import finish
from course_utils.validation import InputError


def _numbers(values: np.ndarray | torch.Tensor | Sequence[float], ndim: int, what: str
             ) -> np.ndarray:
    array = values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else values
    array = np.asarray(array, dtype=float)
    if array.ndim != ndim or array.size == 0 or not np.isfinite(array).all():
        raise InputError(f"{what} must be a non-empty {ndim}-D array of finite numbers, got "
                         f"shape {array.shape}.")
    return array


def plot_token_vectors(vectors: torch.Tensor | np.ndarray, tokens: Sequence[str], *,
                       title: str = "") -> Figure:
    """A sentence as a one-row "image": one column per token, one row per embedding channel.

    Introduced in ``15_cnns_beyond_images.ipynb``.

    Parameters
    ----------
    vectors : (E, L) tensor or array
        The embedding of each of the ``L`` tokens, as a column (the layout ``conv1d`` takes).
    tokens : sequence of L str
    title : str
    """
    values = _numbers(vectors, 2, "vectors")
    if values.shape[1] != len(tokens):
        raise InputError(f"vectors has {values.shape[1]} columns but there are {len(tokens)} "
                         "tokens; pass the (E, L) matrix, one column per token.")
    fig, ax = plt.subplots(figsize=(max(4.0, 0.55 * len(tokens) + 1.5), 3.2))
    limit = np.abs(values).max()
    image = ax.imshow(values, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(len(tokens)), tokens, rotation=45, ha="right")
    ax.set_ylabel(f"embedding channel (E = {values.shape[0]})")
    ax.set_xlabel("position in the sentence (L)")
    fig.colorbar(image, ax=ax, label="value")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_window_scores(tokens: Sequence[str], scores: torch.Tensor | np.ndarray, *, width: int,
                       title: str = "") -> Figure:
    """A filter's score for every window of ``width`` consecutive tokens; the best one is
    highlighted, hatched and labelled "max".

    Introduced in ``15_cnns_beyond_images.ipynb``.

    Parameters
    ----------
    tokens : sequence of L str
    scores : (L - width + 1,) tensor or array
        Score of the window that starts at each position (a "valid" ``conv1d``).
    width : int
    title : str
    """
    values = _numbers(scores, 1, "scores")
    if len(values) != len(tokens) - width + 1:
        raise InputError(f"{len(tokens)} tokens have {len(tokens) - width + 1} windows of width "
                         f"{width}, but scores has {len(values)} values.")
    labels = [" ".join(tokens[i:i + width]) for i in range(len(values))]
    best = int(np.argmax(values))
    fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(values) + 1.5), 3.2))
    bars = ax.bar(range(len(values)), values, color=NEUTRAL_COLOUR)
    bars[best].set(facecolor=HIGHLIGHT_COLOUR, hatch=HIGHLIGHT_HATCH, edgecolor="black")
    ax.bar_label(bars, labels=["max" if i == best else "" for i in range(len(values))],
                 fontsize=8, fontweight="bold")
    ax.set_xticks(range(len(values)), labels, rotation=45, ha="right", fontsize=8)
    ax.get_xticklabels()[best].set_fontweight("bold")
    ax.axhline(0, color="black", linewidth=0.8)
    return finish(fig, ax, ylabel="filter score",
                  title=title or f"one filter of width {width}: max over time picks "
                                 f"'{labels[best]}'")


def plot_filter_ngrams(hits: Mapping[str, Sequence], *, title: str = "") -> Figure:
    """For each filter, its top n-grams as horizontal bars of their activation.

    Introduced in ``15_cnns_beyond_images.ipynb``.

    Parameters
    ----------
    hits : {filter name: sequence of hits}
        Each hit has ``tokens`` (a tuple of str) and ``activation`` (a float), as
        :func:`course_utils.text.top_ngrams` returns them, highest first.
    title : str
    """
    if not hits or any(len(h) == 0 for h in hits.values()):
        raise InputError("hits must map each filter name to a non-empty list of hits.")
    ncols = min(3, len(hits))
    nrows = -(-len(hits) // ncols)
    fig, axes = plt.subplots(nrows, ncols,
                             figsize=(4.3 * ncols, 0.35 * max(map(len, hits.values()))
                                                    * nrows + 1.2 * nrows), squeeze=False)
    for ax, (name, found) in zip(axes.flat, hits.items()):
        labels = [" ".join(h.tokens) for h in found][::-1]
        ax.barh(range(len(found)), [h.activation for h in found][::-1], color=class_colour(0))
        ax.set_yticks(range(len(found)), labels, fontsize=8)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("activation", fontsize=8)
    for ax in list(axes.flat)[len(hits):]:
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_accuracy_intervals(results: Mapping[str, Sequence[float]], *, chance: float | None = None,
                            title: str = "") -> Figure:
    """Accuracies as points with their confidence intervals, one row per model.

    Introduced in ``15_cnns_beyond_images.ipynb``.

    Parameters
    ----------
    results : {model name: (estimate, low, high)}
        E.g. what :func:`course_utils.metrics.bootstrap_ci` returns.
    chance : float, optional
        Drawn as a dashed line (0.5 for two balanced classes).
    title : str
    """
    if not results:
        raise InputError("results is empty; expected {model name: (estimate, low, high)}.")
    rows = _numbers([tuple(v) for v in results.values()], 2, "the intervals")
    if rows.shape[1] != 3 or not ((rows[:, 1] <= rows[:, 0]) & (rows[:, 0] <= rows[:, 2])).all():
        raise InputError("each result must be (estimate, low, high) with low <= estimate <= high.")
    fig, ax = plt.subplots(figsize=(5.5, 0.5 * len(rows) + 1.4))
    y = np.arange(len(rows))[::-1]
    ax.errorbar(rows[:, 0], y, xerr=[rows[:, 0] - rows[:, 1], rows[:, 2] - rows[:, 0]], fmt="o",
                capsize=4, color=class_colour(0))
    for yi, (estimate, low, high) in zip(y, rows):
        ax.annotate(f"{estimate:.3f} [{low:.3f}, {high:.3f}]", (estimate, yi),
                    xytext=(0, 7), textcoords="offset points", ha="center", fontsize=8)
    if chance is not None:
        ax.axvline(chance, color=REFERENCE_COLOUR, linestyle="--", label="chance")
        ax.legend(fontsize=8, loc="lower left")
    ax.set_yticks(y, list(results))
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("accuracy")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    fig.tight_layout()
    return fig
