"""Architectures drawn: block diagrams read from the model, and accuracy against cost (notebook
06).
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import NullFormatter
from torch import nn

from course_utils.models import BasicBlock, DenseBlock, InvertedResidual, Normalize
from course_utils.plots.palette import NEUTRAL_COLOUR, REFERENCE_COLOUR, class_colour, series_style
from course_utils.validation import InputError, check_size

# Modules that only reshape or squash: drawn inside the box of the layer before them.
_FOLDED = (nn.ReLU, nn.ReLU6, nn.Tanh, nn.Flatten, nn.Dropout, nn.BatchNorm2d, nn.Identity)
_COLOURS = {"conv": class_colour(0), "separable": class_colour(4), "residual": class_colour(2),
            "plain": class_colour(1), "dense": class_colour(3), "inverted": class_colour(6),
            "pool": NEUTRAL_COLOUR, "linear": class_colour(5)}
"""The fill of each kind of box, drawn light (:data:`_TINT`) so that the black text stays
readable; the text names the kind, so the colour is never the only cue."""
_TINT = 0.3
"""Opacity of a box's fill."""


def _conv_text(conv: nn.Conv2d) -> str:
    k = conv.kernel_size[0]
    kind = "depthwise " if conv.groups == conv.in_channels > 1 else ""
    stride = f", stride {conv.stride[0]}" if conv.stride[0] > 1 else ""
    return f"{kind}conv {k}×{k} → {conv.out_channels}{stride}"


def describe_block(module: nn.Module) -> tuple[str, str]:
    """A one-line description of a network's block and its kind (which sets its colour).

    Introduced in ``06_architectures.ipynb`` (:func:`plot_block_diagrams`).

    Parameters
    ----------
    module : nn.Module

    Returns
    -------
    (text, kind) : (str, str)
        ``kind`` is one of "conv", "separable", "residual", "plain", "dense", "inverted",
        "pool", "linear".
    """
    if isinstance(module, BasicBlock):
        conv = module.body[0][0]
        stride = f", stride {conv.stride[0]}" if conv.stride[0] > 1 else ""
        kind = "residual" if module.skip else "plain"
        return f"{kind} block: 2 × conv 3×3 → {conv.out_channels}{stride}", kind
    if isinstance(module, DenseBlock):
        growth = module.layers[0][-1].out_channels
        return f"dense block: {len(module.layers)} layers, +{growth} channels each", "dense"
    if isinstance(module, InvertedResidual):
        convs = [m for m in module.conv.modules() if isinstance(m, nn.Conv2d)]
        return (f"inverted residual: 1×1 → {convs[-2].out_channels}, dw 3×3, "
                f"1×1 → {convs[-1].out_channels}", "inverted")
    if isinstance(module, nn.Conv2d):
        return _conv_text(module), "conv"
    if isinstance(module, nn.Linear):
        return f"linear {module.in_features} → {module.out_features}", "linear"
    if isinstance(module, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        return "global average pooling", "pool"
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        name = "max" if isinstance(module, nn.MaxPool2d) else "average"
        return f"{name} pooling {module.kernel_size}×{module.kernel_size}", "pool"
    convs = [m for m in module.modules() if isinstance(m, nn.Conv2d)]
    if len(convs) == 2 and convs[0].groups == convs[0].in_channels > 1:
        stride = f", stride {convs[0].stride[0]}" if convs[0].stride[0] > 1 else ""
        return f"separable: dw 3×3 + 1×1 → {convs[1].out_channels}{stride}", "separable"
    if len(convs) == 1:
        extras = " + BN" * any(isinstance(m, nn.BatchNorm2d) for m in module.modules())
        return _conv_text(convs[0]) + extras, "conv"
    return type(module).__name__, "conv"


def _blocks(model: nn.Module) -> list[nn.Module]:
    """The drawn blocks: children of ``features`` and ``head``, activations folded away."""
    if isinstance(model, nn.Sequential):   # Normalize, then the network
        model = next(m for m in model if not isinstance(m, Normalize))
    if not hasattr(model, "features"):
        raise InputError(f"{type(model).__name__} has no .features to draw; expected a network "
                         "of course_utils.models (features, then head).")
    parts = list(model.features.children()) + list(getattr(model, "head",
                                                           nn.Sequential()).children())
    return [m for m in parts if not isinstance(m, _FOLDED)]


def block_rows(model: nn.Module, input_shape: tuple[int, int, int]
               ) -> list[tuple[str, str, tuple[int, ...], int]]:
    """What :func:`plot_block_diagrams` draws: ``(text, kind, output shape, repeats)`` per row.

    Consecutive blocks with the same description and output shape share one row (``repeats``).
    Introduced in ``06_architectures.ipynb``.

    Parameters
    ----------
    model : nn.Module
    input_shape : tuple[int, int, int]
    """
    if len(input_shape) != 3:
        raise InputError(f"input_shape must be (C, H, W), got {input_shape}.")
    check_size(input_shape[1:], "input_shape[1:]")
    shapes: dict[int, tuple[int, ...]] = {}
    blocks = _blocks(model)
    hooks = [b.register_forward_hook(lambda m, _i,
                                     out: shapes.__setitem__(id(m), tuple(out.shape[1:])))
             for b in blocks]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *input_shape, device=next(model.parameters()).device))
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    rows: list[tuple[str, str, tuple[int, ...], int]] = []
    for block in blocks:
        text, kind = describe_block(block)
        shape = shapes[id(block)]
        if rows and rows[-1][0] == text and rows[-1][2] == shape:
            rows[-1] = (text, kind, shape, rows[-1][3] + 1)
        else:
            rows.append((text, kind, shape, 1))
    return rows


def plot_block_diagrams(models: dict[str, nn.Module], input_shape: tuple[int, int, int]) -> Figure:
    """One block diagram per network, read from the model: a box per block, top to bottom.

    Each box names its block (layer kind, kernel, output channels, stride; BN and activations
    folded in) and gives the output shape; identical consecutive blocks share a box ("× n");
    residual blocks carry a skip arrow on their left. Introduced in ``06_architectures.ipynb``.

    Parameters
    ----------
    models : {name: nn.Module}
        Networks of ``course_utils.models`` (a ``features`` and a ``head``), optionally after a
        :class:`~course_utils.models.Normalize`.
    input_shape : (C, H, W)
        One image's shape, used for a forward pass that records each block's output shape.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not models:
        raise InputError("models is empty; expected {name: network}.")
    tables = {name: block_rows(model, input_shape) for name, model in models.items()}
    tallest = max(len(rows) for rows in tables.values()) + 1
    fig, axes = plt.subplots(1, len(tables), figsize=(3.3 * len(tables), 0.5 * tallest + 0.8),
                             squeeze=False)
    for ax, (name, rows) in zip(axes[0], tables.items()):
        ax.set_xlim(0, 1)
        ax.set_ylim(tallest, -0.6)
        ax.axis("off")
        ax.set_title(name, fontsize=10)
        shape = "×".join(str(d) for d in input_shape)
        ax.text(0.5, 0, f"input {shape}", ha="center", va="center", fontsize=7)
        for y, (text, kind, out, repeats) in enumerate(rows, start=1):
            ax.add_patch(FancyBboxPatch((0.1, y - 0.32), 0.8, 0.64, boxstyle="round,pad=0.02",
                                        fc=to_rgba(_COLOURS[kind], _TINT), ec=REFERENCE_COLOUR,
                                        lw=0.8))
            times = f"{repeats} × " if repeats > 1 else ""
            ax.text(0.5, y - 0.08, times + text, ha="center", va="center", fontsize=6.5)
            ax.text(0.5, y + 0.18, "×".join(str(d) for d in out), ha="center", va="center",
                    fontsize=6, color=REFERENCE_COLOUR)
            ax.annotate("", (0.5, y - 0.34), (0.5, y - 0.66),
                        arrowprops=dict(arrowstyle="->", lw=0.6, color=REFERENCE_COLOUR))
            if kind == "residual":
                ax.add_patch(FancyArrowPatch((0.1, y - 0.3), (0.1, y + 0.3),
                                             connectionstyle="arc3,rad=0.9", arrowstyle="->",
                                             mutation_scale=6, lw=0.8, color=class_colour(2)))
                ax.text(0.0, y, "+x", fontsize=6, color=class_colour(2), va="center")
    fig.tight_layout()
    return fig


def plot_tradeoffs(names: Sequence[str], accuracy: Sequence[float], macs: Sequence[float],
                   latency_ms: Sequence[float], params: Sequence[float]) -> Figure:
    """Accuracy against multiply-accumulates and against CPU latency; marker area ~ parameters.

    Introduced in ``06_architectures.ipynb``.

    Parameters
    ----------
    names : Sequence[str]
    accuracy : Sequence[float]
    macs : Sequence[float]
    latency_ms : Sequence[float]
    params : Sequence[float]
    """
    n = len(names)
    if not n or any(len(v) != n for v in (accuracy, macs, latency_ms, params)):
        raise InputError("names, accuracy, macs, latency_ms and params need one entry per model.")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    size = 300 * np.asarray(params, dtype=float) / max(params)
    for ax, x, label in ((axes[0], macs, "multiply-accumulates per image"),
                         (axes[1], latency_ms, "CPU latency per image (ms)")):
        # one colour and shape per model, named in a legend beside the panels: close points keep
        # their names
        for i, (name, xi, yi, si) in enumerate(zip(names, x, accuracy, size)):
            ax.scatter([xi], [yi], s=si + 20, alpha=0.7, label=name, edgecolors="k",
                       linewidths=0.5, **series_style(i))
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(label)
        ax.set_ylabel("validation accuracy")
        ax.grid(alpha=0.3, which="both")
    handles, labels = axes[0].get_legend_handles_labels()
    legend = fig.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5),
                        fontsize=8, markerscale=0.6)
    for handle in legend.legend_handles:
        handle.set_sizes([40])
    fig.suptitle("Accuracy against cost (marker area: parameters)")
    fig.tight_layout()
    return fig
