"""Solutions to the exercises of ``06_architectures.ipynb``."""

from torch import nn

separable_saving = (9 * 64 * 128) / (9 * 64 + 64 * 128)
dense_channels = 16 + 4 * 12
residual_block = ((64, 7, 7), True)


def conv_macs(c_in: int, c_out: int, k: int, h_out: int, w_out: int, groups: int) -> int:
    """Exercise 4: multiply-accumulates of one image through a convolution.

    Parameters
    ----------
    c_in : int
    c_out : int
    k : int
    h_out : int
    w_out : int
    groups : int
    """
    return c_out * h_out * w_out * (c_in // groups) * k * k


def separable_block(c_in: int, c_out: int, stride: int) -> nn.Module:
    """Exercise 5: depthwise 3x3 (one filter per channel), then pointwise 1x1.

    Parameters
    ----------
    c_in : int
    c_out : int
    stride : int
    """
    return nn.Sequential(
        nn.Conv2d(c_in, c_in, 3, stride=stride, padding=1, groups=c_in, bias=False),
        nn.BatchNorm2d(c_in), nn.ReLU(),
        nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
    )
