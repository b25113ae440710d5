"""The feature-map explorer: pick an image, a layer and channels of a network, see the maps.

Introduced in ``03_pooling_activations_dense.ipynb``. :class:`FeatureMapExplorer` is the widget;
:func:`show_feature_maps` draws the same grid without a kernel running. The grid of every image
is rendered ahead of time (:mod:`~course_utils.explorers.frames`): the image slider switches
them in the browser; the layer menu and the channel slider render them again.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from course_utils.env import torch_threads
from course_utils.explorers import _widgets
from course_utils.explorers.frames import Frame, FramedExplorer, FrameStack
from course_utils.explorers.layout import describe, set_enabled
from course_utils.plots.canvas import colorize, mosaic, show_canvas
from course_utils.plots.palette import MAGNITUDE_CMAP
from course_utils.validation import (
    InputError,
    check_images,
    check_labels,
    check_number,
    check_positive_int,
)


def _check_images(images: torch.Tensor) -> torch.Tensor:
    """Float ``(N, C, H, W)`` images, as the network expects them."""
    return check_images(images, "images", numpy=False)


def map_layers(model: nn.Module, example: torch.Tensor) -> dict[str, tuple[int, ...]]:
    """Names of the modules whose output is a stack of maps ``(1, C, H, W)``, with that shape.

    Parameters
    ----------
    model : nn.Module
    example : (1, C, H, W) tensor, one input the model accepts

    Returns
    -------
    dict of module name (as in ``model.named_modules()``) -> output shape ``(C, H, W)``
    """
    shapes: dict[str, tuple[int, ...]] = {}
    hooks = [module.register_forward_hook(
        lambda m, i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:]))
        if isinstance(out, torch.Tensor) and out.ndim == 4 else None)
        for name, module in model.named_modules() if name]
    try:
        with torch.no_grad():
            model(example)
    finally:
        for hook in hooks:
            hook.remove()
    return shapes


def layer_activations(model: nn.Module, image: torch.Tensor, layer: str) -> torch.Tensor:
    """The output of ``layer`` for one ``(C, H, W)`` image: a ``(channels, H', W')`` tensor.

    Parameters
    ----------
    model : nn.Module
    image : torch.Tensor
    layer : str
    """
    modules = dict(model.named_modules())
    if layer not in modules or not layer:
        raise InputError(f"the model has no layer named {layer!r}; its layers are "
                         f"{[n for n in modules if n]}. Pass one of those names.")
    captured = {}
    hook = modules[layer].register_forward_hook(lambda m, i, out: captured.setdefault("out", out))
    try:
        with torch.no_grad():
            model(image[None])
    finally:
        hook.remove()
    out = captured["out"]
    if out.ndim != 4:
        raise InputError(f"layer {layer!r} outputs shape {tuple(out.shape)}, not maps "
                         "(1, C, H, W); pick a convolution, activation or pooling layer.")
    return out[0]


def _channel_list(channels: Sequence[int] | range, available: int, layer: str) -> list[int]:
    channels = [int(c) for c in channels]
    if not channels:
        raise InputError("channels is empty; pass e.g. range(16).")
    bad = [c for c in channels if not 0 <= c < available]
    if bad:
        raise InputError(f"layer {layer!r} has channels 0..{available - 1}, got {bad}; "
                         f"pick channels in range({available}).")
    return channels


def render_feature_maps(maps: torch.Tensor, channels: Sequence[int], ncols: int = 4) -> np.ndarray:
    """A grid of the chosen maps, each scaled to its own range, as ``(H, W, 3)`` uint8.

    Parameters
    ----------
    maps : (C, H, W) tensor
    channels : channel indices to draw, row by row
    """
    tiles = [colorize(maps[c], MAGNITUDE_CMAP, symmetric=False) for c in channels]
    return mosaic(tiles, ncols=min(check_positive_int(ncols, "ncols"), len(tiles)), gap=1)


def show_feature_maps(model: nn.Module, image: torch.Tensor, layer: str,
                      channels: Sequence[int] | range = range(16), ncols: int = 4) -> Figure:
    """Static twin of :class:`FeatureMapExplorer`: the same grid for one image and layer.

    Parameters
    ----------
    model : nn.Module (in eval mode)
    image : (C, H, W) float tensor, as the model expects
    layer : str, a name from ``model.named_modules()``
    channels : channel indices

    Returns
    -------
    matplotlib.figure.Figure
    """
    image = _check_images(image[None] if isinstance(image, torch.Tensor) and image.ndim == 3
                          else image)[0]
    maps = layer_activations(model, image, layer)
    channels = _channel_list(channels, maps.shape[0], layer)
    canvas = render_feature_maps(maps, channels, ncols)
    zoom = max(1, round(560 / canvas.shape[1]))
    return show_canvas(canvas.repeat(zoom, 0).repeat(zoom, 1),
                       f"layer {layer!r}: {tuple(maps.shape)}; channels "
                       f"{channels[0]}..{channels[-1]} row by row (yellow = high)")


class FeatureMapExplorer(FramedExplorer):
    """Widget: choose an image, a layer and a block of channels; see their maps as a grid.

    The network runs once per image and layer (hooks catch the layer's output; kept for later).
    The grids of all images are rendered whenever the layer or the channels change, and the image
    slider switches between them in the browser. Pass tens of images, not thousands: beyond
    :data:`~course_utils.explorers.frames.MAX_FRAMES` the kernel renders each step instead.

    Parameters
    ----------
    model : nn.Module
        Put in eval mode by the explorer.
    images : (N, C, H, W) float tensor
        Images the model accepts.
    labels : (N,) tensor, optional
        Shown in the readout.
    layer : str, optional
        Starting layer; default: the first layer that outputs maps.
    n_maps : int
        Maps per grid (16 = a 4x4 grid); the channel slider moves in blocks of ``n_maps``.
    zoom : float
        Display pixels per map value.

    Attributes
    ----------
    image, readout : ipywidgets.Image, ipywidgets.HTML
        The grid and readout shown now (for the slider's image).
    """

    def __init__(self, model: nn.Module, images: torch.Tensor, labels: torch.Tensor | None = None,
                 layer: str | None = None, n_maps: int = 16, zoom: float = 4.0) -> None:
        self.model = model.eval()
        self.images = _check_images(images)
        self.labels = None if labels is None else check_labels(labels, "labels",
                                                               n=len(self.images))
        if isinstance(n_maps, bool) or not isinstance(n_maps, int) or n_maps < 1:
            raise InputError(f"n_maps must be a positive int, got {n_maps!r}.")
        self.n_maps = n_maps
        self.zoom = check_number(zoom, "zoom", 0.25, 8.0, hint="It is display pixels per value.")
        self.layers = map_layers(self.model, self.images[:1])
        if not self.layers:
            raise InputError("the model has no layer that outputs maps (N, C, H, W).")
        layer = next(iter(self.layers)) if layer is None else layer
        if layer not in self.layers:
            raise InputError(f"no layer named {layer!r} outputs maps; choose one of "
                             f"{list(self.layers)} (names from model.named_modules()).")
        w = _widgets.widgets()
        self.image_slider = describe(
            w.IntSlider(0, 0, len(self.images) - 1, style={"description_width": "80px"}),
            "image", "Which image goes through the network.")
        self.image_slider.add_class("course-image")
        self.layer_menu = describe(w.Dropdown(options=list(self.layers), value=layer), "layer",
                                   "The layer whose output maps are shown.")
        self.channel_slider = describe(
            w.IntSlider(0, 0, 0, step=n_maps, style={"description_width": "80px"}),
            "first channel", f"The first of the {n_maps} channels shown.")
        self._cache: dict[tuple[int, str], torch.Tensor] = {}
        self._quiet = False
        self.frames = FrameStack(self.image_slider, self._render,
                                 image_classes=("course-feature-maps", "course-pixelated"),
                                 text_classes=("course-maps-readout",))
        self._set_channel_range()
        self.update()
        self.layer_menu.observe(self._on_layer, "value")
        self.channel_slider.observe(self._on_channel, "value")
        self.widget = w.VBox([w.HTML(_widgets.PIXELATED_CSS), self.image_slider, self.layer_menu,
                              self.channel_slider, self.frames.view, self.frames.text_view])

    def _set_channel_range(self) -> None:
        channels = self.layers[self.layer_menu.value][0]
        self._quiet = True  # clamping the channel slider must not render on its own
        try:
            self.channel_slider.max = max(0, channels - self.n_maps)
            self.channel_slider.value = min(self.channel_slider.value, self.channel_slider.max)
        finally:
            self._quiet = False
        set_enabled(self.channel_slider, self.channel_slider.max > 0,
                    f"this layer has {self.n_maps} channels or fewer, all shown")

    def _on_channel(self, change) -> None:
        if not self._quiet:
            self.update()

    def _on_layer(self, change) -> None:
        self._set_channel_range()
        self.update()

    def maps(self, index: int | None = None) -> torch.Tensor:
        """The current layer's ``(C, H, W)`` output for image ``index`` (default: the one
        shown).

        Parameters
        ----------
        index : int, optional
        """
        key = (self.image_slider.value if index is None else index, self.layer_menu.value)
        if key not in self._cache:
            with torch_threads(1):
                self._cache[key] = layer_activations(self.model, self.images[key[0]], key[1])
        return self._cache[key]

    def _render(self, index: int) -> Frame:
        """The grid of the chosen channels for image ``index``, and its readout."""
        maps = self.maps(index)
        start = self.channel_slider.value
        channels = list(range(start, min(start + self.n_maps, maps.shape[0])))
        label = "" if self.labels is None else f" (label {int(self.labels[index])})"
        return Frame(render_feature_maps(maps, channels), self.zoom,
                     f"image {index}{label}, layer <b>{self.layer_menu.value}</b>: "
                     f"output {tuple(maps.shape)}; channels {channels[0]}–{channels[-1]} "
                     "row by row, each scaled to its own range (yellow = high)")
