"""Checkers for the exercises of ``01_images_as_tensors.ipynb``."""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from course_utils.data.registry import load_dataset
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, correct, not_answered, wrong


def check_to_tensor(fn: Callable[[np.ndarray], torch.Tensor]) -> Feedback:
    """Exercise 1: ``fn`` turns an (H, W, 3) uint8 array into a (3, H, W) float32 tensor in [0, 1]."""
    hint = ("torch.from_numpy(array).permute(2, 0, 1) moves channels first; .float() / 255 "
            "rescales.")
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function, got {type(fn).__name__}.", hint)
    array = np.random.default_rng(1).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    try:
        out = fn(array.copy())
    except Exception as error:  # the learner's code may fail in any way
        return wrong(f"Your function raised {type(error).__name__}: {error}", hint)
    if not isinstance(out, torch.Tensor):
        return wrong(f"It returned a {type(out).__name__}, not a torch.Tensor.", hint)
    if tuple(out.shape) != (3, 5, 7):
        return wrong(f"For a (5, 7, 3) image it returned shape {tuple(out.shape)}; expected "
                     "(3, 5, 7).", "Check the order in permute: channels go first.")
    if out.dtype != torch.float32:
        return wrong(f"It returned dtype {out.dtype}; expected torch.float32.", hint)
    expected = torch.from_numpy(array).permute(2, 0, 1).float() / 255
    if out.max() > 1.0 + 1e-6:
        return wrong(f"Values go up to {out.max():.1f}; expected [0, 1].", "Divide by 255.")
    if not torch.allclose(out, expected, atol=1e-6):
        return wrong("Shape and dtype are right but the values are not.",
                     "Use permute (which moves axes), not reshape or view (which do not).")
    return correct("Channels first, float32, values in [0, 1].")


def _pixel_stats(split: str) -> tuple[float, float]:
    pixels = load_dataset("mnist", split).images.float() / 255
    return pixels.mean().item(), pixels.std().item()


def check_normalization(mean: object, std: object) -> Feedback:
    """Exercise 2: mean and std of the MNIST training pixels, scaled to [0, 1]."""
    hint = "x = train.images.float() / 255, then x.mean() and x.std(): training split only."
    if mean is NOT_ANSWERED or std is NOT_ANSWERED:
        return not_answered(hint)
    try:
        mean, std = float(mean), float(std)
    except (TypeError, ValueError):
        return wrong(f"Expected two numbers, got {mean!r} and {std!r}.", hint)
    train_mean, train_std = _pixel_stats("train")
    if abs(mean - train_mean) < 1e-3 and abs(std - train_std) < 1e-3:
        return correct(f"mean {train_mean:.4f}, std {train_std:.4f}, from the training split.")
    if abs(mean - 255 * train_mean) < 0.3:
        return wrong("Those are statistics of 0..255 pixels.", "Divide by 255 first.")
    test_mean, test_std = _pixel_stats("test")
    if abs(mean - test_mean) < 1e-3 and abs(std - test_std) < 1e-3:
        return wrong("Those are the test split's statistics: that leaks the test set into "
                     "training.", "Compute them on load_dataset('mnist', 'train').")
    return wrong(f"Got mean {mean:.4f}, std {std:.4f}.", hint)


def check_validation_split(train_idx: object, val_idx: object, labels: torch.Tensor) -> Feedback:
    """Exercise 3: a stratified 90/10 train/validation split of ``labels`` (the training set)."""
    hint = "stratified_split(labels, test_fraction=0.1) returns (train_idx, val_idx)."
    if train_idx is NOT_ANSWERED or val_idx is NOT_ANSWERED:
        return not_answered(hint)
    train_idx, val_idx = torch.as_tensor(train_idx).long(), torch.as_tensor(val_idx).long()
    n = len(labels)
    overlap = np.intersect1d(train_idx.numpy(), val_idx.numpy())
    if len(overlap):
        return wrong(f"{len(overlap)} indices are in both parts: the validation score would be "
                     "measured on training images.", hint)
    if len(train_idx) + len(val_idx) != n or len(torch.unique(torch.cat([train_idx, val_idx]))) != n:
        return wrong(f"Together the parts must cover all {n} images once; they hold "
                     f"{len(train_idx)} + {len(val_idx)}.", hint)
    if abs(len(val_idx) - 0.1 * n) > 0.01 * n:
        return wrong(f"The validation part holds {len(val_idx)} images; expected about {n // 10}.",
                     hint)
    share = torch.bincount(labels[val_idx], minlength=10).float() / torch.bincount(labels).float()
    if (share - 0.1).abs().max() > 0.02:
        return wrong("Some classes are over- or under-represented in the validation part.",
                     "Split each class separately (stratify).")
    return correct(f"{len(train_idx)} training and {len(val_idx)} validation images, every "
                   "class in proportion, no overlap.")


def check_batch_bytes(answer: object) -> Feedback:
    """Exercise 4: bytes taken by a float32 batch of 64 RGB images of 224 x 224."""
    hint = "Multiply the four sizes of the (N, C, H, W) batch, then bytes per float32 value."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    values = 64 * 3 * 224 * 224
    if answer == 4 * values:
        return correct(f"{4 * values:,} bytes, about {4 * values / 2**20:.0f} MiB.")
    if answer == values:
        return wrong("That counts values, or uint8 bytes.", "A float32 takes 4 bytes.")
    return wrong(f"You answered {answer!r}.", hint)
