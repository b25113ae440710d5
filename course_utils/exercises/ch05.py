"""Checkers for the exercises of ``05_training_from_scratch.ipynb``."""

from __future__ import annotations

import math

import torch

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, correct, not_answered, wrong

AUGMENTATIONS = ("shift", "small_rotation", "zoom", "hflip", "vflip", "rotate180")
"""Names for exercise 2: shift by 2 px, rotate by up to 10 degrees, zoom by 0.9-1.1, flip
left-right, flip upside down, rotate by 180 degrees."""

EARLY_STOPPING_VAL_LOSSES = (0.30, 0.21, 0.18, 0.19, 0.17, 0.20, 0.22, 0.25, 0.16)
"""Validation loss after epochs 1, 2, ... for exercise 4 (patience 2)."""


def _pixel_stats(images: torch.Tensor) -> tuple[float, float]:
    x = images.float() / 255 if images.dtype == torch.uint8 else images.float()
    return x.mean().item(), x.std().item()


def check_normalisation_stats(answer: object, train_images: torch.Tensor,
                              test_images: torch.Tensor | None = None) -> Feedback:
    """Exercise 1: ``answer = (mean, std)`` of the training pixels, scaled to [0, 1]."""
    hint = ("Scale the uint8 training images to [0, 1] (divide by 255), then take .mean() and "
            ".std() over all their pixels; use the training split only.")
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    try:
        mean, std = (float(v) for v in answer)
    except (TypeError, ValueError):
        return wrong(f"Expected a pair (mean, std) of numbers, got {answer!r}.", hint)
    expected = _pixel_stats(train_images)
    if math.isclose(mean, expected[0], rel_tol=1e-3) and math.isclose(std, expected[1], rel_tol=1e-3):
        return correct(f"mean {expected[0]:.4f}, std {expected[1]:.4f}, from the training split only.")
    if math.isclose(mean, 255 * expected[0], rel_tol=1e-3):
        return wrong("These are on the 0-255 scale.", "The model sees images in [0, 1]: divide by 255 first.")
    if math.isclose(mean, expected[1], rel_tol=1e-3) and math.isclose(std, expected[0], rel_tol=1e-3):
        return wrong("Mean and std are swapped.", "Give (mean, std), in that order.")
    if test_images is not None:
        both = torch.cat([train_images, test_images])
        for name, images in (("the test set", test_images), ("training and test sets together", both)):
            if math.isclose(mean, _pixel_stats(images)[0], rel_tol=1e-4):
                return wrong(f"These are the statistics of {name}.",
                             "Statistics that touch the test set leak it into training: use the "
                             "training split only.")
    return wrong(f"Got mean {mean:.4g}, std {std:.4g}; they do not match the training pixels.", hint)


def check_safe_augmentations(answer: object) -> Feedback:
    """Exercise 2: the set of augmentations from ``AUGMENTATIONS`` that keep a digit's label."""
    hint = ("Ask of each one: would a person still read the same digit, and can it turn one "
            "digit into another (6 and 9, a mirrored 2 or 7)?")
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    try:
        chosen = set(answer)
    except TypeError:
        return wrong(f"Expected a set of names such as {{'shift'}}, got {answer!r}.", hint)
    unknown = chosen - set(AUGMENTATIONS)
    if unknown:
        return wrong(f"Unknown names {sorted(unknown)}; choose from {AUGMENTATIONS}.", hint)
    safe = {"shift", "small_rotation", "zoom"}
    harmful = chosen - safe
    if harmful:
        return wrong(f"{sorted(harmful)} can change what a digit is: a mirrored 3 is no digit, "
                     "and a 6 turned upside down is a 9.", "Keep only changes a writer could make.")
    if chosen != safe:
        return wrong(f"{sorted(safe - chosen)} also keep the label.", "Handwriting moves, tilts a "
                     "little and varies in size: all three are safe.")
    return correct("Shifts, small rotations and zooms copy how people write; flips and big "
                   "rotations invent digits that do not exist, or turn one into another.")


def check_steps(answer: object) -> Feedback:
    """Exercise 3: optimiser steps for 4,500 images, batch 64, 10 epochs, last partial batch dropped."""
    hint = "Steps per epoch = 4500 // 64 (whole batches only); then times the epochs."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    if answer == 700:
        return correct("70 whole batches per epoch (the last 20 images wait for the next "
                       "shuffle), 700 steps in all.")
    if answer == 710:
        return wrong("That counts the last, partial batch.", "fit drops it: use floor division.")
    if answer == 70:
        return wrong("That is one epoch.", "Multiply by the 10 epochs.")
    if isinstance(answer, float) and not float(answer).is_integer():
        return wrong("Steps are whole numbers.", hint)
    return wrong(f"Got {answer!r}.", hint)


def check_early_stopping(answer: object) -> Feedback:
    """Exercise 4: ``answer = (last epoch trained, epoch whose weights are kept)`` for
    ``EARLY_STOPPING_VAL_LOSSES`` with ``patience=2`` and ``monitor="val_loss"``."""
    hint = ("Walk the epochs: a new lowest loss resets the count of bad epochs to 0, any other "
            "epoch adds 1; training stops when the count reaches 2.")
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    try:
        stopped, kept = (int(v) for v in answer)
    except (TypeError, ValueError):
        return wrong(f"Expected a pair (last epoch, kept epoch), got {answer!r}.", hint)
    if (stopped, kept) == (7, 5):
        return correct("Epochs 6 and 7 do not beat 0.17 from epoch 5, so training stops after "
                       "epoch 7 and the weights of epoch 5 come back. (Epoch 9 would have been "
                       "better still: patience is a trade-off.)")
    if stopped == 9:
        return wrong("Training would not run to the end.", hint)
    if stopped == 7 and kept == 7:
        return wrong("The stop epoch is right, but fit keeps the best weights, not the last.",
                     "Which epoch had the lowest validation loss so far?")
    if stopped == 4:
        return wrong("Epoch 5 sets a new lowest loss, which resets the count.", hint)
    return wrong(f"Got {(stopped, kept)}.", hint)
