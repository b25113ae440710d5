"""Checkers for the exercises of ``09_looking_inside_cnns.ipynb``.

Functions are checked on hidden, seeded cases (random activations and gradients, random
rankings, random image sides, patches and strides); the last exercise reads the notebook's own
table of checks, passed in by the notebook.
"""

from __future__ import annotations

import math
from typing import Callable

import torch

from course_utils.exercises.framework import (
    Wrong,
    as_number,
    call,
    describe_answer,
    exercise,
    expect_close,
)

METHODS = ("Grad-CAM", "gradient", "edges (control)")


def _reference_grad_cam(activations: torch.Tensor, gradients: torch.Tensor) -> torch.Tensor:
    weights = gradients.mean(dim=(2, 3), keepdim=True)
    return (weights * activations).sum(dim=1).clamp(min=0)


@exercise("ch09.ex1", title="Grad-CAM from activations and gradients", kind="function",
          expects="a function grad_cam(activations, gradients) -> (N, h, w) tensor",
          hints=("One weight per channel: how much, on average over the positions, the class "
                 "score rises when that channel rises.",
                 "Average the gradients over the two spatial axes, keep the channel axis, "
                 "multiply with the activations and add up over the channels.",
                 "Grad-CAM keeps only what speaks for the class: set the negative values to 0 "
                 "(clamp or relu) at the end, after the sum."),
          solution="grad_cam")
def check_grad_cam(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> str:
    """Exercise 1: ``fn(activations, gradients)`` returns the Grad-CAM maps."""
    gen = torch.Generator().manual_seed(91)
    for n, c, h, w in ((1, 3, 2, 2), (2, 5, 4, 3), (3, 8, 7, 7)):
        activations = torch.rand(n, c, h, w, generator=gen, dtype=torch.float64) * 3
        gradients = torch.randn(n, c, h, w, generator=gen, dtype=torch.float64)
        case = f"random activations and gradients of shape {(n, c, h, w)}"
        got = call(fn, activations.clone(), gradients.clone(), case=case)
        if not isinstance(got, torch.Tensor):
            raise Wrong(f"On {case} it returned {describe_answer(got)}; expected a tensor (N, h, "
                        f"w).")
        expected = _reference_grad_cam(activations, gradients)
        got = got.detach().double()
        if got.shape == (n, 1, h, w):
            raise Wrong(f"On {case} the result has shape {tuple(got.shape)}: sum over the "
                        "channel axis without keeping it (keepdim=False), to get (N, h, w).")
        if got.shape == expected.shape and not torch.allclose(got, expected):
            signed = (gradients.mean(dim=(2, 3), keepdim=True) * activations).sum(dim=1)
            if torch.allclose(got, signed) and (signed < 0).any():
                raise Wrong(f"On {case} the map keeps negative values: Grad-CAM keeps only the "
                            "positive part of the weighted sum.")
            if torch.allclose(got, expected * h * w) and h * w > 1:
                raise Wrong(f"On {case} the result is {h * w} times too large (h × w): the "
                            "channel weights are the mean of the gradients over the positions, "
                            "not their sum.")
            pointwise = (gradients * activations).sum(dim=1).clamp(min=0)
            if torch.allclose(got, pointwise):
                raise Wrong(f"On {case} each position is weighted by its own gradient: average "
                            "the gradients over the positions first, one weight per channel.")
        expect_close(got, expected, what="the Grad-CAM map", atol=1e-6, rtol=1e-6, case=case)
    return ("ReLU(sum_k mean(grad_k) · A_k): the same as course_utils.explain.grad_cam_from, "
            "which the notebook's grad_cam calls.")


def _ranks(values: torch.Tensor) -> torch.Tensor:
    ranks = torch.empty_like(values)
    ranks[values.argsort()] = torch.arange(len(values), dtype=values.dtype)
    return ranks


def _pearson(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a @ b) / (a.norm() * b.norm()))


@exercise("ch09.ex2", title="Spearman rank correlation", kind="function",
          expects="a function spearman(a, b) -> float, for two 1-D tensors without ties",
          hints=("Spearman's correlation is an ordinary correlation, computed on something other "
                 "than the values themselves.",
                 "Replace each value by its rank (0 for the smallest, 1 for the next...); "
                 "argsort of argsort gives the ranks.",
                 "Then take the Pearson correlation of the two rank vectors: centre them, "
                 "divide their dot product by the product of their norms."),
          solution="spearman")
def check_spearman(fn: Callable[[torch.Tensor, torch.Tensor], float]) -> str:
    """Exercise 2: ``fn(a, b)`` is the Spearman rank correlation of two 1-D tensors."""
    gen = torch.Generator().manual_seed(92)
    for n in (5, 12, 40):
        a = torch.randn(n, generator=gen, dtype=torch.float64)
        b = (a + 0.8 * torch.randn(n, generator=gen, dtype=torch.float64)).exp() ** 3
        case = f"two random tensors of {n} values"
        got = as_number(call(fn, a.clone(), b.clone(), case=case), what=f"the result on {case}",
                        expects="a number")
        ra, rb = _ranks(a), _ranks(b)
        expected = _pearson(ra, rb)
        if abs(got - _pearson(a, b)) < 1e-6 and abs(got - expected) > 1e-6:
            raise Wrong(f"On {case} the result is the Pearson correlation of the values; "
                        f"Spearman's "
                        "uses their ranks, which makes it blind to any increasing transformation.")
        if abs(got - _pearson(a.argsort().double(), b.argsort().double())) < 1e-9 \
                and abs(got - expected) > 1e-6:
            raise Wrong(f"On {case} it correlates argsort(a) with argsort(b): argsort gives the "
                        "positions of the sorted values, not the ranks (apply it twice).")
        if abs(got - expected) > 1e-6:
            raise Wrong(f"On {case} it returned {got:.6f}; the rank correlation is "
                        f"{expected:.6f}.")
    if abs(as_number(call(fn, torch.arange(6.0), torch.arange(6.0).exp(), case="a monotone pair"),
                     what="the result on a monotone pair") - 1) > 1e-6:
        raise Wrong("For b = exp(a) the ranks are identical, so the correlation must be 1.")
    return "Ranks, then Pearson: 1 for any increasing relation, -1 for any decreasing one."


@exercise("ch09.ex3", title="occlusion window positions", kind="function",
          expects="a function window_positions(size, patch, stride) -> int",
          hints=("The first window starts at 0 and each next one `stride` further; count the "
                 "starts until the side is covered.",
                 "Without the window that hangs over the edge you would count "
                 "(size - patch) // stride + 1 windows: is every pixel then covered?",
                 "Round (size - patch) / stride up, not down, then add the first window."),
          solution="window_positions")
def check_window_positions(fn: Callable[[int, int, int], int]) -> str:
    """Exercise 3: positions of an occlusion patch along one side (the last one may hang over)."""
    gen = torch.Generator().manual_seed(93)
    cases = [(224, 48, 16), (30, 8, 4), (10, 10, 3)]
    for _ in range(6):
        patch = int(torch.randint(2, 40, (1,), generator=gen))
        size = patch + int(torch.randint(0, 200, (1,), generator=gen))
        stride = int(torch.randint(1, patch + 1, (1,), generator=gen))
        cases.append((size, patch, stride))
    for size, patch, stride in cases:
        case = f"size {size}, patch {patch}, stride {stride}"
        got = as_number(call(fn, size, patch, stride, case=case), what=f"the result on {case}",
                        expects="a whole number")
        expected = math.ceil((size - patch) / stride) + 1
        if got != expected:
            if got == (size - patch) // stride + 1:
                raise Wrong(f"On {case} it returned {int(got)}: that leaves the last "
                            f"{(size - patch) % stride} pixels uncovered; count the window that "
                            "hangs over the edge too.")
            raise Wrong(f"On {case} it returned {got:g}, not the number of positions.")
    return "ceil((size - patch) / stride) + 1, the same count as captum's Occlusion."


@exercise("ch09.ex4", title="which methods pass both checks", kind="any",
          expects=f"a set of method names from {set(METHODS)}",
          hints=("A method passes a check when its row says 'pass' in that check's column.",
                 "Look at the 'faithful' and the 'changes' columns: which rows pass both?",
                 "The control knows nothing of the model: which column can it never pass?"),
          solution="passes_both",
          test_kwargs=lambda: {"faithful": {m: True for m in METHODS},
                               "sensitive": {"Grad-CAM": True, "gradient": True,
                                             "edges (control)": False}})
def check_randomization_verdict(answer: object, *, faithful: dict[str, bool],
                                sensitive: dict[str, bool]) -> str:
    """Exercise 4: the methods that pass the deletion check and the randomisation check."""
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(
            isinstance(a, str) for a in answer):
        raise Wrong(f"Expected {check_randomization_verdict.exercise.expects}; got "
                    f"{describe_answer(answer)}.")
    known = {m.lower(): m for m in faithful}
    names = {a.strip().lower() for a in answer}
    unknown = names - set(known)
    if unknown:
        raise Wrong(f"{sorted(unknown)} is not a method of the table; its rows are "
                    f"{list(faithful)}.")
    chosen = {known[n] for n in names}
    expected = {m for m in faithful if faithful[m] and sensitive[m]}
    for m in sorted(chosen - expected):
        failed = "the randomisation check" if faithful[m] else "the deletion check"
        raise Wrong(f"{m} fails {failed} in the table.")
    for m in sorted(expected - chosen):
        raise Wrong(f"{m} passes both checks in the table too.")
    return (f"{sorted(expected)} pass both; a map that beats a random order but does not change "
            "with the model explains the image, not the network.")
