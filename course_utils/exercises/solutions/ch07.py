"""Solutions to the exercises of ``07_transfer_learning.ipynb``."""

import torch
from torch import nn


def preprocess(pixels: torch.Tensor) -> torch.Tensor:
    """Exercise 1: real input of the TFLite model: scale 1/128, zero point 128.

    Parameters
    ----------
    pixels : torch.Tensor
    """
    return (pixels.float() - 128) / 128


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Exercise 2: TensorFlow's SAME padding (before, after) along one axis.

    Parameters
    ----------
    size : int
    kernel : int
    stride : int
    """
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


egyptian_cat = (286, 285)


def set_trainable(model: nn.Module, blocks: int) -> None:
    """Exercise 4: only the last ``blocks`` feature blocks and the classifier train.

    Parameters
    ----------
    model : nn.Module
    blocks : int
    """
    for parameter in model.parameters():
        parameter.requires_grad = False
    for part in (model.features[-blocks:], model.classifier):
        for parameter in part.parameters():
            parameter.requires_grad = True


def param_groups(model: nn.Module, blocks: int, lr_blocks: float, lr_head: float) -> list[dict]:
    """Exercise 5: optimiser groups, a lower learning rate for the pretrained blocks.

    Parameters
    ----------
    model : nn.Module
    blocks : int
    lr_blocks : float
    lr_head : float
    """
    return [{"params": list(model.features[-blocks:].parameters()), "lr": lr_blocks},
            {"params": list(model.classifier.parameters()), "lr": lr_head}]
