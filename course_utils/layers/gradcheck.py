"""A numerical gradient checker: central differences against an analytic gradient.

Introduced in ``04_backprop_and_sgd.ipynb``. Use float64: in float32 the rounding error of a
central difference is around 1e-4 and hides real bugs.
"""

from __future__ import annotations

import numbers
from typing import Callable

import torch

from course_utils.validation import InputError, check_positive, check_tensor


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    """``||a - b|| / (||a|| + ||b||)`` over all elements (0 when both are zero).

    A norm-wise error stays meaningful where single entries of the gradient are near zero.

    Parameters
    ----------
    a : torch.Tensor
    b : torch.Tensor
    """
    a, b = check_tensor(a, "a", numpy=False), check_tensor(b, "b", numpy=False)
    if a.shape != b.shape:
        raise InputError(f"cannot compare gradients of shapes {tuple(a.shape)} and "
                         f"{tuple(b.shape)}.")
    a, b = a.double(), b.double()
    scale = (a.norm() + b.norm()).item()
    return 0.0 if scale == 0 else (a - b).norm().item() / scale


def numerical_gradient(f: Callable[[], torch.Tensor], x: torch.Tensor,
                       eps: float = 1e-6) -> torch.Tensor:
    """Estimate ``df/dx`` by central differences, ``(f(x + eps) - f(x - eps)) / (2 eps)``.

    Parameters
    ----------
    f : callable
        Takes no arguments and returns a scalar tensor computed from ``x`` (read when called).
    x : tensor, any shape, float64
        Changed in place, one element at a time, and restored.
    eps : float

    Returns
    -------
    tensor with the shape of ``x``
    """
    if not callable(f):
        raise InputError(f"f must be a function of no arguments returning the scalar loss, got "
                         f"{type(f).__name__}; e.g. lambda: loss_of(x).")
    x = check_tensor(x, "x", numpy=False)
    eps = check_positive(eps, "eps", hint="1e-6 suits float64.")
    if x.dtype != torch.float64:
        raise InputError(f"x is {x.dtype}; check gradients in float64 (x.double()), where a "
                        "central difference is accurate to about 1e-10.")
    grad = torch.zeros_like(x)
    flat, flat_grad = x.view(-1), grad.view(-1)
    for i in range(flat.numel()):
        old = flat[i].item()
        flat[i] = old + eps
        plus = _scalar(f())
        flat[i] = old - eps
        minus = _scalar(f())
        flat[i] = old
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def gradient_check(f: Callable[[], torch.Tensor], params: dict[str, torch.Tensor],
                   grads: dict[str, torch.Tensor], eps: float = 1e-6) -> dict[str, float]:
    """Relative error between analytic and numerical gradients for each named tensor.

    Parameters
    ----------
    f : callable
        Returns the scalar loss from the current values of ``params``.
    params : dict of name -> float64 tensor
    grads : dict of name -> analytic gradient, same shapes as ``params``
    eps : float

    Returns
    -------
    dict of name -> relative error; below about 1e-7 means the backward pass is right.
    """
    missing = set(params) ^ set(grads)
    if missing:
        raise InputError(f"params and grads must have the same names; differ in "
                         f"{sorted(missing)}.")
    with torch.no_grad():
        return {name: relative_error(numerical_gradient(f, params[name], eps), grads[name])
                for name in params}


def _scalar(value: object) -> float:
    """The loss ``f()`` returned, as a float; a vector (or anything else) is refused."""
    if isinstance(value, torch.Tensor) and value.numel() != 1:
        raise InputError(f"f must return a scalar loss, got a tensor of shape "
                         f"{tuple(value.shape)}; reduce it first (e.g. .sum() or .mean()), or "
                         "check one output at a time.")
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, torch.Tensor)):
        raise InputError(f"f must return a scalar loss (a number or a one-element tensor), got "
                         f"{type(value).__name__}.")
    return float(value)
