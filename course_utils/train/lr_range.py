"""The learning-rate range test: raise the rate step by step and watch the loss.

Introduced in ``05_training_from_scratch.ipynb``. Train a copy of the model for a few hundred
steps while the learning rate grows geometrically from tiny to huge; the loss first stays flat,
then falls, then explodes. A good peak rate for a one-cycle schedule sits a little below the
point where the loss is lowest.
"""

from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F

from course_utils.env import get_device
from course_utils.train.data import InMemoryBatches, TrainData, as_tensors
from course_utils.train.optim import make_optimizer
from course_utils.validation import (
    InputError,
    check_model,
    check_model_fits,
    check_number,
    check_positive,
    check_positive_int,
)


def lr_range_test(model: torch.nn.Module, train: TrainData, *, min_lr: float = 1e-5,
                  max_lr: float = 1.0, steps: int = 100, batch_size: int = 128,
                  optimizer: str = "adam", seed: int = 0, smoothing: float = 0.9,
                  device: torch.device | str | None = None) -> tuple[list[float], list[float]]:
    """Loss against learning rate on a copy of ``model`` (the model itself is not changed).

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(B, C, H, W)`` images in [0, 1] to ``(B, K)`` class scores.
    train : ImageSet or (images, labels)
    min_lr, max_lr : float
        The rate grows geometrically from ``min_lr`` to ``max_lr`` over ``steps`` steps.
    steps : int
    batch_size : int
    optimizer : {"sgd", "momentum", "adam", "adamw"}
    seed : int
    smoothing : float
        Weight of the running average of the loss, in [0, 1).
    device : torch.device or str, optional

    Returns
    -------
    lrs, losses : list of float
        The rate at each step and the smoothed loss; the test stops early once the loss is
        above four times its lowest value.
    """
    check_model(model)
    min_lr, max_lr = check_positive(min_lr, "min_lr"), check_positive(max_lr, "max_lr")
    if not min_lr < max_lr:
        raise InputError(f"need 0 < min_lr < max_lr, got min_lr={min_lr}, max_lr={max_lr}.")
    steps = check_positive_int(steps, "steps")
    smoothing = check_number(smoothing, "smoothing", 0.0, 1.0, high_open=True)
    device = torch.device(device) if device is not None else get_device()
    images, labels = (t.to(device) for t in as_tensors(train, "train"))
    trial = copy.deepcopy(model).to(device).train()
    check_model_fits(trial, images, labels)
    torch.manual_seed(seed)
    batches = InMemoryBatches(images, labels, batch_size, torch.Generator().manual_seed(seed))
    opt = make_optimizer(optimizer, trial.parameters(), min_lr)
    factor = (max_lr / min_lr) ** (1 / max(steps - 1, 1))
    lrs, losses, average, lowest = [], [], 0.0, math.inf
    while len(lrs) < steps:
        for x, y in batches:
            lr = min_lr * factor ** len(lrs)
            for group in opt.param_groups:
                group["lr"] = lr
            loss = F.cross_entropy(trial(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            average = smoothing * average + (1 - smoothing) * loss.item()
            smoothed = average / (1 - smoothing ** (len(lrs) + 1))
            lrs.append(lr)
            losses.append(smoothed)
            lowest = min(lowest, smoothed)
            if len(lrs) >= steps or smoothed > 4 * lowest or not math.isfinite(smoothed):
                return lrs, losses
    return lrs, losses
