"""Checkers for the exercises of ``03_pooling_activations_dense.ipynb``.

Functions are checked on hidden, seeded scores and feature maps (float32 and float64, huge
scores included); PyTorch's and the course's own implementations are refused.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from course_utils.exercises.framework import (
    Wrong,
    as_array,
    call,
    describe_answer,
    exercise,
    expect_close,
)
from course_utils.layers import linear_forward, softmax


def _softmax_cases() -> list[tuple[str, torch.Tensor]]:
    gen = torch.Generator().manual_seed(31)
    return [("random scores of shape (4, 3)", torch.randn(4, 3, generator=gen)),
            ("random float64 scores of shape (2, 7)", torch.randn(2, 7, generator=gen,
                                                                    dtype=torch.float64)),
            ("scores around 1000", 1000 + 5 * torch.randn(3, 5, generator=gen)),
            ("scores around -1000", -1000 + 5 * torch.randn(3, 4, generator=gen))]


@exercise("ch03.ex1", title="a stable softmax", kind="function",
          expects="a function softmax(logits) -> tensor of the same shape",
          hints=("Each row of scores becomes a row of positive numbers that add up to 1; then try "
                 "your function on a row like [1000., 999.]: what does exp(1000.) give?",
                 "Adding the same number to every score of a row does not change its softmax "
                 "(it cancels in the ratio), so pick a number that keeps exp from overflowing.",
                 "Subtract each row's largest score (keepdim=True keeps the shapes "
                 "broadcastable), then exponentiate and divide by the row's sum."),
          solution="softmax", forbidden=(torch.softmax, F.softmax, softmax, torch.special.softmax,
                                         F.log_softmax))
def check_softmax(fn: Callable[[torch.Tensor], torch.Tensor]) -> str:
    """Exercise 1: ``fn(logits)`` turns ``(N, K)`` scores into probabilities along the last axis,
    without overflowing on large scores.
    """
    for case, logits in _softmax_cases():
        got = call(fn, logits.clone(), case=case)
        if _has_nan(got):
            raise Wrong(f"On {case} it returns NaN or infinity: does exp overflow for large "
                        f"scores (or give 0 / 0 for very negative ones)?")
        have = as_array(got, what=f"the result on {case}", expects="a tensor")
        expected = torch.softmax(logits.double(), dim=-1)
        if have.shape == expected.shape and expected.shape[0] != expected.shape[1]:
            if torch.allclose(have.sum(dim=0), torch.ones(expected.shape[1], dtype=torch.float64),
                              atol=1e-6):
                raise Wrong(f"On {case} the columns add up to 1, not the rows: that normalises "
                            f"over the batch instead of over the classes.")
        expect_close(have, expected, what="the softmax", atol=1e-6, case=case)
    return ("Rows sum to 1, float32 and float64 alike, and scores of ±1000 neither overflow nor "
            "vanish.")


def _has_nan(value: object) -> bool:
    try:
        tensor = torch.as_tensor(value, dtype=torch.float64) if not isinstance(
            value, torch.Tensor) else value.detach().double()
    except (TypeError, ValueError, RuntimeError):
        return False
    return bool(tensor.numel()) and not bool(torch.isfinite(tensor).all())


def _dense_cases() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    gen = torch.Generator().manual_seed(32)
    cases = []
    for n, c, h, w, k in ((2, 3, 4, 4, 5), (1, 2, 5, 3, 10), (3, 4, 2, 2, 3)):
        cases.append((torch.randn(n, c, h, w, generator=gen, dtype=torch.float64),
                      torch.randn(k, c * h * w, generator=gen, dtype=torch.float64),
                      torch.randn(k, generator=gen, dtype=torch.float64)))
    return cases


@exercise("ch03.ex2", title="flatten, then a dense layer", kind="function",
          expects="a function flatten_dense(maps, weight, bias) -> (N, K) scores",
          hints=("Two steps: line up each image's values as one vector, then give each class a "
                 "weighted sum of that vector plus its bias.",
                 "Flattening keeps the batch axis: (N, C, H, W) becomes (N, C*H*W). nn.Linear "
                 "stores its weight as (K, features).",
                 "reshape(len(maps), -1) flattens; @ multiplies matrices, and .T transposes the "
                 "weight so that the shapes meet."),
          solution="flatten_dense", forbidden=(F.linear, linear_forward, torch.addmm))
def check_flatten_dense(fn: Callable) -> str:
    """Exercise 2: ``fn(maps, weight, bias)`` flattens ``(N, C, H, W)`` maps and applies a dense
    layer of weight ``(K, C*H*W)`` and bias ``(K,)``.
    """
    for maps, weight, bias in _dense_cases():
        case = (f"maps of shape {tuple(maps.shape)}, weight {tuple(weight.shape)}, bias "
                f"{tuple(bias.shape)}")
        got = call(fn, maps.clone(), weight.clone(), bias.clone(), case=case)
        have = as_array(got, what=f"the result on {case}", expects="a tensor")
        expected = maps.flatten(1) @ weight.T + bias
        if have.shape == expected.shape and torch.allclose(have, expected - bias, atol=1e-6):
            raise Wrong(f"On {case} the scores lack the bias.")
        if have.numel() == 1 or (have.ndim == 1 and len(maps) > 1):
            raise Wrong(f"On {case} it returned {describe_answer(got)}: keep one row of scores "
                        f"per "
                        f"image (flatten from axis 1, not the whole batch).")
        expect_close(have, expected, what="the output", atol=1e-6, case=case)
    return "Flatten keeps the batch axis, and the scores match nn.Linear on every hidden case."


POOL_INPUT = torch.tensor([[1.0, 3.0, 2.0, 0.0],
                           [4.0, 2.0, 1.0, 1.0],
                           [0.0, 1.0, 5.0, 6.0],
                           [2.0, 2.0, 7.0, 8.0]])
"""Exercise 3's input: pool it by hand with a 2x2 window and stride 2."""


@exercise("ch03.ex3", title="max pooling by hand", kind="array",
          expects="a 2x2 grid of numbers, e.g. [[a, b], [c, d]]",
          hints=("With a 2x2 window and stride 2, the windows do not overlap: how many fit in a "
                 "4x4 grid?",
                 "Split the grid into its four 2x2 corner blocks; each gives one number.",
                 "Max pooling keeps the largest number of each block, in the block's place."),
          solution="max_pool")
def check_max_pool(answer: torch.Tensor) -> str:
    """Exercise 3: 2x2 max pooling with stride 2 of :data:`POOL_INPUT`, as a 2x2 grid."""
    x = POOL_INPUT[None, None].double()
    if tuple(answer.shape) == (3, 3):
        raise Wrong("A 3x3 result means the window moved 1 pixel at a time; with stride 2 the "
                    "2x2 windows do not overlap.")
    if tuple(answer.shape) != (2, 2):
        raise Wrong(f"Got shape {tuple(answer.shape)}; expected (2, 2).")
    if torch.equal(answer, F.avg_pool2d(x, 2)[0, 0]):
        raise Wrong("Those are the block averages (average pooling).")
    if not torch.equal(answer, F.max_pool2d(x, 2)[0, 0]):
        raise Wrong(f"{answer.tolist()} is not it.")
    return "Each number is the largest of its 2x2 block."


@exercise("ch03.ex4", title="parameters of a dense network", kind="number",
          expects="a whole number of parameters",
          hints=("Only the two Linear layers have parameters; Flatten and ReLU have none.",
                 "A Linear(a, b) layer has one weight per (input, output) pair, plus one bias per "
                 "output.",
                 "Add the two layers' counts."),
          solution="mlp_params")
def check_mlp_params(answer: float) -> str:
    """Exercise 4: parameters of Flatten -> Linear(784, 64) -> ReLU -> Linear(64, 10)."""
    expected = 784 * 64 + 64 + 64 * 10 + 10
    mistakes = {784 * 64 + 64 * 10: "The weights are right; the biases are missing.",
                784 * 64 + 64: "That is the first layer only.",
                784 * 64: "That is the first layer's weights only."}
    if answer == expected:
        return f"{expected:,}, nearly all of it in the first layer."
    raise Wrong(mistakes.get(answer, f"{answer:g} is not it."))


INVARIANCE_CHOICES = {
    "a": "A CNN is invariant to translations and rotations: its accuracy does not change.",
    "b": "Convolution is equivariant to translations (shift the input, the maps shift); pooling "
         "adds tolerance to small shifts only; there is no rotation invariance without "
         "rotated training images.",
    "c": "A CNN is invariant to rotations but not to translations.",
    "d": "A CNN is neither equivariant nor invariant to anything.",
}
"""Exercise 5: which statement does the evidence of the notebook support?"""


@exercise("ch03.ex5", title="what the evidence supports", kind="any",
          expects=f"one letter of {sorted(INVARIANCE_CHOICES)}",
          hints=("Look at the two accuracy curves of section 6: how much does a 4-pixel shift "
                 "cost, and a 45 degree turn?",
                 "Then look at the first check of section 6: what happens to the feature maps "
                 "when the input shifts?",
                 "One statement matches both the exact check and the curves."),
          solution="invariance_claim")
def check_invariance_claim(answer: object) -> str:
    """Exercise 5: pick the statement from :data:`INVARIANCE_CHOICES` the measurements support."""
    if not isinstance(answer, str):
        raise Wrong(f"Answer with one letter as a string, such as 'a'; got "
                    f"{describe_answer(answer)}.")
    letter = answer.strip().lower().strip("()")
    if letter not in INVARIANCE_CHOICES:
        raise Wrong(f"Answer with one letter of {sorted(INVARIANCE_CHOICES)}, got {answer!r}.")
    reasons = {"a": "The accuracy curves fall as the shift or the angle grows.",
               "c": "The accuracy drops sharply with rotation.",
               "d": "The notebook checked that shifting the input shifts the feature maps "
                    "exactly."}
    if letter in reasons:
        raise Wrong(reasons[letter])
    return ("Equivariance comes from weight sharing; invariance is limited and learned, not "
            "built in.")
