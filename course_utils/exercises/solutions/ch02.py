"""Solutions to the exercises of ``02_convolution.ipynb``."""

import torch
import torch.nn.functional as F


def output_size(n: int, k: int, stride: int, padding: int, dilation: int) -> int:
    """Exercise 1: output size along one axis.

    Parameters
    ----------
    n : int
    k : int
    stride : int
    padding : int
    dilation : int
    """
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def conv2d_loops(x, weight, bias, stride=1, padding=0, dilation=1):
    """Exercise 2: (N, C, H, W) * (F, C, k, k) + (F,) -> (N, F, H_out, W_out), with loops.

    Parameters
    ----------
    x : object
    weight : object
    bias : object
    stride : object
    padding : object
    dilation : object
    """
    n_images, _, h, w = x.shape
    n_filters, _, k, _ = weight.shape
    span = dilation * (k - 1) + 1
    x = F.pad(x, (padding, padding, padding, padding))
    h_out = (h + 2 * padding - span) // stride + 1
    w_out = (w + 2 * padding - span) // stride + 1
    out = torch.zeros(n_images, n_filters, h_out, w_out, dtype=x.dtype)
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(h_out):
                for j in range(w_out):
                    top, left = i * stride, j * stride
                    window = x[n, :, top:top + span:dilation, left:left + span:dilation]
                    out[n, f, i, j] = (window * weight[f]).sum() + bias[f]
    return out


def max_pool2d(x, kernel_size, stride):
    """Exercise 3: (N, C, H, W) -> (N, C, H_out, W_out), the largest value of each window.

    Parameters
    ----------
    x : object
    kernel_size : object
    stride : object
    """
    n_images, channels, h, w = x.shape
    h_out = (h - kernel_size) // stride + 1
    w_out = (w - kernel_size) // stride + 1
    out = torch.zeros(n_images, channels, h_out, w_out, dtype=x.dtype)
    for n in range(n_images):
        for c in range(channels):
            for i in range(h_out):
                for j in range(w_out):
                    top, left = i * stride, j * stride
                    out[n, c, i, j] = x[n, c, top:top + kernel_size, left:left + kernel_size].max()
    return out


vertical_edge_kernel = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])

conv_params = 16 * 3 * 5 * 5 + 16

receptive_field = 1 + 2 + 2 + 1 + 2 * 2
