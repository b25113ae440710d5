"""Step through a convolution one output cell at a time: window, kernel, products and sum.

Introduced in ``02_convolution.ipynb``. :class:`ConvStepExplorer` is the widget (a position
slider); :func:`show_conv_step` draws the same figure for one position without a kernel running.
The figure is drawn once; each position redraws only what moves on a saved background. Every
position is rendered when the explorer is built (:mod:`~course_utils.explorers.frames`), so the
slider switches pictures in the browser without waiting for the kernel.
"""

from __future__ import annotations

import html

import matplotlib
import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course_utils.explorers import _widgets
from course_utils.explorers.frames import Frame, FramedExplorer, FrameStack
from course_utils.explorers.layout import describe
from course_utils.layers.conv import conv2d, conv_output_size
from course_utils.plots.palette import GREY_CMAP, MAGNITUDE_CMAP, SIGNED_CMAP
from course_utils.validation import InputError, check_positive_int, check_square_kernel

MAX_SIDE = 12
"""Largest input side the step-by-step view can label legibly."""


def _fmt(v: float, parens: bool = False) -> str:
    text = f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}"
    return f"({text})" if parens and v < 0 else text


def contrasting_text_colour(cell_rgba: tuple[float, ...]) -> str:
    """Black or white, whichever stands out more against a cell of colour ``cell_rgba``.

    Uses the relative luminance of sRGB colours (the WCAG contrast rule): dark cells get white
    text, light cells black text.

    Parameters
    ----------
    cell_rgba : tuple of float
        The cell's colour as (r, g, b) or (r, g, b, a), each in [0, 1] (what a matplotlib
        colormap returns).

    Returns
    -------
    str
        ``"white"`` or ``"black"``.
    """
    if len(cell_rgba) not in (3, 4) or not all(0 <= float(c) <= 1 for c in cell_rgba):
        raise InputError(f"cell_rgba must be 3 or 4 numbers in [0, 1], got {cell_rgba!r}.")
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in map(float, cell_rgba[:3])]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # contrast ratio with white, (1 + 0.05) / (L + 0.05), against black, (L + 0.05) / 0.05
    return "white" if 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05 else "black"


def _check_inputs(x, kernel, stride, padding) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.as_tensor(x, dtype=torch.float64)
    kernel = torch.as_tensor(kernel, dtype=torch.float64)
    if x.ndim != 2 or max(x.shape) > MAX_SIDE:
        raise InputError(f"x must be a small 2-D grid (H, W) with sides up to {MAX_SIDE}, got "
                         f"shape {tuple(x.shape)}; crop it, e.g. x[:8, :8].")
    if kernel.ndim != 2:
        raise InputError(f"kernel must be 2-D (k, k), got shape {tuple(kernel.shape)}.")
    k = check_square_kernel(kernel, "kernel")
    check_positive_int(stride, "stride")
    check_positive_int(padding, "padding", minimum=0)
    conv_output_size(x.shape[0], k, stride, padding)  # raises if the kernel does not fit
    conv_output_size(x.shape[1], k, stride, padding)
    return x, kernel


class _StepFigure:
    """The figure, drawn once: padded input | kernel | output, and the sum under them.

    Every output value is drawn in the background once; a step restores that background, hides
    the cells not reached yet under two white rectangles (the rest of the row, the rows below),
    and draws the window, the current cell and the sum on top (matplotlib "blitting"). A step
    costs a few milliseconds instead of the full redraw of some 200 texts (100-400 ms).
    """

    def __init__(self, x: torch.Tensor, kernel: torch.Tensor, stride: int, padding: int,
                 with_sum: bool = True) -> None:
        self.k, self.stride, self.padding = kernel.shape[0], stride, padding
        self.out = conv2d(x[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
        self.xp = torch.nn.functional.pad(x, (padding,) * 4)
        self.kernel = kernel
        self.fig = Figure(figsize=(10, 4.6 if with_sum else 3.4), dpi=80)
        self.canvas = FigureCanvasAgg(self.fig)
        ax_in, ax_k, self.ax_out = self.fig.subplots(1, 3, gridspec_kw={
            "width_ratios": [self.xp.shape[1], max(self.k, 3), self.out.shape[1]]})
        self.fig.subplots_adjust(left=0.02, right=0.98, top=0.88 if with_sum else 0.9,
                                 bottom=0.3 if with_sum else 0.03, wspace=0.25)
        self._grid(ax_in, self.xp.numpy(), f"input {tuple(x.shape)}, padding {padding}",
                   pad=padding)
        self._grid(ax_k, kernel.numpy(), f"kernel {self.k}×{self.k}", cmap=SIGNED_CMAP)
        ho, wo = self.out.shape
        self._grid(self.ax_out, self.out.numpy(), f"output {ho}×{wo}, stride {stride}",
                   cmap=MAGNITUDE_CMAP)
        cover = {"fc": "white", "ec": "none", "zorder": 4}
        self.covers = [Rectangle((0, 0), 0, 0, **cover), Rectangle((0, 0), 0, 0, **cover)]
        for patch in self.covers:
            self.ax_out.add_patch(patch)
        self.window = Rectangle((-0.5, -0.5), self.k, self.k, fill=False, ec="#ff7f0e", lw=3,
                                zorder=5)
        ax_in.add_patch(self.window)
        self.cell = Rectangle((-0.5, -0.5), 1, 1, fill=False, ec="#ff7f0e", lw=3, zorder=5)
        self.ax_out.add_patch(self.cell)
        # The sum under the grids (static figure); the widget shows it as HTML text instead,
        # since drawing its 100 glyphs would cost more than the rest of a step.
        self.sum_text = self.fig.text(0.02, 0.02, "", family="monospace", fontsize=10,
                                      va="bottom", visible=with_sum)
        for spine in self.ax_out.spines.values():
            spine.set_zorder(4.5)  # over the covers
        self.moving = [*self.covers, *self.ax_out.spines.values(), self.window, self.cell]
        self._background = None

    @staticmethod
    def _grid(ax, values: np.ndarray, title: str, cmap: str = GREY_CMAP, pad: int = 0) -> None:
        m = float(np.abs(values).max()) or 1.0
        limits = ((-m, m) if cmap == SIGNED_CMAP
                  else (float(values.min()), float(values.max()) or 1.0))
        ax.imshow(values, cmap=cmap, vmin=limits[0], vmax=limits[1])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=10)
        h, w = values.shape
        cells = matplotlib.colormaps[cmap](Normalize(*limits)(values))  # (h, w, 4) RGBA
        for (i, j), v in np.ndenumerate(values):
            in_pad = pad and not (pad <= i < h - pad and pad <= j < w - pad)
            colour = contrasting_text_colour(tuple(cells[i, j]))
            if in_pad:  # padding zeros in a softer gray, still readable on their cell
                colour = "#aaa" if colour == "white" else "#555"
            ax.text(j, i, _fmt(v), ha="center", va="center", fontsize=8, color=colour)

    def draw(self, position: int) -> str:
        """Show output cell ``position`` (row by row); return the sum as text."""
        ho, wo = self.out.shape
        i, j = divmod(position, wo)
        top, left = i * self.stride, j * self.stride
        self.window.set_xy((left - 0.5, top - 0.5))
        self.cell.set_xy((j - 0.5, i - 0.5))
        rest_of_row, rows_below = self.covers
        rest_of_row.set_bounds(j + 0.5, i - 0.5, wo - j - 1, 1)
        rows_below.set_bounds(-0.5, i + 0.5, wo, ho - i - 1)
        window = self.xp[top:top + self.k, left:left + self.k]
        rows = [" + ".join(f"{_fmt(a)}×{_fmt(b, parens=True)}" for a,
                           b in zip(wr.tolist(), kr.tolist()))
                for wr, kr in zip(window, self.kernel)]
        total = float((window * self.kernel).sum())
        text = (f"out[{i}, {j}] = sum of window × kernel =\n   " + "\n + ".join(rows)
                + f"\n = {_fmt(total)}")
        self.sum_text.set_text(text)
        return text

    def rgb(self) -> np.ndarray:
        """The figure as an ``(H, W, 3)`` uint8 array: the saved background plus what moved."""
        if self._background is None:
            for artist in self.moving:
                artist.set_animated(True)  # left out of the full draw
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.canvas.restore_region(self._background)
        for artist in self.moving:
            self.fig.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())[..., :3]


def show_conv_step(x: torch.Tensor, kernel: torch.Tensor, position: int = 0, stride: int = 1,
                   padding: int = 0) -> Figure:
    """Static twin of :class:`ConvStepExplorer`: the figure for one output cell.

    Parameters
    ----------
    x : (H, W) small grid (sides up to :data:`MAX_SIDE`)
    kernel : (k, k) tensor
    position : int
        Output cell, counted row by row from 0.
    stride, padding : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    x, kernel = _check_inputs(x, kernel, stride, padding)
    view = _StepFigure(x, kernel, stride, padding)
    n = view.out.numel()
    if not 0 <= position < n:
        raise InputError(f"position must be in 0..{n - 1} (the output has {n} cells), got "
                         f"{position}.")
    view.draw(position)
    return view.fig


class ConvStepExplorer(FramedExplorer):
    """Widget: a position slider that moves one output cell at a time.

    The figure of every position (64 for an 8 x 8 output, about 0.3 s) is rendered once, when
    the explorer is built; the slider switches between them in the browser. Beyond
    :data:`~course_utils.explorers.frames.MAX_FRAMES` positions the kernel renders each step.

    Parameters
    ----------
    x : (H, W) small grid (sides up to :data:`MAX_SIDE`)
    kernel : (k, k) tensor
    stride, padding : int

    Attributes
    ----------
    image, readout : ipywidgets.Image, ipywidgets.HTML
        The figure and the sum shown now.
    sum_text : str
        The sum shown now, as plain text.
    """

    def __init__(self, x: torch.Tensor, kernel: torch.Tensor, stride: int = 1,
                 padding: int = 0) -> None:
        x, kernel = _check_inputs(x, kernel, stride, padding)
        self.view = _StepFigure(x, kernel, stride, padding, with_sum=False)
        w = _widgets.widgets()
        self.position = describe(
            w.IntSlider(0, 0, self.view.out.numel() - 1, style={"description_width": "80px"}),
            "output cell", "Which output cell is computed, row by row: the window moves with it.")
        self.position.add_class("course-position")
        self.frames = FrameStack(self.position, self._render, image_classes=("course-conv-step",),
                                 text_classes=("course-conv-sum",))
        self.update()
        self.widget = w.VBox([self.position, self.frames.view, self.frames.text_view])

    sum_text = FramedExplorer.shown_result(doc="The sum for the slider's cell, as plain text.")

    def _render(self, position: int) -> Frame:
        """The window at output cell ``position`` and its sum."""
        text = self.view.draw(position)
        return Frame(self.view.rgb(), 1.0,
                     f"<pre style='margin: 0 0 0 12px'>{html.escape(text)}</pre>", result=text)
