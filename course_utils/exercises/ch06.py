"""Checkers for the exercises of ``06_architectures.ipynb``.

The code exercises are checked on hidden, seeded layer sizes; the course's own cost counter and
blocks are refused as answers.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch
from torch import nn

from course_utils.exercises.framework import (
    Wrong,
    as_number,
    as_tuple,
    call,
    describe_answer,
    exercise,
)
from course_utils.models import count_macs
from course_utils.models.mobilenet import depthwise_separable


@exercise("ch06.ex1", title="what a separable convolution saves", kind="number",
          expects="a number (how many times fewer multiply-accumulates)",
          hints=("Count the multiply-accumulates of one output pixel for each option; the number "
                 "of pixels is the same for both and cancels.",
                 "A standard 3x3 convolution mixes every input channel into every output channel "
                 "with 9 weights each; a depthwise 3x3 has one 3x3 filter per channel; a "
                 "pointwise "
                 "1x1 mixes channels with one weight per pair.",
                 "Divide the standard cost by the sum of the two separable costs."),
          solution="separable_saving")
def check_separable_saving(answer: float) -> str:
    """Exercise 1: how many times fewer multiply-accumulates a depthwise separable block needs
    than a 3x3 convolution from 64 to 128 channels, both giving a 14x14 output.
    """
    standard, separable = 9 * 64 * 128, 9 * 64 + 64 * 128
    ratio = standard / separable
    if math.isclose(answer, ratio, rel_tol=0.01):
        return f"{standard:,} against {separable:,} per pixel: {ratio:.2f} times fewer."
    if math.isclose(answer, 1 / ratio, rel_tol=0.01):
        raise Wrong("That is the inverse: the standard cost divided by the separable one is "
                    "larger than 1.")
    if math.isclose(answer, standard / (9 * 64), rel_tol=0.01):
        raise Wrong("The pointwise 1x1 convolution's cost is missing.")
    if math.isclose(answer, standard / (64 * 128), rel_tol=0.01):
        raise Wrong("The depthwise 3x3 convolution's cost is missing.")
    raise Wrong(f"{answer:.4g} is not it.")


@exercise("ch06.ex2", title="channels out of a dense block", kind="number",
          expects="a whole number of channels",
          hints=("Each layer of a dense block adds `growth` new maps and keeps everything it was "
                 "given.",
                 "Is the block's own input part of what it passes on?",
                 "Start from the input's channels and add what each layer contributes."),
          solution="dense_channels")
def check_dense_channels(answer: float) -> str:
    """Exercise 2: output channels of ``DenseBlock(c_in=16, layers=4, growth=12)``."""
    if answer == 16 + 4 * 12:
        return "The block's input travels all the way to its output, with 12 new maps per layer."
    if answer == 4 * 12:
        raise Wrong("The block's input is part of its output too.")
    if answer == 12:
        raise Wrong("That is what one layer adds, not the whole block.")
    raise Wrong(f"{answer:g} is not it.")


def _is_bool(value: object) -> bool:
    if isinstance(value, torch.Tensor):
        return value.dtype == torch.bool and value.numel() == 1
    if isinstance(value, np.ndarray):
        return value.dtype == np.bool_ and value.size == 1
    return isinstance(value, (bool, np.bool_))


@exercise("ch06.ex3", title="shapes through a residual block", kind="any",
          expects="a pair ((C, H, W), True or False)",
          hints=("Follow the batch through the main path first: which layer changes the number "
                 "of channels, and which the height and width?",
                 "The first 3x3 convolution has the stride; padding 1 keeps a 3x3 convolution "
                 "from "
                 "shrinking the map any further.",
                 "x + F(x) needs x and F(x) of the same shape: does the input as it is have the "
                 "output's shape?"),
          solution="residual_block")
def check_residual_block(answer: object) -> str:
    """Exercise 3: for ``BasicBlock(32, 64, stride=2)`` on a ``(B, 32, 14, 14)`` batch,
    ``answer = ((C, H, W) of the output, whether the skip path needs a 1x1 convolution)``.
    """
    shape, projection = as_tuple(answer, 2, expects="a pair ((C, H, W), True or False)")
    shape = as_tuple(shape, 3, what="the first item", expects="the three sizes (C, H, W)")
    sizes = tuple(as_number(v, what="each size", expects="a whole number") for v in shape)
    if not _is_bool(projection):
        raise Wrong(f"The second item should be True or False; got {describe_answer(projection)}.")
    if sizes != (64, 7, 7):
        if sizes == (64, 14, 14):
            raise Wrong("The shape forgets the stride.")
        if sizes[0] == 32:
            raise Wrong("The block outputs 64 channels.")
        raise Wrong(f"The output shape {tuple(int(s) if s.is_integer() else s for s in sizes)} "
                    f"is not right.")
    if not bool(projection):
        raise Wrong("The shape is right, but the input (32, 14, 14) cannot be added to a "
                    "(64, 7, 7) output as it is.")
    return ("(64, 7, 7), and a strided 1x1 convolution brings the input to that shape so that it "
            "can be added.")


def _conv_cases() -> list[tuple[int, int, int, int, int, int]]:
    gen = torch.Generator().manual_seed(61)
    cases = []
    for groups_kind in ("standard", "depthwise", "standard", "grouped", "pointwise"):
        c_in = int(torch.randint(1, 9, (), generator=gen)) * 4
        c_out = c_in if groups_kind == "depthwise" else int(torch.randint(1, 9, (),
                                                                          generator=gen)) * 4
        k = 1 if groups_kind == "pointwise" else int(torch.randint(1, 4, (),
                                                                   generator=gen)) * 2 + 1
        groups = {"depthwise": c_in, "grouped": 4}.get(groups_kind, 1)
        h, w = (int(v) for v in torch.randint(3, 20, (2,), generator=gen))
        cases.append((c_in, c_out, k, h, w, groups))
    return cases


@exercise("ch06.ex4", title="multiply-accumulates of a convolution", kind="function",
          expects="a function conv_macs(c_in, c_out, k, h_out, w_out, groups) -> int",
          hints=("Count the work of one output value, then multiply by the number of output "
                 "values.",
                 "One output value is a sum over a k x k window of the input channels its filter "
                 "sees; with groups, a filter sees only c_in / groups of them.",
                 "There are c_out * h_out * w_out output values for one image."),
          solution="conv_macs", forbidden=(count_macs,))
def check_conv_macs(fn: Callable) -> str:
    """Exercise 4: ``fn(c_in, c_out, k, h_out, w_out, groups)`` counts a convolution's
    multiply-accumulates for one image, as ``count_macs`` does.
    """
    for c_in, c_out, k, h, w, groups in _conv_cases():
        conv = nn.Conv2d(c_in, c_out, k, padding=k // 2, groups=groups)
        expected = count_macs(conv, (c_in, h, w))
        case = f"c_in={c_in}, c_out={c_out}, k={k}, h_out={h}, w_out={w}, groups={groups}"
        got = as_number(call(fn, c_in, c_out, k, h, w, groups, case=case),
                        what=f"the count for {case}", expects="a whole number")
        if got == expected:
            continue
        message = f"For {case} it returned {got:g}; count_macs gives {expected:,}."
        if groups > 1 and got == expected * groups:
            raise Wrong(f"{message} With groups, each filter sees only c_in / groups channels.")
        if got == expected + c_out * h * w:
            raise Wrong(f"{message} The bias is an addition, not a multiply-accumulate: leave it "
                        f"out, as count_macs does.")
        raise Wrong(message)
    return "It agrees with count_macs on standard, grouped, depthwise and pointwise layers."


def _convs(module: nn.Module) -> list[nn.Conv2d]:
    return [m for m in module.modules() if isinstance(m, nn.Conv2d)]


@exercise("ch06.ex5", title="a depthwise separable block", kind="function",
          expects="a function separable_block(c_in, c_out, stride) -> nn.Module",
          hints=("Two convolutions replace one: the first works on each channel alone, the second "
                 "only mixes channels.",
                 "nn.Conv2d's groups argument splits the channels into independent groups; as "
                 "many groups as channels gives one filter per channel.",
                 "A 3x3 depthwise convolution (padding 1, the stride), then a 1x1 convolution "
                 "from "
                 "c_in to c_out, each optionally followed by BatchNorm and ReLU, in an "
                 "nn.Sequential."),
          solution="separable_block", forbidden=(depthwise_separable,))
def check_separable_block(fn: Callable) -> str:
    """Exercise 5: ``fn(c_in, c_out, stride)`` builds a depthwise 3x3 then pointwise 1x1 block."""
    gen = torch.Generator().manual_seed(62)
    for c_in, c_out, stride, side in ((8, 16, 1, 9), (12, 8, 2, 10), (4, 20, 2, 7)):
        case = f"c_in={c_in}, c_out={c_out}, stride={stride}"
        block = call(fn, c_in, c_out, stride, case=case)
        if not isinstance(block, nn.Module):
            raise Wrong(f"On {case} it returned {describe_answer(block)}; expected an nn.Module "
                        f"(an "
                        f"nn.Sequential, say).")
        convs = _convs(block)
        if not any(c.groups == c_in and c.in_channels == c_in and c.kernel_size == (3, 3)
                   for c in convs):
            raise Wrong(f"On {case} there is no depthwise 3x3 convolution: one with "
                        f"{c_in} input channels and one filter per channel.")
        if not any(c.kernel_size == (1, 1) and c.groups == 1 and c.in_channels == c_in
                   and c.out_channels == c_out for c in convs):
            raise Wrong(f"On {case} there is no pointwise 1x1 convolution from {c_in} to {c_out} "
                        f"channels.")
        x = torch.randn(2, c_in, side, side + 1, generator=gen)
        out = call(lambda block=block, x=x: block.eval()(x),
                   case=f"a ({2}, {c_in}, {side}, {side + 1}) batch through the block for {case}")
        h, w = (side - 1) // stride + 1, side // stride + 1
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != (2, c_out, h, w):
            raise Wrong(f"On {case} a batch of shape (2, {c_in}, {side}, {side + 1}) came out as "
                        f"{describe_answer(out)}; expected (2, {c_out}, {h}, {w}). Padding 1 "
                        f"keeps a 3x3 "
                        f"convolution from shrinking the map; the stride divides it.")
        budget = side * (side + 1) * 9 * c_in + h * w * c_in * c_out
        if count_macs(block, (c_in, side, side + 1)) > budget:
            raise Wrong(f"On {case} the block costs more than a depthwise and a pointwise "
                        f"convolution: is there a full convolution left in it?")
    return "One filter per channel, then a 1x1 mix: the shapes and the cost of a MobileNet block."
