"""The computational graph of a small network, as autograd records it: one box per operation.

Introduced in ``04_backprop_and_sgd.ipynb``, which walks ``loss.grad_fn.next_functions`` to list
the operations; this module only draws that list.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from course_utils.plots.palette import REFERENCE_COLOUR, class_colour
from course_utils.validation import InputError

_ARROW = {"arrowstyle": "->", "color": "black"}
_BACKWARD = class_colour(5)
"""The colour of the backward pass (its rules and its arrow): Okabe–Ito vermilion."""
_OPERATION_FILL = to_rgba(class_colour(0), 0.15)
_WEIGHT_FILL = to_rgba(class_colour(1), 0.2)
_WEIGHT_SPACING = 0.25
"""Horizontal distance between the weight boxes above one operation."""


def _check_chain(chain: Sequence[tuple[str, Sequence[str]]]) -> None:
    if not isinstance(chain, (list, tuple)) or not chain:
        raise InputError("chain must be a non-empty list of (operation, [weight names]) pairs, "
                         f"got {chain!r}.")
    for item in chain:
        if (not isinstance(item, (list, tuple)) or len(item) != 2 or not isinstance(item[0], str)
                or not isinstance(item[1], (list, tuple))
                or not all(isinstance(w, str) for w in item[1])):
            raise InputError("every entry of chain must be (operation name, [weight names]), "
                             f"e.g. ('Convolution', ['w1', 'b1']); got {item!r}.")


def _draw_operation(ax: Axes, i: int, op: str, weights: Sequence[str], rule: str) -> None:
    """Box ``i`` of the chain, the arrow into it, its backward rule and the weights above it."""
    ax.text(i, 0, op.replace("2DWithIndices", "2d"), ha="center", va="center", fontsize=7.5,
            bbox={"boxstyle": "round", "fc": _OPERATION_FILL, "ec": REFERENCE_COLOUR})
    ax.annotate("", (i - 0.42, 0), (i - 0.58 if i else -0.62, 0), arrowprops=_ARROW)
    ax.text(i, -0.55, rule, ha="center", fontsize=6.5, color=_BACKWARD)
    for j, weight in enumerate(weights):
        x = i + _WEIGHT_SPACING * (j - (len(weights) - 1) / 2)
        ax.text(x, 1.05, weight, ha="center", fontsize=8,
                bbox={"boxstyle": "round", "fc": _WEIGHT_FILL, "ec": REFERENCE_COLOUR})
        ax.annotate("", (i, 0.22), (x, 0.9),
                    arrowprops={"arrowstyle": "->", "color": REFERENCE_COLOUR})


def plot_autograd_chain(chain: Sequence[tuple[str, Sequence[str]]], *,
                        backward_rules: Mapping[str, str] | None = None,
                        title: str = "the network as autograd records it: forward left to right, "
                                     "backward right to left") -> Figure:
    """Draw a chain of operations from the input ``x`` to the loss ``L``, weights above.

    Each operation is a box, in forward order; the weights it takes hang above it; under it, in
    vermilion (red-orange), the local rule its backward pass applies (if ``backward_rules``
    names one). A vermilion arrow under the chain shows the backward direction.

    Parameters
    ----------
    chain : sequence of (str, sequence of str)
        ``(operation, [weight names])`` from the input to the loss, e.g.
        ``[("Convolution", ["w1", "b1"]), ("Relu", []), ...]`` (what walking
        ``loss.grad_fn.next_functions`` gives, reversed).
    backward_rules : mapping of str to str, optional
        A short backward rule per operation name, drawn under its box.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_chain(chain)
    rules = dict(backward_rules or {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in rules.items()):
        raise InputError("backward_rules must map operation names to short texts (str to str).")
    n = len(chain)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * n + 1.2), 2.6))
    ax.set_xlim(-1.15, n + 0.1)
    ax.set_ylim(-1.3, 1.4)
    ax.axis("off")
    ax.text(-0.66, 0, "x\n(images)", ha="right", va="center", multialignment="center",
            fontsize=8)  # left of the arrow into the first box
    for i, (op, weights) in enumerate(chain):
        _draw_operation(ax, i, op, weights, rules.get(op, ""))
    ax.text(n - 0.2, 0, "L", ha="center", va="center", fontsize=10)
    ax.annotate("", (n - 0.3, 0), (n - 0.6, 0), arrowprops=_ARROW)
    ax.annotate("", (-0.3, -1.05), (n - 0.6, -1.05),
                arrowprops={"arrowstyle": "->", "color": _BACKWARD})
    ax.text(n / 2 - 0.5, -1.25, "backward: each node multiplies the gradient from its right by "
            "its local derivative (the rule under its box)", ha="center", fontsize=7.5,
            color=_BACKWARD)
    ax.set_title(title)
    return fig
