"""Each checker of 02_convolution.ipynb accepts its solution and rejects typical mistakes."""

import torch

from course_utils.exercises import ch02
from course_utils.exercises.solutions import ch02 as solutions


def test_solutions_pass():
    assert ch02.check_output_size(solutions.output_size)
    assert ch02.check_vertical_edge_kernel(solutions.vertical_edge_kernel)
    assert ch02.check_conv_params(solutions.conv_params)
    assert ch02.check_receptive_field(solutions.receptive_field)


def test_unanswered_is_not_an_error():
    for check in (ch02.check_output_size, ch02.check_vertical_edge_kernel, ch02.check_conv_params,
                  ch02.check_receptive_field):
        feedback = check(...)
        assert not feedback and "No answer yet" in feedback.message and feedback.hint


def test_output_size_mistakes():
    no_dilation = ch02.check_output_size(lambda n, k, s, p, d: (n + 2 * p - k) // s + 1)
    assert not no_dilation and "dilation" in no_dilation.hint
    no_plus_one = ch02.check_output_size(lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s)
    assert not no_plus_one and "+ 1" in no_plus_one.hint
    true_division = ch02.check_output_size(lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) / s + 1)
    assert not true_division and "//" in true_division.hint
    assert not ch02.check_output_size(lambda n, k, s, p, d: 1 / 0)
    assert not ch02.check_output_size(42)


def test_edge_kernel_mistakes():
    sobel = solutions.vertical_edge_kernel
    horizontal = ch02.check_vertical_edge_kernel(sobel.T)
    assert not horizontal and "horizontal" in horizontal.message
    blur = ch02.check_vertical_edge_kernel(torch.ones(3, 3) / 9)
    assert not blur and "sum to 0" in blur.hint
    assert not ch02.check_vertical_edge_kernel(torch.zeros(3, 3))
    assert not ch02.check_vertical_edge_kernel([[1, -1]])
    assert not ch02.check_vertical_edge_kernel(torch.tensor([[0, -1, 0], [-1, 4, -1], [0, -1, 0.0]]))


def test_count_mistakes():
    assert "biases" in ch02.check_conv_params(1200).hint
    assert "3 input channels" in ch02.check_conv_params(416).hint
    assert "stride" in ch02.check_receptive_field(8).hint
    assert not ch02.check_receptive_field(11)
