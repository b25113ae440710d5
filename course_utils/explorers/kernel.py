"""The kernel explorer: edit a kernel, move size/stride/padding/dilation sliders, see the map.

Introduced in ``02_convolution.ipynb``. :class:`KernelExplorer` is the widget;
:func:`show_kernel` draws the same picture without a kernel running (for a static page). The
feature map of every stride is rendered ahead of time (:mod:`~course_utils.explorers.frames`), so
the stride slider switches pictures in the browser; the other controls render the four again.

The picture never changes size: the feature map sits in a frame as large as the largest map any
setting gives (the input plus the widest padding), at the input's scale, so a map shows its true
size beside the input and the input stays put while the sliders move.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.env import torch_threads
from course_utils.explorers import _widgets
from course_utils.explorers._widgets import STRIDE_HINT
from course_utils.explorers.frames import Frame, FramedExplorer, FrameStack, index_slider
from course_utils.explorers.kernels import (
    PRESETS,
    apply_kernel,
    as_kernel,
    kernel_preset,
    to_gray,
)
from course_utils.explorers.layout import describe, display_zoom, set_enabled
from course_utils.plots.canvas import (
    colorize,
    colorize_scaled,
    hstack_panels,
    is_signed,
    scale_bar,
    with_title,
)
from course_utils.plots.palette import GREY_CMAP, SIGNED_CMAP
from course_utils.validation import InputError, check_choice

KERNEL_SIZES = (1, 3, 5, 7)
STRIDES = (1, 2, 3, 4)
PADDINGS = (0, 1, 2, 3)
DILATIONS = (1, 2, 3)
"""Every setting the sliders offer; ``02_convolution.ipynb`` checks the size formula on all."""

SLOT_BACKGROUND = (232, 232, 232)
"""Around the feature map, in its fixed-size frame: light gray, so a white (zero) map shows."""
SLOT_BORDER = (110, 110, 110)
"""The one-pixel line around the feature map."""


def render_kernel_view(gray: torch.Tensor, feature_map: torch.Tensor) -> np.ndarray:
    """The explorer's picture: the input, the feature map and its colour bar, 1 px per value.

    The map is drawn at the input's scale, top-left in a frame the size of the largest map the
    sliders can give (input + 2 × the widest padding), so the canvas has the same size at every
    setting. A signed map is drawn blue (< 0) / white (0) / red (> 0), a non-negative one in
    gray; the bar beside it (as tall as the frame, whatever the map's size) reads its values.
    Each panel has a title.

    Parameters
    ----------
    gray : (H, W) tensor
        The input, from :func:`~course_utils.explorers.kernels.to_gray`.
    feature_map : (H_out, W_out) tensor
        At most ``(H + 2 max(PADDINGS), W + 2 max(PADDINGS))``.

    Returns
    -------
    (H', W', 3) uint8 array
        Its size depends on the input's only.
    """
    h, w = gray.shape
    ho, wo = feature_map.shape
    pad = max(PADDINGS)
    if ho > h + 2 * pad or wo > w + 2 * pad:
        raise InputError(f"a feature map of {ho} x {wo} cannot come from a {h} x {w} input with "
                         f"padding up to {pad}; pass the map apply_kernel gives for this image.")
    coloured, low, high, cmap = colorize_scaled(feature_map)
    slot = np.full((h + 2 * pad + 2, w + 2 * pad + 2, 3), SLOT_BACKGROUND, np.uint8)
    slot[:ho + 2, :wo + 2] = SLOT_BORDER
    slot[1:ho + 1, 1:wo + 1] = coloured
    return hstack_panels([with_title(colorize(gray, GREY_CMAP, symmetric=False),
                                     f"input {h} x {w}"),
                          with_title(slot, f"feature map {ho} x {wo}"),
                          with_title(scale_bar(slot.shape[0], cmap, low, high), "value")])


def shape_readout(n_h: int, n_w: int, k: int, stride: int, padding: int, dilation: int,
                  feature_map: torch.Tensor) -> str:
    """The explorer's readout: the feature map's shape and the formula that gives it (HTML).

    Parameters
    ----------
    n_h, n_w : int
        Height and width of the input image.
    k, stride, padding, dilation : int
        The convolution's settings.
    feature_map : (H_out, W_out) tensor
        Its output (its sign picks the colour legend).

    Returns
    -------
    str
    """
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
    kernel = kernel_preset(kernel, 3) if isinstance(kernel, str) else as_kernel(kernel)
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
    ax_k.imshow(kernel.numpy(), cmap=SIGNED_CMAP, vmin=-m, vmax=m)
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
    fig.suptitle(f"input {n_h}×{n_w} (left) → feature map {ho}×{wo} (right, at the input's "
                 f"scale; the bar reads its values); stride {stride}, padding {padding}, "
                 f"dilation {dilation}", fontsize=9)
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
        Display pixels per image pixel (the browser enlarges the small PNG, pixelated); less
        where the picture would be wider than
        :data:`~course_utils.explorers.layout.PICTURE_WIDTH`. The same at every setting.

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
            custom = as_kernel(preset)
            kernel_size = check_choice(custom.shape[0], "kernel size", KERNEL_SIZES)
            preset = "custom"
        if not 0.25 <= zoom <= 8:
            raise InputError(f"zoom must be between 0.25 and 8 (display pixels per value), got "
                             f"{zoom}.")
        self.zoom = zoom
        if preset not in (*PRESETS, "custom") or (preset == "custom" and custom is None):
            raise InputError(f"unknown kernel preset {preset!r}; choose one of {PRESETS} or pass "
                             "a (k, k) tensor of your own.")
        kernel_size = check_choice(kernel_size, "kernel_size", KERNEL_SIZES)
        stride = check_choice(stride, "stride", STRIDES, hint=STRIDE_HINT)
        padding = check_choice(padding, "padding", PADDINGS)
        dilation = check_choice(dilation, "dilation", DILATIONS)
        w = _widgets.widgets()
        self.preset = describe(
            w.Dropdown(options=(*PRESETS, "custom"), value=preset),
            "kernel", "Kernel preset: sets every weight of the kernel (custom: your own).")
        self.preset.add_class("course-preset")
        self.size_slider = describe(
            _widgets.slider("kernel size", KERNEL_SIZES, kernel_size, "course-kernel-size"),
            "kernel size", "Kernel size k: the window is k x k input pixels.")
        self.stride_slider = describe(
            index_slider("stride", STRIDES, stride, "course-stride"),
            "stride", _widgets.STRIDE_TOOLTIP)
        self.padding_slider = describe(
            _widgets.slider("padding", PADDINGS, padding, "course-padding"),
            "padding", "Padding: rows and columns of zeros added around the input.")
        self.dilation_slider = describe(
            _widgets.slider("dilation", DILATIONS, dilation, "course-dilation"),
            "dilation", "Dilation: the spacing between the input pixels the kernel reads.")
        self.frames = FrameStack(self.stride_slider, self._render,
                                 image_classes=("course-feature-map", "course-pixelated"),
                                 text_classes=("course-shape",))
        self.weights_box = w.GridBox(layout=w.Layout(grid_gap="2px"))
        self.weights_box.add_class("course-weights")
        self._pool: list = []  # every weight cell made so far, reused as the size changes
        self._cells: list = []  # the k * k of them shown now
        self._quiet = False
        self.kernel = custom if custom is not None else kernel_preset(preset, kernel_size)
        self._build_cells()
        self._display_zoom = display_zoom(render_kernel_view(
            self.gray, torch.zeros(1, 1)).shape[1], zoom)
        self.update()
        self.preset.observe(self._on_preset, "value")
        self.size_slider.observe(self._on_size, "value")
        for s in (self.padding_slider, self.dilation_slider):
            s.observe(lambda change: self.update(), "value")
        sliders = w.VBox([self.preset, self.size_slider, self.stride_slider,
                          self.padding_slider, self.dilation_slider])
        weights = w.VBox([w.HTML("<b>kernel weights</b> (type a number to edit)"),
                          self.weights_box])
        controls = w.HBox([sliders, weights], layout=w.Layout(flex_flow="row wrap",
                                                              grid_gap="4px 24px"))
        self.widget = w.VBox([w.HTML(_widgets.PIXELATED_CSS), controls, self.frames.view,
                              self.frames.text_view])

    def update(self) -> None:
        """Render every stride's frame again (a control other than the stride moved); the
        dilation slider is disabled for a 1 × 1 kernel, which it cannot spread.
        """
        set_enabled(self.dilation_slider, self.size_slider.value > 1,
                    "a 1 x 1 kernel reads one pixel, whatever the dilation")
        super().update()

    # -- widget plumbing -------------------------------------------------------------------
    def _build_cells(self) -> None:
        """Show k × k weight cells holding the kernel. Cells are made once and reused: making
        49 widgets for a 7 × 7 kernel costs the kernel far more than relabelling them.
        """
        w = _widgets.widgets()
        k = self.kernel.shape[0]
        while len(self._pool) < k * k:
            cell = w.FloatText(layout=w.Layout(width="58px"))
            cell.observe(self._on_weight, "value")
            self._pool.append(cell)
        self._cells = self._pool[:k * k]
        for index, cell in enumerate(self._cells):
            row, col = divmod(index, k)
            describe(cell, f"w[{row},{col}]",
                     f"Kernel weight at row {row}, column {col}: type a number to change it.",
                     label_width="0px")
        self._sync_cells()
        with self.weights_box.hold_sync():
            self.weights_box.children = self._cells
            self.weights_box.layout.grid_template_columns = f"repeat({k}, 60px)"

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
        self.update()  # the picture first, then the weight cells
        self._build_cells()

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

    feature_map = FramedExplorer.shown_result(doc="The ``(H_out, W_out)`` feature map shown now.")

    def _render(self, i: int) -> Frame:
        """The picture and readout at stride ``STRIDES[i]`` with the other settings as they are."""
        s = {**self.settings, "stride": STRIDES[i]}
        with torch_threads(1):
            fmap = apply_kernel(self.gray, self.kernel, s["stride"], s["padding"], s["dilation"])
        return Frame(render_kernel_view(self.gray, fmap), self._display_zoom,
                     shape_readout(*self.gray.shape, s["kernel_size"], s["stride"], s["padding"],
                                   s["dilation"], fmap), result=fmap)
