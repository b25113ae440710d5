"""Adversarial training on the CPU: the cost of a PGD step, of robust training, and what it buys.

Prints one ``name: value`` line per figure, the robust model against a plainly trained one of the
same architecture in the same run:

- ``pgd_step_ms``: milliseconds per L∞ PGD step on a batch of 256 MNIST digits (CPU, median of
  ``--repeats`` runs of 10 steps), and ``forward_backward_ms``, one training forward and
  backward pass of the same batch, as the baseline (``pgd_step_ratio``); ``pgd_step_fused_ms``,
  the same step on :func:`~course_utils.attacks.fuse_batch_norm`'s copy (batch norm folded into
  the convolutions), which robust accuracy and adversarial training attack, and
  ``fused_speedup``, the ratio of the two;
- ``advtrain_seconds``: wall-clock seconds of adversarial training on 2 cores, with
  :data:`course_utils.attacks.ROBUST_MNIST`, the recipe of ``12_adversarial_robustness.ipynb``
  and the same split of the 5,000 shipped digits (4,000 to train on, the epoch chosen on
  validation digits carved from the other 1,000), the validation checks included;
  ``plain_train_seconds`` for plain training of the same network;
- ``robust_clean_acc``, ``robust_pgd_acc``, ``plain_clean_acc``, ``plain_pgd_acc``: accuracy on
  the MNIST test digits (all 10,000 by default), clean and under PGD-40 (ε = 0.3, step 0.01,
  ``--restarts`` random starts, 5 by default; each image attacked until it breaks).

Usage::

    "$(./course setup)/bin/python" benchmarks/adversarial.py [--threads 2] [--test-digits 10000]
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.attacks import (
    ROBUST_MNIST,
    ROBUST_MNIST_NETWORK,
    adversarial_fit,
    clean_accuracy,
    fuse_batch_norm,
    pgd,
    robust_accuracy,
)
from course_utils.data import load_dataset, stratified_split
from course_utils.env import seed_everything
from course_utils.models import MnistCNN, Normalize
from course_utils.train import fit

EPS = ROBUST_MNIST["eps"]
PLAIN_EPOCHS = 8
SELECT_DIGITS = slice(500, 1000)
"""Validation digits that choose the robust model's epoch, as in the notebook."""


def build(mean: float, std: float) -> nn.Module:
    """The lesson's robust-MNIST network, from seed 0."""
    seed_everything(0)
    return nn.Sequential(Normalize([mean], [std]), MnistCNN(**ROBUST_MNIST_NETWORK))


def step_times(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
               repeats: int) -> tuple[float, float, float]:
    """Median ms of one PGD step, of one on the fused copy, and of one training forward-backward
    pass, batch 256.

    Timed on a copy: forward passes in training mode update batch norm's running statistics,
    and clean test digits would overwrite the ones the robust model learned on adversarial
    batches (a run before this copy measured PGD-40 accuracy 0.37 instead of about 0.84).
    """
    model = copy.deepcopy(model)
    x, y = images[:256], labels[:256]
    fused = fuse_batch_norm(model)
    pgd_ms, fused_ms, fb_ms = [], [], []
    for _ in range(repeats):  # taken in turns, so a load change hits every side
        for attacked, times in ((model, pgd_ms), (fused, fused_ms)):
            start = time.perf_counter()
            pgd(attacked, x, y, eps=EPS, steps=10, generator=torch.Generator().manual_seed(0))
            times.append((time.perf_counter() - start) * 100)
        model.train()
        start = time.perf_counter()
        for _ in range(10):
            model.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
        fb_ms.append((time.perf_counter() - start) * 100)
        model.zero_grad(set_to_none=True)
        model.eval()
    return statistics.median(pgd_ms), statistics.median(fused_ms), statistics.median(fb_ms)


def report(history, val_robust: list[float]) -> None:
    """One progress line per epoch of adversarial training (on stderr, not a figure)."""
    print(f"epoch {history.epoch[-1]}: {history.seconds[-1]:.0f} s, validation PGD-10 "
          f"{val_robust[-1]:.3f}, load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)


def split(mnist):
    """The notebook's split: 4,000 training digits and 1,000 validation digits, shuffled."""
    train_idx, val_idx = stratified_split(mnist.labels, test_fraction=0.2, seed=0)
    def order(idx):
        return idx[torch.randperm(len(idx), generator=torch.Generator().manual_seed(0))]
    return mnist.subset(order(train_idx)), mnist.subset(order(val_idx))


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
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
    train_set, val = split(load_dataset("mnist", "train"))
    test = load_dataset("mnist", "test")
    pixels = train_set.images.float() / 255
    mean, std = pixels.mean().item(), pixels.std().item()
    if args.test_digits < len(test):
        keep = stratified_split(test.labels, args.test_digits / len(test), seed=0)[1]
        test = test.subset(keep)
    test_x, test_y = test.images.float() / 255, test.labels

    robust = build(mean, std)
    run = adversarial_fit(robust, train_set, val.images[SELECT_DIGITS].float() / 255,
                          val.labels[SELECT_DIGITS], device="cpu", on_epoch_end=report,
                          **ROBUST_MNIST)
    print("val_pgd_by_epoch: " + " ".join(f"{a:.3f}" for a in run.val_robust))
    print(f"best_epoch: {run.best_epoch}")
    plain = build(mean, std)
    plain_seconds = fit(plain, train_set, epochs=PLAIN_EPOCHS, lr=ROBUST_MNIST["lr"],
                        batch_size=ROBUST_MNIST["batch_size"], device="cpu",
                        progress=False).seconds[-1]
    plain.eval()
    step_ms, fused_ms, fb_ms = step_times(robust, test_x, test_y, args.repeats)
    print(f"pgd_step_ms: {step_ms:.1f}")
    print(f"pgd_step_fused_ms: {fused_ms:.1f}")
    print(f"fused_speedup: {step_ms / fused_ms:.2f}")
    print(f"forward_backward_ms: {fb_ms:.1f}")
    print(f"pgd_step_ratio: {step_ms / fb_ms:.2f}")
    print(f"advtrain_seconds: {run.seconds:.1f}")
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
