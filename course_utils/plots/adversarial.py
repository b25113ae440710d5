"""Adversarial-robustness figures: image / perturbation / adversarial image, accuracy against ε,
accuracy per epoch, and plain-text result tables (notebook 12).
"""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.plots.images import to_display
from course_utils.plots.palette import GREY_CMAP, REFERENCE_COLOUR, series_style
from course_utils.plots.style import ACCURACY_YLIM, finish
from course_utils.validation import InputError, check_curves, check_int_range


def perturbation_display(delta: torch.Tensor) -> tuple[np.ndarray, float]:
    """A ``(C, H, W)`` perturbation as an image: 0.5 gray is no change, full contrast at its peak.

    Returns the ``(H, W)`` or ``(H, W, 3)`` float array for ``imshow`` and the magnification
    (``0.5 / max |delta|``; 1 for an all-zero perturbation).

    Parameters
    ----------
    delta : torch.Tensor
    """
    if not isinstance(delta, torch.Tensor) or delta.ndim != 3:
        raise InputError(f"delta must be a (C, H, W) tensor, got "
                         f"{getattr(delta, 'shape', type(delta).__name__)}.")
    peak = float(delta.detach().abs().max())
    gain = 0.5 / peak if peak > 0 else 1.0
    return to_display((delta.detach().float() * gain + 0.5).clamp(0, 1)), gain


def plot_perturbations(images: torch.Tensor, adversarial: torch.Tensor, *,
                       titles: Sequence[str] | None = None,
                       adversarial_titles: Sequence[str] | None = None,
                       size: float = 2.2, title: str = "") -> Figure:
    """One row per example: the image, the perturbation (magnified) and the adversarial image.

    Introduced in ``12_adversarial_robustness.ipynb``.

    Parameters
    ----------
    images, adversarial : (N, C, H, W) float tensors in [0, 1], C = 1 or 3
    titles, adversarial_titles : sequence of str, optional
        Captions of the first and third column (e.g. the predictions), one per example.
    size : float
        Inches per panel.
    title : str
    """
    if not (isinstance(images, torch.Tensor) and isinstance(adversarial, torch.Tensor)
            and images.ndim == 4 and images.shape == adversarial.shape):
        raise InputError(
            f"images and adversarial must be (N, C, H, W) tensors of the same shape, got "
            f"{getattr(images, 'shape', None)} and {getattr(adversarial, 'shape', None)}."
        )
    n = len(images)
    for name, caps in (("titles", titles), ("adversarial_titles", adversarial_titles)):
        if caps is not None and len(caps) != n:
            raise InputError(f"{name} needs one caption per example ({n}), got {len(caps)}.")
    fig, axes = plt.subplots(n, 3, figsize=(3 * size, n * size + 0.4), squeeze=False)
    for i in range(n):
        delta = adversarial[i] - images[i]
        shown, gain = perturbation_display(delta)
        cmap = GREY_CMAP if images.shape[1] == 1 else None
        panels = [(to_display(images[i]), titles[i] if titles else "original"),
                  (shown, f"perturbation ×{gain:.0f}\nmax |δ| = {float(delta.abs().max()):.3f}"),
                  (to_display(adversarial[i]),
                   adversarial_titles[i] if adversarial_titles else "adversarial")]
        for ax, (array, caption) in zip(axes[i], panels):
            ax.imshow(array, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
            ax.set_title(caption, fontsize=9)
            ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_robustness_curves(eps: Sequence[float], curves: dict[str, Sequence[float]], *,
                           title: str = "", xlabel: str = "ε (L∞, pixels on a 0..1 scale)",
                           chance: float | None = None) -> Figure:
    """Accuracy against the attack's radius ε, one line per model or attack.

    Introduced in ``12_adversarial_robustness.ipynb``.

    Parameters
    ----------
    eps : sequence of float
        The radii (x axis).
    curves : dict of str to sequence of float
        ``{name: accuracy at each ε}``, accuracies in [0, 1].
    chance : float, optional
        Accuracy of guessing, drawn as a dashed line.
    """
    check_curves(curves, len(eps), per="radii")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for i, (name, values) in enumerate(curves.items()):
        ax.plot(list(eps), list(values), **series_style(i), label=name)
    if chance is not None:
        ax.axhline(chance, color=REFERENCE_COLOUR, linestyle="--", label="chance")
    ax.set_xlabel(xlabel)
    return finish(fig, ax, ylabel="accuracy", title=title, ylim=ACCURACY_YLIM, legend=True)


def plot_epoch_accuracies(curves: dict[str, Sequence[float]], *, title: str = "") -> Figure:
    """Accuracy after each training epoch, one line per evaluation (e.g. FGSM and PGD).

    Introduced in ``12_adversarial_robustness.ipynb`` (catastrophic overfitting).

    Parameters
    ----------
    curves : dict of str to sequence of float
        ``{name: accuracy after epoch 1, 2, ...}``, in [0, 1].
    """
    if not curves or not all(len(v) for v in curves.values()):
        raise InputError("curves must map names to non-empty lists of accuracies.")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for i, (name, values) in enumerate(curves.items()):
        ax.plot(range(1, len(values) + 1), list(values), **series_style(i), label=name)
    ax.set_xticks(range(1, max(len(v) for v in curves.values()) + 1))
    ax.set_xlabel("epoch")
    return finish(fig, ax, ylabel="validation accuracy", title=title, ylim=ACCURACY_YLIM,
                  legend=True)


def format_table(rows: dict[str, dict[str, float | str]], digits: int = 3) -> str:
    """A plain-text table: one row per key of ``rows``, one column per key of its dicts.

    Numbers are printed with ``digits`` decimals (NaN as "-"), strings as they are.

    Parameters
    ----------
    rows : dict[str, dict[str, float | str]]
    digits : int
    """
    if not rows:
        raise InputError("rows is empty; expected {row name: {column: value}}.")
    digits = check_int_range(digits, "digits", low=0)
    columns = list(dict.fromkeys(c for row in rows.values() for c in row))

    def cell(value: float | str | None) -> str:
        if isinstance(value, str):
            return value
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-"
        return f"{value:.{digits}f}"

    body = [[name] + [cell(row.get(c)) for c in columns] for name, row in rows.items()]
    header = [""] + columns
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                       for i, (h, w) in enumerate(zip(r, widths))) for r in [header] + body]
    return "\n".join(lines)
