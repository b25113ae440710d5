"""MobileNet-style networks (Howard et al., 2017): depthwise separable convolutions.

Introduced in ``06_architectures.ipynb``. A 3x3 convolution from C to C' channels costs
``9 C C'`` multiply-accumulates per pixel; a depthwise 3x3 (one filter per channel) followed by a
pointwise 1x1 costs ``9 C + C C'``, several times less for the same shapes. MobileNetV2 (Sandler
et al., 2018) wraps the depthwise convolution in an :class:`InvertedResidual` block.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.models.blocks import FeaturesHead, check_network, conv_bn_relu
from course_utils.validation import InputError, check_int_range, check_positive_int


def depthwise_separable(c_in: int, c_out: int, stride: int = 1) -> nn.Sequential:
    """Depthwise 3x3 conv-BN-ReLU, then pointwise 1x1 conv-BN-ReLU.

    Shapes: ``(B, c_in, H, W) -> (B, c_out, H / stride, W / stride)``.

    Parameters
    ----------
    c_in : int
    c_out : int
    stride : int
    """
    return nn.Sequential(conv_bn_relu(c_in, c_in, 3, stride, groups=c_in),
                         conv_bn_relu(c_in, c_out, 1))


def _conv_bn_relu6(c_in: int, c_out: int, kernel: int, stride: int = 1,
                   groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel, stride, padding=kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU6(inplace=True),
    )


class InvertedResidual(nn.Module):
    """MobileNetV2's block: expand with a 1x1, filter with a depthwise 3x3, project with a 1x1.

    The block is "inverted" because it is wide in the middle (``expand * c_in`` channels) and
    narrow at its ends, where a ResNet bottleneck is the other way round; the projection has no
    ReLU (a "linear bottleneck"), and the input is added to the output when the shapes agree
    (``stride == 1`` and ``c_in == c_out``). The layers are laid out as in torchvision's
    ``InvertedResidual``, so the two share ``state_dict`` keys. Introduced in
    ``06_architectures.ipynb``.

    Written out in ``06_architectures.ipynb``, section 4.

    Shapes: ``(B, c_in, H, W) -> (B, c_out, ceil(H / stride), ceil(W / stride))``.

    Parameters
    ----------
    c_in, c_out : int
        Channels in and out.
    stride : {1, 2}
        Stride of the depthwise convolution.
    expand : int
        Expansion factor ``t`` of the first 1x1 (1 leaves that layer out; MobileNetV2 uses 6).
    """

    def __init__(self, c_in: int, c_out: int, stride: int = 1, expand: int = 6) -> None:
        super().__init__()
        check_positive_int(c_in, "c_in")
        check_positive_int(c_out, "c_out")
        check_int_range(stride, "stride", 1, 2)
        check_positive_int(expand, "expand")
        hidden = c_in * expand
        layers = [] if expand == 1 else [_conv_bn_relu6(c_in, hidden, 1)]
        layers += [_conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
                   nn.Conv2d(hidden, c_out, 1, bias=False), nn.BatchNorm2d(c_out)]
        self.conv = nn.Sequential(*layers)
        self.c_in, self.use_res_connect = c_in, stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output for ``x``, ``(N, C, H, W)`` in, feature maps out.

        Parameters
        ----------
        x : torch.Tensor
        """
        if x.ndim != 4 or x.shape[1] != self.c_in:
            raise InputError(f"InvertedResidual expects (B, {self.c_in}, H, W), got "
                             f"{tuple(x.shape)}; build it with "
                             f"c_in={x.shape[1] if x.ndim == 4 else '...'}.")
        out = self.conv(x)
        return x + out if self.use_res_connect else out


class MobileNet(FeaturesHead):
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
            raise InputError(f"widths {widths} and strides {strides} need the same length.")
        check_network(in_channels, num_classes, widths=widths, strides=strides, stem=stem)
        self.in_channels, self.num_classes = in_channels, num_classes
        layers, c = [conv_bn_relu(in_channels, stem)], stem
        for width, stride in zip(widths, strides):
            layers.append(depthwise_separable(c, width, stride))
            c = width
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, num_classes))
