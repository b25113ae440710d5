"""The ε explorer (one frame per ε in the browser viewer, or one image in place on the kernel
path; static twin) and the adversarial figures of notebook 12."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image
from torch import nn

from course_utils.explorers import EpsilonExplorer, show_epsilon
from course_utils.explorers.epsilon import (
    MNIST_EPS,
    PHOTO_EPS,
    amplification,
    attack_view,
    fgsm_direction,
    render_attack,
)
from course_utils.explorers.frames import slider_count
from course_utils.plots import (
    format_table,
    plot_epoch_accuracies,
    plot_perturbations,
    plot_robustness_curves,
)


def tiny_model(channels: int = 1, classes: int = 4) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(channels, 3, 3), nn.ReLU(), nn.Flatten(),
                         nn.Linear(3 * 10 * 10, classes)).eval()


@pytest.fixture()
def digit():
    return torch.rand(1, 12, 12, generator=torch.Generator().manual_seed(0))


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_explorer_shows_the_frame_and_readout_of_each_eps(digit):
    model = tiny_model()
    explorer = EpsilonExplorer(model, digit, 2, ["a", "b", "c", "d"])
    assert slider_count(explorer.slider) == len(MNIST_EPS)  # one frame (forward pass) each
    first_png, first_text = explorer.image.value, explorer.readout.value
    explorer.slider.value = 0.3  # the slider reads ε itself
    assert explorer.frames.index == len(MNIST_EPS) - 1
    assert explorer.image.value != first_png and explorer.readout.value != first_text
    assert "ε = 0.30" in explorer.readout.value and "true class: c" in explorer.readout.value
    assert float((explorer.adversarial - digit).abs().max()) <= 0.3 + 1e-6
    adv, probs = attack_view(model, digit, fgsm_direction(model, digit, 2), 0.3)
    assert torch.equal(explorer.adversarial, adv) and torch.equal(explorer.probs, probs)
    assert np.array_equal(pixels(explorer.image.value),  # the static twin's canvas
                          render_attack(digit, adv, explorer.zoom, gain=1, eps_text="0.30"))
    explorer.slider.index = 0
    assert torch.equal(explorer.adversarial, digit)


def test_explorer_on_the_kernel_path_swaps_one_image_in_place(digit):
    # No browser view has said it drew the frames: the kernel redraws one picture in place.
    explorer = EpsilonExplorer(tiny_model(), digit, 2, ["a", "b", "c", "d"])
    image = explorer.image
    first_png, first_text = image.value, explorer.readout.value
    explorer.slider.index = len(MNIST_EPS) - 1
    assert explorer.image is image
    assert image.value != first_png and explorer.readout.value != first_text
    assert "ε = 0.30" in explorer.readout.value


def test_fgsm_direction_raises_the_loss_and_matches_the_static_twin(digit):
    model = tiny_model()
    direction = fgsm_direction(model, digit, 1)
    assert set(direction.unique().tolist()) <= {-1.0, 0.0, 1.0}
    _, clean = attack_view(model, digit, direction, 0.0)
    _, attacked = attack_view(model, digit, direction, 0.2)
    assert attacked[1] < clean[1], "the step lowers the probability of the true class"
    fig = show_epsilon(model, digit, 1, ["a", "b", "c", "d"], eps=0.2)
    assert isinstance(fig, Figure) and "ε = 0.20" in fig._suptitle.get_text()


def test_explorer_on_a_colour_image_uses_photo_steps():
    gen = torch.Generator().manual_seed(1)
    photo = (torch.rand(3, 12, 12, generator=gen) * 255).to(torch.uint8)
    explorer = EpsilonExplorer(tiny_model(3), photo, 0, list("wxyz"))
    assert explorer.eps_values[-1] == pytest.approx(16 / 255)
    assert "/255" in explorer.readout.value


def middle_panel(explorer: EpsilonExplorer) -> np.ndarray:
    """The perturbation panel of the frame shown now (its title strip cut off)."""
    canvas = pixels(explorer.image.value)
    width = explorer.original.shape[-1] * explorer.zoom
    return canvas[-width:, width + 8:2 * width + 8].astype(int)


def test_slider_reads_eps_in_one_unit_and_the_middle_panel_follows_it(digit):
    explorer = EpsilonExplorer(tiny_model(), digit, 2, ["a", "b", "c", "d"])
    assert [label for label, _ in explorer.slider.options] == [
        "0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"]  # fractions, never /255
    spreads = []
    for i in range(len(MNIST_EPS)):
        explorer.slider.index = i
        assert f"ε = {MNIST_EPS[i]:.2f} " in explorer.readout.value
        assert "/255" not in explorer.readout.value
        spreads.append(np.abs(middle_panel(explorer) - 128).max())
    assert spreads == sorted(spreads) and spreads[0] <= 1 and spreads[-1] >= 70
    photo = (torch.rand(3, 12, 12, generator=torch.Generator().manual_seed(2)) * 255).to(
        torch.uint8)
    colour = EpsilonExplorer(tiny_model(3), photo, 0, list("wxyz"))
    assert [label for label, _ in colour.slider.options] == [
        "0/255", "0.5/255", "1/255", "2/255", "4/255", "8/255", "16/255"]
    assert colour.gain == amplification(PHOTO_EPS) == 7  # 7 × 16/255 stays within the panel
    assert "amplified ×7" in colour.readout.value and colour.slider.description == "ε"


def test_every_panel_has_a_title(digit):
    adv = (digit + 0.1).clamp(0, 1)
    titled = render_attack(digit, adv, 10, gain=1, eps_text="0.10")
    assert titled.shape[0] > 120  # a strip above the 120-pixel panels
    strip = titled[:titled.shape[0] - 120]
    for left in (0, 128, 256):  # ink in the strip above each panel
        assert (strip[:, left:left + 120] < 128).any()


def _show(image, classes="abcd", eps=0.1):
    return lambda m: show_epsilon(m, image, 0, list(classes), eps=eps)


@pytest.mark.parametrize("call,match", [
    (_show(torch.rand(12, 12)), r"\(C, H, W\)"),
    (_show(torch.rand(1, 12, 12) * 3), r"\[0, 1\]"),
    (_show(torch.rand(1, 12, 12), classes="abc"), "one name per output"),
    (_show(torch.rand(1, 12, 12), eps=-0.1), "eps must be >= 0"),
    (lambda m: EpsilonExplorer(m, torch.rand(1, 12, 12), 7, list("abcd")),
     "labels go up to 7 but the model has only 4"),
])
def test_bad_input_is_rejected_with_a_clear_message(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call(tiny_model())


def test_figures_draw():
    x = torch.rand(2, 1, 8, 8)
    adv = (x + 0.1 * torch.randn(2, 1, 8, 8)).clamp(0, 1)
    figures = [plot_perturbations(x, adv, titles=["a", "b"], adversarial_titles=["c", "d"]),
               plot_perturbations(torch.rand(1, 3, 8, 8), torch.rand(1, 3, 8, 8)),
               plot_robustness_curves([0, 0.1], {"FGSM": [1.0, 0.5]}, chance=0.1),
               plot_epoch_accuracies({"FGSM": [0.2, 0.9], "PGD": [0.1, 0.0]})]
    assert all(isinstance(f, Figure) for f in figures)
    assert "perturbation ×" in figures[0].axes[1].get_title()
    for fig in figures:
        plt.close(fig)
    with pytest.raises(ValueError, match="same shape"):
        plot_perturbations(x, adv[:1])
    with pytest.raises(ValueError, match="one caption per example"):
        plot_perturbations(x, adv, titles=["a"])
    with pytest.raises(ValueError, match="2 points for 3 radii"):
        plot_robustness_curves([0, 0.1, 0.2], {"PGD": [1.0, 0.5]})
    with pytest.raises(ValueError, match="non-empty"):
        plot_epoch_accuracies({})


def test_format_table_aligns_numbers_and_text():
    text = format_table({"plain": {"clean": 0.99, "PGD": 0.0}, "robust": {"clean": 0.98,
                                                                          "note": "ok"}})
    lines = text.splitlines()
    assert len(lines) == 3 and len({len(line) for line in lines}) == 1
    assert "0.990" in lines[1] and lines[1].rstrip().endswith("-") and "ok" in lines[2]
    with pytest.raises(ValueError, match="rows is empty"):
        format_table({})
