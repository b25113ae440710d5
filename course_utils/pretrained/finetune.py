"""Fine-tuning: train the last pretrained blocks and a head on cached trunk activations.

Introduced in ``07_transfer_learning.ipynb``. AdamW with two learning rates, a low one for the
pretrained blocks and a higher one for the head, and BatchNorm kept in eval mode.
"""

from __future__ import annotations

import copy
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.validation import (
    InputError,
    check_labels,
    check_model,
    check_non_negative,
    check_positive,
    check_positive_int,
    describe,
)


def batchnorm_eval(model: nn.Module) -> nn.Module:
    """Put every BatchNorm layer of ``model`` in eval mode (use its stored statistics); return it.

    Call it after ``model.train()``: the rest of the model trains while BatchNorm keeps the
    running statistics it has. Needed for the converted MobileNetV2, whose BatchNorm layers only
    carry biases (see ``07_transfer_learning.ipynb``, "the BatchNorm pitfall").

    Parameters
    ----------
    model : nn.Module
    """
    for module in check_model(model).modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.eval()
    return model


def train_classifier(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, *,
                     epochs: int, optimizer: torch.optim.Optimizer, batch_size: int = 32,
                     augment: Callable[[torch.Tensor], torch.Tensor] | None = None,
                     freeze_batchnorm: bool = False, seed: int = 0) -> list[float]:
    """Train ``model`` with mini-batch cross-entropy on in-memory tensors.

    Introduced in ``07_transfer_learning.ipynb``, where the same loop fine-tunes the tail of the
    pretrained network and trains a MobileNetV2 from scratch.

    Why not :func:`course_utils.train.fit`: fine-tuning needs an optimiser with one learning
    rate per parameter group (low for the pretrained blocks, higher for the head) held
    constant, while ``fit`` builds its own optimiser and sets a single scheduled rate on every
    group at each step; and its inputs are cached trunk activations, not images in [0, 1],
    which ``fit`` checks for. This loop stays plain (shuffle, batch, loss, backward, step) so
    the notebook can show it whole.

    Parameters
    ----------
    model : nn.Module
        ``(B, ...)`` inputs -> ``(B, K)`` logits; left in eval mode at the end.
    inputs : (N, ...) float tensor
    labels : (N,) int64 tensor
    epochs : int
    optimizer : torch.optim.Optimizer
        Over the parameters to train (different learning rates per group are fine).
    batch_size : int
    augment : callable, optional
        Applied to each training batch (e.g. random flips).
    freeze_batchnorm : bool
        Keep BatchNorm layers in eval mode while training (see :func:`batchnorm_eval`).
    seed : int
        Seeds the shuffling, so a run repeats exactly.

    Returns
    -------
    list of float
        The mean training loss of each epoch.
    """
    check_model(model, has_parameters=True)
    labels = check_labels(labels, "labels", n=len(inputs))
    if not isinstance(epochs, int) or epochs < 0:
        raise InputError(f"epochs must be an int >= 0, got {epochs!r}.")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise InputError(f"optimizer must be a torch.optim.Optimizer over the parameters to "
                         f"train, got {describe(optimizer)}; e.g. "
                         "torch.optim.AdamW(model.parameters(), lr=1e-3).")
    batch_size = check_positive_int(batch_size, "batch_size")
    generator = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    history = []
    for _ in range(epochs):
        model.train()
        if freeze_batchnorm:
            batchnorm_eval(model)
        order = torch.randperm(len(inputs), generator=generator)
        total = 0.0
        for start in range(0, len(inputs), batch_size):
            index = order[start:start + batch_size]
            x = inputs[index]
            x = augment(x) if augment is not None else x
            loss = F.cross_entropy(model(x.to(device)), labels[index].to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
        history.append(total / len(inputs))
    model.eval()
    return history


def with_head(tail: nn.Module, head: nn.Linear) -> nn.Sequential:
    """A trainable copy of ``tail`` followed by a copy of ``head`` (the originals are
    untouched).

    Parameters
    ----------
    tail : nn.Module
    head : nn.Linear
    """
    check_model(tail, "tail")
    check_model(head, "head")
    return nn.Sequential(copy.deepcopy(tail), copy.deepcopy(head))


def fine_tune(tail: nn.Module, head: nn.Linear, inputs: torch.Tensor, labels: torch.Tensor, *,
              epochs: int, lr_blocks: float = 1e-4, lr_head: float = 1e-3,
              weight_decay: float = 1e-4, freeze_batchnorm: bool = True,
              seed: int = 0) -> nn.Sequential:
    """Fine-tune copies of the pretrained ``tail`` and a warmed-up ``head`` on cached activations.

    Introduced in ``07_transfer_learning.ipynb``. AdamW with two learning rates: a low one for
    the pretrained blocks, a higher one for the head.

    Written out in ``07_transfer_learning.ipynb``, section 6.

    Parameters
    ----------
    tail : nn.Module
        The last pretrained blocks: ``(N, C, h, w)`` trunk activations -> ``(N, D)`` features
        (from :func:`split_mobilenet`).
    head : nn.Linear
        ``D -> K``, e.g. the linear probe from :func:`fit_linear_head`.
    inputs : (N, C, h, w) float tensor
        Cached trunk activations of the training images.
    labels : (N,) int64 tensor
    epochs : int
    lr_blocks, lr_head : float
        Learning rates of the pretrained blocks and of the head.
    weight_decay : float
    freeze_batchnorm : bool
        Keep BatchNorm in eval mode (needed for the converted MobileNetV2).
    seed : int

    Returns
    -------
    nn.Sequential
        ``(tail copy, head copy)``, trained, in eval mode; ``tail`` and ``head`` are untouched.
    """
    check_positive_int(epochs, "epochs")
    check_non_negative(lr_blocks, "lr_blocks", hint="0 keeps the pretrained blocks as they are.")
    check_positive(lr_head, "lr_head")
    check_non_negative(weight_decay, "weight_decay")
    torch.manual_seed(seed)
    model = with_head(tail, head)
    optimizer = torch.optim.AdamW([
        {"params": model[0].parameters(), "lr": lr_blocks},
        {"params": model[1].parameters(), "lr": lr_head},
    ], weight_decay=weight_decay)
    train_classifier(model, inputs, labels, epochs=epochs, optimizer=optimizer,
                     freeze_batchnorm=freeze_batchnorm, seed=seed)
    return model
