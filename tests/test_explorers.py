"""The explorers show a pre-rendered frame per main-slider setting (or, where the browser's frame
viewer has not loaded, one image the kernel updates in place), agree with their static twins, and
reject bad input."""

from __future__ import annotations

import io

import ipywidgets
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image
from torch import nn

from course_utils.explorers import (
    ConvStepExplorer,
    FeatureMapExplorer,
    KernelExplorer,
    PoolingExplorer,
    frames,
    kernel_preset,
    layout,
    show_conv_step,
    show_feature_maps,
    show_kernel,
    show_pooling,
)
from course_utils.explorers import kernel as kernel_module
from course_utils.explorers.conv_step import _StepFigure
from course_utils.explorers.kernel import (
    DILATIONS,
    KERNEL_SIZES,
    PADDINGS,
    STRIDES,
    render_kernel_view,
)
from course_utils.explorers.kernels import PRESETS, apply_kernel, to_gray
from course_utils.explorers.pooling import render_pooling
from course_utils.plots import canvas as canvas_module
from course_utils.plots.canvas import png_bytes

IMAGE = (torch.arange(40 * 50).view(1, 40, 50) % 255).to(torch.uint8)


def small_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 20, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(20, 8, 3), nn.Flatten(), nn.Linear(8 * 4 * 4, 10))


def go_live(stack: frames.FrameStack) -> None:
    """What a browser that loaded the frame viewer says: its views drew the frames."""
    for view in (stack.pictures, stack.texts):
        if view is not None:
            view._handle_custom_msg({"type": "ready"}, [])


def pixels(png: bytes) -> np.ndarray:
    """The ``(H, W, 3)`` pixels of a PNG."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_kernel_explorer_shows_the_frame_of_the_slider_and_its_readout():
    explorer = KernelExplorer(IMAGE, "sobel_x")
    go_live(explorer.frames)
    assert explorer.frames.stacked and len(explorer.frames.pictures.frames) == len(STRIDES)
    before = explorer.image.value
    assert "40 × 50" in explorer.readout.value and "38 × 48" in explorer.readout.value
    explorer.stride_slider.value = 2
    assert explorer.frames.index == 1 and explorer.image.value != before
    assert "<b>19 × 24</b>" in explorer.readout.value
    twin = render_kernel_view(to_gray(IMAGE),
                              apply_kernel(to_gray(IMAGE), kernel_preset("sobel_x"),
                                                          stride=2))
    assert np.array_equal(pixels(explorer.image.value), twin)  # the static twin's canvas
    shown = [c.value for c in explorer.frames.pictures.frames]
    explorer.padding_slider.value = 2  # another control: every frame rendered again
    assert all(a != b for a, b in zip(shown, (c.value for c in explorer.frames.pictures.frames)))
    assert "<b>21 × 26</b>" in explorer.readout.value
    explorer.size_slider.value = 5
    assert explorer.kernel.shape == (5, 5) and len(explorer.weights_box.children) == 25
    explorer._cells[0].value = 2.0
    assert explorer.preset.value == "custom" and explorer.kernel[0, 0] == 2.0
    explorer.preset.value = "blur"
    assert torch.allclose(explorer.kernel, torch.full((5, 5), 1 / 25))


def test_kernel_explorer_takes_a_kernel_of_your_own():
    explorer = KernelExplorer(IMAGE, torch.tensor([[0.0, 0, 0], [0, 0, 0], [0, 0, 1]]))
    assert explorer.preset.value == "custom" and explorer.size_slider.value == 3
    assert torch.equal(explorer.feature_map, IMAGE[0, 2:, 2:].float() / 255)


def test_kernel_presets_are_what_they_say():
    for name in PRESETS:
        for k in KERNEL_SIZES:
            assert kernel_preset(name, k).shape == (k, k)
    assert torch.equal(kernel_preset("sobel_x"),
                       torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]))
    for name in ("edge", "sobel_x", "sobel_y"):
        assert abs(float(kernel_preset(name, 5).sum())) < 1e-6  # flat regions give 0
    for name in ("identity", "blur", "gaussian", "sharpen"):
        assert abs(float(kernel_preset(name, 5).sum()) - 1) < 1e-6  # brightness kept


def test_every_slider_setting_renders():
    explorer = KernelExplorer(IMAGE)
    for k in KERNEL_SIZES:
        explorer.size_slider.value = k
        for s in STRIDES:
            explorer.stride_slider.value = s
            for p in PADDINGS:
                explorer.padding_slider.value = p
                for d in DILATIONS:
                    explorer.dilation_slider.value = d
                    expected = torch.nn.functional.conv2d(
                        torch.zeros(1, 1, 40, 50), torch.zeros(1, 1, k, k), stride=s, padding=p,
                        dilation=d).shape[2:]
                    assert tuple(explorer.feature_map.shape) == tuple(expected)


def test_static_twins_draw_figures():
    x = torch.arange(36.0).view(6, 6) % 7
    figures = [show_kernel(IMAGE, "edge", stride=2), show_pooling(IMAGE, 3, 2),
               show_conv_step(x, kernel_preset("sobel_y"), position=4, padding=1),
               show_feature_maps(small_net(), torch.rand(1, 14, 14), "0", range(16))]
    assert all(isinstance(f, Figure) for f in figures)


def test_kernel_explorer_on_the_kernel_path_updates_one_image_in_place():
    stacked = KernelExplorer(IMAGE, "sobel_x", stride=2)
    go_live(stacked.frames)
    explorer = KernelExplorer(IMAGE, "sobel_x")  # no browser view said it drew
    assert explorer.frames.path == "kernel" and stacked.frames.path == "browser"
    image_widget, before = explorer.image, explorer.image.value
    explorer.stride_slider.value = 2
    assert explorer.image is image_widget and explorer.image.value != before
    assert "<b>19 × 24</b>" in explorer.readout.value
    assert np.array_equal(pixels(explorer.image.value), pixels(stacked.image.value))
    explorer.padding_slider.value = 1
    assert explorer.image is image_widget and "<b>20 × 25</b>" in explorer.readout.value


@pytest.mark.parametrize("build,slider,value", [
    (lambda: ConvStepExplorer(torch.arange(16.0).view(4, 4), torch.ones(3, 3)), "position", 3),
    (lambda: PoolingExplorer(IMAGE), "stride_slider", 1),
])
def test_explorers_on_the_kernel_path_update_one_image_in_place(build, slider, value):
    stacked = build()
    go_live(stacked.frames)
    getattr(stacked, slider).value = value
    explorer = build()
    image_widget, before = explorer.image, explorer.image.value
    getattr(explorer, slider).value = value
    assert explorer.image is image_widget and image_widget.value != before
    assert np.array_equal(pixels(image_widget.value), pixels(stacked.image.value))
    assert explorer.readout.value == stacked.readout.value


def test_conv_step_explorer_shows_the_sum_for_each_cell():
    x = torch.arange(16.0).view(4, 4)
    explorer = ConvStepExplorer(x, torch.ones(3, 3))
    assert explorer.position.max == 3  # 2 x 2 output cells
    before = explorer.image.value
    explorer.position.value = 3
    assert explorer.image.value != before
    assert explorer.sum_text.endswith(f"= {int(x[1:, 1:].sum())}")
    assert f"= {int(x[1:, 1:].sum())}" in explorer.readout.value
    twin = _StepFigure(x.double(), torch.ones(3, 3).double(), 1, 0, with_sum=False)
    twin.draw(3)
    assert np.array_equal(pixels(explorer.image.value), twin.rgb())


def test_pooling_explorer_shows_both_poolings():
    explorer = PoolingExplorer(IMAGE)
    assert explorer.pooled_max.shape == (20, 25)
    explorer.size_slider.value = 3
    explorer.stride_slider.value = 1
    assert explorer.pooled_avg.shape == (38, 48) and "(38, 48)" in explorer.readout.value
    assert torch.all(explorer.pooled_max >= explorer.pooled_avg - 1e-6)
    twin = render_pooling(explorer.gray, explorer.pooled_max, explorer.pooled_avg, 1)
    assert np.array_equal(pixels(explorer.image.value), twin)


def test_feature_map_explorer_steps_through_images_layers_and_channels():
    images = torch.rand(5, 1, 14, 14)
    explorer = FeatureMapExplorer(small_net(), images, torch.arange(5), n_maps=16)
    assert list(explorer.layers) == ["0", "1", "2", "3"]
    assert explorer.channel_slider.max == 4  # 20 channels, blocks of 16
    go_live(explorer.frames)
    assert len(explorer.frames.pictures.frames) == 5  # one grid per image
    before = explorer.image.value
    explorer.image_slider.value = 3
    assert explorer.image.value != before and "label 3" in explorer.readout.value
    explorer.layer_menu.value = "3"
    assert explorer.channel_slider.max == 0 and "(8, 4, 4)" in explorer.readout.value
    assert "label 3" in explorer.readout.value


def test_feature_map_explorer_on_the_kernel_path_matches_the_browser_frames():
    images = torch.rand(5, 1, 14, 14)
    stacked = FeatureMapExplorer(small_net(), images, n_maps=16)
    go_live(stacked.frames)
    stacked.image_slider.value = 3
    explorer = FeatureMapExplorer(small_net(), images, n_maps=16)
    image_widget = explorer.image
    explorer.image_slider.value = 3
    assert explorer.image is image_widget and explorer.readout.value == stacked.readout.value
    assert np.array_equal(pixels(explorer.image.value), pixels(stacked.image.value))


def test_png_bytes_are_png():
    assert png_bytes(torch.zeros(4, 4, 3, dtype=torch.uint8).numpy())[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("call,match", [
    (lambda: KernelExplorer(IMAGE, stride=0), r"stride must be one of \(1, 2, 3, 4\), got 0"),
    (lambda: KernelExplorer(IMAGE, preset="emboss"), "unknown kernel preset 'emboss'"),
    (lambda: KernelExplorer(torch.zeros(2, 5, 5)), "C = 1 or 3"),
    (lambda: KernelExplorer(IMAGE, torch.ones(3, 5)), "kernel must be square.*got 3 x 5"),
    (lambda: KernelExplorer(IMAGE, torch.ones(9, 9)),
     r"kernel size must be one of \(1, 3, 5, 7\), got 9"),
    (lambda: show_kernel(IMAGE, torch.ones(3, 5)), "must be square"),
    (lambda: show_kernel(IMAGE, "edge", stride=0), "stride must be an int >= 1, got 0"),
    (lambda: show_kernel(IMAGE, torch.ones(45, 45)), "kernel spans 45 pixels"),
    (lambda: kernel_preset("blur", 4), "odd kernel size"),
    (lambda: ConvStepExplorer(torch.zeros(5, 5), torch.ones(2, 3)), "must be square"),
    (lambda: ConvStepExplorer(torch.zeros(5, 5), torch.ones(3, 3), stride=0),
     "stride must be an int >= 1"),
    (lambda: ConvStepExplorer(torch.zeros(30, 30), torch.ones(3, 3)), "sides up to 12"),
    (lambda: show_conv_step(torch.zeros(5, 5), torch.ones(3, 3), position=9), r"0\.\.8"),
    (lambda: PoolingExplorer(IMAGE, stride=0), "stride must be one of"),
    (lambda: show_pooling(IMAGE, kernel_size=9), "kernel_size must be one of"),
    (lambda: FeatureMapExplorer(small_net(), torch.rand(2, 1, 14, 14), layer="conv9"),
     r"no layer named 'conv9' outputs maps; choose one of \['0', '1', '2', '3'\]"),
    (lambda: FeatureMapExplorer(small_net(), torch.rand(1, 14, 14)), r"image\[None\]"),
    (lambda: FeatureMapExplorer(small_net(), torch.zeros(2, 1, 14, 14, dtype=torch.uint8)),
     "float"),
    (lambda: show_feature_maps(small_net(), torch.rand(1, 14, 14), "conv9"),
     "no layer named 'conv9'"),
    (lambda: show_feature_maps(small_net(), torch.rand(1, 14, 14), "5"), "not maps"),
    (lambda: show_feature_maps(small_net(), torch.rand(1, 14, 14), "0", [3, 25]), r"range\(20\)"),
])
def test_bad_input_is_rejected_with_a_clear_message(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# -- layout and readability (issue 31, section 3; issue 27's explorer items) -------------------

def test_kernel_picture_keeps_its_size_and_draws_the_map_at_the_input_scale():
    explorer = KernelExplorer(IMAGE, "sobel_x", zoom=2)
    go_live(explorer.frames)  # every frame rendered, as for a browser
    sizes, widths = set(), set()
    for k in KERNEL_SIZES:
        explorer.size_slider.value = k
        for p in (0, 3):
            explorer.padding_slider.value = p
            for picture in explorer.frames.pictures.frames:  # one frame per stride
                sizes.add(pixels(picture.value).shape)
                widths.add(picture.width)
    assert len(sizes) == 1 and len(widths) == 1, (sizes, widths)
    explorer.size_slider.value, explorer.padding_slider.value = 3, 0
    explorer.stride_slider.value = 2
    canvas = pixels(explorer.image.value)
    body = canvas[-(40 + 2 * max(PADDINGS) + 2):]  # under the titles
    slot = body[:, 50 + 8:50 + 8 + 50 + 2 * max(PADDINGS) + 2]
    border = np.all(slot == kernel_module.SLOT_BORDER, axis=2)
    ho, wo = explorer.feature_map.shape
    assert (ho, wo) == (19, 24)
    assert border[0, :wo + 2].all() and border[ho + 1, :wo + 2].all()  # the map's true size
    assert not border[ho + 2:, :].any() and not border[:, wo + 2:].any()


def test_kernel_explorer_fits_the_notebook_and_keeps_a_fixed_scale():
    wide = torch.zeros(1, 40, 400, dtype=torch.uint8)
    explorer = KernelExplorer(wide, zoom=2)
    shown = int(explorer.image.width)
    assert shown <= layout.PICTURE_WIDTH < pixels(explorer.image.value).shape[1] * 2
    assert KernelExplorer(IMAGE, zoom=2).image.width == str(
        2 * pixels(KernelExplorer(IMAGE).image.value).shape[1])  # small inputs keep their zoom


def test_every_weight_of_a_7x7_kernel_is_a_named_editable_cell():
    explorer = KernelExplorer(IMAGE, "blur", kernel_size=7)
    cells = explorer.weights_box.children
    assert len(cells) == 49 and explorer.weights_box.layout.grid_template_columns == \
        "repeat(7, 60px)"
    assert cells[48].description == "w[6,6]" and "row 6, column 6" in layout.tooltip_of(cells[48])
    cells[48].value = 3.0
    assert explorer.kernel[6, 6] == 3.0 and explorer.preset.value == "custom"



def test_a_new_kernel_size_reuses_the_weight_cells_and_relabels_them():
    explorer = KernelExplorer(IMAGE, "sobel_x", kernel_size=7)
    made = list(explorer.weights_box.children)
    explorer.size_slider.value = 3
    cells = explorer.weights_box.children
    assert len(cells) == 9 and all(a is b for a, b in zip(cells, made))
    assert cells[8].description == "w[2,2]" and explorer.weights_box.layout.grid_template_columns \
        == "repeat(3, 60px)"
    assert [c.value for c in cells] == explorer.kernel.flatten().tolist()
    explorer.size_slider.value = 7
    assert list(explorer.weights_box.children) == made  # no new widgets: the same 49
    assert explorer.preset.value == "sobel_x"  # relabelling is not an edit

def test_controls_without_effect_are_disabled():
    explorer = KernelExplorer(IMAGE, kernel_size=3)
    assert not explorer.dilation_slider.disabled
    explorer.size_slider.value = 1  # dilation spreads nothing
    assert explorer.dilation_slider.disabled
    assert "disabled: a 1 x 1 kernel" in layout.tooltip_of(explorer.dilation_slider)
    explorer.size_slider.value = 5
    assert not explorer.dilation_slider.disabled
    assert "disabled" not in layout.tooltip_of(explorer.dilation_slider)
    maps = FeatureMapExplorer(small_net(), torch.rand(2, 1, 14, 14), n_maps=16)
    assert not maps.channel_slider.disabled  # 20 channels: two blocks
    maps.layer_menu.value = "3"  # 8 channels, all shown
    assert maps.channel_slider.disabled


def controls(widget) -> list:
    """Every control under ``widget``: what a learner can move, pick, type into or press."""
    passive = (ipywidgets.HTML, ipywidgets.Image, ipywidgets.Label, ipywidgets.Output)
    found = []
    for child in getattr(widget, "children", ()):
        found += controls(child)
    if isinstance(widget, (ipywidgets.ValueWidget, ipywidgets.Button)) and \
            not isinstance(widget, passive):
        found.append(widget)
    return found


def every_explorer() -> dict:
    """One of each explorer of the course, on small inputs."""
    from course_utils.explorers import CamExplorer, EpsilonExplorer, LayerMapExplorer

    torch.manual_seed(0)
    rgb = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                        nn.Flatten(), nn.Linear(8, 3)).eval()
    photos = torch.randint(0, 256, (2, 3, 16, 16), dtype=torch.uint8)
    digit_net = nn.Sequential(nn.Flatten(), nn.Linear(144, 4)).eval()
    return {
        "kernel": KernelExplorer(IMAGE),
        "conv_step": ConvStepExplorer(torch.arange(16.0).view(4, 4), torch.ones(3, 3)),
        "pooling": PoolingExplorer(IMAGE),
        "feature_maps": FeatureMapExplorer(small_net(), torch.rand(3, 1, 14, 14)),
        "epsilon": EpsilonExplorer(digit_net, torch.rand(1, 12, 12), 1, list("abcd")),
        "layer_maps": LayerMapExplorer(rgb, photos, prepare=lambda x: x.float() / 255,
                                       layers=["0", "1"]),
        "cam": CamExplorer(rgb, photos, prepare=lambda x: x.float() / 255, layers=["0"],
                           classifier="4", class_names=["a", "b", "c"]),
    }


def test_every_control_of_every_explorer_has_a_description_and_a_tooltip():
    for name, explorer in every_explorer().items():
        found = controls(explorer.widget)
        assert found, f"{name}: no controls found"
        for control in found:
            what = f"{name}: {type(control).__name__} {control.description!r}"
            assert control.description.strip(), f"{what} has no description"
            assert len(layout.tooltip_of(control).split()) >= 3, f"{what} has no tooltip"


def test_describe_sets_the_tooltip_ipywidgets_has_and_refuses_empty_labels():
    slider = layout.describe(ipywidgets.IntSlider(), "size", "The size of the window.")
    assert slider.description == "size"
    assert layout.tooltip_of(slider) == "The size of the window."  # 7.7 or 8, whichever runs
    assert getattr(slider, "description_tooltip" if ipywidgets.__version__.startswith("7")
                   else "tooltip") == "The size of the window."
    with pytest.raises(ValueError, match="needs a description and a tooltip"):
        layout.describe(ipywidgets.IntSlider(), "size", " ")
    with pytest.raises(ValueError, match="canvas width >= 1"):
        layout.display_zoom(0, 2.0)


def test_colour_bars_have_ticks_with_values():
    bar = canvas_module.scale_bar(100, "RdBu_r", -2.0, 2.0)
    assert bar.shape == (100, canvas_module.BAR_WIDTH + 5 + canvas_module.LABEL_WIDTH, 3)
    ticks = np.all(bar[:, canvas_module.BAR_WIDTH] == 0, axis=1).nonzero()[0].tolist()
    assert ticks == [0, 50, 99]  # +2, 0, -2
    labels = bar[:, canvas_module.BAR_WIDTH + 5:]
    for row in ticks:  # ink beside each tick
        assert (labels[max(0, row - 8):row + 8] < 100).any()
    assert canvas_module.tick_values(0.0, 3.0) == [3.0, 1.5, 0.0]
    assert canvas_module.format_tick(-0.0) == "0" and canvas_module.format_tick(0.12345) == "0.123"
    rgb, low, high, cmap = canvas_module.colorize_scaled(torch.tensor([[-1.0, 2.0]]))
    assert cmap == "RdBu_r" and low == -high and np.array_equal(rgb, canvas_module.colorize(
        torch.tensor([[-1.0, 2.0]])))
    with pytest.raises(ValueError, match="height"):
        canvas_module.scale_bar(0, "viridis", 0, 1)


def test_the_kernel_map_has_a_colour_bar_reading_its_values():
    gray = to_gray(IMAGE)
    fmap = apply_kernel(gray, kernel_preset("sobel_x"))
    canvas = render_kernel_view(gray, fmap)
    m = float(np.percentile(np.abs(fmap.numpy()), 99.5))
    slot = 40 + 2 * max(PADDINGS) + 2  # the map's frame, as tall as the largest map
    bar = canvas_module.scale_bar(slot, "RdBu_r", -m, m)
    assert np.array_equal(canvas[-slot:, -bar.shape[1]:], bar)
    with pytest.raises(ValueError, match="cannot come from"):
        render_kernel_view(gray, torch.zeros(60, 10))
