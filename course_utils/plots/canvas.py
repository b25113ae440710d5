"""Fast rendering: arrays to a uint8 RGB canvas to PNG bytes, no matplotlib (but for show_canvas).

Introduced in ``02_convolution.ipynb``. The explorers render one frame per setting of their main
slider whenever another control changes (:mod:`~course_utils.explorers.frames`), and on
ipywidgets 7 one frame per slider step; drawing a matplotlib figure and encoding it costs far
more than colouring an array with a lookup table and writing it as a PNG
(``benchmarks/slider_latency.py`` measures both). What a learner feels in the browser is
bounded by the kernel round trip, not by this, whatever the picture: that is why the main
slider switches pre-rendered frames in the browser (``benchmarks/browser_latency.py`` measures
key press to new image both ways). The static twins show the very same canvas with
matplotlib, for readers without a running kernel.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.env import in_colab
from course_utils.plots.palette import GREY_CMAP, HEAT_CMAP, SIGNED_CMAP
from course_utils.validation import InputError, check_positive_int

GAP_COLOR = (255, 255, 255)
BAR_WIDTH = 14
"""Width of a colour bar, in pixels."""
TEXT_SIZE = 11
"""Height in pixels of the labels drawn into a canvas (tick values, titles, channel numbers)."""
TEXT_COLOR = (0, 0, 0)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@lru_cache(maxsize=8)
def colormap_lut(name: str) -> np.ndarray:
    """A matplotlib colormap as a ``(256, 3)`` uint8 lookup table.

    Parameters
    ----------
    name : str
    """
    from matplotlib import colormaps

    try:
        cmap = colormaps[name]
    except KeyError:
        raise InputError(f"unknown colormap {name!r}; try 'gray', 'viridis' or "
                         "'RdBu_r'.") from None
    return (cmap(np.linspace(0, 1, 256))[:, :3] * 255).round().astype(np.uint8)


def as_numpy_2d(values: torch.Tensor | np.ndarray, name: str = "map") -> np.ndarray:
    """A 2-D float32 NumPy array from a ``(H, W)`` tensor or array.

    Parameters
    ----------
    values : torch.Tensor | np.ndarray
    name : str
    """
    if isinstance(values, torch.Tensor):
        values = values.detach().to("cpu", torch.float32).numpy()
    values = np.asarray(values, dtype=np.float32)
    if values.ndim != 2:
        raise InputError(f"{name} must be 2-D (H, W), got shape {values.shape}.")
    return values


def is_signed(values: np.ndarray) -> bool:
    """True when a map has clearly negative as well as positive values.

    Parameters
    ----------
    values : np.ndarray
    """
    low, high = float(values.min()), float(values.max())
    return low < -1e-6 * max(1.0, abs(high)) and high > 0


def colorize(values: torch.Tensor | np.ndarray, cmap: str | None = None,
             symmetric: bool | None = None) -> np.ndarray:
    """Colour a 2-D map: ``(H, W)`` floats to ``(H, W, 3)`` uint8.

    Parameters
    ----------
    values : (H, W) tensor or array
    cmap : str, optional
        Defaults to :data:`~course_utils.plots.palette.SIGNED_CMAP` (blue < 0 < red, white = 0)
        for signed maps, :data:`~course_utils.plots.palette.GREY_CMAP` otherwise.
    symmetric : bool, optional
        Scale to ``[-m, m]`` (0 in the middle) instead of min..max, where ``m`` is the 99.5th
        percentile of ``|value|`` (larger values saturate).
        Defaults to whether the map is signed.
    """
    return colorize_scaled(values, cmap, symmetric)[0]


def colorize_scaled(values: torch.Tensor | np.ndarray, cmap: str | None = None,
                    symmetric: bool | None = None) -> tuple[np.ndarray, float, float, str]:
    """:func:`colorize`, and the scale it used, for a colour bar (:func:`scale_bar`).

    Parameters
    ----------
    values : (H, W) tensor or array
    cmap : str, optional
        As in :func:`colorize`.
    symmetric : bool, optional
        As in :func:`colorize`.

    Returns
    -------
    rgb : (H, W, 3) uint8 array
    low, high : float
        The values drawn with the first and the last colour of ``cmap``.
    cmap : str
        The colour map used.
    """
    values = as_numpy_2d(values)
    signed = is_signed(values)
    symmetric = signed if symmetric is None else symmetric
    cmap = cmap or (SIGNED_CMAP if signed else GREY_CMAP)
    if symmetric:  # a few very strong responses should not wash out the rest
        m = float(np.percentile(np.abs(values), 99.5)) or float(np.abs(values).max()) or 1.0
        low, high = -m, m
    else:
        low, high = float(values.min()), float(values.max())
    span = (high - low) or 1.0
    index = np.clip((values - low) * (255.0 / span), 0, 255).astype(np.uint8)
    return colormap_lut(cmap)[index], low, high, cmap


def upscale(rgb: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement of an ``(H, W, 3)`` array by an integer factor.

    Parameters
    ----------
    rgb : np.ndarray
    factor : int
    """
    if factor == 1:
        return rgb
    return rgb.repeat(factor, axis=0).repeat(factor, axis=1)


def hstack_panels(panels: list[np.ndarray], gap: int = 8) -> np.ndarray:
    """Place ``(H_i, W_i, 3)`` panels side by side, top-aligned, on a white canvas.

    Parameters
    ----------
    panels : list[np.ndarray]
    gap : int
    """
    height = max(p.shape[0] for p in panels)
    width = sum(p.shape[1] for p in panels) + gap * (len(panels) - 1)
    canvas = np.full((height, width, 3), GAP_COLOR, dtype=np.uint8)
    x = 0
    for panel in panels:
        canvas[:panel.shape[0], x:x + panel.shape[1]] = panel
        x += panel.shape[1] + gap
    return canvas


def mosaic(tiles: list[np.ndarray], ncols: int, gap: int = 2) -> np.ndarray:
    """Arrange equally sized ``(h, w, 3)`` tiles in a grid with ``ncols`` columns.

    Parameters
    ----------
    tiles : list[np.ndarray]
    ncols : int
    gap : int
    """
    if not tiles:
        raise InputError("mosaic got no tiles.")
    h, w = tiles[0].shape[:2]
    nrows = -(-len(tiles) // ncols)
    canvas = np.full((nrows * h + (nrows - 1) * gap, ncols * w + (ncols - 1) * gap, 3), GAP_COLOR,
                     dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, ncols)
        canvas[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tile
    return canvas


def png_bytes(rgb: np.ndarray, compress_level: int | None = None) -> bytes:
    """Encode an ``(H, W, 3)`` uint8 array as PNG, fast.

    The rows go in unfiltered (PNG filter 0): choosing a filter per row, as Pillow does, costs
    more than the rest of a slider step. zlib then packs them at ``compress_level``; by default
    0 (stored) when the kernel runs on this machine, and 1 on Colab, whose kernel is across the
    internet (the measurements behind that choice are in ``benchmarks/README.md``). Pre-rendered
    frames, which all travel whenever a control changes, use level 1
    (:data:`~course_utils.explorers.frames.STACKED_COMPRESS_LEVEL`).

    Parameters
    ----------
    rgb : np.ndarray
    compress_level : int, optional
    """
    if compress_level is None:
        compress_level = 1 if in_colab() else 0
    rgb = np.ascontiguousarray(rgb)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise InputError(f"png_bytes needs an (H, W, 3) uint8 array, got {rgb.dtype} "
                         f"{rgb.shape}; colour a map first with colorize().")
    height, width = rgb.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # filter byte 0: "none"
    rows[:, 1:] = rgb.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (PNG_SIGNATURE + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level))
            + _png_chunk(b"IEND", b""))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def show_canvas(rgb: np.ndarray, title: str = "", dpi: int = 100) -> Figure:
    """Draw a rendered canvas at its pixel size in a matplotlib Figure (the static twins).

    Parameters
    ----------
    rgb : np.ndarray
    title : str
    dpi : int
    """
    h, w = rgb.shape[:2]
    title_h = 40 * (title.count("\n") + 1) if title else 0
    fig_w = max(w, 7 * len(max(title.split("\n"), key=len)) if title else 0)
    fig = Figure(figsize=(fig_w / dpi, (h + title_h) / dpi), dpi=dpi)
    ax = fig.add_axes(((fig_w - w) / 2 / fig_w, 0, w / fig_w, h / (h + title_h)))
    ax.imshow(rgb, interpolation="nearest")
    ax.set_axis_off()
    if title:
        fig.suptitle(title, fontsize=9, y=0.99, va="top")
    return fig


@lru_cache(maxsize=4)
def _font(size: int):
    """Pillow's built-in font at ``size`` pixels (its small bitmap font before Pillow 10.1)."""
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: one fixed size
        return ImageFont.load_default()


@lru_cache(maxsize=1024)
def text_mask(text: str, size: int = TEXT_SIZE) -> np.ndarray:
    """``text`` rendered as an ``(h, w)`` float32 coverage mask in [0, 1] (1 = ink).

    Drawn once per text and size, then cached: the explorers label many frames with the same
    few strings (tick values, titles, channel numbers).

    Parameters
    ----------
    text : str
        One line.
    size : int
        Font height in pixels.
    """
    from PIL import Image, ImageDraw

    font = _font(size)
    left, _, right, _ = font.getbbox(text or " ")
    image = Image.new("L", (max(1, right - min(left, 0)), size + 3), 0)
    ImageDraw.Draw(image).text((-min(left, 0), 0), text, fill=255, font=font)
    mask = np.asarray(image, dtype=np.float32) / 255
    mask.setflags(write=False)
    return mask


def draw_text(canvas: np.ndarray, text: str, x: int, y: int, *, size: int = TEXT_SIZE,
              colour: tuple[int, int, int] = TEXT_COLOR) -> np.ndarray:
    """Write ``text`` into an ``(H, W, 3)`` uint8 canvas, in place, its top-left at ``(x, y)``.

    What falls outside the canvas is cut off.

    Parameters
    ----------
    canvas : (H, W, 3) uint8 array
    text : str
    x, y : int
        Column and row of the text's top-left corner.
    size : int
        Font height in pixels.
    colour : (r, g, b)

    Returns
    -------
    (H, W, 3) uint8 array
        ``canvas`` itself.
    """
    mask = text_mask(text, size)
    h, w = mask.shape
    top, left = max(0, y), max(0, x)
    bottom, right = min(canvas.shape[0], y + h), min(canvas.shape[1], x + w)
    if bottom <= top or right <= left:
        return canvas
    alpha = mask[top - y:bottom - y, left - x:right - x, None]
    region = canvas[top:bottom, left:right].astype(np.float32)
    canvas[top:bottom, left:right] = (region * (1 - alpha)
                                      + np.asarray(colour, np.float32) * alpha).astype(np.uint8)
    return canvas


def text_width(text: str, size: int = TEXT_SIZE) -> int:
    """Width in pixels of ``text`` as :func:`draw_text` writes it.

    Parameters
    ----------
    text : str
    size : int
    """
    return text_mask(text, size).shape[1]


def title_strip(width: int, text: str, *, size: int = TEXT_SIZE) -> np.ndarray:
    """A white ``(size + 5, width, 3)`` strip with ``text`` centred in it: a panel's title.

    Parameters
    ----------
    width : int
    text : str
    size : int
    """
    strip = np.full((size + 5, check_positive_int(width, "width"), 3), GAP_COLOR, np.uint8)
    return draw_text(strip, text, max(0, (width - text_width(text, size)) // 2), 1, size=size)


def with_title(panel: np.ndarray, text: str) -> np.ndarray:
    """An ``(H, W, 3)`` panel with :func:`title_strip` ``text`` above it.

    Parameters
    ----------
    panel : (H, W, 3) uint8 array
    text : str
    """
    return np.concatenate([title_strip(panel.shape[1], text), panel], axis=0)


def tick_values(low: float, high: float) -> list[float]:
    """The values a colour bar labels: its ends, and 0 when the scale spans it, else the middle.

    Parameters
    ----------
    low, high : float
    """
    middle = 0.0 if low < 0 < high else (low + high) / 2
    return [high, middle, low] if high > low else [high]


def format_tick(value: float) -> str:
    """A tick label: three significant digits, no ``-0`` (ASCII: the built-in font has no −).

    Parameters
    ----------
    value : float
    """
    text = f"{value:.3g}"
    return "0" if text in ("-0", "0") else text


LABEL_WIDTH = 44
"""Room for a colour bar's tick labels, in pixels: fixed, so that a picture keeps its width
whatever values its bar reads."""


def scale_bar(height: int, cmap: str, low: float, high: float, *,
              labels: dict[float, str] | None = None, width: int = BAR_WIDTH,
              label_width: int = LABEL_WIDTH) -> np.ndarray:
    """A vertical colour bar from ``low`` (bottom) to ``high`` (top), with ticks and values.

    Parameters
    ----------
    height : int
        Height of the bar in pixels (the picture it explains).
    cmap : str
        A matplotlib colour map name.
    low, high : float
        The values of the bottom and top colours.
    labels : dict of value -> str, optional
        The ticks and their labels; default :func:`tick_values` written by :func:`format_tick`.
    width : int
        Width of the bar itself, in pixels.
    label_width : int
        Room for the labels, in pixels (a longer label is cut).

    Returns
    -------
    (height, width + 5 + label_width, 3) uint8 array
    """
    height = check_positive_int(height, "height")
    if labels is None:
        labels = {v: format_tick(v) for v in tick_values(low, high)}
    out = np.full((height, width + 5 + label_width, 3), GAP_COLOR, np.uint8)
    out[:, :width] = colour_bar(height, cmap, width)
    span = (high - low) or 1.0
    for value, text in labels.items():
        row = int(round((1 - (value - low) / span) * (height - 1)))
        row = min(max(row, 0), height - 1)
        out[row, width:width + 3] = TEXT_COLOR  # the tick
        top = min(max(row - TEXT_SIZE // 2 - 1, 0), max(0, height - TEXT_SIZE - 3))
        draw_text(out, text, width + 5, top)
    return out


def colour_bar(height: int, cmap: str, width: int = BAR_WIDTH) -> np.ndarray:
    """A vertical colour bar, high values at the top.

    Parameters
    ----------
    height : int
    cmap : str
        A matplotlib colour map name.
    width : int

    Returns
    -------
    (height, width, 3) uint8 array
    """
    ramp = np.linspace(255, 0, height).astype(np.uint8)
    return np.repeat(colormap_lut(cmap)[ramp][:, None], width, axis=1)


def to_rgb(image: torch.Tensor) -> np.ndarray:
    """An image tensor as an RGB array.

    Parameters
    ----------
    image : (1 or 3, H, W) uint8 tensor

    Returns
    -------
    (H, W, 3) uint8 array
    """
    rgb = image.permute(1, 2, 0).numpy()
    return np.repeat(rgb, 3, axis=2) if rgb.shape[2] == 1 else rgb


def render_overlay(image: torch.Tensor, heat: torch.Tensor | np.ndarray,
                   opacity: float) -> np.ndarray:
    """The photo blended with a heat map (a CAM overlay), and its colour bar with ticks.

    The heat map is drawn with :data:`~course_utils.plots.palette.HEAT_CMAP`; the bar reads
    0 (no evidence) to 1 (the map's maximum).

    Introduced in ``09_looking_inside_cnns.ipynb``; also drawn by the web page of
    ``13_deployment.ipynb``.

    Parameters
    ----------
    image : (1 or 3, H, W) uint8 tensor
    heat : (H, W) tensor or array in [0, 1]
        See :func:`~course_utils.explain.heatmaps`.
    opacity : float in [0, 1]
        0 shows the photo alone, 1 the heat map alone.

    Returns
    -------
    (H, W + bar and its labels, 3) uint8 array
    """
    photo = to_rgb(image).astype(np.float32)
    heat = heat.numpy() if isinstance(heat, torch.Tensor) else heat
    colour = colormap_lut(HEAT_CMAP)[(np.clip(heat, 0, 1) * 255).astype(np.uint8)]
    blended = ((1 - opacity) * photo + opacity * colour).astype(np.uint8)
    bar = scale_bar(photo.shape[0], HEAT_CMAP, 0.0, 1.0,
                    labels={1.0: "1 max", 0.5: "0.5", 0.0: "0 none"})
    return hstack_panels([blended, bar], gap=4)
