"""The explorers show a pre-rendered frame per main-slider setting (or, without
``ipywidgets.Stack``, one image updated in place), agree with their static twins, and reject bad
input."""

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
    show_conv_step,
    show_feature_maps,
    show_kernel,
    show_pooling,
)
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
from course_utils.plots.canvas import png_bytes

IMAGE = (torch.arange(40 * 50).view(1, 40, 50) % 255).to(torch.uint8)


def small_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 20, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(20, 8, 3), nn.Flatten(), nn.Linear(8 * 4 * 4, 10))


def pixels(png: bytes) -> np.ndarray:
    """The ``(H, W, 3)`` pixels of a PNG."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_kernel_explorer_shows_the_frame_of_the_slider_and_its_readout():
    explorer = KernelExplorer(IMAGE, "sobel_x")
    assert explorer.frames.stacked and len(explorer.frames.view.children) == len(STRIDES)
    before = explorer.image.value
    assert "40 × 50" in explorer.readout.value and "38 × 48" in explorer.readout.value
    explorer.stride_slider.value = 2
    assert explorer.frames.index == 1 and explorer.image.value != before
    assert "<b>19 × 24</b>" in explorer.readout.value
    twin = render_kernel_view(to_gray(IMAGE),
                              apply_kernel(to_gray(IMAGE), kernel_preset("sobel_x"),
                                                          stride=2))
    assert np.array_equal(pixels(explorer.image.value), twin)  # the static twin's canvas
    shown = [c.value for c in explorer.frames.view.children]
    explorer.padding_slider.value = 2  # another control: every frame rendered again
    assert all(a != b for a, b in zip(shown, (c.value for c in explorer.frames.view.children)))
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


def test_kernel_explorer_without_stack_updates_one_image_in_place(monkeypatch):
    stacked = KernelExplorer(IMAGE, "sobel_x", stride=2)
    monkeypatch.delattr(ipywidgets, "Stack")  # ipywidgets as Google Colab ships it (7.7)
    explorer = KernelExplorer(IMAGE, "sobel_x")
    assert not explorer.frames.stacked
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
def test_explorers_without_stack_update_one_image_in_place(monkeypatch, build, slider, value):
    stacked = build()
    getattr(stacked, slider).value = value
    monkeypatch.delattr(ipywidgets, "Stack")  # ipywidgets as Google Colab ships it (7.7)
    explorer = build()
    image_widget, before = explorer.image, explorer.image.value
    getattr(explorer, slider).value = value
    assert explorer.image is image_widget and image_widget.value != before
    assert np.array_equal(pixels(image_widget.value), pixels(stacked.image.value))
    assert explorer.readout.value == stacked.readout.value


def test_frame_stack_links_the_slider_to_the_frames():
    slider = frames.index_slider("s", (10, 20, 30), 20, "course-test")
    stack = frames.FrameStack(slider, lambda i: frames.Frame(
        np.full((2, 3, 3), 80 * i, np.uint8), 2.0, f"frame {i}"), text_classes=("t",))
    stack.refresh()
    assert [c.width for c in stack.view.children] == ["6"] * 3
    assert stack.view.selected_index == 1 and stack.text.value == "frame 1"
    assert [(link.source, link.target) for link in stack.links] == [
        ((slider, "index"), (stack.view, "selected_index")),
        ((slider, "index"), (stack.text_view, "selected_index"))]
    slider.options = [("a", 1), ("b", 2)]  # fewer settings: fewer frames, the extra one closed
    dropped = stack.view.children[2]
    stack.refresh()
    assert len(stack.view.children) == 2 and dropped.comm is None
    counting = ipywidgets.IntSlider(0, 0, 4)
    assert frames.slider_count(counting) == 5
    with pytest.raises(ValueError, match="min=0 and step=1"):
        frames.FrameStack(ipywidgets.IntSlider(1, 1, 4), lambda i: None)
    many = ipywidgets.IntSlider(0, 0, frames.MAX_FRAMES)  # one more than MAX_FRAMES
    assert not frames.FrameStack(many, lambda i: None).stacked  # the kernel renders each step


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
    assert len(explorer.frames.view.children) == 5  # one grid per image
    before = explorer.image.value
    explorer.image_slider.value = 3
    assert explorer.image.value != before and "label 3" in explorer.readout.value
    explorer.layer_menu.value = "3"
    assert explorer.channel_slider.max == 0 and "(8, 4, 4)" in explorer.readout.value
    assert "label 3" in explorer.readout.value


def test_feature_map_explorer_without_stack_matches_the_stacked_frames(monkeypatch):
    images = torch.rand(5, 1, 14, 14)
    stacked = FeatureMapExplorer(small_net(), images, n_maps=16)
    stacked.image_slider.value = 3
    monkeypatch.delattr(ipywidgets, "Stack")
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
