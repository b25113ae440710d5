"""Activations of named layers, recorded by forward hooks that never outlive a ``with`` block.

Introduced in ``09_looking_inside_cnns.ipynb``::

    with record_activations(model, ["features.3", "features.18"]) as acts:
        logits = model(x)
    acts["features.3"]          # (N, 24, 56, 56)

The hooks are removed when the block ends, also when the forward pass raises, so a model is
never left with a hook that keeps tensors alive or changes a later forward pass.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Sequence

import torch
from torch import nn

from course_utils.validation import InputError


def layer_names(model: nn.Module) -> list[str]:
    """Every named submodule of ``model`` (the names ``model.named_modules()`` gives), in order.

    Parameters
    ----------
    model : nn.Module
    """
    return [name for name, _ in model.named_modules() if name]


def get_layer(model: nn.Module, name: str) -> nn.Module:
    """The submodule called ``name``; the error lists the valid names.

    Parameters
    ----------
    model : nn.Module
    name : str

    Raises
    ------
    ValueError
        If ``model`` has no submodule of that name.
    """
    if not isinstance(model, nn.Module):
        raise InputError(f"model must be a torch.nn.Module, got {type(model).__name__}.")
    modules = dict(model.named_modules())
    if not isinstance(name, str) or not name or name not in modules:
        raise InputError(f"the model has no layer named {name!r}. Valid layer names "
                         f"(from model.named_modules()): {layer_names(model)}.")
    return modules[name]


@contextmanager
def record_activations(model: nn.Module, layers: Sequence[str] | str,
                       detach: bool = True) -> Iterator[dict[str, torch.Tensor]]:
    """Record the outputs of named layers during the forward passes inside the block.

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    model : nn.Module
    layers : str or sequence of str
        Names from ``model.named_modules()``.
    detach : bool, default True
        Store detached tensors (feature maps to look at). ``False`` keeps them in the autograd
        graph so gradients with respect to them can be taken (Grad-CAM).

    Yields
    ------
    dict of str to Tensor
        Filled by each forward pass: layer name -> its output, e.g. ``(N, C, H, W)``. A later
        forward pass in the same block replaces the entries.

    Notes
    -----
    The layer's output is stored and a copy is passed on, so an in-place operation after the
    layer (``ReLU(inplace=True)``) cannot change what was recorded.
    """
    names = [layers] if isinstance(layers, str) else list(layers)
    if not names:
        raise InputError("layers is empty; name at least one layer, e.g. layer_names(model)[0].")
    modules = [get_layer(model, name) for name in names]
    recorded: dict[str, torch.Tensor] = {}

    def hook_for(name: str):
        def hook(module: nn.Module, inputs: tuple, output: object) -> torch.Tensor:
            if not isinstance(output, torch.Tensor):
                raise InputError(f"layer {name!r} returns {type(output).__name__}, not a tensor; "
                                "record a layer whose output is a tensor.")
            recorded[name] = output.detach() if detach else output
            return output.clone()
        return hook

    handles = [module.register_forward_hook(hook_for(name)) for name,
               module in zip(names, modules)]
    try:
        yield recorded
    finally:
        for handle in handles:
            handle.remove()
