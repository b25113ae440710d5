"""Focal loss: cross-entropy that turns down the examples the model already gets right.

Introduced in ``10_class_imbalance.ipynb`` (Lin et al., 2017). With ``p`` the probability of the
true class, the loss of an example is ``-(1 - p)^γ log p``: an easy example (``p`` near 1) adds
almost nothing, so the many easy majority examples no longer drown the rare hard ones. ``γ = 0``
is cross-entropy.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_utils.validation import (
    InputError,
    check_choice,
    check_non_negative,
    check_number,
    check_tensor,
    describe,
)

REDUCTIONS = ("mean", "sum", "none")


def focal_loss(logits: torch.Tensor, labels: torch.Tensor, gamma: float = 2.0,
               weight: torch.Tensor | None = None, reduction: str = "mean") -> torch.Tensor:
    """The many-class focal loss ``-w_y (1 - p_y)^γ log p_y``.

    Written out in ``10_class_imbalance.ipynb``, section 5 (``my_focal_loss``).

    Parameters
    ----------
    logits : (B, K) float tensor
    labels : (B,) int64 tensor in ``range(K)``
    gamma : float >= 0
        Focusing strength; 0 gives (weighted) cross-entropy.
    weight : (K,) tensor, optional
        Class weights (:func:`~course_utils.imbalance.weights.class_weights`); the mean is then
        weighted as in ``nn.CrossEntropyLoss(weight=...)``.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    0-d tensor, or ``(B,)`` for ``reduction="none"``
    """
    logits = check_tensor(logits, "logits", 2, "(B, K)", floating=True)
    gamma = check_non_negative(gamma, "gamma")
    check_choice(reduction, "reduction", REDUCTIONS)
    log_p = F.log_softmax(logits, dim=1).gather(1, labels[:, None])[:, 0]
    loss = -(1 - log_p.exp()).pow(gamma) * log_p
    w = torch.ones_like(loss)
    if weight is not None:
        if not isinstance(weight, torch.Tensor) or weight.shape != logits.shape[1:]:
            raise InputError(f"weight must be a ({logits.shape[1]},) tensor, one weight per "
                             f"class, got {describe(weight)}.")
        w = weight.to(logits.dtype)[labels]
    if reduction == "none":
        return w * loss
    if reduction == "sum":
        return (w * loss).sum()
    return (w * loss).sum() / w.sum()


def binary_focal_loss(logits: torch.Tensor, targets: torch.Tensor, alpha: float = 0.25,
                      gamma: float = 2.0, reduction: str = "mean") -> torch.Tensor:
    """The binary (sigmoid) focal loss of RetinaNet, ``-α_t (1 - p_t)^γ log p_t``.

    Introduced in ``10_class_imbalance.ipynb``; equals ``torchvision.ops.sigmoid_focal_loss``.
    ``p_t`` is ``sigmoid(logit)`` for a positive target and ``1 - sigmoid(logit)`` for a
    negative one; ``α_t`` is ``alpha`` for positives and ``1 - alpha`` for negatives.

    Parameters
    ----------
    logits : float tensor of any shape
    targets : float tensor of the same shape, values in [0, 1] (usually 0 or 1)
    alpha : float in [0, 1], or a negative number to switch the α weighting off
    gamma : float >= 0
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    0-d tensor, or the shape of ``logits`` for ``reduction="none"``
    """
    logits = check_tensor(logits, "logits", floating=True)
    if not isinstance(targets, torch.Tensor) or targets.shape != logits.shape:
        raise InputError(f"targets must be a tensor shaped like logits {tuple(logits.shape)}, "
                         f"got {describe(targets)}.")
    gamma = check_non_negative(gamma, "gamma")
    check_choice(reduction, "reduction", REDUCTIONS)
    targets = targets.to(logits.dtype)
    p = logits.sigmoid()
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t).pow(gamma)
    alpha = check_number(alpha, "alpha", high=1.0,
                         hint="Use a weight in [0, 1], or a negative number for no weighting.")
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()
