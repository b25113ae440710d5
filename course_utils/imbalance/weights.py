"""Class weights from class counts, and the cross-entropy that uses them.

Introduced in ``10_class_imbalance.ipynb``. A class seen ``n_k`` times gets weight
``w_k ∝ 1 / n_k`` (or ``1 / sqrt(n_k)``, or the "effective number" ``(1 - β) / (1 - β^n_k)`` of
Cui et al., 2019), so that every class contributes about equally to the loss.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_utils.validation import (
    InputError,
    check_choice,
    check_labels,
    check_number,
    check_positive_int,
    check_tensor,
    describe,
)

SCHEMES = ("inverse", "sqrt_inverse", "effective")


def class_counts(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """How often each class occurs.

    Parameters
    ----------
    labels : (N,) integer labels in ``range(num_classes)``
    num_classes : int

    Returns
    -------
    (num_classes,) int64 tensor
    """
    num_classes = check_positive_int(num_classes, "num_classes")
    labels = check_labels(labels, "labels", num_classes=num_classes)
    return torch.bincount(labels.cpu(), minlength=num_classes)


def class_weights(counts: torch.Tensor, scheme: str = "inverse", beta: float = 0.999
                  ) -> torch.Tensor:
    """One weight per class from its count, scaled so that the average example weighs 1.

    Introduced in ``10_class_imbalance.ipynb``.

    Parameters
    ----------
    counts : (K,) non-negative integers
        Examples of each class (:func:`class_counts`). Every class needs at least one.
    scheme : {"inverse", "sqrt_inverse", "effective"}
        ``1 / n_k``, ``1 / sqrt(n_k)`` or ``(1 - beta) / (1 - beta ** n_k)``.
    beta : float in [0, 1)
        Only for ``"effective"``; 0 gives equal weights, values near 1 approach ``"inverse"``.

    Returns
    -------
    (K,) float32 tensor
        ``sum_k w_k n_k = sum_k n_k``: a balanced set gets weights 1.
    """
    counts = check_tensor(counts, "counts", 1, "(K,)", nonempty=True).double()
    check_choice(scheme, "scheme", SCHEMES)
    beta = check_number(beta, "beta", 0.0, 1.0, high_open=True)
    if (counts <= 0).any() or (counts != counts.round()).any():
        raise InputError(f"counts must be whole numbers >= 1 (every class needs an example to "
                         f"weigh), got {counts.tolist()}.")
    if scheme == "inverse":
        raw = 1 / counts
    elif scheme == "sqrt_inverse":
        raw = counts.rsqrt()
    else:
        raw = (1 - beta) / (1 - beta**counts)
    return (raw * counts.sum() / (raw * counts).sum()).float()


def class_weighted_cross_entropy(logits: torch.Tensor, labels: torch.Tensor,
                                 weight: torch.Tensor) -> torch.Tensor:
    """Cross-entropy where an example of class k counts ``weight[k]`` times.

    Introduced in ``10_class_imbalance.ipynb``; equals
    ``nn.CrossEntropyLoss(weight=weight)(logits, labels)``: the weighted mean
    ``sum_i w_{y_i} (-log p_i[y_i]) / sum_i w_{y_i}``.

    Parameters
    ----------
    logits : (B, K) float tensor
    labels : (B,) int64 tensor in ``range(K)``
    weight : (K,) float tensor, on the device of ``logits``

    Returns
    -------
    0-d tensor
    """
    logits = check_tensor(logits, "logits", 2, "(B, K)", floating=True)
    if not isinstance(weight, torch.Tensor) or weight.shape != logits.shape[1:]:
        raise InputError(f"weight must be a ({logits.shape[1]},) tensor, one weight per class, "
                         f"got {describe(weight)}; make it with class_weights(counts).")
    nll = -F.log_softmax(logits, dim=1).gather(1, labels[:, None])[:, 0]
    w = weight.to(logits.dtype)[labels]
    return (w * nll).sum() / w.sum()
