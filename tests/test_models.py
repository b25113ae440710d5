"""The course's networks: output shapes, clear errors, and the cost counters."""

import pytest
import torch
from torch import nn

from course_utils.models import (
    DenseNet,
    LeNet5,
    MnistCNN,
    MobileNet,
    Normalize,
    ResNet,
    SmallVGG,
    count_macs,
    count_parameters,
    cpu_latency_ms,
    depthwise_separable,
)

NETWORKS = [LeNet5, SmallVGG, ResNet, lambda: ResNet(skip=False), DenseNet, MobileNet, MnistCNN]


@pytest.mark.parametrize("build", NETWORKS)
def test_networks_map_digits_to_ten_scores_and_train(build):
    torch.manual_seed(0)
    model = build()
    out = model(torch.rand(3, 1, 28, 28))
    assert out.shape == (3, 10)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.parametrize("build", NETWORKS)
def test_wrong_channels_are_a_clear_error(build):
    with pytest.raises(ValueError,
                       match=r"expects a batch of shape \(B, 1, H, W\), got \(2, 3, 28, 28\)"):
        build()(torch.rand(2, 3, 28, 28))


def test_fixed_size_networks_say_which_size():
    with pytest.raises(ValueError, match="built for 28x28 images, got 32x32"):
        MnistCNN()(torch.rand(1, 1, 32, 32))
    with pytest.raises(ValueError, match="float"):
        LeNet5()(torch.zeros(1, 1, 28, 28, dtype=torch.uint8))


def test_plain_twin_has_the_same_layers_without_additions():
    res, plain = ResNet((3, 3, 3)), ResNet((3, 3, 3), skip=False)
    assert res.depth == plain.depth == 20
    def convs(m):
        return [c.weight.shape for c in m.modules() if isinstance(c, nn.Conv2d)
                           and c.kernel_size == (3, 3)]
    assert convs(res) == convs(plain)  # only the 1x1 projections on the skip path differ


def test_counting_parameters_and_macs():
    conv = nn.Conv2d(3, 8, 3, padding=1)
    assert count_parameters(conv) == 3 * 8 * 9 + 8
    assert count_macs(conv, (3, 10, 10)) == 10 * 10 * 8 * 3 * 9
    assert count_macs(nn.Sequential(nn.Flatten(), nn.Linear(12, 5)), (3, 2, 2)) == 60
    block = depthwise_separable(64, 128)
    assert count_macs(block, (64, 14, 14)) == 14 * 14 * (9 * 64 + 64 * 128)
    assert count_macs(LeNet5(), (1, 28, 28)) == (28 * 28 * 6 * 25 + 10 * 10 * 16 * 6 * 25
                                                 + 400 * 120 + 120 * 84 + 84 * 10)
    with pytest.raises(ValueError, match="C, H, W"):
        count_macs(conv, (10, 10))


def test_latency_is_positive_and_leaves_the_model_where_it_was():
    model = LeNet5().train()
    assert cpu_latency_ms(model, (1, 28, 28), repeats=3) > 0
    assert model.training


def test_normalize():
    norm = Normalize([0.5], [0.25])
    assert torch.allclose(norm(torch.full((1, 1, 2, 2), 0.75)), torch.ones(1, 1, 2, 2))
    with pytest.raises(ValueError, match="1 channel"):
        norm(torch.zeros(1, 3, 2, 2))
    with pytest.raises(ValueError, match="positive std"):
        Normalize([0.5], [0.0])
