"""DenseNet (Huang et al., 2017): every layer in a block sees the feature maps of all before it.

Introduced in ``06_architectures.ipynb``.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.models.blocks import FeaturesHead, check_network, conv_bn_relu
from course_utils.validation import check_int_range, check_positive_int


class DenseBlock(nn.Module):
    """``layers`` BN-ReLU-3x3 conv layers, each adding ``growth`` channels by concatenation.

    Shapes: ``(B, c_in, H, W) -> (B, c_in + layers * growth, H, W)``.
    """

    def __init__(self, c_in: int, layers: int = 4, growth: int = 12) -> None:
        super().__init__()
        check_positive_int(c_in, "c_in")
        check_int_range(layers, "layers", low=0)
        check_positive_int(growth, "growth")
        self.layers = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(c_in + i * growth), nn.ReLU(inplace=True),
                          nn.Conv2d(c_in + i * growth, growth, 3, padding=1, bias=False))
            for i in range(layers)
        )
        self.out_channels = c_in + layers * growth

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output for ``x``, ``(N, C, H, W)`` in, feature maps out.

        Parameters
        ----------
        x : torch.Tensor
        """
        features = [x]
        for layer in self.layers:
            features.append(layer(torch.cat(features, 1)))
        return torch.cat(features, 1)


class DenseNet(FeaturesHead):
    """A stem, dense blocks joined by transitions (1x1 conv to halve the channels, 2x2 average
    pooling), then global average pooling and a classifier.

    Shapes: ``(B, in_channels, H, W) -> (B, num_classes)``.

    Parameters
    ----------
    blocks : tuple of int
        Layers in each dense block.
    growth : int
        Channels each layer adds.
    stem : int
        Channels of the first convolution.
    stem_stride : int
        Stride of the first convolution (2 quarters the cost of everything after it).
    in_channels, num_classes : int
    """

    def __init__(self, blocks: tuple[int, ...] = (4, 4), growth: int = 12, stem: int = 16,
                 stem_stride: int = 1, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        check_network(in_channels, num_classes, blocks=blocks, growth=growth, stem=stem,
                      stem_stride=stem_stride)
        self.in_channels, self.num_classes = in_channels, num_classes
        layers, c = [conv_bn_relu(in_channels, stem, stride=stem_stride)], stem
        for i, n in enumerate(blocks):
            block = DenseBlock(c, n, growth)
            layers.append(block)
            c = block.out_channels
            if i < len(blocks) - 1:
                layers += [nn.BatchNorm2d(c), nn.ReLU(inplace=True),
                           nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2)]
                c //= 2
        self.features = nn.Sequential(*layers, nn.BatchNorm2d(c), nn.ReLU(inplace=True))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, num_classes))
