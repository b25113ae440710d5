"""The layer-map and CAM explorers of notebook 09: the frame shown follows the slider and matches
the static twin's canvas, static twins, uploads, errors; and the figures of ``plots.explain``."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image
from torch import nn

from course_utils.data.photos import PhotoError, decode_photo
from course_utils.explain import grad_cam, heatmaps
from course_utils.explorers import (
    CamExplorer,
    LayerMapExplorer,
    show_cam,
    show_layer_maps,
)
from course_utils.explorers.cam import cam_views
from course_utils.explorers.frames import slider_count
from course_utils.explorers.layer_maps import color_scale, render_layer_maps
from course_utils.explorers.layout import tooltip_of
from course_utils.plots import (
    plot_channel,
    plot_curves,
    plot_embedding,
    plot_filters,
    plot_overlays,
    plot_randomization,
)
from course_utils.plots.canvas import render_overlay

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def rgb_net() -> nn.Module:
    """conv -> ReLU -> conv (signed output) -> GAP -> linear, 3 classes, on 32 x 32 RGB."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 20, 3, stride=2,
                         padding=1), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(20, 3)).eval()


def prepare(pixels: torch.Tensor) -> torch.Tensor:
    return pixels.float() / 255


@pytest.fixture()
def photos():
    return torch.randint(0, 256, (3, 3, 32, 32), dtype=torch.uint8,
                         generator=torch.Generator().manual_seed(0))


def png_of(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_layer_map_explorer_shows_the_frame_of_the_channel_slider(photos):
    explorer = LayerMapExplorer(rgb_net(), photos, prepare=prepare, layers=["1", "2"], n_maps=4)
    first = explorer.image.value
    assert first[:4] == b"\x89PNG" and "not signed" in explorer.readout.value  # after the ReLU
    assert [label for label, _ in explorer.channel_slider.options] == ["0–3", "4–7"]
    explorer.layer_slider.value = "2"
    assert explorer.image.value != first
    assert "signed: blue" in explorer.readout.value and "(20, 16, 16)" in explorer.readout.value
    assert [start for _, start in explorer.channel_slider.options] == [0, 4, 8, 12, 16]
    assert slider_count(explorer.channel_slider) == 5  # one grid per block of channels
    before = explorer.image.value
    explorer.channel_slider.value = 4
    assert explorer.image.value != before and "channels 4–7" in explorer.readout.value
    twin, _ = render_layer_maps(explorer.outputs(0)["2"], range(4, 8))
    assert np.array_equal(pixels(explorer.image.value), twin)  # what show_layer_maps draws
    explorer.layer_slider.value = "1"  # 8 channels: the block 4–7 is still there
    assert explorer.channel_slider.value == 4 and "channels 4–7" in explorer.readout.value
    shown_input = explorer.input_image.value
    explorer.picker.value = 2
    assert explorer.input_image.value != shown_input
    assert set(explorer._cache) == {0, 2}  # one forward pass per image, all layers at once


def test_layer_maps_share_one_colour_scale():
    maps = torch.zeros(2, 4, 4)
    maps[0, 0, 0], maps[1, 0, 0] = -1.0, 3.0
    low, high, cmap = color_scale(maps.numpy())
    assert cmap == "RdBu_r" and low == -high
    _, (low, high, cmap) = render_layer_maps(torch.rand(3, 5, 5), [0, 1, 2])
    assert cmap == "viridis" and low == 0


def test_cam_explorer_shows_the_frame_of_the_opacity_and_offers_cam_only_at_the_last_layer(
        photos):
    names = ["cat", "dog", "fox"]
    explorer = CamExplorer(rgb_net(), photos, prepare=prepare, layers=["0", "2"],
                           classifier="5", class_names=names, top=2, extra_classes=[0, 1, 2],
                           opacity=0.44)
    assert explorer.opacity.value == 0.4 and slider_count(explorer.opacity) == 11
    first = explorer.image.value
    offered = [c for _, c in explorer.class_menu.options]
    assert sorted(offered) == [0, 1, 2] and "Grad-CAM" in explorer.readout.value
    explorer.opacity.value = 1.0
    assert explorer.image.value != first
    heat, _ = explorer.heat()
    assert np.array_equal(pixels(explorer.image.value), render_overlay(photos[0], heat, 1.0))
    explorer.method.value = "CAM"
    explorer.layer_slider.value = "0"
    assert "<b>CAM</b> at <b>2</b>" in explorer.readout.value and "only at the layer" in \
        explorer.readout.value
    explorer.method.value = "Grad-CAM"
    before = explorer.image.value
    explorer.layer_slider.value = "2"
    assert explorer.image.value != before
    explorer.picker.value = 1
    assert 1 in explorer._cache


def test_explorers_on_the_kernel_path_update_one_image_in_place(photos):
    # No browser view has said it drew the frames: the kernel redraws one picture in place.
    maps = LayerMapExplorer(rgb_net(), photos, prepare=prepare, layers=["1", "2"], n_maps=4)
    image, first = maps.image, maps.image.value
    maps.channel_slider.value = 4
    assert maps.image is image and image.value != first and "channels 4–7" in maps.readout.value
    twin, _ = render_layer_maps(maps.outputs(0)["1"], range(4, 8))
    assert np.array_equal(pixels(image.value), twin)
    maps.layer_slider.value = "2"
    assert maps.image is image and "(20, 16, 16)" in maps.readout.value
    cam = CamExplorer(rgb_net(), photos, prepare=prepare, layers=["2"],
                      class_names=["a", "b", "c"])
    image, first = cam.image, cam.image.value
    cam.opacity.value = 1.0
    assert cam.image is image and image.value != first
    assert np.array_equal(pixels(image.value), render_overlay(photos[0], cam.heat()[0], 1.0))


def test_cam_views_match_grad_cam(photos):
    model = rgb_net()
    maps, probs = cam_views(model, photos[0], layers=["0", "2"], classes=[1, 2], prepare=prepare,
                            classifier="5")
    for layer in ("0", "2"):
        expected = grad_cam(model, prepare(photos[:1]), 2, layer=layer)[0]
        torch.testing.assert_close(maps["Grad-CAM", layer, 2], expected)
    assert torch.allclose(probs.sum(), torch.tensor(1.0))
    cam = maps["CAM", "2", 1].clamp(min=0)
    torch.testing.assert_close(cam, maps["Grad-CAM", "2", 1] * 256, rtol=1e-4, atol=1e-6)


def test_uploads_of_any_image_are_resized_and_a_non_image_gets_a_message(photos):
    rgba = np.random.default_rng(0).integers(0, 255, (300, 500, 4), dtype=np.uint8)
    assert decode_photo(png_of(rgba), 32).shape == (3, 32, 32)
    gray = np.full((50, 20), 200, dtype=np.uint8)
    assert decode_photo(png_of(gray), 28, channels=1).shape == (1, 28, 28)
    with pytest.raises(PhotoError, match="not an image"):
        decode_photo(b"hello, not a photo", 32)
    with pytest.raises(PhotoError, match="empty"):
        decode_photo(b"", 32)

    explorer = CamExplorer(rgb_net(), photos, prepare=prepare, layers=["2"],
                           class_names=["a", "b", "c"])
    explorer.upload.value = ({"name": "notes.txt", "content": memoryview(b"text"),
                              "type": "text/plain", "size": 4, "last_modified": NOW},)
    assert "could not use <b>notes.txt</b>" in explorer.message.value
    assert len(explorer.images) == 3
    explorer.upload.value = ({"name": "mine.png", "content": memoryview(png_of(rgba)),
                              "type": "image/png", "size": 1, "last_modified": NOW},)
    assert len(explorer.images) == 4 and explorer.picker.value == 3
    assert "added" in explorer.message.value

    maps = LayerMapExplorer(rgb_net(), photos, prepare=prepare, layers=["2"])
    maps.upload.value = ({"name": "mine.png", "content": memoryview(png_of(rgba)),
                          "type": "image/png", "size": 1, "last_modified": NOW},)
    assert maps.picker.value == 3 and 3 in maps._cache


def test_static_twins_draw(photos):
    model = rgb_net()
    fig = show_layer_maps(model, photos[0], "2", prepare=prepare, channels=range(8))
    assert isinstance(fig, Figure) and "signed" in fig._suptitle.get_text()
    fig = show_cam(model, photos[0], 1, layer="2", prepare=prepare, method="CAM",
                   classifier="5", class_names=["a", "b", "c"])
    assert isinstance(fig, Figure) and "CAM at 2 for 'b'" in fig._suptitle.get_text()


def test_explorer_errors(photos):
    model = rgb_net()
    with pytest.raises(TypeError, match="uint8"):
        LayerMapExplorer(model, photos.float(), prepare=prepare, layers=["2"])
    with pytest.raises(ValueError, match="no layer named 'conv9'.*Valid layer names"):
        LayerMapExplorer(model, photos, prepare=prepare, layers=["conv9"])
    with pytest.raises(ValueError, match="do not output maps"):
        LayerMapExplorer(model, photos, prepare=prepare, layers=["5"])
    with pytest.raises(ValueError, match="channels 0..19"):
        show_layer_maps(model, photos[0], "2", prepare=prepare, channels=[25])
    with pytest.raises(ValueError, match="extra_classes \\[7\\] are out of range"):
        CamExplorer(model, photos, prepare=prepare, layers=["2"], class_names=["a", "b", "c"],
                    extra_classes=[7])
    with pytest.raises(ValueError, match="class index 5 is out of range"):
        show_cam(model, photos[0], 5, layer="2", prepare=prepare)
    with pytest.raises(ValueError, match="just before the global average pooling"):
        CamExplorer(model, photos, prepare=prepare, layers=["0"], classifier="5",
                    class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="opacity"):
        show_cam(model, photos[0], 1, layer="2", prepare=prepare, opacity=2)


def test_explain_figures(photos):
    heat = heatmaps(torch.rand(3, 4, 4), (32, 32))
    figures = [
        plot_filters(torch.randn(8, 3, 3, 3)), plot_filters(torch.randn(4, 1, 3, 3)),
        plot_overlays(photos, {"a": heat, "b": heat}, row_titles=["x", "y", "z"]),
        plot_overlays(photos, {"a": heat}, overlay=False, show_input=False),
        plot_channel(torch.rand(3, 16, 16) * 2 - 1, photos.repeat(3, 1, 1, 1)[:9],
                     history=torch.arange(5.0)),
        plot_curves(torch.linspace(0, 1, 5), {"m": torch.rand(3, 5)}),
        plot_randomization({"m": [("a", torch.rand(3)), ("b", torch.rand(3))]}),
        plot_embedding(torch.randn(20, 2), torch.arange(20) % 3, ["a", "b", "c"],
                       mistakes=torch.arange(20) % 5 == 0),
    ]
    assert all(isinstance(f, Figure) for f in figures)
    for f in figures:
        plt.close(f)
    with pytest.raises(ValueError, match="at the images' size"):
        plot_overlays(photos, {"a": torch.rand(3, 4, 4)})
    with pytest.raises(ValueError, match="C_out, 1 or 3"):
        plot_filters(torch.randn(4, 2, 3, 3))


def test_cam_method_disables_the_layer_slider_it_ignores(photos):
    explorer = CamExplorer(rgb_net(), photos, prepare=prepare, layers=["0", "2"],
                           classifier="5", class_names=["a", "b", "c"])
    assert not explorer.layer_slider.disabled
    explorer.method.value = "CAM"
    assert explorer.layer_slider.disabled
    assert "CAM exists only at the layer before the pooling" in tooltip_of(explorer.layer_slider)
    explorer.method.value = "Grad-CAM"
    assert not explorer.layer_slider.disabled


def test_overlay_uses_the_palette_heat_map_and_a_ticked_bar(photos):
    from course_utils.plots.canvas import BAR_WIDTH, colormap_lut
    from course_utils.plots.palette import HEAT_CMAP

    canvas = render_overlay(photos[0], torch.ones(32, 32), 1.0)
    assert HEAT_CMAP == "inferno"
    assert np.array_equal(canvas[0, 0], colormap_lut(HEAT_CMAP)[255])  # the map's maximum
    bar = canvas[:, 32 + 4:]
    assert np.array_equal(bar[0, 0], colormap_lut(HEAT_CMAP)[255])
    ticks = np.all(bar[:, BAR_WIDTH] == 0, axis=1).nonzero()[0].tolist()
    assert ticks == [0, 16, 31]  # 1, 0.5, 0
    assert (bar[:, BAR_WIDTH + 5:] < 100).any()  # their values written beside them


def test_layer_map_tiles_carry_their_channel_numbers(photos):
    from course_utils.plots.canvas import text_mask

    canvas, _ = render_layer_maps(torch.rand(8, 16, 16), [4, 5, 6, 7], ncols=4)
    tile = 16 * 7  # enlarged to about TILE pixels
    strip = text_mask("channel 4").shape[0] + 2
    assert canvas.shape[0] == strip + tile
    for col in range(4):  # ink in the title strip above each tile
        assert (canvas[:strip, col * (tile + 2):col * (tile + 2) + tile] < 128).any()
    one, _ = render_layer_maps(torch.rand(8, 16, 16), [4], ncols=4)
    other, _ = render_layer_maps(torch.rand(8, 16, 16), [5], ncols=4)
    assert not np.array_equal(one[:strip], other[:strip])  # the number differs
    explorer = LayerMapExplorer(rgb_net(), photos, prepare=prepare, layers=["1", "2"], n_maps=8)
    assert explorer.channel_slider.disabled  # layer 1: 8 channels, all shown
    explorer.layer_slider.value = "2"
    assert not explorer.channel_slider.disabled
