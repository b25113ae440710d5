"""Checkers for the exercises of ``05_training_from_scratch.ipynb``.

The training-loop exercises run the learner's code on a small hidden model and data set, and watch
it: which images each batch holds, the gradients at every optimiser step, the mode of the model.
"""

from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.exercises.framework import (
    Wrong,
    as_number,
    as_tuple,
    call,
    describe_answer,
    exercise,
)
from course_utils.train import evaluate, fit

AUGMENTATIONS = ("shift", "small_rotation", "zoom", "hflip", "vflip", "rotate180")
"""Names for exercise 3: shift by 2 px, rotate by up to 10 degrees, zoom by 0.9-1.1, flip
left-right, flip upside down, rotate by 180 degrees."""

EARLY_STOPPING_VAL_LOSSES = (0.30, 0.21, 0.18, 0.19, 0.17, 0.20, 0.22, 0.25, 0.16)
"""Validation loss after epochs 1, 2, ... for exercise 5 (patience 2)."""

_FEATURES, _CLASSES = 4, 3


class _Watched(nn.Module):
    """A small classifier that records every batch it sees: (indices, training?, grad on?).

    Image ``i`` carries ``i / 100`` in its first pixel, so a batch tells which images it holds.
    """

    def __init__(self, seed: int, dropout: float = 0.0):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        with torch.random.fork_rng(devices=[]):  # leave the learner's random stream alone
            torch.manual_seed(seed)
            self.linear = nn.Linear(_FEATURES, _CLASSES)
        self.seen: list[tuple[torch.Tensor, bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        index = torch.round(x[:, 0, 0, 0].detach() * 100).long()
        self.seen.append((index, self.training, torch.is_grad_enabled()))
        return self.linear(self.drop(x.flatten(1)))


def _data(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    images = torch.rand(n, 1, 2, 2, generator=gen)
    images[:, 0, 0, 0] = torch.arange(n) / 100
    labels = torch.sort(torch.randint(0, _CLASSES, (n,),
                                      generator=gen)).values  # sorted, like MNIST
    return images, labels


class _WatchedSGD(torch.optim.SGD):
    """SGD that notes, at every step, the batch just seen, its loss and whether the gradients
    are those of that batch's mean cross-entropy (or of all batches so far: no zero_grad).
    """

    def __init__(self, model: _Watched, images: torch.Tensor, labels: torch.Tensor):
        super().__init__(model.parameters(), lr=0.1)
        self.model, self.images, self.labels = model, images, labels
        self.steps: list[dict] = []
        self._total = [torch.zeros_like(p) for p in model.parameters()]

    def step(self, closure=None):  # noqa: D102 (same as SGD.step)
        if self.model.seen:
            index, training, _ = self.model.seen[-1]
            params = [p.detach().clone().requires_grad_(True) for p in self.model.parameters()]
            x = self.images[index].flatten(1)
            loss = F.cross_entropy(F.linear(x, params[0], params[1]), self.labels[index])
            expected = torch.autograd.grad(loss, params)
            self._total = [t + g for t, g in zip(self._total, expected)]
            got = [p.grad for p in self.model.parameters()]
            if any(g is None for g in got):
                verdict = "no gradient"
            elif all(torch.allclose(g, e, atol=1e-5) for g, e in zip(got, expected)):
                verdict = "ok"
            elif all(torch.allclose(g, t, atol=1e-5) for g, t in zip(got, self._total)):
                verdict = "accumulated"
            else:
                verdict = "other"
            self.steps.append({"index": index, "training": training, "loss": loss.item(),
                               "verdict": verdict})
        else:
            self.steps.append({"index": None, "training": True, "loss": math.nan,
                               "verdict": "no forward"})
        return super().step(closure)


def _check_steps(steps: list[dict], n: int, batch_size: int, case: str) -> None:
    if not steps:
        raise Wrong(f"On {case} the optimiser never took a step: call optimizer.step() after "
                    f"each backward pass.")
    for number, step in enumerate(steps, 1):
        if step["verdict"] == "no forward":
            raise Wrong(f"On {case} step {number} came before any forward pass.")
        if not step["training"]:
            raise Wrong(f"On {case} the model was in evaluation mode while it trained (the "
                        f"checker hands it over that way): call model.train() first.")
        if step["verdict"] == "no gradient":
            raise Wrong(f"On {case} step {number} found no gradients: call loss.backward() "
                        f"before optimizer.step().")
        if step["verdict"] == "accumulated" and number > 1:
            raise Wrong(f"On {case} the gradients at step {number} are the sum over all batches "
                        f"so far: PyTorch adds gradients up until optimizer.zero_grad() clears "
                        f"them.")
        if step["verdict"] != "ok":
            raise Wrong(f"On {case} the gradients at step {number} are not those of the mean "
                        f"cross-entropy of that batch (F.cross_entropy(model(x), y)).")
    order = torch.cat([step["index"] for step in steps])
    sizes = [len(step["index"]) for step in steps]
    if max(sizes) > batch_size:
        raise Wrong(f"On {case} a batch held {max(sizes)} images; batch_size is {batch_size}.")
    if len(order) != n or len(torch.unique(order)) != n:
        missing = n - len(torch.unique(order))
        raise Wrong(f"On {case} the epoch's batches held {len(order)} images "
                    f"({missing} of the {n} never seen): one epoch uses every image exactly once.")
    if torch.equal(order, torch.arange(n)):
        raise Wrong(f"On {case} the images came in file order: shuffle them every epoch "
                    f"(files are often sorted by class, as this one is).")


@exercise("ch05.ex1", title="one epoch of training", kind="function",
          expects="a function train_one_epoch(model, optimizer, images, labels, batch_size) -> "
                  "mean loss",
          hints=("Section 3 does this inside a loop over epochs; you write the body of that loop "
                 "for one epoch, and return one number.",
                 "Put the model in training mode, draw a random order of the images, and walk "
                 "through it batch_size at a time.",
                 "Per batch: forward, F.cross_entropy, clear old gradients, backward, step; keep "
                 "each loss.item() and return their mean."),
          solution="train_one_epoch", forbidden=(fit,))
def check_train_one_epoch(fn: Callable) -> str:
    """Exercise 1: ``fn(model, optimizer, images, labels, batch_size)`` trains one epoch."""
    for n, batch_size, seed in ((23, 5, 51), (16, 8, 52)):
        case = f"{n} hidden images in batches of {batch_size}"
        model = _Watched(seed).eval()
        images, labels = _data(n, seed)
        optimizer = _WatchedSGD(model, images, labels)
        result = call(fn, model, optimizer, images.clone(), labels.clone(), batch_size, case=case)
        _check_steps(optimizer.steps, n, batch_size, case)
        losses = [step["loss"] for step in optimizer.steps]
        sizes = [len(step["index"]) for step in optimizer.steps]
        mean = sum(losses) / len(losses)
        weighted = sum(loss * n for loss, n in zip(losses, sizes)) / sum(sizes)
        got = as_number(result, what=f"the value returned on {case}",
                        expects="the epoch's mean loss (a number)")
        if not (math.isclose(got, mean, rel_tol=1e-4) or math.isclose(got, weighted,
                                                                      rel_tol=1e-4)):
            last = " That is the last batch's loss." if math.isclose(got, losses[-1],
                                                                       rel_tol=1e-4) else ""
            raise Wrong(f"On {case} it returned {got:.4g}; the mean of the batch losses is "
                        f"{mean:.4g}.{last}")
    return ("Training mode, a fresh random order, every image once, clean gradients at every "
            "step, and the mean loss returned.")


@exercise("ch05.ex2", title="validation accuracy", kind="function",
          expects="a function accuracy(model, images, labels, batch_size) -> fraction correct",
          hints=("Measuring must not change the model, and must not depend on chance: which two "
                 "switches of section 3 make sure of that?",
                 "Every nn.Module has an evaluation mode, which turns dropout off; a context "
                 "manager in torch stops PyTorch from recording the graph for a backward pass "
                 "that never comes.",
                 "Batch by batch, count the predictions (the argmax over classes) equal to the "
                 "labels; divide by the number of images at the end."),
          solution="accuracy", forbidden=(evaluate,))
def check_accuracy(fn: Callable) -> str:
    """Exercise 2: ``fn(model, images, labels, batch_size)`` is the accuracy in evaluation mode,
    without gradients, over every image once.
    """
    for n, batch_size, seed in ((30, 7, 53), (24, 12, 54)):
        case = f"{n} hidden images in batches of {batch_size}, a model with dropout"
        model = _Watched(seed, dropout=0.5).train()
        images, labels = _data(n, seed)
        labels = labels[torch.randperm(n, generator=torch.Generator().manual_seed(seed))]
        with torch.no_grad():
            model.eval()
            truth = (model(images).argmax(1) == labels).double().mean().item()
            model.train()
            model.seen.clear()
        result = call(fn, model, images.clone(), labels.clone(), batch_size, case=case)
        if any(training for _, training, _ in model.seen):
            raise Wrong(f"On {case} the model was in training mode while measured, so dropout "
                        f"changed its answers at random: call model.eval() first.")
        if any(grad for _, _, grad in model.seen):
            raise Wrong(f"On {case} gradients were being recorded: measure inside "
                        f"`with torch.no_grad():`.")
        seen = torch.cat([index for index, _, _ in model.seen]) if model.seen else torch.zeros(0)
        if len(seen) != n or len(torch.unique(seen)) != n:
            raise Wrong(f"On {case} the model saw {len(seen)} images; every one of the {n} "
                        f"exactly once is what an accuracy needs.")
        got = as_number(result, what=f"the value returned on {case}",
                        expects="a fraction between 0 and 1")
        if math.isclose(got, truth, abs_tol=1e-9):
            continue
        if math.isclose(got, truth * n):
            raise Wrong(f"On {case} it returned {got:g}, the number of right answers: divide by "
                        f"the number of images.")
        if math.isclose(got, 100 * truth):
            raise Wrong(f"On {case} it returned a percentage; return a fraction between 0 and 1.")
        raise Wrong(f"On {case} it returned {got:.4g}; the model gets {truth:.4g} of the "
                    f"images right.")
    return "Evaluation mode, no gradients, every image once: the accuracy is exact."


@exercise("ch05.ex3", title="augmentations that keep the label", kind="any",
          expects=f"a set of names from AUGMENTATIONS, e.g. {{'{AUGMENTATIONS[0]}'}}",
          hints=("Ask of each one: would a person still read the same digit?",
                 "Can it turn one digit into another (a 6 into a 9), or into no digit at all (a "
                 "mirrored 3)?",
                 "Handwriting moves, tilts a little and varies in size."),
          solution="safe_augmentations")
def check_safe_augmentations(answer: object) -> str:
    """Exercise 3: the set of augmentations from ``AUGMENTATIONS`` that keep a digit's label."""
    if isinstance(answer, str):
        raise Wrong(f"Give a set of names, e.g. {{{answer!r}}}, even for a single one.")
    if not isinstance(answer, (set, frozenset, list, tuple)) or \
            not all(isinstance(name, str) for name in answer):
        raise Wrong(f"Expected a set of names (strings) from AUGMENTATIONS; got "
                    f"{describe_answer(answer)}.")
    chosen = set(answer)
    unknown = chosen - set(AUGMENTATIONS)
    if unknown:
        raise Wrong(f"Unknown names {sorted(unknown)}; choose from {AUGMENTATIONS}.")
    safe = {"shift", "small_rotation", "zoom"}
    harmful = chosen - safe
    if harmful:
        raise Wrong(f"{sorted(harmful)} can change what a digit is.")
    if chosen != safe:
        raise Wrong(f"{len(safe - chosen)} more of them keep the label too.")
    return ("Shifts, small rotations and zooms copy how people write; flips and big rotations "
            "invent digits that do not exist, or turn one into another.")


@exercise("ch05.ex4", title="optimiser steps of a run", kind="number",
          expects="a whole number of steps",
          hints=("How many whole batches of 64 fit in 4,500 images?",
                 "The last, partial batch is dropped: round down.",
                 "That is one epoch; the run has ten."),
          solution="steps")
def check_steps(answer: float) -> str:
    """Exercise 4: optimiser steps for 4,500 images, batch 64, 10 epochs, last partial batch
    dropped.
    """
    per_epoch = 4500 // 64
    if answer == 10 * per_epoch:
        return (f"{per_epoch} whole batches per epoch (the last {4500 - 64 * per_epoch} images "
                f"wait for the next shuffle), {10 * per_epoch} steps in all.")
    if answer == 10 * (per_epoch + 1):
        raise Wrong("That counts the last, partial batch, which fit drops.")
    if answer == per_epoch:
        raise Wrong("That is one epoch.")
    if not float(answer).is_integer():
        raise Wrong("Steps are whole numbers.")
    raise Wrong(f"{answer:g} is not it.")


def _whole(value: object, what: str) -> int:
    number = as_number(value, what=what, expects="a whole number (an epoch)")
    if not number.is_integer():
        raise Wrong(f"{what.capitalize()} is {number:g}: epochs are whole numbers.")
    return int(number)


@exercise("ch05.ex5", title="when early stopping stops", kind="any",
          expects="a pair (last epoch trained, epoch whose weights are kept)",
          hints=("Walk through the epochs and keep two things: the lowest loss so far and how "
                 "many epochs have passed without beating it.",
                 "A new lowest loss resets that count to 0; any other epoch adds 1; training "
                 "stops "
                 "when the count reaches the patience.",
                 "fit keeps the best weights it has seen, not the last ones."),
          solution="early_stopping")
def check_early_stopping(answer: object) -> str:
    """Exercise 5: ``answer = (last epoch trained, epoch whose weights are kept)`` for
    ``EARLY_STOPPING_VAL_LOSSES`` with ``patience=2`` and ``monitor="val_loss"``.
    """
    last, best = as_tuple(answer, 2, expects="a pair (last epoch, kept epoch)")
    stopped = _whole(last, "the last epoch")
    kept = _whole(best, "the kept epoch")
    if not 1 <= kept <= stopped <= len(EARLY_STOPPING_VAL_LOSSES):
        raise Wrong(f"Epochs run from 1 to {len(EARLY_STOPPING_VAL_LOSSES)}, and the kept epoch "
                    f"cannot come after the last one; got {(stopped, kept)}.")
    if (stopped, kept) == (7, 5):
        return ("Epochs 6 and 7 do not beat 0.17 from epoch 5, so training stops after epoch 7 "
                "and the weights of epoch 5 come back. (Epoch 9 would have been better still: "
                "patience is a trade-off.)")
    if stopped == len(EARLY_STOPPING_VAL_LOSSES):
        raise Wrong("Training would not run to the end.")
    if stopped == 7 and kept == 7:
        raise Wrong("The stop epoch is right, but fit keeps the best weights, not the last.")
    if stopped == 4:
        raise Wrong("Epoch 5 sets a new lowest loss, which resets the count.")
    raise Wrong(f"{(stopped, kept)} is not it.")
