"""Softmax and softmax cross-entropy, forward and backward, written by hand.

Introduced in ``03_pooling_activations_dense.ipynb`` (softmax) and ``04_backprop_and_sgd.ipynb``
(the loss and its gradient).
"""

from __future__ import annotations

import torch

from course_utils.validation import (
    InputError,
    check_cache,
    check_finite,
    check_int_range,
    check_tensor,
)


def softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Turn scores into probabilities that sum to 1 along ``dim``, without overflow.

    Subtracting the maximum first leaves the result unchanged (it cancels in the ratio) and keeps
    ``exp`` from overflowing on large scores.

    Parameters
    ----------
    logits : torch.Tensor
    dim : int
    """
    logits = check_tensor(logits, "logits", floating=True, numpy=False)
    dim = check_int_range(dim, "dim", -max(logits.ndim, 1), max(logits.ndim, 1) - 1,
                          hint="For (N, K) scores use dim=1 (or -1), the class axis.")
    shifted = logits - logits.amax(dim=dim, keepdim=True)
    e = shifted.exp()
    return e / e.sum(dim=dim, keepdim=True)


def softmax_cross_entropy_forward(logits: torch.Tensor,
                                  labels: torch.Tensor) -> tuple[torch.Tensor, dict]:
    """Mean cross-entropy of softmax(logits) against integer labels.

    Parameters
    ----------
    logits : (N, K) float tensor
    labels : (N,) int64 tensor with values in ``range(K)``

    Returns
    -------
    loss : scalar tensor
    cache : dict with ``probs`` (N, K) and ``labels``
    """
    logits = check_tensor(logits, "logits", 2, "(N, K)", floating=True, numpy=False)
    if len(logits) == 0:
        raise InputError("logits is empty (N = 0): the mean loss over no examples is undefined; "
                         "pass at least one example.")
    check_finite(logits, "logits", hint="A NaN or inf score makes the loss NaN: look at the "
                 "layer that produced it (a learning rate too high, a division by zero).")
    if not isinstance(labels, torch.Tensor) or labels.shape != (logits.shape[0],) \
            or labels.dtype != torch.int64:
        raise InputError(f"labels must be a ({logits.shape[0]},) int64 tensor, got "
                         f"{tuple(labels.shape)} {labels.dtype}.")
    if len(labels) and (labels.min() < 0 or labels.max() >= logits.shape[1]):
        raise InputError(f"labels must lie in 0..{logits.shape[1] - 1}, got values from "
                         f"{int(labels.min())} to {int(labels.max())}.")
    shifted = logits - logits.amax(dim=1, keepdim=True)
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    loss = -log_probs[torch.arange(len(labels)), labels].mean()
    return loss, {"probs": log_probs.exp(), "labels": labels}


def softmax_cross_entropy_backward(cache: dict) -> torch.Tensor:
    """``dL/dlogits = (softmax(logits) - one_hot(labels)) / N``, shape (N, K).

    Parameters
    ----------
    cache : dict
    """
    probs, labels = check_cache(cache, ("probs", "labels"), "softmax_cross_entropy_forward")[
        "probs"], cache["labels"]
    grad = probs.clone()
    grad[torch.arange(len(labels)), labels] -= 1
    return grad / len(labels)
