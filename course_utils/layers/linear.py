"""Flatten and the fully connected (linear) layer, forward and backward, written by hand.

Introduced in ``03_pooling_activations_dense.ipynb`` (forward) and ``04_backprop_and_sgd.ipynb``
(backward).
"""

from __future__ import annotations

import math

import torch

from course_utils.validation import InputError, check_cache, check_tensor


def flatten(x: torch.Tensor) -> torch.Tensor:
    """``(N, C, H, W)`` (or any ``(N, ...)``) to ``(N, C*H*W)``, keeping the batch axis.

    Parameters
    ----------
    x : torch.Tensor
    """
    x = check_tensor(x, "x", numpy=False)
    if x.ndim < 2:
        raise InputError(f"x must have a batch axis first, (N, ...), got shape {tuple(x.shape)}; "
                         "for one example use x[None].")
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))  # N = 0 gives (0, C*H*W)


def linear_forward(x: torch.Tensor, weight: torch.Tensor,
                   bias: torch.Tensor | None = None) -> tuple[torch.Tensor, dict]:
    """``out = x @ weight.T + bias``, as ``torch.nn.Linear`` stores its weight.

    Parameters
    ----------
    x : (N, D) float tensor
    weight : (M, D) float tensor
    bias : (M,) float tensor, optional

    Returns
    -------
    out : (N, M) tensor
    cache : dict with ``x``, ``weight``, ``has_bias``
    """
    x = check_tensor(x, "x", 2, "(N, D); flatten images first with flatten(x)",
                     floating=True, numpy=False)
    weight = check_tensor(weight, "weight", 2, "(M, D)", floating=True, numpy=False)
    if weight.shape[1] != x.shape[1]:
        raise InputError(f"weight is {tuple(weight.shape)} so it expects {weight.shape[1]} "
                         f"inputs per example, but x has {x.shape[1]}.")
    if bias is not None:
        bias = check_tensor(bias, "bias", 1, "(M,)", floating=True, numpy=False)
        if bias.shape != (weight.shape[0],):
            raise InputError(f"bias must have shape ({weight.shape[0]},), one per output, got "
                             f"{tuple(bias.shape)}.")
    out = x @ weight.T
    if bias is not None:
        out = out + bias
    return out, {"x": x, "weight": weight, "has_bias": bias is not None}


def linear_backward(dout: torch.Tensor, cache: dict) -> tuple[torch.Tensor, torch.Tensor,
                                                              torch.Tensor | None]:
    """Gradients of the linear layer.

    Parameters
    ----------
    dout : torch.Tensor
    cache : dict

    Returns
    -------
    dx : (N, D) ``dout @ weight``
    dweight : (M, D) ``dout.T @ x``
    dbias : (M,) ``dout.sum(0)``, or None without a bias
    """
    check_cache(cache, ("x", "weight", "has_bias"), "linear_forward")
    x, weight = cache["x"], cache["weight"]
    dout = check_tensor(dout, "dout", 2, "(N, M)", floating=True, numpy=False)
    if dout.shape != (x.shape[0], weight.shape[0]):
        raise InputError(f"dout has shape {tuple(dout.shape)}; expected the forward output's "
                         f"shape ({x.shape[0]}, {weight.shape[0]}).")
    dbias = dout.sum(dim=0) if cache["has_bias"] else None
    return dout @ weight, dout.T @ x, dbias
