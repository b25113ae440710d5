"""``frozen_eval``: the model in evaluation mode with frozen weights while it is attacked.

Introduced in ``12_adversarial_robustness.ipynb``. An attack differentiates the loss with respect
to the *input*: the model must behave as it does at test time (batch norm with its running
statistics, no dropout) and its parameters need no gradient. Both are put back afterwards, also
when the attack raises, so an attack in the middle of training leaves training as it was.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import torch

from course_utils.validation import InputError


@contextmanager
def frozen_eval(model: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """Evaluation mode and ``requires_grad=False`` inside the block; both restored on exit.

    Each submodule's ``training`` flag and each parameter's ``requires_grad`` flag are restored
    one by one (a half-frozen network stays half-frozen).

    Parameters
    ----------
    model : torch.nn.Module

    Yields
    ------
    torch.nn.Module
        The same model.
    """
    if not isinstance(model, torch.nn.Module):
        raise InputError(f"model must be a torch.nn.Module, got {type(model).__name__}.")
    modes = [(m, m.training) for m in model.modules()]
    flags = [(p, p.requires_grad) for p in model.parameters()]
    try:
        model.eval()
        for p, _ in flags:
            p.requires_grad_(False)
        yield model
    finally:
        for m, training in modes:
            m.training = training
        for p, flag in flags:
            p.requires_grad_(flag)
