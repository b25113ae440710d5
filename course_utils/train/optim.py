"""Optimisers by name, so that a checkpoint can rebuild the one it was trained with.

Introduced in ``05_training_from_scratch.ipynb`` (SGD, momentum and Adam compared).
"""

from __future__ import annotations

from typing import Iterable

import torch

OPTIMIZERS = ("sgd", "momentum", "adam", "adamw")


def make_optimizer(name: str, params: Iterable[torch.nn.Parameter], lr: float,
                   weight_decay: float = 0.0) -> torch.optim.Optimizer:
    """Build an optimiser.

    Parameters
    ----------
    name : {"sgd", "momentum", "adam", "adamw"}
        ``"momentum"`` is SGD with Nesterov momentum 0.9; ``"adamw"`` decouples weight decay.
    params : iterable of parameters
    lr : float
    weight_decay : float

    Returns
    -------
    torch.optim.Optimizer
    """
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}.")
    params = list(params)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True,
                               weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    raise ValueError(f"optimizer={name!r} is not known; use one of {OPTIMIZERS}.")
