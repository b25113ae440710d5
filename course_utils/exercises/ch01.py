"""Checkers for the exercises of ``01_images_as_tensors.ipynb``.

Functions are checked on hidden, seeded cases (random image sizes, random labels), so that
neither a printed number nor a library function passes.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch
import torchvision.transforms.functional as TF

from course_utils.data import stratified_split
from course_utils.exercises.framework import (
    Wrong,
    as_array,
    as_number,
    as_tuple,
    call,
    describe_answer,
    exercise,
)


@exercise("ch01.ex1", title="an image into a tensor", kind="function",
          expects="a function to_tensor(array) -> (3, H, W) float32 tensor",
          hints=("Three things change: the container (NumPy to PyTorch), the order of the axes, "
                 "and the type and range of the values.",
                 "torch.from_numpy shares the array's memory; .permute reorders axes (it moves "
                 "them, unlike reshape or view, which only regroup the numbers in memory order).",
                 "Convert to float32 before dividing, and divide by the largest uint8 value."),
          solution="to_tensor",
          forbidden=(TF.to_tensor, TF.pil_to_tensor, torch.from_numpy, torch.as_tensor))
def check_to_tensor(fn: Callable[[np.ndarray], torch.Tensor]) -> str:
    """Exercise 1: ``fn`` turns an (H, W, 3) uint8 array into a (3, H, W) float32 tensor in [0,
    1].
    """
    rng = np.random.default_rng(1)
    for h, w in ((5, 7), (12, 9), (3, 16)):
        array = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
        case = f"a random ({h}, {w}, 3) image"
        got = call(fn, array.copy(), case=case)
        if not isinstance(got, torch.Tensor):
            raise Wrong(f"On {case} it returned {describe_answer(got)}; expected a torch.Tensor.")
        expected = torch.from_numpy(array).permute(2, 0, 1).float() / 255
        if tuple(got.shape) == (3, w, h):
            raise Wrong(f"On {case} it returned shape {tuple(got.shape)}: height and width are "
                        f"swapped. Channels go first, then rows, then columns.")
        if tuple(got.shape) != (3, h, w):
            raise Wrong(f"On {case} it returned shape {tuple(got.shape)}; expected (3, {h}, {w}): "
                        f"channels first.")
        if got.dtype != torch.float32:
            raise Wrong(f"On {case} it returned dtype {got.dtype}; expected torch.float32.")
        values = got.detach().double()
        if not torch.isfinite(values).all():
            raise Wrong(f"On {case} it returned NaN or infinite values.")
        if values.max() > 1.0 + 1e-6:
            raise Wrong(f"On {case} the values go up to {values.max():.1f}; expected [0, 1].")
        regrouped = torch.from_numpy(array).reshape(3, h, w).double() / 255
        if torch.allclose(values, regrouped, atol=1e-6):
            raise Wrong(f"On {case} the shape is right but each channel mixes red, green and "
                        f"blue values: reshape regroups the numbers, it does not move the axes.")
        if not torch.allclose(values, expected.double(), atol=1e-6):
            raise Wrong(f"On {case} shape and dtype are right but the values are not the "
                        f"pixels scaled to [0, 1].")
    return "Channels first, float32, values in [0, 1], on every image size tried."


def _pixel_stats(images: torch.Tensor) -> tuple[float, float]:
    pixels = images.double() / 255
    return pixels.mean().item(), pixels.std().item()


def _pair(value: object, what: str) -> tuple[float, float]:
    first, second = as_tuple(value, 2, what="the result", expects=what)
    return (as_number(first, what="the first number", expects="a number"),
            as_number(second, what="the second number", expects="a number"))


@exercise("ch01.ex2", title="normalisation statistics", kind="function",
          expects="a function pixel_stats(images) -> (mean, std)",
          hints=("The statistics describe pixels on the scale the network will see, not the "
                 "0..255 of the file.",
                 "Convert the uint8 images to float and bring them to [0, 1] first; then one "
                 "mean and one standard deviation over every pixel of every image.",
                 "Tensors have .mean() and .std(); .item() turns a one-element tensor into a "
                 "Python number. Return the two as a tuple, mean first."),
          solution="pixel_stats", forbidden=(torch.std_mean, torch.var_mean))
def check_pixel_stats(fn: Callable[[torch.Tensor], tuple[float, float]]) -> str:
    """Exercise 2: ``fn(images)`` gives the mean and std of uint8 images scaled to [0, 1]."""
    gen = torch.Generator().manual_seed(2)
    for n, high in ((40, 256), (25, 120), (60, 200)):
        images = torch.randint(0, high, (n, 1, 12, 12), dtype=torch.uint8, generator=gen)
        case = f"{n} random 12x12 images with pixels up to {high - 1}"
        mean, std = _pair(call(fn, images.clone(), case=case), "a pair (mean, std) of numbers")
        want_mean, want_std = _pixel_stats(images)
        if math.isclose(mean, 255 * want_mean, rel_tol=1e-3):
            raise Wrong(f"On {case} the mean is {mean:.4g}: that is on the 0..255 scale, but the "
                        f"network sees pixels in [0, 1].")
        if math.isclose(mean, want_std, rel_tol=1e-3) and math.isclose(std, want_mean,
                                                                       rel_tol=1e-3):
            raise Wrong(f"On {case} mean and std are swapped: return (mean, std).")
        if math.isclose(std, want_std ** 2, rel_tol=1e-3):
            raise Wrong(f"On {case} the second number is the variance, not the standard "
                        "deviation.")
        if not math.isclose(mean, want_mean, rel_tol=1e-3):
            raise Wrong(f"On {case} the mean is {mean:.6g}; expected {want_mean:.6g}.")
        if not math.isclose(std, want_std, rel_tol=2e-3):
            raise Wrong(f"On {case} the standard deviation is {std:.6g}; expected {want_std:.6g}.")
    return "Mean and standard deviation of pixels in [0, 1], on every batch tried."


def _indices(value: object, what: str, n: int) -> torch.Tensor:
    if isinstance(value, torch.Tensor) and value.dtype == torch.bool:
        raise Wrong(f"{what} is a boolean mask; expected the indices themselves (e.g. "
                    f"mask.nonzero()).")
    values = as_array(value, what=what, expects="a 1-D collection of indices")
    if values.ndim != 1:
        raise Wrong(f"{what} has shape {tuple(values.shape)}; expected a 1-D collection of "
                    f"indices.")
    if not torch.equal(values, values.round()):
        raise Wrong(f"{what} holds numbers that are not whole: indices count items.")
    if values.min() < 0 or values.max() >= n:
        raise Wrong(f"{what} holds {int(values.min())} to {int(values.max())}; indices of {n} "
                    f"labels run from 0 to {n - 1}.")
    return values.long()


def _split_cases() -> list[tuple[torch.Tensor, float]]:
    gen = torch.Generator().manual_seed(3)
    cases = []
    for classes, fraction in ((3, 0.1), (5, 0.25), (4, 0.2)):
        sizes = torch.randint(10, 41, (classes,), generator=gen)
        labels = torch.cat([torch.full((int(s),), c) for c, s in enumerate(sizes)])  # sorted
        cases.append((labels, fraction))
    return cases


def _split(fn: Callable, labels: torch.Tensor, fraction: float, seed: int, case: str):
    parts = as_tuple(call(fn, labels.clone(), fraction, seed, case=case), 2,
                     what=f"the result on {case}", expects="a pair (train_idx, val_idx)")
    n = len(labels)
    return (_indices(parts[0], f"train_idx on {case}", n),
            _indices(parts[1], f"val_idx on {case}", n))


@exercise("ch01.ex3", title="a stratified validation split", kind="function",
          expects="a function split(labels, fraction, seed) -> (train_idx, val_idx)",
          hints=("'Stratified' means every class keeps its share: deal with one class at a time.",
                 "For each class: find its positions (labels == c), shuffle them with a generator "
                 "seeded by `seed`, and send the first round(fraction * count) to validation.",
                 "torch.Generator().manual_seed(seed) and torch.randperm(k, generator=...) give a "
                 "repeatable shuffle; torch.cat joins the pieces of every class."),
          solution="split", forbidden=(stratified_split,))
def check_split(fn: Callable) -> str:
    """Exercise 3: ``fn(labels, fraction, seed)`` splits the indices of ``labels``, class by
    class.
    """
    for labels, fraction in _split_cases():
        counts = torch.bincount(labels)
        case = (f"{len(labels)} labels of {len(counts)} classes ({counts.tolist()} of each), "
                f"fraction {fraction}")
        train, val = _split(fn, labels, fraction, 0, case)
        both = torch.cat([train, val])
        shared = set(train.tolist()) & set(val.tolist())
        if shared:
            raise Wrong(f"On {case}, {len(shared)} indices are in both parts: the validation "
                        f"score would be measured on training images.")
        if len(both) != len(labels) or len(torch.unique(both)) != len(labels):
            raise Wrong(f"On {case} the two parts hold {len(train)} + {len(val)} indices; "
                        f"together "
                        f"they must cover all {len(labels)} labels once.")
        got = torch.bincount(labels[val], minlength=len(counts))
        want = torch.round(counts * fraction)
        if ((got - want).abs() > 1).any():
            raise Wrong(f"On {case} validation holds {got.tolist()} of each class; about "
                        f"{want.long().tolist()} keeps every class in proportion.")
        again = _split(fn, labels, fraction, 0, case + ", the same seed again")[1]
        if set(again.tolist()) != set(val.tolist()):
            raise Wrong(f"On {case}, two calls with the same seed gave different splits: seed "
                        f"your shuffle so that a lesson repeats.")
        other = _split(fn, labels, fraction, 1, case + ", seed 1")[1]
        if set(other.tolist()) == set(val.tolist()):
            raise Wrong(f"On {case}, seeds 0 and 1 give the same validation part: the split is "
                        f"not shuffled (files are often sorted, so the first items of a class are "
                        f"not a random sample).")
    return "Disjoint, complete, every class in proportion, shuffled and repeatable."


@exercise("ch01.ex4", title="bytes of a batch", kind="number", expects="a whole number of bytes",
          hints=("A batch is an (N, C, H, W) tensor: how many values does it hold?",
                 "Multiply the four sizes, then by the bytes one value takes.",
                 "A float32 value is 32 bits."),
          solution="batch_bytes")
def check_batch_bytes(answer: float) -> str:
    """Exercise 4: bytes taken by a float32 batch of 64 RGB images of 224 x 224."""
    values = 64 * 3 * 224 * 224
    if answer == 4 * values:
        return f"{4 * values:,} bytes, about {4 * values / 2**20:.0f} MiB."
    if answer == values:
        raise Wrong("That counts values, or the bytes of a uint8 batch: how many bytes does one "
                    "float32 take?")
    if answer == 8 * values:
        raise Wrong("That is float64 (8 bytes a value).")
    if answer == values // 64 * 4:
        raise Wrong("That is one image, not a batch of 64.")
    raise Wrong(f"{answer:g} is not it.")
