"""Checkers for the exercises of ``06_architectures.ipynb``."""

from __future__ import annotations

import math

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, correct, not_answered, wrong


def check_separable_saving(answer: object) -> Feedback:
    """Exercise 1: how many times fewer multiply-accumulates a depthwise separable block needs
    than a 3x3 convolution from 64 to 128 channels, both giving a 14x14 output."""
    hint = ("Per output pixel: standard 3*3*64*128; depthwise 3*3*64 (one filter per channel) "
            "plus pointwise 64*128. The pixel count cancels in the ratio.")
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return wrong(f"Expected a number, got {answer!r}.", hint)
    standard, separable = 9 * 64 * 128, 9 * 64 + 64 * 128
    ratio = standard / separable
    if math.isclose(value, ratio, rel_tol=0.01):
        return correct(f"{standard:,} against {separable:,} per pixel: {ratio:.2f} times fewer.")
    if math.isclose(value, 1 / ratio, rel_tol=0.01):
        return wrong("That is the inverse.", "Divide the standard cost by the separable one.")
    if math.isclose(value, standard / (9 * 64), rel_tol=0.01):
        return wrong("The pointwise 1x1 convolution is missing.", hint)
    if math.isclose(value, standard / (64 * 128), rel_tol=0.01):
        return wrong("The depthwise 3x3 convolution is missing.", hint)
    return wrong(f"Got {value:.4g}.", hint)


def check_dense_channels(answer: object) -> Feedback:
    """Exercise 2: output channels of ``DenseBlock(c_in=16, layers=4, growth=12)``."""
    hint = "Each layer concatenates its 12 new maps to everything before it, the input included."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    if answer == 64:
        return correct("16 + 4 * 12 = 64: the block's input travels all the way to its output.")
    if answer == 48:
        return wrong("The block's input is part of its output too.", hint)
    if answer == 12:
        return wrong("That is what the last layer adds, not the whole block.", hint)
    return wrong(f"Got {answer!r}.", hint)


def check_residual_block(answer: object) -> Feedback:
    """Exercise 3: for ``BasicBlock(32, 64, stride=2)`` on a ``(B, 32, 14, 14)`` batch,
    ``answer = ((C, H, W) of the output, whether the skip path needs a 1x1 convolution)``."""
    hint = ("The stride halves H and W (padding 1 keeps 3x3 convolutions from shrinking them "
            "further); x + F(x) needs x and F(x) of the same shape.")
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    try:
        shape, projection = answer
        shape = tuple(int(v) for v in shape)
    except (TypeError, ValueError):
        return wrong(f"Expected ((C, H, W), True or False), got {answer!r}.", hint)
    if shape != (64, 7, 7):
        if shape == (64, 14, 14):
            return wrong("The shape forgets the stride.", hint)
        if shape[0] == 32:
            return wrong("The block outputs 64 channels.", hint)
        return wrong(f"The output shape {shape} is not right.", hint)
    if projection is not True:
        return wrong("The shape is right, but the input (32, 14, 14) cannot be added to a "
                     "(64, 7, 7) output as it is.", "A strided 1x1 convolution matches both.")
    return correct("(64, 7, 7), and a strided 1x1 convolution brings the input to that shape "
                   "so that it can be added.")
