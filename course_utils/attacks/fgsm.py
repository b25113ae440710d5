"""FGSM, the fast gradient sign method (Goodfellow et al., 2015): one step of size ε.

Introduced in ``12_adversarial_robustness.ipynb``, after the same few lines are written by hand.
"""

from __future__ import annotations

import torch

from course_utils.attacks.mode import frozen_eval
from course_utils.attacks.pgd import input_gradient
from course_utils.validation import (
    check_batch_labels,
    check_bool,
    check_eps,
    check_model,
    check_unit_images,
)


def fgsm(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, *, eps: float,
         targeted: bool = False) -> torch.Tensor:
    """Move every pixel by ``±eps`` in the direction that raises the loss (L∞ ball of radius ε).

    ``x_adv = clip(x + eps * sign(∇_x CE(model(x), y)), 0, 1)``; targeted, the step goes down the
    loss of the target class instead. The model runs in evaluation mode, its parameters get no
    gradient, and its modes are restored afterwards.

    Parameters
    ----------
    model : torch.nn.Module
        ``(B, C, H, W)`` images in [0, 1] to ``(B, K)`` logits (normalisation inside the model).
    images : (B, C, H, W) float tensor in [0, 1]
    labels : (B,) int64 tensor
        True classes, or with ``targeted=True`` the classes to push the images towards.
    eps : float
        Size of the step (L∞), >= 0, on the [0, 1] pixel scale (e.g. 8/255).
    targeted : bool

    Returns
    -------
    (B, C, H, W) tensor in [0, 1], detached, within ``eps`` of ``images`` in every pixel.
    """
    eps = check_eps(eps)
    targeted = check_bool(targeted, "targeted")
    images = check_unit_images(images)
    labels = check_batch_labels(labels, images)
    check_model(model, device=images.device)
    with frozen_eval(model):
        grad = input_gradient(model, images, labels, targeted)
    return torch.clamp(images + eps * grad.sign(), 0, 1).detach()
