"""Checkers for the exercises of ``02_convolution.ipynb``."""

from __future__ import annotations

import itertools
from typing import Callable

import torch
import torch.nn.functional as F

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, correct, not_answered, wrong


def _torch_size(n: int, k: int, s: int, p: int, d: int) -> int:
    return F.conv2d(torch.zeros(1, 1, n, 1), torch.zeros(1, 1, k, 1), stride=(s, 1),
                    padding=(p, 0), dilation=(d, 1)).shape[2]


def check_output_size(fn: Callable[[int, int, int, int, int], int]) -> Feedback:
    """Exercise 1: ``fn(n, k, stride, padding, dilation)`` returns the output size along one axis."""
    hint = "floor((n + 2*padding - dilation*(k - 1) - 1) / stride) + 1; // is floor division."
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function of (n, k, stride, padding, dilation), got "
                     f"{type(fn).__name__}.", hint)
    for n, k, s, p, d in itertools.product((7, 10, 28), (1, 3, 5), (1, 2, 3), (0, 1, 2), (1, 2)):
        if d * (k - 1) + 1 > n + 2 * p:
            continue
        try:
            got = fn(n, k, s, p, d)
        except Exception as error:  # the learner's code may fail in any way
            return wrong(f"Your function raised {type(error).__name__}: {error}", hint)
        expected = _torch_size(n, k, s, p, d)
        if got != expected:
            if got == (n + 2 * p - k) // s + 1:
                specific = "It matches the formula without dilation: a dilated kernel spans d*(k-1)+1 pixels."
            elif got == expected - 1 or got == (n + 2 * p - d * (k - 1) - 1) // s:
                specific = "It is one short: count the first window position too (the + 1)."
            elif isinstance(got, float):
                specific = "It returned a float: sizes are whole numbers, use // (floor division)."
            else:
                specific = hint
            return wrong(f"For n={n}, k={k}, stride={s}, padding={p}, dilation={d} it returned "
                         f"{got!r}; torch gives {expected}.", specific)
    return correct("It agrees with torch on every setting tried.")


def _edge_images() -> dict[str, torch.Tensor]:
    vertical = torch.zeros(1, 1, 9, 9)
    vertical[..., 5:] = 1.0  # dark left, bright right: a vertical edge
    return {"vertical": vertical, "horizontal": vertical.transpose(2, 3), "flat": torch.ones(1, 1, 9, 9)}


def check_vertical_edge_kernel(kernel: object) -> Feedback:
    """Exercise 2: a 3x3 kernel that answers a vertical edge, and neither flat areas nor a
    horizontal edge."""
    hint = ("Subtract the left column from the right column: e.g. -1 on the left, 0 in the middle, "
            "+1 on the right, in every row.")
    if kernel is NOT_ANSWERED:
        return not_answered(hint)
    try:
        kernel = torch.as_tensor(kernel, dtype=torch.float32)
    except Exception:
        return wrong(f"Could not turn {kernel!r} into a tensor.", "Use a 3x3 nested list or tensor.")
    if kernel.shape != (3, 3):
        return wrong(f"The kernel has shape {tuple(kernel.shape)}; expected (3, 3).", hint)
    response = {name: F.conv2d(x, kernel[None, None]).abs().max().item()
                for name, x in _edge_images().items()}
    if response["flat"] > 1e-4:
        return wrong(f"A flat gray area gives {response['flat']:.3g}, not 0: the weights sum to "
                     f"{kernel.sum().item():.3g}.", "Make the weights sum to 0, so that only "
                     "changes in brightness give a response.")
    if response["horizontal"] > 1e-3 and response["vertical"] < 0.1 * response["horizontal"]:
        return wrong("This kernel finds horizontal edges (a top-bottom change).",
                     "Transpose it: the change should run from left to right.")
    if response["vertical"] < 1e-3:
        return wrong("The kernel does not respond to a vertical edge at all.", hint)
    if response["horizontal"] > 0.1 * response["vertical"]:
        return wrong("It answers horizontal edges about as much as vertical ones.", hint)
    return correct(f"Vertical edge: {response['vertical']:.3g}, horizontal edge: "
                   f"{response['horizontal']:.3g}, flat: 0.")


def check_conv_params(answer: object) -> Feedback:
    """Exercise 3: the number of parameters of ``nn.Conv2d(3, 16, kernel_size=5)``."""
    hint = "Each of the 16 filters has 3 x 5 x 5 weights (one 5x5 slice per input channel) and 1 bias."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    expected = 16 * 3 * 5 * 5 + 16
    mistakes = {16 * 3 * 5 * 5: "You left out the 16 biases (one per filter).",
                16 * 5 * 5 + 16: "Each filter spans all 3 input channels: 3 x 5 x 5 weights.",
                16 * 5 * 5: "Each filter spans all 3 input channels, and has a bias.",
                3 * 5 * 5 + 1: "That is one filter; there are 16."}
    if answer == expected:
        return correct(f"16 x 3 x 5 x 5 + 16 = {expected}, as sum(p.numel() for p in "
                       "conv.parameters()) says.")
    return wrong(f"{answer!r} is not it.", mistakes.get(answer, hint))


RF_LAYERS = (("conv", 3, 1), ("conv", 3, 1), ("maxpool", 2, 2), ("conv", 3, 1))
"""Exercise 4's stack: (kind, kernel size, stride), input first."""


def check_receptive_field(answer: object) -> Feedback:
    """Exercise 4: the receptive field of one output pixel of :data:`RF_LAYERS`."""
    hint = ("Each layer adds (k - 1) x (product of the strides before it): 1 + 2 + 2 + 1 + 2 x 2.")
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    if answer == 10:
        return correct("1 + 2 + 2 + 1 + (3 - 1) x 2 = 10: after the stride-2 pooling each step of "
                       "the last kernel covers 2 input pixels.")
    mistakes = {8: "You did not account for the pooling's stride: after it, one step of the last "
                   "3x3 kernel moves 2 input pixels.",
                11: "Receptive fields do not add kernel sizes: each layer adds k - 1 (times the "
                    "strides before it)."}
    return wrong(f"{answer!r} is not it.", mistakes.get(answer, hint))
