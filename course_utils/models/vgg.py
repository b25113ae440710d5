"""A small VGG: stacks of 3x3 convolutions, doubling the width after each pooling.

Introduced in ``06_architectures.ipynb``.
"""

from __future__ import annotations

from torch import nn

from course_utils.models.blocks import FeaturesHead, check_network, conv_bn_relu


class SmallVGG(FeaturesHead):
    """Stages of ``convs_per_stage`` 3x3 conv-BN-ReLU layers, each stage ending in 2x2 max pooling.

    Shapes: ``(B, in_channels, H, W) -> (B, num_classes)`` for any ``H, W >= 2**len(widths)``
    (global average pooling before the classifier).

    Parameters
    ----------
    widths : tuple of int
        Channels of each stage.
    convs_per_stage : int
    in_channels, num_classes : int
    """

    def __init__(self, widths: tuple[int, ...] = (16, 32, 64), convs_per_stage: int = 2,
                 in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        check_network(in_channels, num_classes, widths=widths, convs_per_stage=convs_per_stage)
        self.in_channels, self.num_classes = in_channels, num_classes
        self.min_size = 2 ** len(widths)
        layers, c_in = [], in_channels
        for width in widths:
            for _ in range(convs_per_stage):
                layers.append(conv_bn_relu(c_in, width))
                c_in = width
            layers.append(nn.MaxPool2d(2, ceil_mode=True))
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(c_in, num_classes))
