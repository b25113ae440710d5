"""Checkers for the exercises of ``10_class_imbalance.ipynb``.

1. ``check_inverse_weights``: class weights 1/n_k, scaled so the weighted count is N;
2. ``check_focal_loss``: the many-class focal loss, tested at γ = 0 and on hidden batches;
3. ``check_oversample``: random oversampling to the largest class, as indices;
4. ``check_balanced_accuracy_guess``: a prediction about a model that never predicts the rare
   classes.

The functions are compared with :mod:`course_utils.imbalance` on hidden, seeded cases; that
module, scikit-learn's ``compute_class_weight`` and torchvision's focal loss are refused.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from sklearn.utils.class_weight import compute_class_weight
from torchvision.ops import sigmoid_focal_loss

from course_utils import imbalance
from course_utils.exercises.framework import (
    Wrong,
    as_array,
    as_number,
    call,
    exercise,
    expect_close,
)


def _count_cases() -> list[tuple[torch.Tensor, str]]:
    g = torch.Generator().manual_seed(100)
    cases = [(torch.tensor([400, 400, 29, 400]), "counts (400, 400, 29, 400)"),
             (torch.full((5,), 30), "a balanced set of 5 classes")]
    for k in (3, 7, 10):
        counts = torch.randint(1, 500, (k,), generator=g)
        cases.append((counts, f"{k} random class counts"))
    return cases


@exercise("ch10.ex1", title="inverse class weights", kind="function",
          expects="a function inverse_weights(counts) -> (K,) float tensor",
          hints=("Start from 1 / n_k for every class: the rarer the class, the larger its weight.",
                 "Those raw weights then need one common factor so that the total weight of all "
                 "examples, the sum over classes of weight times count, is the number of "
                 "examples.",
                 "Integer division or an int tensor loses the fractions: turn the counts into "
                 "floats first."),
          solution="inverse_weights",
          forbidden=(imbalance.class_weights, compute_class_weight))
def check_inverse_weights(fn: Callable) -> str:
    """Exercise 1: ``fn(counts)`` equals ``class_weights(counts, "inverse")``."""
    for counts, case in _count_cases():
        got = as_array(call(fn, counts.clone(), case=case), what=f"the weights for {case}",
                       expects=f"{len(counts)} weights, one per class")
        want = imbalance.class_weights(counts, "inverse").double()
        n = counts.double()
        if got.shape == want.shape and not torch.allclose(got, want, rtol=1e-5):
            if torch.allclose(got / got.sum(), want / want.sum(), rtol=1e-5):
                raise Wrong(f"On {case} the weights have the right ratios but the wrong scale: "
                            "the weighted count (sum of weight times count) must equal the "
                            f"number of examples, {int(counts.sum())}; yours gives "
                            f"{float((got * n).sum()):.4g}.")
            if torch.allclose(got / got.sum(), n / n.sum(), rtol=1e-5):
                raise Wrong(f"On {case} the common classes get the largest weights: the weight "
                            "goes with the inverse of the count.")
        expect_close(got, want, what="the weights", rtol=1e-5, atol=1e-7, case=case)
    return ("Right on every hidden case: a balanced set gets weights of 1, and a class 14 times "
            "rarer weighs 14 times more.")


def _logit_cases() -> list[tuple[torch.Tensor, torch.Tensor, float, str]]:
    g = torch.Generator().manual_seed(101)
    cases = []
    for b, k, gamma, scale in ((16, 10, 0.0, 1.0), (32, 3, 2.0, 3.0), (20, 5, 0.5, 2.0),
                               (50, 10, 5.0, 4.0), (8, 2, 1.0, 30.0)):
        logits = torch.randn(b, k, generator=g, dtype=torch.float64) * scale
        labels = torch.randint(0, k, (b,), generator=g)
        cases.append((logits, labels, gamma, f"a hidden batch of {b} x {k} logits, gamma={gamma}"))
    return cases


@exercise("ch10.ex2", title="focal loss", kind="function",
          expects="a function focal(logits, labels, gamma) -> 0-d tensor",
          hints=("Take log p_y for every example first: the log-softmax of the logits, then the "
                 "entry of each row's label (indexing or gather).",
                 "The probability itself is the exponential of that log; the factor that turns "
                 "easy examples down is one minus it, raised to gamma.",
                 "Multiply that factor with minus log p_y and average over the batch; at "
                 "gamma = 0 you must get exactly the cross-entropy."),
          solution="focal", forbidden=(imbalance.focal_loss, sigmoid_focal_loss,
                                       imbalance.binary_focal_loss))
def check_focal_loss(fn: Callable) -> str:
    """Exercise 2: ``fn(logits, labels, gamma)`` equals the mean focal loss."""
    for logits, labels, gamma, case in _logit_cases():
        got = as_array(call(fn, logits.clone(), labels.clone(), gamma, case=case),
                       what=f"the loss on {case}", expects="one number (a 0-d tensor)")
        if got.numel() != 1:
            raise Wrong(f"On {case} the result has {got.numel()} values; average the loss over "
                        "the batch to one number.")
        want = imbalance.focal_loss(logits, labels, gamma)
        value = float(got.reshape(()))
        if abs(value - float(want)) <= 1e-6 * max(1.0, abs(float(want))):
            continue
        p = F.softmax(logits, 1).gather(1, labels[:, None])[:, 0]
        if abs(value - float(((1 - p) ** gamma * -p.log()).sum())) < 1e-6:
            raise Wrong(f"On {case} you return the sum over the batch; take the mean.")
        if abs(value - float((p ** gamma * -p.log()).mean())) < 1e-6 and gamma > 0:
            raise Wrong(f"On {case} the factor turns the *hard* examples down: it is (1 - p)^γ, "
                        "small when p, the probability of the true class, is near 1.")
        if not torch.isfinite(torch.tensor(value)) or (value > 1e6):
            raise Wrong(f"On {case} the loss is not finite: a log of a softmax underflows for "
                        "large logits; use log_softmax.")
        raise Wrong(f"On {case} the loss is {value:.6g}; expected {float(want):.6g}.")
    return "Equal on every hidden case, and exactly the cross-entropy at gamma = 0."


def _label_cases() -> list[tuple[torch.Tensor, str]]:
    g = torch.Generator().manual_seed(102)
    cases = [(torch.tensor([0] * 40 + [1] * 7 + [2] * 3), "labels with 40, 7 and 3 examples"),
             (torch.tensor([1, 0, 1, 1, 2, 2, 0, 1]), "8 mixed labels")]
    for k in (4, 10):
        counts = torch.randint(1, 60, (k,), generator=g)
        labels = torch.arange(k).repeat_interleave(counts)
        cases.append((labels[torch.randperm(len(labels), generator=g)],
                      f"{len(labels)} shuffled labels of {k} classes"))
    return cases


@exercise("ch10.ex3", title="random oversampling", kind="function",
          expects="a function oversample(labels, seed) -> (M,) int64 tensor of indices",
          hints=("First find how many examples the largest class has: every class must end "
                 "with that many.",
                 "Keep every index of a class, then add copies drawn at random from the same "
                 "class until it reaches that number (a seeded torch.Generator makes the draw "
                 "repeatable).",
                 "The result holds positions into labels, not labels: labels[result] must be "
                 "balanced."),
          solution="oversample", forbidden=(imbalance.oversample_indices,))
def check_oversample(fn: Callable) -> str:
    """Exercise 3: ``fn(labels, seed)`` gives balanced indices that keep every example."""
    for labels, case in _label_cases():
        got = call(fn, labels.clone(), 0, case=case)
        index = as_array(got, what=f"the result on {case}", expects="a 1-D tensor of indices")
        if index.ndim != 1 or (index != index.round()).any():
            raise Wrong(f"On {case} the result must be a 1-D tensor of whole-number indices.")
        index = index.long()
        if index.min() < 0 or index.max() >= len(labels):
            raise Wrong(f"On {case} some indices fall outside 0..{len(labels) - 1}: return "
                        "positions into labels.")
        largest = int(torch.bincount(labels).max())
        got_counts = torch.bincount(labels[index], minlength=int(labels.max()) + 1)
        if not (got_counts == largest).all():
            raise Wrong(f"On {case} the classes occur {got_counts.tolist()} times; every class "
                        f"must occur {largest} times, as often as the largest.")
        missing = set(range(len(labels))) - set(index.tolist())
        if missing:
            raise Wrong(f"On {case} {len(missing)} original examples are missing, e.g. index "
                        f"{min(missing)}: oversampling keeps every example and adds copies.")
    return ("Balanced, and nothing thrown away: every class as large as the largest, every "
            "example kept at least once.")


@exercise("ch10.ex4", title="balanced accuracy of a model blind to the rare classes",
          kind="number", expects="a number in [0, 1]",
          hints=("Balanced accuracy is the mean of the ten per-class recalls.",
                 "What is the recall of a class the model never predicts? And of a class it is "
                 "always right on?"),
          solution="blind_balanced_accuracy")
def check_balanced_accuracy_guess(answer: float) -> str:
    """Exercise 4: 7 classes with recall 1, 3 with recall 0: 0.7."""
    value = as_number(answer, what="your answer", expects="a number in [0, 1]")
    if abs(value - 0.7) < 1e-9:
        return ("0.7: seven recalls of 1 and three of 0. On a test set imbalanced like the "
                "training set (97% common digits) its accuracy would be 0.97.")
    if abs(value - 0.97) < 0.005:
        raise Wrong("0.97 is its accuracy on a set with 97% common digits; balanced accuracy "
                    "counts every class the same, however rare.")
    if abs(value - 70) < 1e-6:
        raise Wrong("Give the balanced accuracy as a fraction in [0, 1], not a percentage.")
    raise Wrong(f"{value:g} is not it: count the recall of each of the ten digits.")
