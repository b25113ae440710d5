"""Loss and accuracy of a model on a labelled set, without tracking gradients.

Introduced in ``05_training_from_scratch.ipynb``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_utils.metrics import accuracy
from course_utils.train.data import TrainData, as_tensors
from course_utils.validation import (
    InputError,
    as_tensor,
    check_labels,
    check_model,
    check_positive_int,
    model_device,
)


@torch.inference_mode()
def predict_logits(model: torch.nn.Module, images: torch.Tensor, batch_size: int = 1000,
                   device: torch.device | None = None) -> torch.Tensor:
    """Class scores for every image, computed in evaluation mode.

    Parameters
    ----------
    model : torch.nn.Module
    images : (N, C, H, W) float tensor
    batch_size : int
    device : torch.device, optional
        Defaults to the device of the model's first parameter.

    Returns
    -------
    (N, K) float tensor on ``device``.
    """
    check_model(model)
    images = as_tensor(images, "images", "(N, C, H, W)")
    if len(images) == 0:
        raise InputError(f"images is empty (shape {tuple(images.shape)}); pass at least one "
                         "image.")
    batch_size = check_positive_int(batch_size, "batch_size")
    device = device or model_device(model)
    was_training = model.training
    model.eval()
    try:
        outs = [model(images[i:i + batch_size].to(device, non_blocking=True)).float()
                for i in range(0, len(images), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(outs)


def evaluate(model: torch.nn.Module, data: TrainData, batch_size: int = 1000,
             device: torch.device | None = None) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy on ``data``.

    Parameters
    ----------
    model : torch.nn.Module
    data : ImageSet or (images, labels)
        ``(N, C, H, W)`` images (uint8 or float) and ``(N,)`` labels.
    batch_size : int
    device : torch.device, optional

    Returns
    -------
    loss, accuracy : float
        Accuracy is a fraction in [0, 1].
    """
    images, labels = as_tensors(data, "evaluation")
    return evaluate_tensors(model, images, labels, batch_size, device)


def evaluate_tensors(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor,
                     batch_size: int = 1000, device: torch.device | None = None
                     ) -> tuple[float, float]:
    """:func:`evaluate` for float images and int64 labels already prepared (and maybe on the
    device).

    Parameters
    ----------
    model : torch.nn.Module
    images : torch.Tensor
    labels : torch.Tensor
    batch_size : int
    device : torch.device, optional
    """
    logits = predict_logits(model, images, batch_size, device)
    labels = check_labels(labels.to(logits.device), "labels", n=len(logits),
                          num_classes=logits.shape[1])
    loss = F.cross_entropy(logits, labels).item()
    return loss, accuracy(labels, logits.argmax(1))
