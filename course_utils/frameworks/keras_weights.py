"""Moving a trained PyTorch CNN's weights into the same network written in Keras.

Written by hand in ``17_keras_and_pytorch.ipynb`` (section 2), where the lesson asserts that its
cell and these functions give the same Keras weights. Three layouts differ:

- images: PyTorch is channels-first ``(N, C, H, W)``, Keras channels-last ``(N, H, W, C)``;
- a convolution's kernel: ``(out, in, kh, kw)`` in PyTorch, ``(kh, kw, in, out)`` in Keras;
- a dense layer's kernel: ``(out, in)`` in PyTorch, ``(in, out)`` in Keras; and after a
  ``Flatten`` the ``in`` axis lists the features in ``(C, H, W)`` order in PyTorch but in
  ``(H, W, C)`` order in Keras, so its columns must be reordered too.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from course_utils.validation import InputError, describe


def conv_kernel_to_keras(weight: torch.Tensor) -> torch.Tensor:
    """A ``Conv2d`` weight in Keras's ``Conv2D`` kernel layout.

    Written out in ``17_keras_and_pytorch.ipynb``, section 2 (both ways, for one layer).

    Parameters
    ----------
    weight : torch.Tensor
        ``(out, in, kh, kw)``, as ``nn.Conv2d.weight``.

    Returns
    -------
    torch.Tensor
        ``(kh, kw, in, out)``, contiguous.
    """
    if not isinstance(weight, torch.Tensor) or weight.ndim != 4:
        raise InputError(f"weight must be a (out, in, kh, kw) tensor, got {describe(weight)}.")
    return weight.detach().permute(2, 3, 1, 0).contiguous()


def dense_kernel_to_keras(weight: torch.Tensor,
                          feature_shape: tuple[int, int, int] | None = None) -> torch.Tensor:
    """A ``Linear`` weight in Keras's ``Dense`` kernel layout.

    Parameters
    ----------
    weight : torch.Tensor
        ``(out, in)``, as ``nn.Linear.weight``.
    feature_shape : (C, H, W), optional
        When the layer follows a ``Flatten`` of ``(C, H, W)`` maps (``C * H * W == in``): its
        columns are reordered from PyTorch's ``(C, H, W)`` flattening to Keras's ``(H, W, C)``.

    Returns
    -------
    torch.Tensor
        ``(in, out)``, contiguous.
    """
    if not isinstance(weight, torch.Tensor) or weight.ndim != 2:
        raise InputError(f"weight must be a (out, in) tensor, got {describe(weight)}.")
    if feature_shape is not None:
        channels, height, width = _feature_shape(feature_shape, weight.shape[1])
        weight = weight.view(-1, channels, height, width).permute(0, 2, 3, 1).reshape(
            weight.shape[0], -1)
    return weight.detach().t().contiguous()


def _feature_shape(shape: Any, features: int) -> tuple[int, int, int]:
    if (not isinstance(shape, (tuple, list)) or len(shape) != 3
            or not all(isinstance(n, int) and n > 0 for n in shape)):
        raise InputError(f"feature_shape must be three positive ints (C, H, W), got {shape!r}.")
    if shape[0] * shape[1] * shape[2] != features:
        raise InputError(f"feature_shape {tuple(shape)} holds {shape[0] * shape[1] * shape[2]} "
                         f"features but the dense layer takes {features}: give the (C, H, W) "
                         "of the maps that Flatten receives.")
    return tuple(shape)


def copy_torch_to_keras(torch_model: nn.Sequential, keras_model: Any,
                        example: torch.Tensor) -> None:
    """Copy every conv and dense layer of ``torch_model`` into ``keras_model``, in order.

    Written out in ``17_keras_and_pytorch.ipynb``, section 2.

    Parameters
    ----------
    torch_model : torch.nn.Sequential
        Convolutions, activations, pooling, one ``Flatten`` and dense layers.
    keras_model : keras.Sequential
        The same layers written in Keras (``Conv2D``, ``Dense``, ...), channels-last.
    example : torch.Tensor
        ``(1, C, H, W)`` float input: run through ``torch_model`` to find the shape of the maps
        that reach ``Flatten``.
    """
    import keras

    if not isinstance(torch_model, nn.Sequential):
        raise InputError(f"torch_model must be an nn.Sequential, got {describe(torch_model)}.")
    if not isinstance(example, torch.Tensor) or example.ndim != 4 or example.shape[0] != 1:
        raise InputError(f"example must be one (1, C, H, W) image, got {describe(example)}.")
    ours = [m for m in torch_model if isinstance(m, (nn.Conv2d, nn.Linear))]
    theirs = [layer for layer in keras_model.layers
              if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))]
    if [type(m).__name__ for m in ours] != [
            "Conv2d" if isinstance(layer, keras.layers.Conv2D) else "Linear" for layer in theirs]:
        raise InputError("the two models must have the same conv and dense layers in the same "
                         f"order; got {len(ours)} PyTorch and {len(theirs)} Keras layers.")
    flat_shape, x = None, example
    with torch.no_grad():
        for module in torch_model:
            if isinstance(module, nn.Flatten) and x.ndim == 4:
                flat_shape = tuple(x.shape[1:])  # (C, H, W) maps; a vector needs no reorder
            x = module(x)
    first_dense = True
    for module, layer in zip(ours, theirs):
        if isinstance(module, nn.Conv2d):
            kernel = conv_kernel_to_keras(module.weight)
        else:
            kernel = dense_kernel_to_keras(module.weight, flat_shape if first_dense else None)
            first_dense = False
        layer.set_weights([kernel.cpu().numpy(), module.bias.detach().cpu().numpy()])
