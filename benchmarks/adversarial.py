"""Adversarial training on the CPU: the cost of a PGD step, of robust training, and what it buys.

Prints one ``name: value`` line per figure, the robust model against a plainly trained one of the
same architecture in the same run:

- ``pgd_step_ms``: milliseconds per L∞ PGD step on a batch of 256 MNIST digits (CPU, median of
  ``--repeats`` runs of 10 steps), and ``forward_backward_ms``, one training forward and
  backward pass of the same batch, as the baseline (``pgd_step_ratio``);
- ``advtrain_seconds``: seconds of adversarial training (``fit``'s own clock, evaluation not
  counted) on the 5,000 shipped digits, with the recipe of ``12_adversarial_robustness.ipynb``;
  ``plain_train_seconds`` for plain training of the same network;
- ``robust_clean_acc``, ``robust_pgd_acc``, ``plain_clean_acc``, ``plain_pgd_acc``: accuracy on
  the MNIST test digits (all 10,000 by default), clean and under PGD-40 (ε = 0.3, step 0.01,
  ``--restarts`` random starts, 5 by default; each image attacked until it breaks).

Usage::

    "$(./course setup)/bin/python" benchmarks/adversarial.py [--threads 2] [--test-digits 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.attacks import PGDTraining, clean_accuracy, pgd, robust_accuracy
from course_utils.data import load_dataset, stratified_split
from course_utils.env import seed_everything
from course_utils.models import MnistCNN, Normalize
from course_utils.train import fit

EPS = 0.3
RECIPE = {"epochs": 15, "steps": 5, "ramp": 0.4, "batch_size": 100, "lr": 3e-3}
"""The notebook's PGD-training recipe (chosen there on a validation split)."""
PLAIN_EPOCHS = 8


def build(mean: float, std: float) -> nn.Module:
    """The lesson's robust-MNIST network, from seed 0."""
    seed_everything(0)
    return nn.Sequential(Normalize([mean], [std]), MnistCNN(channels=(32, 64), hidden=512,
                                                            dropout=0.0))


def step_times(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
               repeats: int) -> tuple[float, float]:
    """Median ms of one PGD step and of one training forward-backward pass, batch 256."""
    x, y = images[:256], labels[:256]
    pgd_ms, fb_ms = [], []
    for _ in range(repeats):  # taken in turns, so a load change hits both sides
        start = time.perf_counter()
        pgd(model, x, y, eps=EPS, steps=10, generator=torch.Generator().manual_seed(0))
        pgd_ms.append((time.perf_counter() - start) * 100)
        model.train()
        start = time.perf_counter()
        for _ in range(10):
            model.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
        fb_ms.append((time.perf_counter() - start) * 100)
        model.zero_grad(set_to_none=True)
        model.eval()
    return statistics.median(pgd_ms), statistics.median(fb_ms)


def train(train_set, mean: float, std: float, adversarial: bool) -> tuple[nn.Module, float]:
    """The robust (or plain) model and its training seconds."""
    model = build(mean, std)
    epochs = RECIPE["epochs"] if adversarial else PLAIN_EPOCHS
    ramp = int(RECIPE["ramp"] * epochs * (len(train_set) // RECIPE["batch_size"]))
    transform = (PGDTraining(model, eps=EPS, steps=RECIPE["steps"], ramp_batches=ramp)
                 if adversarial else None)
    history = fit(model, train_set, epochs=epochs, batch_size=RECIPE["batch_size"],
                  lr=RECIPE["lr"], batch_transform=transform, device="cpu", progress=False)
    return model.eval(), history.seconds[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                        help="PyTorch CPU threads (default: the cores this process may use)")
    parser.add_argument("--test-digits", type=int, default=10000,
                        help="stratified subset of the test digits (default: all 10,000)")
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch_threads: {args.threads}")
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")
    train_set, test = load_dataset("mnist", "train"), load_dataset("mnist", "test")
    pixels = train_set.images.float() / 255
    mean, std = pixels.mean().item(), pixels.std().item()
    if args.test_digits < len(test):
        keep = stratified_split(test.labels, args.test_digits / len(test), seed=0)[1]
        test = test.subset(keep)
    test_x, test_y = test.images.float() / 255, test.labels

    robust, adv_seconds = train(train_set, mean, std, adversarial=True)
    plain, plain_seconds = train(train_set, mean, std, adversarial=False)
    step_ms, fb_ms = step_times(robust, test_x, test_y, args.repeats)
    print(f"pgd_step_ms: {step_ms:.1f}")
    print(f"forward_backward_ms: {fb_ms:.1f}")
    print(f"pgd_step_ratio: {step_ms / fb_ms:.2f}")
    print(f"advtrain_seconds: {adv_seconds:.1f}")
    print(f"plain_train_seconds: {plain_seconds:.1f}")
    attack = partial(pgd, steps=40, alpha=0.01, restarts=args.restarts, early_stop=True,
                     generator=torch.Generator().manual_seed(0))
    for name, model in (("robust", robust), ("plain", plain)):
        print(f"{name}_clean_acc: {clean_accuracy(model, test_x, test_y):.4f}")
        print(f"{name}_pgd_acc: {robust_accuracy(model, test_x, test_y, attack, eps=EPS):.4f}")
    print(f"test_digits: {len(test_y)}")
    print(f"load_average_1min_end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
