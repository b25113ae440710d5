"""The kernel explorer: edit a kernel, move size/stride/padding/dilation sliders, see the map.

Introduced in ``02_convolution.ipynb``. :class:`KernelExplorer` is the widget;
:func:`show_kernel` draws the same picture without a kernel running (for a static page). The
feature map of every stride is rendered ahead of time (:mod:`~course_utils.explorers.frames`), so
the stride slider switches pictures in the browser; the other controls render the four again.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from course_utils.env import torch_threads
from course_utils.explorers import _widgets
from course_utils.explorers.frames import Frame, FrameStack, FramedExplorer, index_slider
from course_utils.explorers.render import colorize, hstack_panels, is_signed
from course_utils.validation import (
    InputError, check_finite, check_positive_int, check_square_kernel,
)
from course_utils.layers.conv import conv_output_size

KERNEL_SIZES = (1, 3, 5, 7)
STRIDES = (1, 2, 3, 4)
PADDINGS = (0, 1, 2, 3)
DILATIONS = (1, 2, 3)
"""Every setting the sliders offer; ``02_convolution.ipynb`` checks the size formula on all."""

PRESETS = ("identity", "edge", "sobel_x", "sobel_y", "blur", "gaussian", "sharpen")


def _binomial(n: int) -> torch.Tensor:
    """Row ``n`` of Pascal's triangle: 1, n, ..., 1 (length ``n + 1``)."""
    return torch.tensor([math.comb(n, i) for i in range(n + 1)], dtype=torch.float32)


def kernel_preset(name: str, k: int = 3) -> torch.Tensor:
    """A classic ``(k, k)`` kernel by name.

    ``identity`` (1 in the middle), ``edge`` (-1 around, k*k - 1 in the middle: sums to 0),
    ``sobel_x`` / ``sobel_y`` (smooth across, difference along: left-right / top-bottom
    brightness changes), ``blur`` (box average), ``gaussian`` (binomial weights), ``sharpen``
    (2 * identity - blur).

    Parameters
    ----------
    name : str
        One of :data:`PRESETS`.
    k : int
        Odd kernel size, 1 or more.

    Returns
    -------
    (k, k) float32 tensor
    """
    if name not in PRESETS:
        raise InputError(f"unknown kernel preset {name!r}; choose one of {PRESETS}.")
    k = check_positive_int(k, "k")
    if k % 2 == 0:
        raise InputError(f"presets need an odd kernel size so they have a centre, got k={k}; "
                         f"use {k - 1} or {k + 1}.")
    identity = torch.zeros(k, k)
    identity[k // 2, k // 2] = 1
    box = torch.full((k, k), 1.0 / (k * k))
    if name == "identity":
        return identity
    if name == "blur":
        return box
    if name == "sharpen":
        return 2 * identity - box
    if name == "edge":
        return identity * (k * k) - 1
    smooth = _binomial(k - 1)
    if name == "gaussian":
        g = torch.outer(smooth, smooth)
        return g / g.sum()
    diff = torch.zeros(k) if k == 1 else torch.nn.functional.conv1d(
        _binomial(k - 2).view(1, 1, -1), torch.tensor([[[1.0, -1.0]]]), padding=1).view(-1)
    sobel_x = torch.outer(smooth, diff)  # columns differ: responds to left-right changes
    return sobel_x if name == "sobel_x" else sobel_x.T.contiguous()


def to_gray(image: torch.Tensor) -> torch.Tensor:
    """A ``(C, H, W)`` or ``(H, W)`` image (uint8 or float in [0, 1]) as ``(H, W)`` float in [0, 1]."""
    if not isinstance(image, torch.Tensor):
        raise InputError(f"image must be a torch.Tensor, got {type(image).__name__}.")
    if image.ndim == 2:
        image = image[None]
    if image.ndim != 3 or image.shape[0] not in (1, 3):
        raise InputError(f"image must be (H, W) or (C, H, W) with C = 1 or 3, got shape "
                         f"{tuple(image.shape)}.")
    image = image.float() / 255 if image.dtype == torch.uint8 else image.float()
    check_finite(image, "image", hint="Fix the image before filtering it.")
    if image.shape[0] == 3:
        image = (image * torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)).sum(0, keepdim=True)
    return image[0]


def _check_kernel(kernel) -> torch.Tensor:
    kernel = torch.as_tensor(kernel, dtype=torch.float32)
    if kernel.ndim != 2:
        raise InputError(f"kernel must be 2-D (k, k), got shape {tuple(kernel.shape)}.")
    check_square_kernel(kernel, "kernel")
    return kernel


def apply_kernel(gray: torch.Tensor, kernel: torch.Tensor, stride: int = 1, padding: int = 0,
                 dilation: int = 1) -> torch.Tensor:
    """Convolve an ``(H, W)`` image with a ``(k, k)`` kernel; returns ``(H_out, W_out)``.

    Raises a ValueError for a non-square kernel, a stride below 1, negative padding, or a
    dilated kernel larger than the padded image.
    """
    kernel = _check_kernel(kernel)
    k = kernel.shape[0]
    ho = conv_output_size(gray.shape[0], k, stride, padding, dilation)  # validates the settings
    wo = conv_output_size(gray.shape[1], k, stride, padding, dilation)
    out = F.conv2d(gray[None, None].float(), kernel[None, None], stride=stride, padding=padding,
                   dilation=dilation)[0, 0]
    assert out.shape == (ho, wo)
    return out


def render_kernel_view(gray: torch.Tensor, feature_map: torch.Tensor) -> np.ndarray:
    """The explorer's picture: the input (gray) and the feature map side by side, 1 px per value.

    Returns an ``(H, W, 3)`` uint8 canvas. A signed map is drawn blue (< 0) / white (0) / red (> 0);
    a non-negative one in gray. Stride shrinks the map and padding grows it, visibly.
    """
    return hstack_panels([colorize(gray, "gray", symmetric=False), colorize(feature_map)])


def describe(n_h: int, n_w: int, k: int, stride: int, padding: int, dilation: int,
             feature_map: torch.Tensor) -> str:
    """The shape readout: output shape and the formula that gives it."""
    ho, wo = feature_map.shape
    colours = "blue < 0 < red" if is_signed(feature_map.numpy()) else "dark = low, light = high"
    return (f"input {n_h} × {n_w} → feature map <b>{ho} × {wo}</b> "
            f"(⌊({n_h} + 2·{padding} − {dilation}·({k}−1) − 1)/{stride}⌋ + 1 = {ho}); "
            f"{colours}")


def show_kernel(image: torch.Tensor, kernel: torch.Tensor | str = "edge", stride: int = 1,
                padding: int = 0, dilation: int = 1) -> Figure:
    """Static twin of :class:`KernelExplorer`: the same canvas, the kernel and the shape.

    Parameters
    ----------
    image : (C, H, W) or (H, W) tensor
        uint8 or float in [0, 1]; shown in gray.
    kernel : (k, k) tensor or a preset name from :data:`PRESETS`
    stride, padding, dilation : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    gray = to_gray(image)
    kernel = kernel_preset(kernel, 3) if isinstance(kernel, str) else _check_kernel(kernel)
    fmap = apply_kernel(gray, kernel, stride, padding, dilation)
    canvas = render_kernel_view(gray, fmap)
    h, w = canvas.shape[:2]
    width_in, side_in = 9.0, 1.6  # the canvas fills what the kernel panel leaves
    canvas_h_in = (width_in - side_in) * h / w
    fig = Figure(figsize=(width_in, max(canvas_h_in, 1.8) + 0.45), dpi=100)
    top = max(canvas_h_in, 1.8) / (max(canvas_h_in, 1.8) + 0.45)
    side = side_in / width_in
    ax_k = fig.add_axes((0.05 * side, 0.1 * top, 0.85 * side, 0.7 * top))
    k = kernel.shape[0]
    m = float(kernel.abs().max()) or 1.0
    ax_k.imshow(kernel.numpy(), cmap="RdBu_r", vmin=-m, vmax=m)
    for (i, j), v in np.ndenumerate(kernel.numpy()):
        ax_k.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=max(5, 11 - k),
                  color="white" if abs(v) > 0.6 * m else "black")
    ax_k.set_xticks([])
    ax_k.set_yticks([])
    ax_k.set_title(f"kernel {k}×{k}", fontsize=9)
    ax = fig.add_axes((side, 0, 1 - side, top))
    ax.imshow(canvas, interpolation="nearest")
    ax.set_axis_off()
    n_h, n_w = gray.shape
    ho, wo = fmap.shape
    fig.suptitle(f"input {n_h}×{n_w} (left) → feature map {ho}×{wo} (right); stride {stride}, "
                 f"padding {padding}, dilation {dilation}", fontsize=9)
    return fig


class KernelExplorer(FramedExplorer):
    """Widget: kernel presets and editable weights, size/stride/padding/dilation sliders.

    The feature maps of all four strides are rendered whenever another control changes (a few
    milliseconds each) and the stride slider switches between them in the browser, without
    waiting for the kernel (:class:`~course_utils.explorers.frames.FrameStack`). Display it as
    the last line of a cell.

    Parameters
    ----------
    image : (C, H, W) or (H, W) tensor
        uint8 or float in [0, 1]; converted to gray.
    preset : str or (k, k) tensor
        Starting kernel: one of :data:`PRESETS`, or your own square kernel with k in
        :data:`KERNEL_SIZES` (shown as "custom").
    kernel_size, stride, padding, dilation : int
        Starting slider settings, from :data:`KERNEL_SIZES`, :data:`STRIDES`, ...
    zoom : float
        Display pixels per image pixel (the browser enlarges the small PNG, pixelated).

    Attributes
    ----------
    image, readout : ipywidgets.Image, ipywidgets.HTML
        The picture and shape readout shown now (for the slider's stride).
    feature_map : (H_out, W_out) tensor
        The map shown now.
    """

    def __init__(self, image: torch.Tensor, preset: str | torch.Tensor = "edge",
                 kernel_size: int = 3, stride: int = 1, padding: int = 0, dilation: int = 1,
                 zoom: float = 1.0) -> None:
        self.gray = to_gray(image)
        custom = None
        if not isinstance(preset, str):  # a (k, k) kernel of your own
            custom = _check_kernel(preset)
            kernel_size = _widgets.check_choice("kernel size", custom.shape[0], KERNEL_SIZES)
            preset = "custom"
        if not 0.25 <= zoom <= 8:
            raise InputError(f"zoom must be between 0.25 and 8 (display pixels per value), got {zoom}.")
        self.zoom = zoom
        if preset not in (*PRESETS, "custom") or (preset == "custom" and custom is None):
            raise InputError(f"unknown kernel preset {preset!r}; choose one of {PRESETS} or pass "
                             "a (k, k) tensor of your own.")
        kernel_size = _widgets.check_choice("kernel_size", kernel_size, KERNEL_SIZES)
        stride = _widgets.check_choice("stride", stride, STRIDES)
        padding = _widgets.check_choice("padding", padding, PADDINGS)
        dilation = _widgets.check_choice("dilation", dilation, DILATIONS)
        w = _widgets.widgets()
        self.preset = w.Dropdown(options=(*PRESETS, "custom"), value=preset, description="kernel")
        self.preset.add_class("course-preset")
        self.size_slider = _widgets.slider("kernel size", KERNEL_SIZES, kernel_size, "course-kernel-size")
        self.stride_slider = index_slider("stride", STRIDES, stride, "course-stride")
        self.padding_slider = _widgets.slider("padding", PADDINGS, padding, "course-padding")
        self.dilation_slider = _widgets.slider("dilation", DILATIONS, dilation, "course-dilation")
        self._maps: dict[int, torch.Tensor] = {}
        self.frames = FrameStack(self.stride_slider, self._render,
                                 image_classes=("course-feature-map", "course-pixelated"),
                                 text_classes=("course-shape",))
        self.weights_box = w.GridBox()
        self._cells: list = []
        self._quiet = False
        self.kernel = custom if custom is not None else kernel_preset(preset, kernel_size)
        self._build_cells()
        self.update()
        self.preset.observe(self._on_preset, "value")
        self.size_slider.observe(self._on_size, "value")
        for s in (self.padding_slider, self.dilation_slider):
            s.observe(lambda change: self.update(), "value")
        controls = w.VBox([self.preset, self.size_slider, self.stride_slider,
                           self.padding_slider, self.dilation_slider,
                           w.HTML("weights (edit to make your own):"), self.weights_box])
        self.widget = w.VBox([w.HTML(_widgets.PIXELATED_CSS),
                              w.HBox([controls, self.frames.view]), self.frames.text_view])

    # -- widget plumbing -------------------------------------------------------------------
    def _build_cells(self) -> None:
        w = _widgets.widgets()
        k = self.kernel.shape[0]
        self._cells = [w.FloatText(value=round(float(v), 4), layout=w.Layout(width="62px"))
                       for v in self.kernel.flatten()]
        for cell in self._cells:
            cell.observe(self._on_weight, "value")
        self.weights_box.children = self._cells
        self.weights_box.layout = w.Layout(grid_template_columns=f"repeat({k}, 64px)")

    def _sync_cells(self) -> None:
        self._quiet = True
        try:
            for cell, v in zip(self._cells, self.kernel.flatten()):
                cell.value = round(float(v), 4)
        finally:
            self._quiet = False

    def _on_preset(self, change) -> None:
        if change["new"] != "custom":
            self.kernel = kernel_preset(change["new"], self.size_slider.value)
            self._sync_cells()
            self.update()

    def _on_size(self, change) -> None:
        k = change["new"]
        if self.preset.value == "custom":  # keep the centre of the custom kernel
            old, kernel = self.kernel, torch.zeros(k, k)
            m = min(k, old.shape[0])
            a, b = (k - m) // 2, (old.shape[0] - m) // 2
            kernel[a:a + m, a:a + m] = old[b:b + m, b:b + m]
            self.kernel = kernel
        else:
            self.kernel = kernel_preset(self.preset.value, k)
        self._build_cells()
        self.update()

    def _on_weight(self, change) -> None:
        if self._quiet:
            return
        self.kernel = torch.tensor([c.value for c in self._cells], dtype=torch.float32).view(
            self.kernel.shape)
        if self.preset.value != "custom":
            self._quiet = True
            self.preset.value = "custom"
            self._quiet = False
        self.update()

    # -- the step ------------------------------------------------------------------------
    @property
    def settings(self) -> dict[str, int]:
        """Current slider values: ``kernel_size``, ``stride``, ``padding``, ``dilation``."""
        return {"kernel_size": self.size_slider.value, "stride": self.stride_slider.value,
                "padding": self.padding_slider.value, "dilation": self.dilation_slider.value}

    @property
    def feature_map(self) -> torch.Tensor:
        """The ``(H_out, W_out)`` feature map shown now."""
        return self._maps[self.frames.index]

    def update(self) -> None:
        """Render the feature maps of every stride again (the kernel or another slider moved)."""
        self.frames.refresh()

    def _render(self, i: int) -> Frame:
        """The picture and readout at stride ``STRIDES[i]`` with the other settings as they are."""
        s = {**self.settings, "stride": STRIDES[i]}
        with torch_threads(1):
            self._maps[i] = fmap = apply_kernel(self.gray, self.kernel, s["stride"],
                                                s["padding"], s["dilation"])
        return Frame(render_kernel_view(self.gray, fmap), self.zoom,
                     describe(*self.gray.shape, s["kernel_size"], s["stride"], s["padding"],
                              s["dilation"], fmap))
