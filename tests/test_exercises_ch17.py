"""Each checker of 17_keras_and_pytorch accepts its solution and rejects typical mistakes with the
right diagnosis."""

from __future__ import annotations

from course_utils.exercises import ch17
from course_utils.exercises.solutions import ch17 as solutions
from course_utils.frameworks import conv_kernel_to_keras


def test_conv_kernel():
    assert ch17.check_conv_kernel(solutions.conv_kernel_to_keras)
    out_in_swapped = ch17.check_conv_kernel(lambda w: w.permute(2, 3, 0, 1))
    assert "input channels before the output channels" in out_in_swapped.message
    reshaped = ch17.check_conv_kernel(lambda w: w.reshape(w.shape[2], w.shape[3], w.shape[1],
                                                          w.shape[0]))
    assert "permute instead" in reshaped.message
    assert "not your own code" in ch17.check_conv_kernel(conv_kernel_to_keras).message


def test_dense_kernel():
    assert ch17.check_dense_kernel(solutions.dense_to_keras)
    plain_transpose = ch17.check_dense_kernel(lambda w, c, h, x: w.t())
    assert "(H, W, C) order" in plain_transpose.message
    not_transposed = ch17.check_dense_kernel(
        lambda w, c, h, x: w.view(-1, c, h, x).permute(0, 2, 3, 1).reshape(w.shape[0], -1))
    assert "(in, out)" in not_transposed.message


def test_parameter_count():
    assert ch17.check_parameter_count(solutions.conv_parameters)
    assert "bias" in ch17.check_parameter_count(5 * 5 * 32 * 64).message
    assert "every input channel" in ch17.check_parameter_count(5 * 5 * 64 + 64).message
