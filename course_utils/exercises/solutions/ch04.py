"""Solutions to the exercises of ``04_backprop_and_sgd.ipynb``."""

import torch


def relu_backward(dout: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """dL/dx of ReLU."""
    return dout * (x > 0)


def linear_backward(dout: torch.Tensor, x: torch.Tensor, w: torch.Tensor):
    """(dx, dw, db) of out = x @ w.T + b."""
    return dout @ w, dout.T @ x, dout.sum(dim=0)


def momentum_step(param, grad, velocity, lr: float, momentum: float):
    """One SGD-with-momentum step as torch.optim.SGD takes it."""
    velocity = momentum * velocity + grad
    return param - lr * velocity, velocity
