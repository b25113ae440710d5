"""Checkers for the exercises of ``17_keras_and_pytorch.ipynb``.

1. ``check_conv_kernel``: a ``Conv2d`` weight in Keras's kernel layout;
2. ``check_dense_kernel``: the dense layer after ``Flatten``, in Keras's layout and order;
3. ``check_parameter_count``: the parameters of a Keras ``Conv2D`` (a prediction).

Functions are compared with :mod:`course_utils.frameworks` on hidden, seeded cases; those
functions are refused as answers.
"""

from __future__ import annotations

from typing import Callable

import torch

from course_utils.exercises.framework import Wrong, as_array, call, exercise
from course_utils.frameworks import conv_kernel_to_keras, dense_kernel_to_keras


def _conv_cases() -> list[tuple[torch.Tensor, str]]:
    gen = torch.Generator().manual_seed(1700)
    return [(torch.randn(shape, generator=gen), f"a Conv2d weight of shape {shape}")
            for shape in [(4, 3, 3, 3), (8, 1, 5, 5), (2, 6, 1, 3), (5, 2, 3, 1)]]


@exercise("ch17.ex1", title="a convolution kernel in Keras's layout", kind="function",
          expects="a function conv_kernel_to_keras(weight) -> tensor: (out, in, kh, kw) in, "
                  "(kh, kw, in, out) out",
          hints=("Nothing is computed: the same numbers are only put in another order of axes.",
                 "Name the four axes of the PyTorch weight 0, 1, 2, 3, and write which of them "
                 "comes first, second, third and last in Keras's kernel.",
                 "One call of Tensor.permute does it."),
          solution="conv_kernel_to_keras", forbidden=(conv_kernel_to_keras,))
def check_conv_kernel(fn: Callable) -> str:
    """Exercise 1: ``fn(weight)`` equals ``weight.permute(2, 3, 1, 0)``."""
    for weight, case in _conv_cases():
        got = as_array(call(fn, weight.clone(), case=case), what="your kernel")
        want = conv_kernel_to_keras(weight).double()
        if tuple(got.shape) != tuple(want.shape):
            if tuple(got.shape) == tuple(weight.permute(2, 3, 0, 1).shape) and (
                    weight.shape[0] != weight.shape[1]):
                raise Wrong(f"On {case} your kernel has shape {tuple(got.shape)}: Keras keeps "
                            "the input channels before the output channels, (kh, kw, in, out).")
            raise Wrong(f"On {case} your kernel has shape {tuple(got.shape)}, expected "
                        f"{tuple(want.shape)} (kh, kw, in, out).")
        if not torch.equal(got, want):
            raise Wrong(f"On {case} the shape is right but the numbers are not where Keras "
                        "looks for them: a reshape or view keeps the memory order; reorder the "
                        "axes with permute instead.")
    return ("Right: the same weights, axes reordered. Keras reads kernel[i, j, c_in, c_out] "
            "where PyTorch reads weight[c_out, c_in, i, j].")


def _dense_cases() -> list[tuple[torch.Tensor, tuple[int, int, int], str]]:
    gen = torch.Generator().manual_seed(1701)
    cases = []
    for out, shape in [(10, (4, 3, 3)), (3, (2, 5, 2)), (6, (8, 1, 1)), (2, (3, 2, 4))]:
        features = shape[0] * shape[1] * shape[2]
        cases.append((torch.randn(out, features, generator=gen), shape,
                      f"a Linear({features}, {out}) after Flatten of {shape} maps"))
    return cases


@exercise("ch17.ex2", title="the dense layer after Flatten, in Keras's layout", kind="function",
          expects="a function dense_to_keras(weight, channels, height, width) -> (in, out) "
                  "tensor",
          hints=("Two things differ: Keras's Dense kernel is (in, out), and Flatten lists the "
                 "features in another order (PyTorch: channel by channel; Keras: pixel by "
                 "pixel, all channels of a pixel together).",
                 "Give the weight back its maps' shape, (out, C, H, W), move the channel axis "
                 "behind the pixels, then flatten again.",
                 "view(out, C, H, W), permute(0, 2, 3, 1), reshape(out, -1), then transpose."),
          solution="dense_to_keras", forbidden=(dense_kernel_to_keras,))
def check_dense_kernel(fn: Callable) -> str:
    """Exercise 2: ``fn(weight, C, H, W)`` equals :func:`dense_kernel_to_keras`."""
    for weight, shape, case in _dense_cases():
        got = as_array(call(fn, weight.clone(), *shape, case=case), what="your kernel")
        want = dense_kernel_to_keras(weight, shape).double()
        if tuple(got.shape) != tuple(want.shape):
            raise Wrong(f"On {case} your kernel has shape {tuple(got.shape)}, expected "
                        f"{tuple(want.shape)}: Keras's Dense kernel is (in, out).")
        if torch.equal(got, weight.t().double()) and not torch.equal(got, want):
            raise Wrong(f"On {case} you transposed the weight but kept PyTorch's (C, H, W) "
                        "order of the features; Keras flattens in (H, W, C) order.")
        if not torch.equal(got, want):
            raise Wrong(f"On {case} the shape is right but the features are in another order "
                        "than Keras's (H, W, C) flattening.")
    return ("Right: transposed, and the features reordered from (C, H, W) to (H, W, C), the one "
            "step a plain transpose forgets.")


@exercise("ch17.ex3", title="parameters of a Keras convolution", kind="number",
          expects="a whole number of parameters",
          hints=("Each of the 64 filters has a 5x5 window over every input channel, and a bias.",
                 "Count one filter's weights (5 x 5 x input channels), add its bias, multiply "
                 "by the number of filters."),
          solution="conv_parameters")
def check_parameter_count(answer: float) -> str:
    """Exercise 3: parameters of ``keras.layers.Conv2D(64, 5)`` on 32-channel maps."""
    if answer == 5 * 5 * 32 * 64 + 64:
        return ("Right: 51,264, the same as nn.Conv2d(32, 64, 5); Keras infers the 32 from the "
                "maps it first receives.")
    if answer == 5 * 5 * 32 * 64:
        raise Wrong("That counts the weights; each filter also has a bias.")
    if answer == 5 * 5 * 64 + 64:
        raise Wrong("A filter sees every input channel: its window is 5 x 5 x 32 numbers.")
    raise Wrong(f"{answer:g} is not it: count one filter's numbers first.")
