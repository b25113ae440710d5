"""Checkers for the exercises of ``03_pooling_activations_dense.ipynb``."""

from __future__ import annotations

from typing import Callable

import torch

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, correct, not_answered, wrong


def check_softmax(fn: Callable[[torch.Tensor], torch.Tensor]) -> Feedback:
    """Exercise 1: ``fn(logits)`` turns ``(N, K)`` scores into probabilities along the last axis,
    without overflowing on large scores."""
    hint = "Subtract each row's maximum first (logits - logits.max(dim=1, keepdim=True).values), " \
           "then exp and divide by the row sum."
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function, got {type(fn).__name__}.", hint)
    cases = {"small": torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),
             "large": torch.tensor([[1000.0, 999.0, -1000.0], [0.5, 1.5, -2.0]])}
    for name, logits in cases.items():
        try:
            out = fn(logits.clone())
        except Exception as error:  # the learner's code may fail in any way
            return wrong(f"Your function raised {type(error).__name__}: {error}", hint)
        if not isinstance(out, torch.Tensor) or out.shape != logits.shape:
            return wrong(f"For a {tuple(logits.shape)} input it returned "
                         f"{getattr(out, 'shape', type(out).__name__)}; expected the same shape.", hint)
        if not torch.isfinite(out).all():
            return wrong("With scores around 1000 it returns nan or inf: exp(1000) overflows.",
                         "Subtract the row maximum before exp; it cancels in the ratio.")
        if torch.allclose(out.sum(dim=0), torch.ones(3)) and not torch.allclose(out.sum(dim=1), torch.ones(2)):
            return wrong("The columns sum to 1, not the rows: you normalised over the batch.",
                         "Sum over dim=1 (or -1), the classes.")
        if not torch.allclose(out, torch.softmax(logits, dim=1), atol=1e-6):
            return wrong(f"On the {name} scores it differs from torch.softmax.", hint)
    return correct("Rows sum to 1 and large scores do not overflow.")


POOL_INPUT = torch.tensor([[1.0, 3.0, 2.0, 0.0],
                           [4.0, 2.0, 1.0, 1.0],
                           [0.0, 1.0, 5.0, 6.0],
                           [2.0, 2.0, 7.0, 8.0]])
"""Exercise 2's input: pool it by hand with a 2x2 window and stride 2."""


def check_max_pool(answer: object) -> Feedback:
    """Exercise 2: 2x2 max pooling with stride 2 of :data:`POOL_INPUT`, as a 2x2 grid."""
    hint = "Split the 4x4 grid into four 2x2 blocks and keep the largest number of each block."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    try:
        answer = torch.as_tensor(answer, dtype=torch.float32)
    except Exception:
        return wrong(f"Could not read {answer!r} as a grid of numbers.", "Use [[a, b], [c, d]].")
    x = POOL_INPUT[None, None]
    if answer.shape == (3, 3):
        return wrong("A 3x3 result means the window moved 1 pixel at a time.",
                     "With stride 2 the 2x2 windows do not overlap: 4x4 -> 2x2.")
    if answer.shape != (2, 2):
        return wrong(f"Got shape {tuple(answer.shape)}; expected (2, 2).", hint)
    if torch.equal(answer, torch.nn.functional.avg_pool2d(x, 2)[0, 0]):
        return wrong("Those are the block averages (average pooling).", "Max pooling keeps the largest.")
    if torch.equal(answer, torch.nn.functional.max_pool2d(x, 2)[0, 0]):
        return correct("[[4, 2], [2, 8]]: each number is the largest of its 2x2 block.")
    return wrong(f"{answer.tolist()} is not it.", hint)


def check_mlp_params(answer: object) -> Feedback:
    """Exercise 3: parameters of Flatten -> Linear(784, 64) -> ReLU -> Linear(64, 10)."""
    hint = "A Linear(a, b) layer has a x b weights and b biases; ReLU and Flatten have none."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    expected = 784 * 64 + 64 + 64 * 10 + 10
    mistakes = {784 * 64 + 64 * 10: "You left out the biases (64 + 10).",
                784 * 64 + 64: "That is the first layer only; add the 64 x 10 + 10 of the second.",
                784 * 64: "That is the first layer's weights only."}
    if answer == expected:
        return correct(f"784 x 64 + 64 + 64 x 10 + 10 = {expected:,}.")
    return wrong(f"{answer!r} is not it.", mistakes.get(answer, hint))


INVARIANCE_CHOICES = {
    "a": "A CNN is invariant to translations and rotations: its accuracy does not change.",
    "b": "Convolution is equivariant to translations (shift the input, the maps shift); pooling "
         "adds tolerance to small shifts only; there is no rotation invariance without "
         "rotated training images.",
    "c": "A CNN is invariant to rotations but not to translations.",
    "d": "A CNN is neither equivariant nor invariant to anything.",
}
"""Exercise 4: which statement does the evidence of the notebook support?"""


def check_invariance_claim(answer: object) -> Feedback:
    """Exercise 4: pick the statement from :data:`INVARIANCE_CHOICES` the measurements support."""
    hint = "Look at the two accuracy curves: how much does a 4-pixel shift or a 45 degree turn cost?"
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    answer = str(answer).strip().lower().strip("()")
    if answer == "b":
        return correct("Equivariance comes from weight sharing; invariance is limited and "
                       "learned, not built in.")
    reasons = {"a": "The accuracy curves fall as the shift or the angle grows.",
               "c": "The accuracy drops sharply with rotation.",
               "d": "The notebook checked that shifting the input shifts the feature maps exactly."}
    if answer not in INVARIANCE_CHOICES:
        return wrong(f"Answer with one letter of {sorted(INVARIANCE_CHOICES)}, got {answer!r}.", hint)
    return wrong(reasons[answer], hint)


