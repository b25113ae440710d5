"""Checkers for the exercises of ``11_data_quality_and_robustness.ipynb``.

1. ``check_self_confidence``: the self-confidence ranking of suspicious labels;
2. ``check_class_thresholds``: confident learning's per-class thresholds;
3. ``check_contrast``: the contrast corruption, per image;
4. ``check_random_precision``: the precision at k of a random ranking (a prediction).

Functions are compared with :mod:`course_utils.quality` and :mod:`course_utils.corruptions` on
hidden, seeded cases; those and cleanlab's and torchvision's versions are refused.
"""

from __future__ import annotations

import importlib
from typing import Callable

import torch
from torchvision.transforms.v2.functional import adjust_contrast

from course_utils.exercises.framework import (
    Wrong,
    as_array,
    as_number,
    call,
    exercise,
    expect_close,
)
from course_utils.quality import self_confidence_ranking


def _cleanlab(module: str, name: str) -> tuple[Callable, ...]:
    """``cleanlab.<module>.<name>`` to refuse as an answer; nothing without the quality extra."""
    try:
        found = importlib.import_module(f"cleanlab.{module}")
    except ImportError:
        return ()
    return (getattr(found, name),)


def _prob_cases() -> list[tuple[torch.Tensor, torch.Tensor, str]]:
    g = torch.Generator().manual_seed(110)
    cases = []
    for n, k in ((12, 3), (200, 10), (57, 4), (400, 2)):
        labels = torch.randint(0, k, (n,), generator=g)
        labels[:k] = torch.arange(k)  # every class present
        logits = torch.randn(n, k, generator=g, dtype=torch.float64) * 2
        logits[torch.arange(n), labels] += 2.0
        cases.append((labels, logits.softmax(1), f"{n} hidden examples of {k} classes"))
    return cases


@exercise("ch11.ex1", title="the self-confidence ranking", kind="function",
          expects="a function self_confidence(labels, probs) -> (N,) int64 indices",
          hints=("For each example, look only at the probability the model gives to its *given* "
                 "label, whatever class it finds most likely.",
                 "A label the model does not believe in gets a low probability: those come "
                 "first.",
                 "Return positions (argsort), not the probabilities themselves."),
          solution="self_confidence",
          forbidden=(self_confidence_ranking, *_cleanlab("rank", "get_label_quality_scores")))
def check_self_confidence(fn: Callable) -> str:
    """Exercise 1: ``fn(labels, probs)`` orders examples by ``probs[i, labels[i]]``, lowest
    first.
    """
    for labels, probs, case in _prob_cases():
        got = as_array(call(fn, labels.clone(), probs.clone(), case=case),
                       what=f"the ranking of {case}", expects="a 1-D tensor of indices")
        n = len(labels)
        if got.shape != (n,) or sorted(got.long().tolist()) != list(range(n)):
            if got.shape == (n,) and float(got.min()) >= 0 and float(got.max()) <= 1 and \
                    (got != got.round()).any():
                raise Wrong(f"On {case} you return probabilities; return the order of the "
                            "examples (their indices), most suspicious first.")
            raise Wrong(f"On {case} the result must hold each index 0..{n - 1} exactly once.")
        order = got.long()
        given = probs[torch.arange(n), labels]
        if torch.equal(order, given.argsort(descending=True)):
            raise Wrong(f"On {case} the most confident labels come first; the suspicious ones "
                        "are those with the *lowest* probability.")
        if torch.equal(order, probs.max(1).values.argsort()):
            raise Wrong(f"On {case} you rank by the largest probability of any class; use the "
                        "probability of the given label.")
        if not torch.equal(given[order], given.sort().values):
            raise Wrong(f"On {case} the examples are not ordered by the probability of their "
                        "given label, lowest first.")
    return ("Right: the labels the out-of-sample model believes least come first, and those are "
            "where the flips hide.")


@exercise("ch11.ex2", title="confident learning's thresholds", kind="function",
          expects="a function class_thresholds(labels, probs) -> (K,) float tensor",
          hints=("There is one threshold per class j, computed from the column j of the "
                 "probabilities.",
                 "Average that column only over the examples *labelled* j, not over all of them.",
                 "Column j, rows where labels == j: a boolean mask selects them."),
          solution="class_thresholds", forbidden=_cleanlab("count", "get_confident_thresholds"))
def check_class_thresholds(fn: Callable) -> str:
    """Exercise 2: ``fn(labels, probs)[j]`` is the mean of ``probs[labels == j, j]``."""
    for labels, probs, case in _prob_cases():
        got = as_array(call(fn, labels.clone(), probs.clone(), case=case),
                       what=f"the thresholds of {case}", expects="one threshold per class")
        k = probs.shape[1]
        want = torch.stack([probs[labels == j, j].mean() for j in range(k)])
        if got.shape == want.shape and not torch.allclose(got, want, atol=1e-9):
            if torch.allclose(got, probs.mean(0), atol=1e-9):
                raise Wrong(f"On {case} you average each column over all examples; average "
                            "class j's column over the examples labelled j only.")
            per_class_max = torch.stack([probs[labels == j].max(1).values.mean()
                                         for j in range(k)])
            if torch.allclose(got, per_class_max, atol=1e-9):
                raise Wrong(f"On {case} you average the largest probability of each row; use "
                            "the probability of class j itself.")
        expect_close(got, want, what="the thresholds", atol=1e-9, case=case)
    return ("Right: each class gets the model's average confidence on its own examples, so a "
            "class the model is shy about gets a lower bar.")


def _image_cases() -> list[tuple[torch.Tensor, float, str]]:
    g = torch.Generator().manual_seed(111)
    return [(torch.rand(4, 1, 6, 6, generator=g), 0.3, "4 hidden 6x6 grey images, factor 0.3"),
            (torch.rand(3, 3, 5, 5, generator=g) * 0.5, 0.5,
             "3 hidden dark RGB images, factor 0.5"),
            (torch.rand(5, 1, 4, 4, generator=g), 2.5, "5 hidden images, factor 2.5 (more "
                                                       "contrast)")]


@exercise("ch11.ex3", title="the contrast corruption", kind="function",
          expects="a function contrast(images, factor) -> images of the same shape",
          hints=("Each image is pulled towards its *own* mean brightness: one mean per image, "
                 "over "
                 "its channels and pixels.",
                 "Move every pixel's distance from that mean by the factor: below 1 flattens, "
                 "above 1 exaggerates.",
                 "A factor above 1 can push pixels outside [0, 1]: clip the result."),
          solution="contrast", forbidden=(adjust_contrast,))
def check_contrast(fn: Callable) -> str:
    """Exercise 3: ``fn(images, factor)`` = ``clip((x - mean_i) * factor + mean_i)``."""
    for images, factor, case in _image_cases():
        got = as_array(call(fn, images.clone(), factor, case=case),
                       what=f"the result on {case}", expects="images of the input's shape")
        mean = images.mean((1, 2, 3), keepdim=True)
        want = ((images - mean) * factor + mean).clamp(0, 1)
        if got.shape == want.shape and not torch.allclose(got, want.double(), atol=1e-6):
            batch = images.mean()
            if torch.allclose(got, ((images - batch) * factor + batch).clamp(0, 1).double(),
                              atol=1e-6):
                raise Wrong(f"On {case} you use one mean for the whole batch; each image keeps "
                            "its own mean.")
            if torch.allclose(got, ((images - mean) * factor + mean).double(), atol=1e-6):
                raise Wrong(f"On {case} some pixels leave [0, 1]: clip the result.")
        expect_close(got, want, what="the images", atol=1e-6, case=case)
    return "Right: the same as course_utils.corruptions.contrast at each severity's factor."


@exercise("ch11.ex4", title="precision of a random ranking", kind="number",
          expects="a number in [0, 1]",
          hints=("Among the k first examples of a random order, every example is as likely as "
                 "any other.",
                 "What share of all examples have a flipped label?"),
          solution="random_precision")
def check_random_precision(answer: float) -> str:
    """Exercise 4: at 20% noise a random order has precision 0.2 at any k."""
    value = as_number(answer, what="your answer", expects="a number in [0, 1]")
    if abs(value - 0.2) < 0.005:
        return ("0.2 at every k: a random order finds flips at the rate they occur. The ranking "
                "of section 3 beats it by a factor of about four.")
    if abs(value - 20) < 1e-6:
        raise Wrong("Give it as a fraction in [0, 1], not a percentage.")
    if abs(value - 0.8) < 0.005:
        raise Wrong("0.8 is the share of *correct* labels; precision counts the flips found.")
    raise Wrong(f"{value:g} is not it: what share of the labels was flipped?")
