"""The pooling explorer: max and average pooling side by side, with size and stride sliders.

Introduced in ``03_pooling_activations_dense.ipynb``. :class:`PoolingExplorer` is the widget;
:func:`show_pooling` draws the same picture without a kernel running. The picture of every
stride is rendered ahead of time (:mod:`~course_utils.explorers.frames`): the stride slider
switches them in the browser, the window slider renders the four again.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.env import torch_threads
from course_utils.explorers import _widgets
from course_utils.explorers._widgets import STRIDE_HINT
from course_utils.explorers.frames import Frame, FramedExplorer, FrameStack, index_slider
from course_utils.explorers.kernel import SLOT_BACKGROUND
from course_utils.explorers.kernels import to_gray
from course_utils.explorers.layout import describe, display_zoom
from course_utils.layers.pooling import pool2d
from course_utils.plots.canvas import hstack_panels, show_canvas, upscale, with_title
from course_utils.validation import check_choice, check_number

POOL_SIZES = (1, 2, 3, 4)
POOL_STRIDES = (1, 2, 3, 4)


def pool_both(gray: torch.Tensor, kernel_size: int, stride: int) -> tuple[torch.Tensor,
                                                                          torch.Tensor]:
    """Max- and average-pool an ``(H, W)`` image; returns two ``(H_out, W_out)`` maps.

    Parameters
    ----------
    gray : torch.Tensor
    kernel_size : int
    stride : int
    """
    check_choice(kernel_size, "kernel_size", POOL_SIZES)
    check_choice(stride, "stride", POOL_STRIDES, hint=STRIDE_HINT)
    x = gray[None, None]
    return pool2d(x, kernel_size, stride, "max")[0, 0], pool2d(x, kernel_size, stride, "avg")[0, 0]


def render_pooling(gray: torch.Tensor, pooled_max: torch.Tensor, pooled_avg: torch.Tensor,
                   stride: int) -> np.ndarray:
    """Input | max | average, titled, the pooled maps enlarged by ``stride`` to the input's scale.

    Each pooled map sits top-left in a panel the size of the input, so the canvas has the same
    size at every window and stride.

    Parameters
    ----------
    gray : (H, W) tensor
    pooled_max, pooled_avg : (H_out, W_out) tensors
        With ``H_out * stride <= H`` and ``W_out * stride <= W``.
    stride : int
    """
    low, high = float(gray.min()), float(gray.max())  # one gray scale for all three panels

    def panel(pooled: torch.Tensor) -> np.ndarray:
        out = np.full((*gray.shape, 3), SLOT_BACKGROUND, np.uint8)
        enlarged = upscale(_gray(pooled, low, high), stride)[:gray.shape[0], :gray.shape[1]]
        out[:enlarged.shape[0], :enlarged.shape[1]] = enlarged
        return out

    h, w = pooled_max.shape
    return hstack_panels([with_title(_gray(gray, low, high), "input"),
                          with_title(panel(pooled_max), f"max pooling {h} x {w}"),
                          with_title(panel(pooled_avg), f"average pooling {h} x {w}")])


def _gray(values: torch.Tensor, low: float, high: float) -> np.ndarray:
    """Gray levels on a fixed ``low..high`` scale so panels can be compared."""
    scaled = ((values.float() - low) * (255.0 / ((high - low) or 1))).clamp(0, 255)
    return scaled.to(torch.uint8).numpy()[:, :, None].repeat(3, axis=2)


def _readout(gray: torch.Tensor, pooled: torch.Tensor, k: int, stride: int) -> str:
    return (f"input {tuple(gray.shape)} → pooled <b>{tuple(pooled.shape)}</b> "
            f"(window {k}×{k}, stride {stride}); left: input, middle: max, right: average")


def show_pooling(image: torch.Tensor, kernel_size: int = 2, stride: int = 2) -> Figure:
    """Static twin of :class:`PoolingExplorer`.

    Parameters
    ----------
    image : (C, H, W) or (H, W) tensor, uint8 or float in [0, 1]
    kernel_size, stride : int, from :data:`POOL_SIZES` and :data:`POOL_STRIDES`

    Returns
    -------
    matplotlib.figure.Figure
    """
    gray = to_gray(image)
    pmax, pavg = pool_both(gray, kernel_size, stride)
    canvas = render_pooling(gray, pmax, pavg, stride)
    zoom = max(1, 600 // canvas.shape[1])
    return show_canvas(upscale(canvas, zoom), _readout(gray, pmax, kernel_size, stride)
                       .replace("<b>", "").replace("</b>", ""))


class PoolingExplorer(FramedExplorer):
    """Widget: window size and stride sliders; input, max pooling and average pooling.

    Parameters
    ----------
    image : (C, H, W) or (H, W) tensor, uint8 or float in [0, 1]
    kernel_size, stride : int
        Starting settings, from :data:`POOL_SIZES` and :data:`POOL_STRIDES`.
    zoom : float
        Display pixels per image pixel; less where the picture would be wider than
        :data:`~course_utils.explorers.layout.PICTURE_WIDTH`. The same at every setting.

    Attributes
    ----------
    image, readout : ipywidgets.Image, ipywidgets.HTML
        The picture and readout shown now (for the slider's stride).
    pooled_max, pooled_avg : (H_out, W_out) tensors
        The pooled maps shown now.
    """

    def __init__(self, image: torch.Tensor, kernel_size: int = 2, stride: int = 2,
                 zoom: float = 2.0) -> None:
        self.gray = to_gray(image)
        check_choice(kernel_size, "kernel_size", POOL_SIZES)
        check_choice(stride, "stride", POOL_STRIDES, hint=STRIDE_HINT)
        self.zoom = check_number(zoom, "zoom", 0.25, 8.0, hint="It is display pixels per value.")
        w = _widgets.widgets()
        self.size_slider = describe(
            _widgets.slider("window", POOL_SIZES, kernel_size, "course-pool-size"),
            "window", "Pooling window size k: each output summarises k x k input pixels.")
        self.stride_slider = describe(
            index_slider("stride", POOL_STRIDES, stride, "course-pool-stride"),
            "stride", _widgets.STRIDE_TOOLTIP)
        self.frames = FrameStack(self.stride_slider, self._render,
                                 image_classes=("course-pooling", "course-pixelated"),
                                 text_classes=("course-pool-readout",))
        self.update()
        self.size_slider.observe(lambda change: self.update(), "value")
        self.widget = w.VBox([w.HTML(_widgets.PIXELATED_CSS), self.size_slider, self.stride_slider,
                              self.frames.view, self.frames.text_view])

    pooled_max = FramedExplorer.shown_result(0, "The max-pooled map shown now.")
    pooled_avg = FramedExplorer.shown_result(1, "The average-pooled map shown now.")

    def _render(self, i: int) -> Frame:
        """Input, max and average pooling at stride ``POOL_STRIDES[i]``."""
        k, s = self.size_slider.value, POOL_STRIDES[i]
        with torch_threads(1):  # small tensors: threads would only wait on each other
            pmax, pavg = pool_both(self.gray, k, s)
            canvas = render_pooling(self.gray, pmax, pavg, s)
        return Frame(canvas, display_zoom(canvas.shape[1], self.zoom),
                     _readout(self.gray, pmax, k, s), result=(pmax, pavg))
