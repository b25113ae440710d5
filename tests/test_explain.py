"""course_utils.explain against captum and pytorch_grad_cam, its hooks, memory and errors.

The references run on models the notebook does not use: torchvision's resnet18 with seeded
random weights (no download) and small seeded CNNs. The notebook explains the shipped
MobileNetV2 and a Fashion-MNIST network.
"""

from __future__ import annotations

import gc
import resource
import sys
import warnings

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr
from torch import nn
from torchvision.models import resnet18

from course_utils.explain import (
    cascading_randomization,
    class_activation_map,
    curve_area,
    deletion_curve,
    get_layer,
    grad_cam,
    gradient_saliency,
    heatmaps,
    insertion_curve,
    integrated_gradients,
    maximize_channel,
    normalize_maps,
    occlusion,
    pixel_map,
    random_maps,
    randomize_layers,
    rank_correlation,
    record_activations,
    smoothgrad,
    top_patches,
    upsample_maps,
)

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py


@pytest.fixture(scope="module")
def resnet():
    torch.manual_seed(0)
    return resnet18(weights=None, num_classes=10).eval()


@pytest.fixture(scope="module")
def photos():
    return torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(1))


def small_cnn(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5),
    ).eval()


def no_hooks_left(model: nn.Module) -> bool:
    return all(not m._forward_hooks and not m._backward_hooks and not m._forward_pre_hooks
               for m in model.modules())


# -- against the references -------------------------------------------------------------------

def test_grad_cam_equals_captum_layer_grad_cam(resnet, photos):
    from captum.attr import LayerGradCam

    targets = torch.tensor([3, 7])
    ours = grad_cam(resnet, photos, targets, layer="layer3")
    theirs = LayerGradCam(resnet, resnet.layer3).attribute(
        photos, target=targets, relu_attributions=True)[:, 0].detach()
    assert ours.shape == theirs.shape == (2, 4, 4)
    assert ours.abs().max() > 1e-3, "a map of zeros would compare equal trivially"
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=0)


def test_upsampled_grad_cam_equals_pytorch_grad_cam(resnet, photos):
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    targets = [3, 7]
    cam = GradCAM(model=resnet, target_layers=[resnet.layer3])
    theirs = torch.from_numpy(cam(input_tensor=photos.clone(),
                                  targets=[ClassifierOutputTarget(t) for t in targets]))
    del cam
    # How the resizing is matched: pytorch_grad_cam min-max normalises each ReLU'd map (1e-7
    # added to the max), resizes it with cv2.resize (bilinear, pixel centres aligned) and, when
    # it averages its target layers (here one), min-max normalises again. heatmaps() resizes
    # with F.interpolate(mode="bilinear", align_corners=False), the same interpolation as
    # cv2.resize's default, then normalises once: resizing commutes with the first
    # normalisation's shift and scale, so both give the same map.
    ours = heatmaps(grad_cam(resnet, photos, torch.tensor(targets), layer="layer3"), (64, 64))
    assert theirs.shape == ours.shape == (2, 64, 64)
    torch.testing.assert_close(ours, theirs, atol=1e-3, rtol=0)
    assert no_hooks_left(resnet)


@pytest.mark.parametrize("size, patch, stride", [(32, 8, 4), (30, 8, 4), (30, 7, 5)])
def test_occlusion_equals_captum(size, patch, stride):
    from captum.attr import Occlusion

    model = small_cnn()
    x = torch.rand(2, 3, size, size, generator=torch.Generator().manual_seed(2))
    targets = torch.tensor([1, 4])
    ours = occlusion(model, x, targets, patch=patch, stride=stride, baseline=0.5)
    theirs = Occlusion(model).attribute(x, sliding_window_shapes=(3, patch, patch),
                                        strides=(3, stride, stride), baselines=0.5,
                                        target=targets)
    assert torch.equal(theirs[:, 0], theirs[:, 2]), "captum gives every channel the same value"
    torch.testing.assert_close(ours, theirs[:, 0], atol=1e-5, rtol=0)


@pytest.mark.parametrize("method", ["gausslegendre", "riemann_middle", "riemann_left"])
def test_integrated_gradients_equal_captum(resnet, photos, method):
    from captum.attr import IntegratedGradients

    targets = torch.tensor([2, 5])
    baseline = torch.full_like(photos, 0.1)
    ours = integrated_gradients(resnet, photos, targets, baseline=baseline, steps=12,
                                method=method, batch_size=5)
    theirs = IntegratedGradients(resnet).attribute(photos, baselines=baseline, target=targets,
                                                   n_steps=12, method=method)
    assert ours.abs().max() > 1e-3
    torch.testing.assert_close(ours, theirs.detach(), atol=1e-4, rtol=0)


def test_cam_equals_grad_cam_up_to_a_positive_factor():
    model = small_cnn(3)
    x = torch.randn(3, 3, 16, 16, generator=torch.Generator().manual_seed(4))
    targets = torch.tensor([0, 2, 4])
    cam = class_activation_map(model, x, targets, features="4", classifier="7")
    signed = grad_cam(model, x, targets, layer="4", relu=False)
    positions = cam.shape[1] * cam.shape[2]  # alpha_k = w[c, k] / (h w)
    torch.testing.assert_close(cam, signed * positions, atol=1e-5, rtol=1e-5)
    relu = grad_cam(model, x, targets, layer="4")
    torch.testing.assert_close(cam.clamp(min=0), relu * positions, atol=1e-5, rtol=1e-5)
    assert (cam < 0).any() and (cam > 0).any(), "the test needs maps with both signs"


# -- hooks and memory -------------------------------------------------------------------------

def test_record_activations_removes_its_hooks_also_after_an_exception():
    model = small_cnn()
    with record_activations(model, ["0", "3"]) as acts:
        model(torch.randn(1, 3, 8, 8))
    assert acts["0"].shape == (1, 8, 8, 8) and acts["3"].shape == (1, 16, 4, 4)
    assert (acts["0"] < 0).any(), "the conv output was recorded before the in-place ReLU"
    assert no_hooks_left(model)
    with pytest.raises(RuntimeError):
        with record_activations(model, ["3"]):
            model(torch.randn(1, 5, 8, 8))  # wrong channel count: the forward pass raises
    assert no_hooks_left(model)


class Boom(nn.Module):
    def forward(self, x):
        raise RuntimeError("boom")


@pytest.mark.parametrize("method", ["grad_cam", "cam", "occlusion", "saliency", "maximize"])
def test_no_hook_is_left_when_the_forward_pass_raises(method):
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), Boom(), nn.Flatten(), nn.Linear(4, 2))
    model.eval()
    x = torch.randn(1, 3, 8, 8)
    calls = {
        "grad_cam": lambda: grad_cam(model, x, 0, layer="0"),
        "cam": lambda: class_activation_map(model, x, 0, features="1", classifier="4"),
        "occlusion": lambda: occlusion(model, x, 0, patch=4, stride=4),
        "saliency": lambda: gradient_saliency(model, x, 0),
        "maximize": lambda: maximize_channel(model, "0", 0, shape=(3, 8, 8), steps=2),
    }
    with pytest.raises(RuntimeError, match="boom"):
        calls[method]()
    assert no_hooks_left(model)


def test_memory_does_not_grow_over_100_calls():
    model = small_cnn()
    x = torch.randn(2, 3, 16, 16)

    def live_tensors() -> int:
        gc.collect()
        with warnings.catch_warnings():  # isinstance() on every object pokes deprecated ones
            warnings.simplefilter("ignore", FutureWarning)
            return sum(1 for o in gc.get_objects() if isinstance(o, torch.Tensor))

    for _ in range(10):
        grad_cam(model, x, 1, layer="3")
    tensors = live_tensors()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(100):
        maps = grad_cam(model, x, 1, layer="3")
        class_activation_map(model, x, 1, features="4", classifier="7")
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    grown_mb = grown / (2**20 if sys.platform == "darwin" else 2**10)  # bytes on macOS, KiB else
    assert live_tensors() <= tensors + 1  # `maps` is the one new tensor alive
    assert grown_mb < 20, f"peak memory grew by {grown_mb:.1f} MB over 100 calls"
    assert maps.grad_fn is None and not maps.requires_grad
    assert no_hooks_left(model)
    assert all(p.grad is None for p in model.parameters()), "gradients piled up on the weights"


# -- behaviour --------------------------------------------------------------------------------

def test_integrated_gradients_add_up_to_the_score_difference(resnet, photos):
    targets = torch.tensor([1, 8])
    attributions = integrated_gradients(resnet, photos, targets, steps=64)
    with torch.no_grad():
        gap = (resnet(photos) - resnet(torch.zeros_like(photos)))[[0, 1], targets]
    torch.testing.assert_close(attributions.sum(dim=(1, 2, 3)), gap, atol=2e-2, rtol=2e-2)


def test_smoothgrad_is_seeded_and_averages_gradients():
    model = small_cnn()
    x = torch.rand(2, 3, 12, 12)
    a = smoothgrad(model, x, 1, samples=4, seed=3)
    assert torch.equal(a, smoothgrad(model, x, 1, samples=4, seed=3))
    torch.testing.assert_close(smoothgrad(model, x, 1, samples=3, noise=0.0),
                               gradient_saliency(model, x, 1))
    assert pixel_map(a).shape == (2, 12, 12) and (pixel_map(a) >= 0).all()


def test_deletion_and_insertion_curves_start_and_end_where_they_should():
    model = small_cnn()
    x = torch.rand(2, 3, 12, 12)
    maps = random_maps(2, (12, 12), seed=1)
    with torch.no_grad():
        p_image = model(x).softmax(1)[:, 2]
        p_base = model(torch.zeros_like(x)).softmax(1)[:, 2]
    fr, deleted = deletion_curve(model, x, 2, maps, steps=6)
    _, inserted = insertion_curve(model, x, 2, maps, steps=6)
    assert fr[0] == 0 and fr[-1] == 1 and len(fr) == 7
    torch.testing.assert_close(deleted[:, 0], p_image)
    torch.testing.assert_close(deleted[:, -1], p_base)
    torch.testing.assert_close(inserted[:, 0], p_base)
    torch.testing.assert_close(inserted[:, -1], p_image)
    assert curve_area(torch.tensor([0.0, 1.0]), torch.tensor([[1.0, 0.0]])).item() == 0.5


def test_deletion_follows_the_map_order():
    """A model that reads one pixel: deleting that pixel first kills the score at step 1."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 2)).eval()
    with torch.no_grad():
        model[1].weight.zero_()
        model[1].bias.zero_()
        model[1].weight[1, 5] = 10.0
    x = torch.ones(1, 1, 4, 4)
    good = torch.zeros(1, 4, 4)
    good.view(-1)[5] = 1.0
    _, probs_good = deletion_curve(model, x, 1, good, steps=16)
    _, probs_bad = deletion_curve(model, x, 1, -good, steps=16)
    assert probs_good[0, 1] == pytest.approx(0.5) and probs_bad[0, 1] > 0.99
    assert curve_area(torch.linspace(0, 1, 17), probs_good) < curve_area(
        torch.linspace(0, 1, 17), probs_bad)


def test_rank_correlation_matches_scipy_with_ties():
    g = torch.Generator().manual_seed(5)
    a = torch.randint(0, 4, (3, 5, 5), generator=g).float()  # many ties
    b = a + torch.randn(3, 5, 5, generator=g)
    ours = rank_correlation(a, b)
    for i in range(3):
        expected = spearmanr(a[i].flatten().numpy(), b[i].flatten().numpy()).statistic
        assert ours[i].item() == pytest.approx(expected, abs=1e-9)
    assert rank_correlation(a, a).tolist() == pytest.approx([1.0] * 3)
    assert rank_correlation(torch.zeros(1, 5, 5), b[:1]).item() == 0.0


def test_randomize_layers_copies_and_reinitialises_only_the_named_layers():
    model = small_cnn()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    random = randomize_layers(model, ["7"], seed=0)
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
    assert not torch.equal(random[7].weight, model[7].weight)
    assert torch.equal(random[0].weight, model[0].weight)
    assert torch.equal(randomize_layers(model, ["7"], seed=0)[7].weight, random[7].weight)


def test_cascading_randomization_of_a_model_independent_map_keeps_correlation_one():
    model = small_cnn()
    x = torch.rand(2, 3, 12, 12)
    targets = torch.tensor([0, 1])
    edges = cascading_randomization(model, lambda m, a, t: a.mean(1), x, targets, ["7", "3"])
    assert [name for name, _ in edges] == ["7", "3"]
    assert all(torch.allclose(r, torch.ones(2, dtype=torch.float64)) for _, r in edges)
    cam = cascading_randomization(
        model, lambda m, a, t: grad_cam(m, a, t, layer="4", relu=False), x, targets, ["7", "3"])
    assert all((r < 0.99).all() for _, r in cam)


def test_maximize_channel_raises_the_activation_and_stays_in_range():
    model = small_cnn()
    image, history = maximize_channel(model, "3", 2, shape=(3, 16, 16), steps=30, lr=0.1,
                                      value_range=(0.0, 1.0))
    assert image.shape == (3, 16, 16) and image.min() >= 0 and image.max() <= 1
    assert history[-5:].mean() > history[:5].mean()
    assert no_hooks_left(model)


def test_top_patches_finds_the_planted_bright_spot():
    conv = nn.Conv2d(1, 1, 1, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
    model = nn.Sequential(conv, nn.Flatten()).eval()
    images = torch.zeros(5, 1, 20, 20)
    images[3, 0, 12, 6] = 9.0
    images[1, 0, 2, 2] = 5.0
    patches, indices, values = top_patches(model, images, layer="0", channel=0, patch=5, k=2,
                                           batch_size=2)
    assert indices.tolist() == [3, 1] and values.tolist() == [9.0, 5.0]
    assert patches.shape == (2, 1, 5, 5) and patches[0, 0, 2, 2] == 9.0


def test_maps_helpers():
    maps = torch.tensor([[[0.0, 2.0], [4.0, 4.0]]])
    assert normalize_maps(maps).max().item() == pytest.approx(1.0)
    assert normalize_maps(maps).min().item() == 0.0
    assert upsample_maps(maps, (4, 4)).shape == (1, 4, 4)
    assert heatmaps(torch.ones(1, 2, 2), (4, 4)).abs().max() == 0  # a constant map has no peak


# -- bad input ----------------------------------------------------------------------------------

def test_unknown_layer_lists_the_valid_names(resnet, photos):
    with pytest.raises(ValueError, match="no layer named 'layer9'") as error:
        grad_cam(resnet, photos, 0, layer="layer9")
    assert "layer3" in str(error.value) and "layer4.1.conv2" in str(error.value)
    with pytest.raises(ValueError, match="Valid layer names"):
        get_layer(resnet, "")


def test_class_index_out_of_range(resnet, photos):
    for call in (lambda: grad_cam(resnet, photos, 10, layer="layer3"),
                 lambda: gradient_saliency(resnet, photos, torch.tensor([0, -1]))):
        with pytest.raises(ValueError, match=r"out of range.*10 outputs.*\[0, 10\)"):
            call()


@pytest.mark.parametrize("bad, error, message", [
    (torch.rand(3, 16, 16), ValueError, r"\(N, C, H, W\).*image\[None\]"),
    (torch.randint(0, 255, (1, 3, 16, 16), dtype=torch.uint8), TypeError, "must be float"),
    (torch.full((1, 3, 16, 16), float("nan")), ValueError, "NaN"),
    (torch.rand(0, 3, 16, 16), ValueError, "empty"),
    (np.zeros((1, 3, 16, 16), dtype=np.float32), TypeError, "torch.as_tensor"),
    (torch.rand(1, 3, 16, 16, device="meta"), ValueError, "on meta but the model is on cpu"),
])
def test_bad_images_are_refused(bad, error, message):
    model = small_cnn()
    for call in (lambda: grad_cam(model, bad, 0, layer="3"),
                 lambda: occlusion(model, bad, 0, patch=4, stride=4),
                 lambda: integrated_gradients(model, bad, 0, steps=2),
                 lambda: class_activation_map(model, bad, 0, features="4", classifier="7")):
        with pytest.raises(error, match=message):
            call()


def test_other_bad_arguments():
    model = small_cnn()
    x = torch.rand(2, 3, 12, 12)
    with pytest.raises(ValueError, match="one class per image"):
        grad_cam(model, x, torch.tensor([1, 2, 3]), layer="3")
    with pytest.raises(TypeError, match="integer class indices"):
        grad_cam(model, x, torch.tensor([1.0, 2.0]), layer="3")
    with pytest.raises(ValueError, match="model.eval"):
        grad_cam(small_cnn().train(), x, 0, layer="3")
    with pytest.raises(ValueError, match="not maps"):
        grad_cam(model, x, 0, layer="7")
    with pytest.raises(ValueError, match="is a Conv2d; CAM needs the nn.Linear"):
        class_activation_map(model, x, 0, features="4", classifier="3")
    with pytest.raises(ValueError, match="just before the global average pooling"):
        class_activation_map(model, x, 0, features="0", classifier="7")
    with pytest.raises(ValueError, match="upsample them first"):
        deletion_curve(model, x, 0, torch.rand(2, 6, 6))
    with pytest.raises(ValueError, match="stride 9 is larger than the patch"):
        occlusion(model, x, 0, patch=4, stride=9)
    with pytest.raises(ValueError, match="larger than the image side"):
        occlusion(model, x, 0, patch=13, stride=4)
    with pytest.raises(ValueError, match="method must be one of"):
        integrated_gradients(model, x, 0, method="simpson")
    with pytest.raises(ValueError, match="channel 99 is out of range.*16 channels"):
        maximize_channel(model, "3", 99, shape=(3, 8, 8), steps=1)
    with pytest.raises(ValueError, match="need at least 9 images"):
        top_patches(model, x, layer="3", channel=0, patch=4)
    with pytest.raises(ValueError, match="same shape"):
        rank_correlation(torch.rand(2, 3, 3), torch.rand(2, 4, 4))
    with pytest.raises(ValueError, match="NaN"):
        rank_correlation(torch.full((1, 2, 2), float("nan")), torch.rand(1, 2, 2))
    assert no_hooks_left(model)
