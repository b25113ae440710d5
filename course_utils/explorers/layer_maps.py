"""The layer-map explorer: the feature maps of any layer of a trained network, beside its input.

Introduced in ``09_looking_inside_cnns.ipynb``, for the shipped ImageNet MobileNetV2 and for a
small Fashion-MNIST CNN. An image picker (or your own photo), a layer slider that shows the
layer names, a channel slider; the maps of the shown channels share one colour scale, drawn as
a colour bar: a signed colour map (blue < 0 < red) where a layer has negative values (the
linear bottlenecks of MobileNetV2), a sequential one where it has none (after a ReLU).

One forward pass per image records every layer at once (hooks in
:func:`~course_utils.explain.record_activations`) and is cached, so moving the layer slider only
colours arrays and encodes PNGs. The grid of every block of channels is rendered ahead of time
(:mod:`~course_utils.explorers.frames`): the channel slider switches them in the browser.
:class:`LayerMapExplorer` is the widget; :func:`show_layer_maps` draws the same picture without a
kernel running.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from course_utils.data.photos import decode_photo
from course_utils.env import torch_threads
from course_utils.explain import record_activations
from course_utils.explain.hooks import get_layer
from course_utils.explorers import _widgets
from course_utils.explorers.frames import (
    Frame,
    FramedExplorer,
    FrameStack,
    index_slider,
    slider_index,
)
from course_utils.explorers.layout import describe, set_enabled
from course_utils.explorers.photo_upload import PhotoPicker, upload_button
from course_utils.plots.canvas import (
    colormap_lut,
    hstack_panels,
    mosaic,
    png_bytes,
    scale_bar,
    show_canvas,
    to_rgb,
    upscale,
    with_title,
)
from course_utils.plots.palette import MAGNITUDE_CMAP, SIGNED_CMAP
from course_utils.validation import InputError, check_images

TILE = 112
"""Maps are enlarged (by whole pixels) to about this many pixels a side."""


def check_display_images(images: object) -> torch.Tensor:
    """Raise unless ``images`` is a non-empty ``(N, 1 or 3, H, W)`` uint8 tensor.

    Parameters
    ----------
    images : object
    """
    if isinstance(images, torch.Tensor) and images.dtype != torch.uint8:
        raise InputError(f"images must be uint8 pixels (N, C, H, W), as ImageSet.images holds "
                         f"them, got {images.dtype}; the model's preprocessing goes in `prepare`.")
    images = check_images(images, "images", dtype="uint8", finite=False, numpy=False)
    if images.shape[1] not in (1, 3):
        raise InputError(f"images must have shape (N, 1 or 3, H, W) with N >= 1, got "
                         f"{tuple(images.shape)}; for one image use image[None].")
    return images


def record_layers(model: nn.Module, image: torch.Tensor, layers: Sequence[str],
                  prepare: Callable[[torch.Tensor], torch.Tensor]) -> dict[str, torch.Tensor]:
    """The ``(C, h, w)`` output of every layer in ``layers`` for one uint8 ``(C, H, W)`` image.

    Parameters
    ----------
    model : nn.Module
    image : torch.Tensor
    layers : Sequence[str]
    prepare : Callable[[torch.Tensor], torch.Tensor]
    """
    device = next(model.parameters()).device
    with torch.no_grad(), torch_threads(1), record_activations(model, layers) as acts:
        model(prepare(image[None]).to(device))
    bad = [name for name in layers if acts[name].ndim != 4]
    if bad:
        raise InputError(f"layers {bad} do not output maps (1, C, h, w); pick convolutional "
                         "layers or blocks.")
    return {name: acts[name][0].cpu().float() for name in layers}


def color_scale(maps: np.ndarray) -> tuple[float, float, str]:
    """One colour scale for a stack of maps: ``(low, high, colormap)``.

    Signed maps get ``[-m, m]`` in :data:`~course_utils.plots.palette.SIGNED_CMAP` (white = 0),
    others ``[0, m]`` in :data:`~course_utils.plots.palette.MAGNITUDE_CMAP`; ``m`` is the 99.5th
    percentile of ``|value|`` (stronger values saturate),
    estimated on at most 50,000 of them.

    Parameters
    ----------
    maps : np.ndarray
    """
    values = np.abs(maps.ravel()[:: max(1, maps.size // 50_000)])
    m = float(np.partition(values, int(0.995 * (len(values) - 1)))[int(0.995 * (len(values) - 1))])
    m = m or float(np.abs(maps).max()) or 1.0
    if float(maps.min()) < -1e-6 * m:
        return -m, m, SIGNED_CMAP
    return 0.0, m, MAGNITUDE_CMAP


def _colour(values: np.ndarray, low: float, high: float, cmap: str) -> np.ndarray:
    index = np.clip((values - low) * (255.0 / ((high - low) or 1.0)), 0, 255).astype(np.uint8)
    return colormap_lut(cmap)[index]


def render_layer_maps(maps: torch.Tensor | np.ndarray, channels: Sequence[int],
                      ncols: int = 4) -> tuple[np.ndarray, tuple[float, float, str]]:
    """A grid of the chosen maps on one colour scale, each titled with its channel number, and
    the colour bar with its values: ``(H, W, 3)`` uint8.

    Parameters
    ----------
    maps : (K, h, w) tensor or array, a layer's output
    channels : indices into ``maps``, drawn row by row
    ncols : int

    Returns
    -------
    canvas : (H, W, 3) uint8
    scale : (low, high, colormap) of the colour bar
    """
    values = maps.numpy() if isinstance(maps, torch.Tensor) else maps
    chosen = values[list(channels)].astype(np.float32, copy=False)
    low, high, cmap = color_scale(chosen)
    factor = max(1, round(TILE / chosen.shape[1]))
    coloured = _colour(chosen, low, high, cmap)
    tiles = [with_title(upscale(tile, factor), f"channel {c}")
             for tile, c in zip(coloured, channels)]
    grid = mosaic(tiles, ncols=min(ncols, len(tiles)), gap=2)
    return hstack_panels([grid, scale_bar(grid.shape[0], cmap, low, high)], gap=4), (low, high,
                                                                                      cmap)


def render_input(image: torch.Tensor, side: int = 224) -> np.ndarray:
    """The input as shown beside the maps, enlarged by whole pixels to about ``side``.

    Parameters
    ----------
    image : torch.Tensor
    side : int
    """
    photo = to_rgb(image)
    return upscale(photo, max(1, side // photo.shape[0]))


def describe_scale(low: float, high: float, cmap: str) -> str:
    """The colour bar in words.

    Parameters
    ----------
    low : float
    high : float
    cmap : str
    """
    if cmap == SIGNED_CMAP:
        return f"signed: blue = {low:.3g}, white = 0, red = +{high:.3g}"
    return f"not signed: dark purple = 0, yellow = {high:.3g}"


def _check_channels(channels: Sequence[int], available: int, layer: str) -> list[int]:
    channels = [int(c) for c in channels]
    bad = [c for c in channels if not 0 <= c < available]
    if not channels or bad:
        raise InputError(f"layer {layer!r} has channels 0..{available - 1}, got "
                         f"{bad or 'none'}; pick channels in range({available}).")
    return channels


def show_layer_maps(model: nn.Module, image: torch.Tensor, layer: str, *,
                    prepare: Callable[[torch.Tensor], torch.Tensor],
                    channels: Sequence[int] = range(16)) -> Figure:
    """Static twin of :class:`LayerMapExplorer`: one image, one layer, 16 channels.

    Parameters
    ----------
    model : nn.Module in eval mode
    image : (C, H, W) uint8 tensor
    layer : str, a name from ``model.named_modules()``
    prepare : callable, uint8 ``(1, C, H, W)`` -> the model's float input
    channels : channel indices

    Returns
    -------
    matplotlib.figure.Figure
    """
    image = check_display_images(image[None] if isinstance(image, torch.Tensor) else image)[0]
    maps = record_layers(model.eval(), image, [layer], prepare)[layer]
    channels = _check_channels(channels, maps.shape[0], layer)
    canvas, scale = render_layer_maps(maps, channels)
    return show_canvas(hstack_panels([with_title(render_input(image), "input"), canvas]),
                       f"{layer}: output {tuple(maps.shape)}, channels "
                               f"{channels[0]}..{channels[-1]} row by row\n"
                               f"colour bar {describe_scale(*scale)}")


class LayerMapExplorer(FramedExplorer, PhotoPicker):
    """Widget: pick an image (or upload one), a layer and a block of channels; see the maps.

    Parameters
    ----------
    model : nn.Module
        Put in eval mode by the explorer.
    images : (N, C, H, W) uint8 tensor
        Photos as shown; ``prepare`` turns them into the model's input.
    prepare : callable
        uint8 ``(1, C, H, W)`` -> the float batch the model expects (``tflite_preprocess`` for
        the shipped MobileNetV2, ``lambda x: x.float() / 255`` for the Fashion-MNIST CNN).
    layers : sequence of str
        The layers the slider offers, input to output (names from ``model.named_modules()``).
    names : sequence of str, optional
        One caption per image for the picker.
    n_maps : int
        Maps per grid; the channel slider moves in blocks of ``n_maps`` (its value is the first
        channel of the block, its readout the block). The last block of a layer may be smaller.
    zoom : float
        Display pixels per canvas pixel.

    Attributes
    ----------
    image, readout : ipywidgets.Image, ipywidgets.HTML
        The grid and readout shown now (for the slider's block of channels).
    """

    def __init__(self, model: nn.Module, images: torch.Tensor, *,
                 prepare: Callable[[torch.Tensor], torch.Tensor], layers: Sequence[str],
                 names: Sequence[str] | None = None, n_maps: int = 16, zoom: float = 1.0) -> None:
        self.model = model.eval()
        self.images = list(check_display_images(images))
        self.prepare = prepare
        self.layers = list(layers)
        if not self.layers:
            raise InputError("layers is empty; pass the names of the layers to show.")
        for name in self.layers:
            get_layer(self.model, name)
        if isinstance(n_maps, bool) or not isinstance(n_maps, int) or n_maps < 1:
            raise InputError(f"n_maps must be a positive int, got {n_maps!r}.")
        names = list(names) if names is not None else [f"image {i}" for i in range(len(images))]
        if len(names) != len(self.images):
            raise InputError(f"names has {len(names)} entries for {len(self.images)} images.")
        self.n_maps, self.zoom = n_maps, zoom
        self._cache: dict[int, dict[str, np.ndarray]] = {}
        self.shapes = {k: tuple(v.shape) for k, v in self.outputs(0).items()}
        w = _widgets.widgets()
        self.picker = describe(w.Dropdown(options=[(n, i) for i, n in enumerate(names)], value=0),
                               "image", "The image fed to the network.")
        self.layer_slider = describe(
            w.SelectionSlider(options=self.layers, value=self.layers[0], continuous_update=True,
                              style={"description_width": "80px"},
                              layout=w.Layout(width="520px")),
            "layer", "The layer whose feature maps are shown, from input to output.")
        self.layer_slider.add_class("course-layer")
        self.channel_slider = describe(
            index_slider("channels", [0], 0, "course-channel"), "channels",
            f"Which block of {n_maps} channels of the layer is shown.")
        self.input_image = _widgets.image("course-layer-input", "course-pixelated")
        self._shown_input: int | None = None
        self.frames = FrameStack(self.channel_slider, self._render,
                                 image_classes=("course-layer-maps", "course-pixelated"),
                                 text_classes=("course-layer-readout",))
        self.message = w.HTML()
        channels = 1 if self.images[0].shape[0] == 1 else 3
        size = self.images[0].shape[1]
        self.upload = upload_button(lambda name, data: self.add_photo(
            name, decode_photo(data, size, channels)), self.message)
        self._set_channel_range()
        self.update()
        self.picker.observe(lambda change: self.update(), "value")
        self.layer_slider.observe(self._on_layer, "value")
        self.widget = w.VBox([w.HTML(_widgets.PIXELATED_CSS),
                              w.HBox([self.picker, self.upload]), self.message,
                              self.layer_slider, self.channel_slider,
                              w.HBox([self.input_image, self.frames.view]), self.frames.text_view])

    def outputs(self, index: int) -> dict[str, np.ndarray]:
        """Every offered layer's ``(C, h, w)`` output for image ``index`` (computed once).

        Parameters
        ----------
        index : int
        """
        if index not in self._cache:
            recorded = record_layers(self.model, self.images[index], self.layers, self.prepare)
            self._cache[index] = {name: maps.numpy() for name, maps in recorded.items()}
        return self._cache[index]

    def _set_channel_range(self) -> None:
        """One slider setting per block of ``n_maps`` channels of the layer shown."""
        channels = self.shapes[self.layer_slider.value][0]
        starts = range(0, channels, self.n_maps)
        labels = [f"{s}–{min(s + self.n_maps, channels) - 1}" for s in starts]
        keep = slider_index(self.channel_slider)
        self.channel_slider.options = list(zip(labels, starts))  # resets the index to 0
        self.channel_slider.index = min(keep, len(starts) - 1)

    def _on_layer(self, change) -> None:
        self._set_channel_range()
        self.update()

    def update(self) -> None:
        """Show the picked image and render the grid of every block of channels again."""
        index = self.picker.value
        set_enabled(self.channel_slider, len(self.channel_slider.options) > 1,
                    f"this layer has {self.n_maps} channels or fewer, all shown")
        if self._shown_input != index:  # the input has its own image: sent when it changes
            photo = with_title(render_input(self.images[index]), "input")
            _widgets.set_png(self.input_image, png_bytes(photo), photo.shape[1], self.zoom)
            self._shown_input = index
        self.frames.refresh()

    def _render(self, block: int) -> Frame:
        """The grid of channel block ``block`` of the current image and layer, and its readout."""
        layer = self.layer_slider.value
        maps = self.outputs(self.picker.value)[layer]
        start = self.channel_slider.options[block][1]
        channels = list(range(start, min(start + self.n_maps, maps.shape[0])))
        canvas, scale = render_layer_maps(maps, channels)
        return Frame(canvas, self.zoom,
                     f"left: the input; middle: <b>{layer}</b>, output {tuple(maps.shape)}, "
                     f"channels {channels[0]}–{channels[-1]} (each titled) on one colour "
                     f"scale; right: colour bar, {describe_scale(*scale)}")
