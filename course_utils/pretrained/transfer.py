"""Transfer learning on a pretrained network: cached features, a linear head, fine-tuning.

Introduced in ``07_transfer_learning.ipynb``. The network is cut in two: a frozen *trunk* whose
output is computed once per image and cached, and a *tail* (the last blocks, pooling and a new
head) that is trained on the cached activations. Training only the head on pooled features is a
*linear probe*; training the last blocks as well is *fine-tuning*.
"""

from __future__ import annotations

import copy
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.transforms.v2 import functional as TF

from course_utils import metrics
from course_utils.validation import (
    InputError, check_finite, check_labels, check_model, check_non_negative, check_positive,
    check_positive_int, describe,
)


@torch.no_grad()
def run_batched(module: nn.Module, inputs: torch.Tensor, batch_size: int = 64,
                prepare: Callable[[torch.Tensor], torch.Tensor] | None = None) -> torch.Tensor:
    """Apply ``module`` to ``inputs`` in batches, without gradients, and concatenate.

    Introduced in ``07_transfer_learning.ipynb`` (feature extraction).

    Parameters
    ----------
    module : nn.Module
        Run as it is: put it in eval mode first for inference.
    inputs : (N, ...) tensor
    batch_size : int
    prepare : callable, optional
        Applied to each batch first (e.g. ``tflite_preprocess`` on uint8 pixels).

    Returns
    -------
    (N, ...) tensor
        The module's outputs, on the CPU, in the ordinary (contiguous) layout.

    Notes
    -----
    4-D float batches are handed to the module channels-last, the layout in which oneDNN's CPU
    convolutions (and cuDNN's) run fastest (``13_deployment.ipynb`` measures it).
    """
    if not isinstance(inputs, torch.Tensor) or inputs.ndim < 2 or len(inputs) == 0:
        raise InputError("inputs must be a non-empty (N, ...) tensor, got "
                         f"{getattr(inputs, 'shape', type(inputs).__name__)}.")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InputError(f"batch_size must be a positive int, got {batch_size!r}.")
    check_model(module, "module", has_parameters=True)
    device = next(module.parameters()).device
    outputs = []
    for start in range(0, len(inputs), batch_size):
        batch = inputs[start:start + batch_size]
        batch = prepare(batch) if prepare is not None else batch
        if batch.ndim == 4 and batch.is_floating_point():
            batch = batch.contiguous(memory_format=torch.channels_last)
        outputs.append(module(batch.to(device)).cpu())
    return torch.cat(outputs).contiguous()


def split_mobilenet(model: nn.Module, at: int) -> tuple[nn.Sequential, nn.Sequential]:
    """Cut a torchvision MobileNetV2 into a trunk and a tail (sharing its modules).

    Introduced in ``07_transfer_learning.ipynb``.

    Parameters
    ----------
    model : torchvision MobileNetV2
    at : int
        The first block of the tail, 1..19: ``features[:at]`` is the trunk and
        ``features[at:]`` plus global average pooling is the tail. ``at=19`` leaves the tail
        only the pooling, so it returns the 1280 pooled features.

    Returns
    -------
    trunk : nn.Sequential
        ``(N, 3, 224, 224)`` -> ``(N, C, h, w)`` activations (``(N, 96, 14, 14)`` for at=14).
    tail : nn.Sequential
        Those activations -> ``(N, 1280)`` pooled features.
    """
    if not isinstance(getattr(model, "features", None), nn.Sequential):
        raise InputError(f"model must be a MobileNetV2 with its blocks in model.features (from "
                         f"load_mobilenet_v2()), got {describe(model)}.")
    blocks = len(model.features)
    if not isinstance(at, int) or not 1 <= at <= blocks:
        raise InputError(f"at must be an int in [1, {blocks}] (a block of model.features), "
                         f"got {at!r}.")
    trunk = nn.Sequential(*model.features[:at])
    tail = nn.Sequential(*model.features[at:], nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
    return trunk, tail


def fit_linear_head(features: torch.Tensor, labels: torch.Tensor, num_classes: int,
                    weight_decay: float = 1e-3, steps: int = 100) -> nn.Linear:
    """Train a linear classifier on fixed features (a *linear probe*), by full-batch L-BFGS.

    Introduced in ``07_transfer_learning.ipynb``. Minimises the mean cross-entropy plus
    ``weight_decay * ||W||^2``; deterministic for given inputs.

    Parameters
    ----------
    features : (N, D) float tensor
    labels : (N,) int64 tensor, values in ``range(num_classes)``
    num_classes : int
    weight_decay : float
        Strength of the L2 penalty on the weights (not the bias).
    steps : int
        L-BFGS iterations.

    Returns
    -------
    nn.Linear
        ``D -> num_classes``.
    """
    if not isinstance(features, torch.Tensor) or features.ndim != 2 or not features.is_floating_point():
        raise InputError("features must be a (N, D) float tensor, got "
                         f"{getattr(features, 'shape', type(features).__name__)}.")
    check_finite(features, "features", hint="Recompute the features from finite images.")
    num_classes = check_positive_int(num_classes, "num_classes", minimum=2,
                                     hint="A classifier needs at least 2 classes.")
    labels = check_labels(labels, "labels", n=len(features), num_classes=num_classes)
    weight_decay = check_non_negative(weight_decay, "weight_decay")
    steps = check_positive_int(steps, "steps")
    head = nn.Linear(features.shape[1], num_classes)
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    optimizer = torch.optim.LBFGS(head.parameters(), max_iter=steps, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(head(features), labels) + weight_decay * head.weight.square().sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return head


def accuracy(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor,
             batch_size: int = 64) -> float:
    """Fraction of ``inputs`` whose arg-max prediction equals ``labels`` (model in eval mode).

    Runs the model in batches, then scores with :func:`course_utils.metrics.accuracy`.

    Parameters
    ----------
    model : nn.Module
        Maps ``(B, ...)`` inputs to ``(B, K)`` scores.
    inputs : (N, ...) tensor
    labels : (N,) int64 tensor
    """
    labels = check_labels(labels, "labels", n=len(inputs))
    was_training = model.training
    model.eval()
    predictions = run_batched(model, inputs, batch_size).argmax(1)
    model.train(was_training)
    return metrics.accuracy(labels, predictions)


def batchnorm_eval(model: nn.Module) -> nn.Module:
    """Put every BatchNorm layer of ``model`` in eval mode (use its stored statistics); return it.

    Call it after ``model.train()``: the rest of the model trains while BatchNorm keeps the
    running statistics it has. Needed for the converted MobileNetV2, whose BatchNorm layers only
    carry biases (see ``07_transfer_learning.ipynb``, "the BatchNorm pitfall").
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
    """A trainable copy of ``tail`` followed by a copy of ``head`` (the originals are untouched)."""
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


def balanced_subset(labels: torch.Tensor, n: int, seed: int = 0) -> torch.Tensor:
    """Indices of ``n`` examples drawn at random, classes in proportion, each class at least once.

    Introduced in ``07_transfer_learning.ipynb`` (the label-efficiency curve).

    Parameters
    ----------
    labels : (N,) int64 tensor
    n : int
        How many to draw, from the number of classes up to N.
    seed : int

    Returns
    -------
    (n,) int64 tensor of indices into ``labels``, sorted.
    """
    labels = check_labels(labels, "labels")
    classes = labels.unique()
    if not isinstance(n, int) or not len(classes) <= n <= len(labels):
        raise InputError(f"n must be an int in [{len(classes)}, {len(labels)}] (at least one "
                         f"example per class), got {n!r}.")
    generator = torch.Generator().manual_seed(seed)
    counts = torch.stack([(labels == c).sum() for c in classes])
    quota = (counts * n / len(labels)).floor().long().clamp(min=1)
    while quota.sum() < n:  # hand out what rounding left, largest shortfall first
        quota[(counts * n / len(labels) - quota).argmax()] += 1
    while quota.sum() > n:
        quota[quota.argmax()] -= 1
    chosen = []
    for c, k in zip(classes, quota.tolist()):
        members = (labels == c).nonzero().flatten()
        chosen.append(members[torch.randperm(len(members), generator=generator)[:k]])
    return torch.cat(chosen).sort().values


SHIFTS = ("grayscale", "blur", "rotate", "crop")


def shift_images(images: torch.Tensor, kind: str) -> torch.Tensor:
    """Apply a domain shift to photos: what a deployed model may meet that training did not show.

    Introduced in ``07_transfer_learning.ipynb``.

    Parameters
    ----------
    images : (N, 3, H, W) uint8 tensor
    kind : {"grayscale", "blur", "rotate", "crop"}
        ``"grayscale"`` drops colour; ``"blur"`` is a Gaussian blur with sigma = H / 56 (4 pixels
        at 224); ``"rotate"`` turns the photo a quarter turn; ``"crop"`` zooms into the central
        third, so only part of the animal is left.

    Returns
    -------
    (N, 3, H, W) uint8 tensor
    """
    if not isinstance(images, torch.Tensor) or images.dtype != torch.uint8 or images.ndim != 4 \
            or images.shape[1] != 3:
        raise InputError("images must be a (N, 3, H, W) uint8 tensor, got "
                         f"{getattr(images, 'shape', type(images).__name__)} "
                         f"{getattr(images, 'dtype', '')}.")
    size = images.shape[-1]
    if kind == "grayscale":
        return TF.rgb_to_grayscale(images, num_output_channels=3)
    if kind == "blur":
        sigma = size / 56
        return TF.gaussian_blur(images, kernel_size=2 * round(3 * sigma) + 1, sigma=sigma)
    if kind == "rotate":
        return images.rot90(1, dims=(2, 3))
    if kind == "crop":
        side = size // 3
        return TF.resize(TF.center_crop(images, side), [size, size], antialias=True)
    raise InputError(f"kind must be one of {SHIFTS}, got {kind!r}.")
