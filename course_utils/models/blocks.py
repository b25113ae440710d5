"""Building blocks shared by the course's networks, and the input check they all run.

Introduced in ``03`` (convolution, batch norm) and used by every network in ``models``.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.validation import (
    InputError,
    as_tensor,
    check_number,
    check_positive_int,
    describe,
)


def conv_bn_relu(c_in: int, c_out: int, kernel: int = 3, stride: int = 1,
                 groups: int = 1) -> nn.Sequential:
    """Convolution (no bias: batch norm has one), batch norm, ReLU; "same" padding.

    Shapes: ``(B, c_in, H, W) -> (B, c_out, H / stride, W / stride)``; ``kernel`` is odd.

    Parameters
    ----------
    c_in : int
    c_out : int
    kernel : int
    stride : int
    groups : int
    """
    c_in, c_out = check_positive_int(c_in, "c_in"), check_positive_int(c_out, "c_out")
    kernel, stride = check_positive_int(kernel, "kernel"), check_positive_int(stride, "stride")
    groups = check_positive_int(groups, "groups")
    if kernel % 2 == 0:
        raise InputError(f"kernel must be odd for 'same' padding (kernel // 2 on each side), got "
                         f"{kernel}; use {kernel - 1} or {kernel + 1}.")
    if c_in % groups or c_out % groups:
        raise InputError(f"groups={groups} must divide both c_in={c_in} and c_out={c_out}.")
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, groups=groups,
                  bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


def check_input(x: torch.Tensor, model: nn.Module, size: int | None = None, *,
                min_size: int = 1) -> None:
    """Raise a clear error when ``x`` is not a ``(B, model.in_channels, H, W)`` float batch.

    Parameters
    ----------
    x : torch.Tensor
        The batch given to ``model.forward``.
    model : nn.Module
        Has an ``in_channels`` attribute.
    size : int, optional
        The height and width the model needs (networks ending in a fixed ``nn.Linear``).
    min_size : int
        The smallest height and width the model takes (``2 ** poolings`` for a network whose
        poolings would otherwise shrink the maps to nothing).
    """
    name = type(model).__name__
    if not isinstance(x, torch.Tensor):
        raise InputError(f"{name} expects a torch.Tensor (B, {model.in_channels}, H, W), got "
                         f"{describe(x)}; convert it with torch.as_tensor(x).float().")
    if x.ndim != 4 or x.shape[1] != model.in_channels:
        raise InputError(
            f"{name} expects a batch of shape (B, {model.in_channels}, H, W), got "
            f"{tuple(x.shape)}. Add a batch axis with x.unsqueeze(0) for one image, or build "
            f"the model with in_channels={x.shape[1] if x.ndim == 4 else '...'}."
        )
    if size is not None and tuple(x.shape[2:]) != (size, size):
        raise InputError(
            f"{name} was built for {size}x{size} images, got {x.shape[2]}x{x.shape[3]}. "
            f"Resize the images (e.g. torch.nn.functional.interpolate) or pad them to {size}."
        )
    if not x.is_floating_point():
        raise InputError(
            f"{name} expects float images, got {x.dtype}; use images.float() / 255."
        )
    if min(x.shape[2:]) < min_size:
        raise InputError(
            f"{name} needs images of at least {min_size}x{min_size} pixels (its poolings halve "
            f"them), got {x.shape[2]}x{x.shape[3]}; resize them (torch.nn.functional.interpolate)."
        )


class FeaturesHead(nn.Module):
    """A classifier made of ``self.features`` (convolutions) then ``self.head`` (pooling or
    flattening, and linear layers), with ``in_channels``, ``size`` (a fixed input side, for a
    head that ends in a fixed ``nn.Linear``) and ``min_size`` for the input check.

    The base of :class:`~course_utils.models.lenet.LeNet5`,
    :class:`~course_utils.models.mnist_cnn.MnistCNN`, :class:`~course_utils.models.vgg.SmallVGG`,
    :class:`~course_utils.models.resnet.ResNet`, :class:`~course_utils.models.densenet.DenseNet`
    and :class:`~course_utils.models.mobilenet.MobileNet`.
    """

    in_channels: int
    size: int | None = None
    min_size: int = 1
    features: nn.Module
    head: nn.Module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores ``(N, K)`` for a batch of images.

        Parameters
        ----------
        x : (N, in_channels, H, W) float tensor
            H = W = ``size`` when the model has one, else H and W at least ``min_size``.

        Returns
        -------
        (N, K) float tensor
        """
        check_input(x, self, self.size, min_size=self.min_size)
        return self.head(self.features(x))


class Normalize(nn.Module):
    """Subtract the per-channel mean and divide by the standard deviation.

    Keeping normalisation inside the model means the statistics (from the training split only)
    travel with the weights. Shapes: ``(B, C, H, W) -> (B, C, H, W)``.

    Parameters
    ----------
    mean, std : sequence of float, one per channel
    """

    def __init__(self, mean: list[float] | tuple[float, ...],
                 std: list[float] | tuple[float, ...]):
        super().__init__()
        mean = [check_number(m, "mean") for m in as_tensor(mean, "mean").flatten().tolist()]
        std = [check_number(s, "std", low=0.0, low_open=True,
                            hint="Normalize needs one positive std per channel.")
               for s in as_tensor(std, "std").flatten().tolist()]
        if len(mean) != len(std) or not mean:
            raise InputError(f"need one mean and one positive std per channel, got {mean}, {std}.")
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores ``(N, K)`` for ``(N, C, H, W)`` images ``x``.

        Parameters
        ----------
        x : torch.Tensor
        """
        if x.ndim != 4 or x.shape[1] != self.mean.shape[1]:
            raise InputError(
                f"Normalize has statistics for {self.mean.shape[1]} channel(s) and expects "
                f"(B, {self.mean.shape[1]}, H, W), got {tuple(x.shape)}."
            )
        return (x - self.mean) / self.std


def check_network(in_channels: int, num_classes: int, **sizes: object) -> None:
    """Check a network's constructor arguments: ``in_channels >= 1``, ``num_classes >= 2``, and
    each of ``sizes`` a positive int or a non-empty tuple of positive ints.

    Parameters
    ----------
    in_channels : int
    num_classes : int
    **sizes : object
    """
    check_positive_int(in_channels, "in_channels")
    check_positive_int(num_classes, "num_classes", minimum=2,
                       hint="A classifier needs at least 2 classes (one output per class).")
    for name, value in sizes.items():
        if isinstance(value, (tuple, list)):
            if not value:
                raise InputError(f"{name} is empty; give at least one entry, e.g. "
                                 f"{name}=(16, 32).")
            for i, entry in enumerate(value):
                check_positive_int(entry, f"{name}[{i}]")
        else:
            check_positive_int(value, name)
