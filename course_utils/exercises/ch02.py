"""Checkers for the exercises of ``02_convolution.ipynb``.

Functions are checked against PyTorch on hidden, seeded cases (random shapes, strides, paddings
and values); PyTorch's and the course's own implementations are refused.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from course_utils.exercises.framework import (
    Wrong,
    as_array,
    as_number,
    call,
    exercise,
    expect_close,
)
from course_utils.layers import (
    conv2d,
    conv2d_forward,
    conv2d_loops,
    conv_output_size,
    maxpool2d_forward,
    pool2d,
)


def _torch_size(n: int, k: int, s: int, p: int, d: int) -> int:
    return F.conv2d(torch.zeros(1, 1, n, 1), torch.zeros(1, 1, k, 1), stride=(s, 1),
                    padding=(p, 0), dilation=(d, 1)).shape[2]


def _size_cases() -> list[tuple[int, int, int, int, int]]:
    gen = torch.Generator().manual_seed(21)
    cases = []
    while len(cases) < 40:
        n, k, s, p, d = (int(torch.randint(lo, hi, (), generator=gen))
                         for lo, hi in ((5, 40), (1, 8), (1, 5), (0, 4), (1, 4)))
        if d * (k - 1) + 1 <= n + 2 * p:
            cases.append((n, k, s, p, d))
    return cases


@exercise("ch02.ex1", title="output size of a convolution", kind="function",
          expects="a function output_size(n, k, stride, padding, dilation) -> int",
          hints=("Count window positions: how many pixels does the padded input have, how many "
                 "does one (dilated) kernel cover, and how far does each step move?",
                 "A dilated kernel of size k spans d(k - 1) + 1 pixels; the window starts at "
                 "position 0 and moves by the stride while it still fits.",
                 "Use floor division (//) so that a window that does not fit is not counted, "
                 "and remember to count the first position."),
          solution="output_size", forbidden=(conv_output_size,))
def check_output_size(fn: Callable[[int, int, int, int, int], int]) -> str:
    """Exercise 1: ``fn(n, k, stride, padding, dilation)`` returns the output size along one
    axis.
    """
    for n, k, s, p, d in _size_cases():
        case = f"n={n}, k={k}, stride={s}, padding={p}, dilation={d}"
        got = as_number(call(fn, n, k, s, p, d, case=case), what=f"the size for {case}",
                        expects="a whole number")
        expected = _torch_size(n, k, s, p, d)
        if got == expected:
            continue
        if not float(got).is_integer():
            raise Wrong(f"For {case} it returned {got:g}: sizes are whole numbers, so round down "
                        f"with // (floor division).")
        message = f"For {case} it returned {got:g}; torch gives {expected}."
        if got == (n + 2 * p - k) // s + 1:
            raise Wrong(f"{message} That is the size without dilation: a dilated kernel covers "
                        f"more pixels than k.")
        if got == expected - 1:
            raise Wrong(f"{message} It is one short: is the first window position counted?")
        raise Wrong(message)
    return f"It agrees with torch on all {len(_size_cases())} hidden settings."


def _conv_cases() -> list[dict]:
    gen = torch.Generator().manual_seed(22)
    shapes = (((1, 2, 6, 7), (3, 2, 3, 3), 1, 1, 1), ((2, 1, 7, 6), (2, 1, 2, 2), 2, 0, 1),
              ((1, 3, 8, 9), (2, 3, 3, 3), 1, 2, 2), ((1, 2, 9, 8), (2, 2, 3, 3), 2, 1, 2))
    cases = []
    for x_shape, w_shape, stride, padding, dilation in shapes:
        cases.append(dict(x=torch.randn(x_shape, generator=gen, dtype=torch.float64),
                          weight=torch.randn(w_shape, generator=gen, dtype=torch.float64),
                          bias=torch.randn(w_shape[0], generator=gen, dtype=torch.float64),
                          stride=stride, padding=padding, dilation=dilation))
    return cases


def _describe_conv(c: dict) -> str:
    return (f"x of shape {tuple(c['x'].shape)}, weight {tuple(c['weight'].shape)}, "
            f"stride={c['stride']}, padding={c['padding']}, dilation={c['dilation']}")


@exercise("ch02.ex2", title="convolution with loops", kind="function",
          expects="a function conv2d_loops(x, weight, bias, stride, padding, dilation) -> tensor",
          hints=("Start from the loop version of section 2 and find what it does not handle yet.",
                 "With dilation d, kernel tap (u, v) sits d*u rows and d*v columns from the "
                 "window's corner: the window spans more pixels, and the output size changes too.",
                 "Take the window with a step: rows i*stride to i*stride + d*(k-1) + 1, every "
                 "d-th pixel (slicing accepts a step, a:b:d)."),
          solution="conv2d_loops",
          forbidden=(F.conv2d, torch.conv2d, conv2d, conv2d_loops, conv2d_forward))
def check_conv2d_loops(fn: Callable) -> str:
    """Exercise 2: ``fn(x, weight, bias, stride, padding, dilation)`` matches ``F.conv2d``."""
    for c in _conv_cases():
        case = _describe_conv(c)
        got = call(fn, c["x"].clone(), c["weight"].clone(), c["bias"].clone(), c["stride"],
                   c["padding"], c["dilation"], case=case)
        expected = F.conv2d(c["x"], c["weight"], c["bias"], stride=c["stride"],
                            padding=c["padding"], dilation=c["dilation"])
        have = as_array(got, what=f"the result on {case}", expects="a tensor")
        if have.shape == expected.shape:
            if torch.allclose(have, expected - c["bias"].view(1, -1, 1, 1), atol=1e-6):
                raise Wrong(f"On {case} the result is right but for the bias: add bias[f] to "
                            f"every cell of output channel f.")
            flipped = F.conv2d(c["x"], c["weight"].flip(-1, -2), c["bias"], stride=c["stride"],
                               padding=c["padding"], dilation=c["dilation"])
            if torch.allclose(have, flipped, atol=1e-6):
                raise Wrong(f"On {case} it matches a convolution with the kernel flipped: "
                            f"PyTorch does not flip it (cross-correlation).")
        elif c["dilation"] > 1:
            raise Wrong(f"On {case} the result has shape {tuple(have.shape)}; expected "
                        f"{tuple(expected.shape)}. Does the output size account for the dilation?")
        expect_close(have, expected, what="the output", atol=1e-6, case=case)
    return "It matches torch.nn.functional.conv2d on every hidden case, dilation included."


def _pool_cases() -> list[tuple[torch.Tensor, int, int]]:
    gen = torch.Generator().manual_seed(23)
    return [(torch.randn(shape, generator=gen, dtype=torch.float64), k, s)
            for shape, k, s in (((1, 2, 6, 6), 2, 2), ((2, 3, 7, 9), 2, 2), ((1, 2, 9, 7), 3, 2),
                                ((2, 1, 8, 8), 3, 1))]


@exercise("ch02.ex3", title="max pooling with loops", kind="function",
          expects="a function max_pool2d(x, kernel_size, stride) -> tensor",
          hints=("Pooling is a convolution's loops without a kernel: each output cell looks at "
                 "one window of one channel.",
                 "Unlike a convolution, pooling keeps the channels apart: loop over images, "
                 "channels, output rows and output columns.",
                 "The output size is the convolution's, with no padding and no dilation; a "
                 "window's value is its largest number (.max())."),
          solution="max_pool2d",
          forbidden=(F.max_pool2d, torch.max_pool2d, pool2d, maxpool2d_forward))
def check_max_pool2d(fn: Callable) -> str:
    """Exercise 3: ``fn(x, kernel_size, stride)`` matches ``F.max_pool2d``."""
    for x, k, s in _pool_cases():
        case = f"x of shape {tuple(x.shape)}, kernel_size={k}, stride={s}"
        got = call(fn, x.clone(), k, s, case=case)
        expected = F.max_pool2d(x, k, s)
        have = as_array(got, what=f"the result on {case}", expects="a tensor")
        if have.shape == expected.shape:
            if torch.allclose(have, F.avg_pool2d(x, k, s), atol=1e-6):
                raise Wrong(f"On {case} these are the window averages (average pooling); max "
                            f"pooling keeps the largest value.")
        elif have.ndim == 4 and have.shape[1] == 1 and expected.shape[1] > 1:
            raise Wrong(f"On {case} the result has one channel; pooling works on each channel "
                        f"separately and keeps them all.")
        elif s != k:
            raise Wrong(f"On {case} the result has shape {tuple(have.shape)}; expected "
                        f"{tuple(expected.shape)}. Here the stride differs from the window size.")
        expect_close(have, expected, what="the output", atol=1e-6, case=case)
    return "It matches torch.nn.functional.max_pool2d, overlapping windows included."


def _edge_images() -> dict[str, list[torch.Tensor]]:
    gen = torch.Generator().manual_seed(24)
    images: dict[str, list[torch.Tensor]] = {"vertical": [], "horizontal": [], "flat": []}
    for _ in range(4):
        column = int(torch.randint(3, 8, (), generator=gen))
        low, high = sorted(torch.rand(2, generator=gen).tolist())
        high = max(high, low + 0.3)
        step = torch.full((1, 1, 11, 11), low)
        step[..., column:] = high
        if torch.rand((), generator=gen) < 0.5:
            step = step.flip(-1)  # bright to dark, also an edge
        images["vertical"].append(step)
        images["horizontal"].append(step.transpose(2, 3))
        images["flat"].append(torch.full((1, 1, 11, 11), float(torch.rand((), generator=gen))))
    return images


@exercise("ch02.ex4", title="a vertical-edge kernel", kind="array",
          expects="a 3x3 kernel (nested list, NumPy array or tensor)",
          hints=("A vertical edge is a change of brightness from left to right; a flat area has "
                 "no change at all. What should the weights add up to?",
                 "Compare the pixels on the right of the window with those on its left, the same "
                 "way in every row.",
                 "Weights of opposite sign in the left and right columns, the middle column 0: "
                 "then a top-to-bottom change cancels out too."),
          solution="vertical_edge_kernel")
def check_vertical_edge_kernel(kernel: torch.Tensor) -> str:
    """Exercise 4: a 3x3 kernel that answers vertical edges, and neither flat areas nor
    horizontal edges, on hidden random edges and gray levels.
    """
    if tuple(kernel.shape) != (3, 3):
        raise Wrong(f"The kernel has shape {tuple(kernel.shape)}; expected (3, 3).")
    weights = kernel.double()[None, None]
    response = {name: max(F.conv2d(x.double(), weights).abs().max().item() for x in xs)
                for name, xs in _edge_images().items()}
    weakest_vertical = min(F.conv2d(x.double(), weights).abs().max().item()
                           for x in _edge_images()["vertical"])
    scale = weights.abs().sum().item()
    if scale == 0:
        raise Wrong("All weights are 0: the kernel answers nothing.")
    if response["flat"] > 1e-6 * scale:
        raise Wrong(f"A flat gray area gives {response['flat']:.3g}, not 0: the weights add up "
                    f"to {kernel.sum().item():.3g}.")
    if weakest_vertical < 1e-3 * scale:
        if response["horizontal"] > 1e-3 * scale:
            raise Wrong("This kernel finds horizontal edges (a top-to-bottom change), not "
                        "vertical ones.")
        raise Wrong("The kernel does not respond to some vertical edges.")
    if response["horizontal"] > 0.1 * weakest_vertical:
        raise Wrong(f"It answers horizontal edges ({response['horizontal']:.3g}) almost as much "
                    f"as vertical ones ({weakest_vertical:.3g}).")
    return (f"Every hidden vertical edge gives at least {weakest_vertical:.3g}, horizontal edges "
            f"{response['horizontal']:.3g}, flat areas 0.")


@exercise("ch02.ex5", title="parameters of a convolution", kind="number",
          expects="a whole number of parameters",
          hints=("Count the weights of one filter, then the filters, then what each filter adds "
                 "besides its weights.",
                 "One filter spans every input channel: one k x k slice per channel.",
                 "Each filter also has one bias."),
          solution="conv_params")
def check_conv_params(answer: float) -> str:
    """Exercise 5: the number of parameters of ``nn.Conv2d(3, 16, kernel_size=5)``."""
    expected = 16 * 3 * 5 * 5 + 16
    mistakes = {16 * 3 * 5 * 5: "The weights are right; the biases (one per filter) are missing.",
                16 * 5 * 5 + 16: "Each filter spans all 3 input channels, not one.",
                16 * 5 * 5: "Each filter spans all 3 input channels, and has a bias.",
                3 * 5 * 5 + 1: "That is one filter; the layer has 16."}
    if answer == expected:
        return (f"{expected}, as sum(p.numel() for p in conv.parameters()) says, whatever the "
                f"image size.")
    raise Wrong(mistakes.get(answer, f"{answer:g} is not it."))


RF_LAYERS = (("conv", 3, 1), ("conv", 3, 1), ("maxpool", 2, 2), ("conv", 3, 1))
"""Exercise 6's stack: (kind, kernel size, stride), input first."""


@exercise("ch02.ex6", title="receptive field of a stack", kind="number",
          expects="a whole number of pixels (the side of the square)",
          hints=("Start from one output pixel and walk back to the input, layer by layer: how "
                 "many "
                 "more pixels does each layer add?",
                 "A layer adds k - 1 pixels, counted in the pixels of its own input.",
                 "After a stride-2 layer, one pixel is 2 input pixels wide: what a later layer "
                 "adds is multiplied by the strides before it."),
          solution="receptive_field")
def check_receptive_field(answer: float) -> str:
    """Exercise 6: the receptive field of one output pixel of :data:`RF_LAYERS`."""
    if answer == 1 + 2 + 2 + 1 + 2 * 2:
        return ("After the stride-2 pooling each step of the last kernel moves 2 input pixels, so "
                "that kernel adds twice its k - 1.")
    if answer == 8:
        raise Wrong("That forgets the pooling's stride: after it, one step of the last 3x3 kernel "
                    "covers 2 input pixels.")
    if answer == 11:
        raise Wrong("Receptive fields do not add kernel sizes: each layer adds k - 1 (times the "
                    "strides before it).")
    raise Wrong(f"{answer:g} is not it.")
