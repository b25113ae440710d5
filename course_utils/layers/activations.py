"""Activation functions and the ReLU backward pass, written by hand.

Introduced in ``03_pooling_activations_dense.ipynb`` (the functions) and
``04_backprop_and_sgd.ipynb`` (the backward pass).
"""

from __future__ import annotations

from typing import Callable

import torch

from course_utils.validation import InputError, check_number, check_tensor


def relu(x: torch.Tensor) -> torch.Tensor:
    """``max(0, x)`` elementwise; any shape.

    Parameters
    ----------
    x : torch.Tensor
    """
    return check_tensor(x, "x", floating=True, numpy=False).clamp(min=0)


def leaky_relu(x: torch.Tensor, slope: float = 0.1) -> torch.Tensor:
    """``x`` where positive, ``slope * x`` elsewhere; any shape.

    Parameters
    ----------
    x : torch.Tensor
    slope : float
    """
    x = check_tensor(x, "x", floating=True, numpy=False)
    slope = check_number(slope, "slope", hint="The usual slope is 0.01 to 0.3.")
    return torch.where(x > 0, x, slope * x)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """``1 / (1 + exp(-x))`` elementwise, squashing to (0, 1); any shape.

    Parameters
    ----------
    x : torch.Tensor
    """
    return torch.sigmoid(check_tensor(x, "x", floating=True, numpy=False))


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent elementwise, squashing to (-1, 1); any shape.

    Parameters
    ----------
    x : torch.Tensor
    """
    return torch.tanh(check_tensor(x, "x", floating=True, numpy=False))


ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": relu, "leaky_relu": leaky_relu, "sigmoid": sigmoid, "tanh": tanh,
}
"""The activations plotted in ``03_pooling_activations_dense.ipynb``, by name."""


def relu_forward(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """ReLU and its cache: the input (any shape), to know where the gradient passes.

    Parameters
    ----------
    x : torch.Tensor
    """
    return relu(x), x


def relu_backward(dout: torch.Tensor, cache: torch.Tensor) -> torch.Tensor:
    """``dL/dx = dL/dout`` where the input was positive, 0 elsewhere; same shape as ``dout``.

    Parameters
    ----------
    dout : torch.Tensor
    cache : torch.Tensor
    """
    dout = check_tensor(dout, "dout", floating=True, numpy=False)
    if not isinstance(cache, torch.Tensor) or dout.shape != cache.shape:
        raise InputError(f"dout has shape {tuple(dout.shape)} but the forward input (the cache "
                         f"relu_forward returned) had {tuple(getattr(cache, 'shape', ()))}; they "
                         "must match.")
    return dout * (cache > 0)
