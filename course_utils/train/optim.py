"""Optimisers by name, so that a checkpoint can rebuild the one it was trained with.

Introduced in ``05_training_from_scratch.ipynb`` (SGD, momentum and Adam compared).
"""

from __future__ import annotations

from typing import Iterable

import torch

from course_utils.validation import InputError, check_choice, check_non_negative, check_positive

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
    check_choice(name, "optimizer", OPTIMIZERS)
    lr = check_positive(lr, "lr", hint="Try 3e-3 for Adam or 0.1 for SGD and tune from there.")
    weight_decay = check_non_negative(weight_decay, "weight_decay")
    if isinstance(params, torch.nn.Module):
        raise InputError("params must be the model's parameters, got the model itself; pass "
                         "model.parameters().")
    params = list(params)
    if not params:
        raise InputError("params is empty: the optimiser got no parameters to train (is every "
                         "parameter frozen, or was a generator of parameters used up already?).")
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True,
                               weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    raise InputError(f"optimizer={name!r} is not known; use one of {OPTIMIZERS}.")
