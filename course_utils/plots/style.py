"""The finishing touches the course's line and bar charts share: labels, limits, legend, layout.

Used by the plot modules of ``07``, ``11``, ``12`` and ``15``; not called from notebooks.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

ACCURACY_YLIM = (-0.02, 1.02)
"""The y range of an accuracy axis: all of [0, 1], with the end points visible."""


def finish(fig: Figure, ax: Axes, *, ylabel: str, title: str = "",
           ylim: tuple[float, float] | None = None, legend: bool = False) -> Figure:
    """Label the y axis, set its range, add the legend and the title, and tighten the layout.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure that holds ``ax``.
    ax : matplotlib.axes.Axes
        The axes drawn on.
    ylabel : str
        What the y axis measures.
    title : str
        The figure's title ('' for none).
    ylim : (low, high), optional
        The y range, e.g. :data:`ACCURACY_YLIM`; by default matplotlib's.
    legend : bool
        Show the legend of the labelled lines.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig``.
    """
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend:
        ax.legend(fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return fig
