"""Residual networks, and the same networks with the skip connections taken out.

Introduced in ``06_architectures.ipynb``, which trains both at the same depth: without skips
the deeper network trains worse, which is the problem residual connections solved (He et al.,
2015).
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.models.blocks import FeaturesHead, check_network, conv_bn_relu
from course_utils.validation import InputError, check_positive_int


class BasicBlock(nn.Module):
    """Two 3x3 conv-BN layers; with ``skip`` their output is added to the input.

    Shapes: ``(B, c_in, H, W) -> (B, c_out, H / stride, W / stride)``. When the shape changes,
    the skip path is a strided 1x1 convolution.

    Written out in ``06_architectures.ipynb``, section 3.

    Parameters
    ----------
    c_in, c_out : int
        Channels in and out.
    stride : int
        Stride of the first convolution and of the 1x1 skip path.
    skip : bool
        False leaves out the addition (the "plain" twin).
    """

    def __init__(self, c_in: int, c_out: int, stride: int = 1, skip: bool = True) -> None:
        super().__init__()
        check_positive_int(stride, "stride")
        self.body = nn.Sequential(
            conv_bn_relu(c_in, c_out, stride=stride),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        self.skip = skip
        self.shortcut = nn.Identity()
        if skip and (stride != 1 or c_in != c_out):
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(c_out))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output for ``x``, ``(N, C, H, W)`` in, feature maps out.

        Parameters
        ----------
        x : torch.Tensor
        """
        out = self.body(x)
        if self.skip:
            out = out + self.shortcut(x)
        return self.relu(out)


class ResNet(FeaturesHead):
    """A stem, stages of :class:`BasicBlock`, global average pooling and a classifier.

    Shapes: ``(B, in_channels, H, W) -> (B, num_classes)``.

    Parameters
    ----------
    blocks_per_stage : tuple of int
        Number of blocks in each stage; every stage after the first halves the resolution.
        Depth in weighted layers is ``2 * sum(blocks_per_stage) + 2``.
    widths : tuple of int
        Channels of each stage.
    skip : bool
        False gives the "plain" twin: the same layers without the additions.
    stem_stride : int
        Stride of the first convolution (2 quarters the cost of everything after it).
    in_channels, num_classes : int
    """

    def __init__(self, blocks_per_stage: tuple[int, ...] = (2, 2, 2),
                 widths: tuple[int, ...] = (16, 32, 64), skip: bool = True,
                 stem_stride: int = 1, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        if len(blocks_per_stage) != len(widths):
            raise InputError(
                f"blocks_per_stage {blocks_per_stage} and widths {widths} need one entry per "
                "stage each."
            )
        check_network(in_channels, num_classes, widths=widths, stem_stride=stem_stride)
        check_network(in_channels, num_classes, blocks_per_stage=blocks_per_stage)
        self.in_channels, self.num_classes, self.skip = in_channels, num_classes, skip
        self.depth = 2 * sum(blocks_per_stage) + 2
        layers, c_in = [conv_bn_relu(in_channels, widths[0], stride=stem_stride)], widths[0]
        for stage, (blocks, width) in enumerate(zip(blocks_per_stage, widths)):
            for i in range(blocks):
                stride = 2 if stage > 0 and i == 0 else 1
                layers.append(BasicBlock(c_in, width, stride, skip))
                c_in = width
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(c_in, num_classes))
