"""MobileNet-style networks (Howard et al., 2017): depthwise separable convolutions.

Introduced in ``06_architectures.ipynb``. A 3x3 convolution from C to C' channels costs
``9 C C'`` multiply-accumulates per pixel; a depthwise 3x3 (one filter per channel) followed by a
pointwise 1x1 costs ``9 C + C C'``, several times less for the same shapes.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.models.blocks import check_input, conv_bn_relu


def depthwise_separable(c_in: int, c_out: int, stride: int = 1) -> nn.Sequential:
    """Depthwise 3x3 conv-BN-ReLU, then pointwise 1x1 conv-BN-ReLU.

    Shapes: ``(B, c_in, H, W) -> (B, c_out, H / stride, W / stride)``.
    """
    return nn.Sequential(conv_bn_relu(c_in, c_in, 3, stride, groups=c_in),
                         conv_bn_relu(c_in, c_out, 1))


class MobileNet(nn.Module):
    """A 3x3 stem, then depthwise separable blocks, global average pooling and a classifier.

    Shapes: ``(B, in_channels, H, W) -> (B, num_classes)``.

    Parameters
    ----------
    widths : tuple of int
        Output channels of the blocks.
    strides : tuple of int
        Stride of each block (2 halves the resolution).
    stem : int
    in_channels, num_classes : int
    """

    def __init__(self, widths: tuple[int, ...] = (32, 64, 64, 128, 128),
                 strides: tuple[int, ...] = (1, 2, 1, 2, 1), stem: int = 16,
                 in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        if len(widths) != len(strides):
            raise ValueError(f"widths {widths} and strides {strides} need the same length.")
        self.in_channels, self.num_classes = in_channels, num_classes
        layers, c = [conv_bn_relu(in_channels, stem)], stem
        for width, stride in zip(widths, strides):
            layers.append(depthwise_separable(c, width, stride))
            c = width
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input(x, self)
        return self.head(self.features(x))
