"""The checkers of 02_convolution.ipynb: solutions pass, typical mistakes get the right diagnosis,
and neither PyTorch's nor the course's own implementations pass."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercises_support import diagnosis

from course_utils.exercises import ch02
from course_utils.exercises.solutions import ch02 as solutions
from course_utils.layers import conv2d, conv2d_loops, conv_output_size, pool2d

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_output_size():
    assert ch02.check_output_size(solutions.output_size)
    assert "not your own code" in diagnosis(ch02.check_output_size, conv_output_size)
    assert "Expected a function" in diagnosis(ch02.check_output_size, 42)
    no_dilation = diagnosis(ch02.check_output_size, lambda n, k, s, p, d: (n + 2 * p - k) // s + 1)
    assert "without dilation" in no_dilation
    one_short = diagnosis(ch02.check_output_size,
                          lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s)
    assert "one short" in one_short
    true_division = diagnosis(ch02.check_output_size,
                              lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) / s + 1)
    assert "//" in true_division
    assert "ZeroDivisionError" in diagnosis(ch02.check_output_size, lambda n, k, s, p, d: 1 / 0)
    assert "whole number" in diagnosis(ch02.check_output_size, lambda n, k, s, p, d: "7")


def _lesson_loops(x, weight, bias, stride=1, padding=0, dilation=1):
    """The notebook's loop convolution, which ignores dilation."""
    n_images, _, h, w = x.shape
    n_filters, _, k, _ = weight.shape
    x = F.pad(x, (padding,) * 4)
    h_out, w_out = (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1
    out = torch.zeros(n_images, n_filters, h_out, w_out, dtype=x.dtype)
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(h_out):
                for j in range(w_out):
                    window = x[n, :, i * stride:i * stride + k, j * stride:j * stride + k]
                    out[n, f, i, j] = (window * weight[f]).sum() + bias[f]
    return out


def test_conv2d_loops():
    assert ch02.check_conv2d_loops(solutions.conv2d_loops)
    float32 = ch02.check_conv2d_loops(lambda *a: solutions.conv2d_loops(*a).float())
    assert float32, float32.message
    for library in (F.conv2d, conv2d, conv2d_loops):
        assert "not your own code" in diagnosis(ch02.check_conv2d_loops, library)


def test_conv2d_loops_mistakes():
    assert "dilation" in diagnosis(ch02.check_conv2d_loops, _lesson_loops)
    no_bias = diagnosis(ch02.check_conv2d_loops, lambda x, w, b, s, p, d:
                        solutions.conv2d_loops(x, w, torch.zeros_like(b), s, p, d))
    assert "bias" in no_bias
    flipped = diagnosis(ch02.check_conv2d_loops, lambda x, w, b, s, p, d:
                        solutions.conv2d_loops(x, w.flip(-1, -2), b, s, p, d))
    assert "flipped" in flipped
    assert "returned None" in diagnosis(ch02.check_conv2d_loops, lambda *a: None)


def test_max_pool2d():
    assert ch02.check_max_pool2d(solutions.max_pool2d)
    for library in (F.max_pool2d, pool2d):
        assert "not your own code" in diagnosis(ch02.check_max_pool2d, library)
    average = diagnosis(ch02.check_max_pool2d, lambda x, k, s: F.avg_pool2d(x, k, s))
    assert "average" in average
    mixed = diagnosis(ch02.check_max_pool2d,
                      lambda x, k, s: F.max_pool2d(x, k, s).amax(1, keepdim=True))
    assert "one channel" in mixed
    stride_is_k = diagnosis(ch02.check_max_pool2d, lambda x, k, s: F.max_pool2d(x + 0, k, k))
    assert "stride differs" in stride_is_k


def test_vertical_edge_kernel():
    sobel = solutions.vertical_edge_kernel
    assert ch02.check_vertical_edge_kernel(sobel)
    assert ch02.check_vertical_edge_kernel(sobel.tolist())      # a list
    assert ch02.check_vertical_edge_kernel(sobel.numpy())       # NumPy
    assert ch02.check_vertical_edge_kernel(-sobel.double())     # float64, the other sign
    assert ch02.check_vertical_edge_kernel([[1, 0, -1]] * 3)    # ints


def test_vertical_edge_kernel_mistakes():
    sobel = solutions.vertical_edge_kernel
    assert "NaN" in diagnosis(ch02.check_vertical_edge_kernel, torch.full((3, 3), float("nan")))
    assert "NaN" in diagnosis(ch02.check_vertical_edge_kernel, np.full((3, 3), np.nan))
    assert "horizontal" in diagnosis(ch02.check_vertical_edge_kernel, sobel.T)
    assert "add up" in diagnosis(ch02.check_vertical_edge_kernel, torch.ones(3, 3) / 9)
    assert "All weights are 0" in diagnosis(ch02.check_vertical_edge_kernel, torch.zeros(3, 3))
    assert "shape" in diagnosis(ch02.check_vertical_edge_kernel, [[1, -1]])
    laplacian = torch.tensor([[0, -1, 0], [-1, 4, -1], [0, -1, 0.0]])
    assert "horizontal" in diagnosis(ch02.check_vertical_edge_kernel, laplacian)


def test_counts():
    assert ch02.check_conv_params(solutions.conv_params)
    assert "biases" in diagnosis(ch02.check_conv_params, 1200)
    assert "3 input channels" in diagnosis(ch02.check_conv_params, 416)
    assert ch02.check_receptive_field(solutions.receptive_field)
    assert ch02.check_receptive_field(np.int64(solutions.receptive_field))
    assert "stride" in diagnosis(ch02.check_receptive_field, 8)
    assert "k - 1" in diagnosis(ch02.check_receptive_field, 11)
    assert "whole number" in diagnosis(ch02.check_receptive_field, "10")
