"""Class activation maps: CAM (global average pooling + linear) and Grad-CAM (any conv layer).

Introduced in ``09_looking_inside_cnns.ipynb``.

- **CAM** (Zhou et al., 2016): when a network ends ``features -> global average pooling ->
  linear``, the score of class ``c`` is the average over positions of ``sum_k w[c, k] A_k``, so
  that sum, position by position, says where the evidence for ``c`` is.
- **Grad-CAM** (Selvaraju et al., 2017): for any layer, weigh each channel ``A_k`` by the mean
  gradient of the class score over the positions, ``alpha_k = mean_ij d y_c / d A_kij``, sum
  and keep the positive part: ``ReLU(sum_k alpha_k A_k)``. On a GAP + linear network
  ``alpha_k = w[c, k] / (h w)``: Grad-CAM is CAM up to a positive factor.

Both return maps at the layer's resolution ``(N, h, w)``;
:func:`~course_utils.explain.maps.heatmaps`
makes them image-sized.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.explain.hooks import get_layer, record_activations
from course_utils.validation import (
    InputError,
    check_explained,
    target_scores,
)


def _check_layer_output(layer: str, activation: torch.Tensor) -> torch.Tensor:
    if activation.ndim != 4:
        raise InputError(f"layer {layer!r} outputs shape {tuple(activation.shape)}, not maps "
                         "(N, C, h, w); pick a convolutional layer or block.")
    return activation


def grad_cam_from(activations: torch.Tensor, gradients: torch.Tensor,
                  relu: bool = True) -> torch.Tensor:
    """Grad-CAM from a layer's activations and the gradient of the score with respect to them.

    Parameters
    ----------
    activations, gradients : (N, C, h, w) tensors
    relu : bool, default True
        Keep only the positive part (what supports the class).

    Returns
    -------
    (N, h, w) tensor
    """
    if activations.shape != gradients.shape or activations.ndim != 4:
        raise InputError(f"activations and gradients must both be (N, C, h, w), got "
                         f"{tuple(activations.shape)} and {tuple(gradients.shape)}.")
    weights = gradients.mean(dim=(2, 3), keepdim=True)
    maps = (weights * activations).sum(dim=1)
    return maps.clamp(min=0) if relu else maps


def grad_cam(model: nn.Module, images: torch.Tensor, targets: torch.Tensor | int, *,
             layer: str, relu: bool = True) -> torch.Tensor:
    """Grad-CAM of ``layer`` for a batch, one target class per image.

    Written out in ``09_looking_inside_cnns.ipynb``, section 5 (``grad_cam_by_hand``).

    Parameters
    ----------
    model : nn.Module in eval mode, ``(N, C, H, W) -> (N, K)`` class scores (logits)
    images : (N, C, H, W) float tensor on the model's device, preprocessed as the model expects
    targets : int or (N,) int tensor
        The class whose score is explained, per image.
    layer : str
        A name from ``model.named_modules()`` whose output is ``(N, C', h, w)``.
    relu : bool, default True

    Returns
    -------
    (N, h, w) float tensor, detached, on the CPU

    Raises
    ------
    ValueError
        Unknown layer (the message lists the valid names), a class index out of range, images
        of the wrong shape, a model in training mode.
    """
    images, targets = check_explained(model, images, targets)
    with torch.enable_grad(), record_activations(model, [layer], detach=False) as acts:
        scores = target_scores(model(images), targets)
        activation = _check_layer_output(layer, acts[layer])
        (gradient,) = torch.autograd.grad(scores.sum(), activation)
    return grad_cam_from(activation.detach(), gradient, relu).cpu()


def class_activation_map(model: nn.Module, images: torch.Tensor, targets: torch.Tensor | int, *,
                         features: str, classifier: str) -> torch.Tensor:
    """CAM: ``sum_k w[c, k] A_k`` for a network that ends in global average pooling + linear.

    Written out in ``09_looking_inside_cnns.ipynb``, section 5 (``cam_by_hand``).

    Parameters
    ----------
    model : nn.Module in eval mode
    images : (N, C, H, W) float tensor on the model's device
    targets : int or (N,) int tensor
    features : str
        The layer whose ``(N, K', h, w)`` output is average-pooled into the classifier's input.
    classifier : str
        The ``nn.Linear`` layer ``K' -> K`` that follows the pooling.

    Returns
    -------
    (N, h, w) float tensor on the CPU (signed: negative where the evidence is against ``c``)
    """
    images, targets = check_explained(model, images, targets)
    linear = get_layer(model, classifier)
    if not isinstance(linear, nn.Linear):
        raise InputError(f"classifier {classifier!r} is a {type(linear).__name__}; CAM needs "
                         "the nn.Linear layer that reads the pooled features. Use grad_cam for "
                         "other networks.")
    with torch.no_grad(), record_activations(model, [features]) as acts:
        target_scores(model(images), targets)  # checks the targets against the outputs
        activation = _check_layer_output(features, acts[features])
    if activation.shape[1] != linear.in_features:
        raise InputError(f"layer {features!r} has {activation.shape[1]} channels but "
                         f"{classifier!r} reads {linear.in_features} features: CAM needs the "
                         "layer just before the global average pooling.")
    weights = linear.weight.detach()[targets.to(linear.weight.device)]  # (N, K')
    return torch.einsum("nk,nkhw->nhw", weights, activation).cpu()
