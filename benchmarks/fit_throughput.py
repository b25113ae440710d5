"""How fast ``course_utils.train.fit`` trains, against an idiomatic PyTorch loop, in one run.

Prints one ``name: value`` line per figure:

- ``fit_images_per_s``, ``loop_images_per_s``, ``fit_speedup_cpu``: the MNIST network of the
  lessons, batch 64, Adam with a one-cycle schedule and random +-2 pixel shifts, trained by
  ``fit`` (in-memory batches, batched shifts) and by the loop every tutorial shows (a
  ``DataLoader`` over the same ``ImageSet`` with a per-image shift transform, ``loss.item()``
  each step). Each side's best warm epoch of ``--repeats`` runs, taken in turns.
- ``fit_speedup_cuda`` (and ``fit_images_per_s_cuda``, ``loop_images_per_s_cuda``) when a GPU
  is there.
- ``mnist_seconds_to_98_5``: training seconds (evaluation not counted) until the test accuracy
  on the 10,000 MNIST test digits first reaches 98.5%, training on the 5,000 shipped digits on
  the CPU; ``mnist_final_test_acc`` after the last epoch.

Usage::

    "$(./course setup)/bin/python" benchmarks/fit_throughput.py [--threads 2] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from torchvision.transforms import v2

from course_utils.augment import images_only, random_shift
from course_utils.data import load_dataset
from course_utils.env import seed_everything
from course_utils.models import MnistCNN, Normalize
from course_utils.train import fit

BATCH = 64
LR = 3e-3
EPOCHS_TO_98_5 = 8
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def make_model() -> nn.Module:
    """The benchmark network, always built from seed 0."""
    seed_everything(0)
    return nn.Sequential(Normalize([MNIST_MEAN], [MNIST_STD]), MnistCNN())


def loop_images_per_s(train_set, device: torch.device, epochs: int = 2) -> float:
    """The idiomatic loop; images/s of its last (warm) epoch."""
    model = make_model().to(device)
    dataset = replace(train_set, transform=v2.RandomCrop(28, padding=2))
    cuda = device.type == "cuda"
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, drop_last=True,
                        num_workers=2 if cuda else 0, pin_memory=cuda)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, LR, total_steps=epochs * len(loader))
    rate = 0.0
    for _ in range(epochs):
        model.train()
        start, seen, running, correct = time.perf_counter(), 0, 0.0, 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            opt.zero_grad()
            out = model(x)
            loss = F.cross_entropy(out, y)
            loss.backward()
            opt.step()
            sched.step()
            running += loss.item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            seen += len(y)
        rate = seen / (time.perf_counter() - start)
    return rate


def fit_images_per_s(train_set, device: torch.device, epochs: int = 2) -> float:
    """``fit`` with its defaults for the device; images/s of its last (warm) epoch."""
    history = fit(make_model(), train_set, epochs=epochs, batch_size=BATCH, lr=LR,
                  batch_transform=images_only(random_shift, max_shift=2), device=device,
                  progress=False)
    return history.images_per_s[-1]


def compare(train_set, device: torch.device, repeats: int) -> tuple[float, float]:
    """Best images/s of each side over ``repeats`` runs, alternating which goes first."""
    fits, loops = [], []
    for i in range(repeats):
        order = (fits, loops) if i % 2 == 0 else (loops, fits)
        for results in order:
            measure = fit_images_per_s if results is fits else loop_images_per_s
            results.append(measure(train_set, device))
    return max(fits), max(loops)


def seconds_to_98_5(train_set, test_set) -> tuple[float, float]:
    """Training seconds until 98.5% test accuracy (nan if never) and the final accuracy."""
    history = fit(make_model(), train_set, test_set, epochs=EPOCHS_TO_98_5, batch_size=BATCH,
                  lr=LR, batch_transform=images_only(random_shift, max_shift=2),
                  device=torch.device("cpu"), progress=False)
    epoch = history.first_epoch_reaching("val_acc", 0.985)
    seconds = history.seconds[epoch - 1] if epoch else float("nan")
    return seconds, history.val_acc[-1]


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                        help="PyTorch CPU threads (default: the cores this process may use)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train_set, test_set = load_dataset("mnist", "train"), load_dataset("mnist", "test")
    print(f"torch_threads: {args.threads}")
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")

    fit_rate, loop_rate = compare(train_set, torch.device("cpu"), args.repeats)
    print(f"fit_images_per_s: {fit_rate:.0f}")
    print(f"loop_images_per_s: {loop_rate:.0f}")
    print(f"fit_speedup_cpu: {fit_rate / loop_rate:.2f}")
    if torch.cuda.is_available():
        fit_gpu, loop_gpu = compare(train_set, torch.device("cuda"), args.repeats)
        print(f"fit_images_per_s_cuda: {fit_gpu:.0f}")
        print(f"loop_images_per_s_cuda: {loop_gpu:.0f}")
        print(f"fit_speedup_cuda: {fit_gpu / loop_gpu:.2f}")

    seconds, accuracy = seconds_to_98_5(train_set, test_set)
    print(f"mnist_seconds_to_98_5: {seconds:.1f}")
    print(f"mnist_final_test_acc: {accuracy:.4f}")
    print(f"load_average_1min_end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
