"""Features from a pretrained network: cut it in two, run the frozen part once, score a model.

Introduced in ``07_transfer_learning.ipynb``. The network is cut in two: a frozen *trunk* whose
output is computed once per image and cached (:func:`run_batched`), and a *tail* (the last
blocks, pooling and a new head) that is trained on the cached activations.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from course_utils import metrics
from course_utils.validation import InputError, check_labels, check_model, describe


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


def model_accuracy(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, *,
                   batch_size: int = 64) -> float:
    """Fraction of ``inputs`` whose arg-max prediction equals ``labels`` (model in eval mode).

    Runs the model in batches, then scores with :func:`course_utils.metrics.accuracy`.

    Parameters
    ----------
    model : nn.Module
        Maps ``(B, ...)`` inputs to ``(B, K)`` scores.
    inputs : (N, ...) tensor
        Images, trunk activations or features: whatever ``model`` takes.
    labels : (N,) int64 tensor
    batch_size : int
        Inputs per forward pass.

    Returns
    -------
    float
        In [0, 1].
    """
    labels = check_labels(labels, "labels", n=len(inputs))
    was_training = model.training
    model.eval()
    predictions = run_batched(model, inputs, batch_size).argmax(1)
    model.train(was_training)
    return metrics.accuracy(labels, predictions)
