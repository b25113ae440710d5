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
from course_utils.validation import InputError

GAP_COLOR = (255, 255, 255)
BAR_WIDTH = 14
"""Width of a colour bar, in pixels."""
HEAT_CMAP = "jet"
"""Colour map of the CAM overlays."""
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
        Defaults to ``"RdBu_r"`` (blue < 0 < red, white = 0) for signed maps, ``"gray"`` otherwise.
    symmetric : bool, optional
        Scale to ``[-m, m]`` (0 in the middle) instead of min..max, where ``m`` is the 99.5th
        percentile of ``|value|`` (larger values saturate).
        Defaults to whether the map is signed.
    """
    values = as_numpy_2d(values)
    signed = is_signed(values)
    symmetric = signed if symmetric is None else symmetric
    cmap = cmap or ("RdBu_r" if signed else "gray")
    if symmetric:  # a few very strong responses should not wash out the rest
        m = float(np.percentile(np.abs(values), 99.5)) or float(np.abs(values).max()) or 1.0
        low, high = -m, m
    else:
        low, high = float(values.min()), float(values.max())
    span = (high - low) or 1.0
    index = np.clip((values - low) * (255.0 / span), 0, 255).astype(np.uint8)
    return colormap_lut(cmap)[index]


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
    """The photo blended with a heat map (a CAM overlay), and a colour bar.

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
    (H, W + bar, 3) uint8 array
    """
    photo = to_rgb(image).astype(np.float32)
    heat = heat.numpy() if isinstance(heat, torch.Tensor) else heat
    colour = colormap_lut(HEAT_CMAP)[(np.clip(heat, 0, 1) * 255).astype(np.uint8)]
    blended = ((1 - opacity) * photo + opacity * colour).astype(np.uint8)
    return hstack_panels([blended, colour_bar(photo.shape[0], HEAT_CMAP)])
