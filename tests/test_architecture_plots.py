"""Block diagrams read from the models (notebook 06): rows, shapes, merged repeats, errors."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from torch import nn

from course_utils.models import InvertedResidual, MobileNet, Normalize, ResNet, SmallVGG
from course_utils.plots import plot_block_diagrams
from course_utils.plots.architectures import block_rows, describe_block


def test_resnet_rows_merge_identical_blocks_and_give_shapes():
    rows = block_rows(nn.Sequential(Normalize([0.1], [0.3]), ResNet((5, 5, 5), widths=(8, 16, 32),
                                                                    stem_stride=2)), (1, 28, 28))
    texts = [(text, shape, repeats) for text, _, shape, repeats in rows]
    assert texts[0] == ("conv 3×3 → 8, stride 2 + BN", (8, 14, 14), 1)
    assert texts[1] == ("residual block: 2 × conv 3×3 → 8", (8, 14, 14), 5)
    assert texts[2] == ("residual block: 2 × conv 3×3 → 16, stride 2", (16, 7, 7), 1)
    assert texts[3] == ("residual block: 2 × conv 3×3 → 16", (16, 7, 7), 4)
    assert texts[-2:] == [("global average pooling", (32, 1, 1), 1), ("linear 32 → 10", (10,), 1)]
    plain = block_rows(ResNet((1, 1, 1), skip=False), (1, 28, 28))
    assert [kind for _, kind, _, _ in plain].count("plain") == 3


def test_vgg_and_mobilenet_rows():
    vgg = [(text, repeats) for text, _, _,
           repeats in block_rows(SmallVGG(widths=(16, 32)), (1, 28, 28))]
    assert vgg[:3] == [("conv 3×3 → 16 + BN", 2), ("max pooling 2×2", 1),
                       ("conv 3×3 → 32 + BN", 2)]
    mobile = block_rows(MobileNet(), (1, 28, 28))
    assert any(kind == "separable" for _, kind, _, _ in mobile)
    text, kind = describe_block(InvertedResidual(16, 24, stride=2))
    assert kind == "inverted" and "1×1 → 96" in text and "1×1 → 24" in text


def test_plot_draws_one_panel_per_model():
    fig = plot_block_diagrams({"a": ResNet((1, 1, 1)), "b": SmallVGG()}, (1, 28, 28))
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    plt.close(fig)


def test_bad_input_says_what_to_do():
    with pytest.raises(ValueError, match="models is empty"):
        plot_block_diagrams({}, (1, 28, 28))
    with pytest.raises(ValueError, match=r"has no \.features"):
        block_rows(nn.Linear(3, 2), (1, 28, 28))
    with pytest.raises(ValueError, match=r"input_shape must be \(C, H, W\)"):
        block_rows(ResNet(), (28, 28))
