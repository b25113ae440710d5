"""Checkers for the exercises of ``18_your_own_images.ipynb``.

1. ``check_draft_scale``: the factor by which a JPEG can be decoded smaller (Pillow's draft mode);
2. ``check_three_way_split``: a stratified training / validation / test split;
3. ``check_rule_of_three``: the lowest accuracy a flawless test run still allows.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from course_utils.data.folder import split_three_ways
from course_utils.data.splits import stratified_split
from course_utils.exercises.framework import Wrong, call, exercise

SCALES = (8, 4, 2, 1)


def reference_draft_scale(width: int, height: int, size: int) -> int:
    """The largest of 8, 4, 2, 1 that keeps both sides at least ``size`` (1 if none does).

    Parameters
    ----------
    width : int
    height : int
    size : int
    """
    fits = min(width // size, height // size)
    return next((s for s in SCALES if fits >= s), 1)


def _scale_cases() -> list[tuple[int, int, int, str]]:
    rng = np.random.default_rng(1600)
    cases = [(4032, 3024, 224, "a 12-megapixel phone photo (4032 x 3024) for a 224 model"),
             (3024, 4032, 224, "the same photo taken upright (3024 x 4032)"),
             (1000, 800, 224, "a 1000 x 800 picture"),
             (300, 200, 224, "a 300 x 200 picture, smaller than the model's input"),
             (1800, 1000, 224, "an 1800 x 1000 picture"),
             (896, 896, 224, "an 896 x 896 picture (exactly 4 x 224)"),
             (6000, 4000, 299, "a 6000 x 4000 photo for a 299 model")]
    for _ in range(6):
        w, h = (int(v) for v in rng.integers(150, 5000, 2))
        cases.append((w, h, 224, f"a {w} x {h} picture"))
    return cases


@exercise("ch18.ex1", title="how much smaller a JPEG can be decoded", kind="function",
          expects="a function draft_scale(width, height, size) -> int, one of 1, 2, 4, 8",
          hints=("A JPEG decoder can skip detail and produce the image at 1/2, 1/4 or 1/8 of its "
                 "size; which of these keeps the image large enough for the model?",
                 "Both sides must stay at least size pixels after dividing by the factor: the "
                 "shorter side decides.",
                 "How many times does size fit into each side (integer division)? Take the "
                 "smaller count, then the largest of 8, 4, 2, 1 not above it."),
          solution="draft_scale")
def check_draft_scale(fn: Callable) -> str:
    """Exercise 1: ``fn(width, height, size)`` returns the largest usable draft factor."""
    for width, height, size, case in _scale_cases():
        got = call(fn, width, height, size, case=case)
        want = reference_draft_scale(width, height, size)
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)) and not (
                isinstance(got, float) and got.is_integer()):
            raise Wrong(f"On {case} it returned {got!r}; return a whole number, 1, 2, 4 or 8.")
        got = int(got)
        if got not in SCALES:
            raise Wrong(f"On {case} it returned {got}; the JPEG decoder can only divide by 1, 2, "
                        "4 or 8: take the largest of these that fits.")
        if got != want:
            longer = reference_draft_scale(max(width, height), max(width, height), size)
            if got == longer and got > want:
                raise Wrong(f"On {case} you returned {got}, expected {want}: the longer side "
                            "would stay large enough but the shorter one would not. Use the "
                            "shorter side.")
            if got > want:
                raise Wrong(f"On {case} you returned {got}, expected {want}: decoded at 1/{got} "
                            f"it is {width // got} x {height // got}, smaller than {size}.")
            raise Wrong(f"On {case} you returned {got}, expected {want}: 1/{want} still leaves at "
                        f"least {size} pixels a side, and is {(want // got) ** 2} times less "
                        "work.")
    return ("Right: a 12-megapixel photo for a 224 model is decoded at 1/8 (504 x 378 pixels), "
            "about 60 times fewer pixels, which is most of the folder loader's speed.")


def _split_cases() -> list[tuple[torch.Tensor, float, float, str]]:
    gen = torch.Generator().manual_seed(1610)
    return [
        (torch.tensor([0] * 20 + [1] * 20 + [2] * 20), 0.2, 0.2, "three classes of 20"),
        (torch.tensor([0] * 50 + [1] * 5), 0.2, 0.2, "50 images of one class and 5 of another"),
        (torch.randint(0, 4, (80,),
                       generator=gen).sort().values[torch.randperm(80, generator=gen)],
         0.25, 0.15, "80 shuffled labels of 4 classes, validation 0.25, test 0.15"),
        (torch.tensor([1, 0, 1, 0, 1, 0, 2, 2, 2]), 0.2, 0.2, "three classes of 3 images"),
    ]


@exercise("ch18.ex2", title="a stratified three-way split", kind="function",
          expects="a function three_way_split(labels, validation, test, seed) -> (train, val, "
                  "test), three 1-D tensors of indices",
          hints=("Work class by class: shuffle the indices of one class (with a generator seeded "
                 "by seed), then cut them in three.",
                 "Each class gives max(1, round(test * n)) images to the test part and "
                 "max(1, round(validation * n)) to validation; the rest is for training.",
                 "Concatenate each part over the classes and sort it; together the three parts "
                 "must hold every index exactly once."),
          solution="three_way_split", forbidden=(split_three_ways, stratified_split))
def check_three_way_split(fn: Callable) -> str:
    """Exercise 2: ``fn(labels, validation, test, seed)`` splits every class three ways."""
    for labels, validation, test, case in _split_cases():
        got = call(fn, labels.clone(), validation, test, 0, case=case)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise Wrong(f"On {case} it returned {type(got).__name__}; return (train, val, test).")
        parts = [torch.as_tensor(p).long().flatten() for p in got]
        together = torch.cat(parts)
        if len(together) != len(set(together.tolist())):
            raise Wrong(f"On {case} an index is in two parts (or twice in one): a test image "
                        "must never also be a training image.")
        if sorted(together.tolist()) != list(range(len(labels))):
            raise Wrong(f"On {case} the three parts hold {len(together)} of the {len(labels)} "
                        "indices; every image must land in exactly one part.")
        for name, part, share in (("validation", parts[1], validation), ("test", parts[2], test)):
            for c in labels.unique().tolist():
                n = int((labels == c).sum())
                have = int((labels[part] == c).sum())
                want = max(1, round(share * n))
                if have == 0:
                    raise Wrong(f"On {case} class {c} has no image in the {name} part: split "
                                "each class separately (stratify), so every class is in every "
                                "part.")
                if have != want:
                    raise Wrong(f"On {case} class {c} ({n} images) gives {have} to {name}, "
                                f"expected max(1, round({share} x {n})) = {want}: cut each "
                                "class separately (stratify), so each keeps its share.")
    return ("Every class in every part, in its share: the test figure is then about the same "
            "classes as training, and no image is in two places.")


@exercise("ch18.ex3", title="what a flawless test run proves", kind="number",
          expects="a number between 0 and 1 (an accuracy)",
          hints=("If the true accuracy were p, the chance of n correct answers in a row is "
                 "p ** n.",
                 "Find the p for which that chance falls to 5%: below it, a flawless run would "
                 "be too unlikely.",
                 "For large n, 0.05 ** (1 / n) is close to 1 - 3 / n: the 'rule of three'."),
          solution="rule_of_three_low")
def check_rule_of_three(value: float) -> str:
    """Exercise 3: the 95% lower bound on accuracy after 40 correct answers out of 40."""
    exact, rule = 0.05 ** (1 / 40), 1 - 3 / 40
    if abs(value - rule) <= 0.003 or abs(value - exact) <= 0.003:
        return (f"Right: about {rule:.3f} (exactly {exact:.3f}). A perfect score on 40 images "
                "still allows an accuracy near 92.5%; the bootstrap interval, which only "
                "resamples the 40 right answers, cannot show it.")
    if abs(value - 1) < 1e-9:
        raise Wrong("1.0 is the estimate, not its lower bound: 40 right answers in a row are "
                    "also likely from a model that is right 97% of the time.")
    if abs(value - (1 - 1 / 40)) <= 0.003:
        raise Wrong("That is one mistake in 40; how low can p go while 40 right answers in a "
                    "row still have a 5% chance?")
    if not 0 <= value <= 1:
        raise Wrong(f"{value:g} is not an accuracy; give a number between 0 and 1.")
    raise Wrong(f"{value:.3f} is not it: solve p ** 40 = 0.05 for p.")
