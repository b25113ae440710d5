"""One loader for pretrained ImageNet classifiers: the shipped MobileNetV2, or torchvision's.

Introduced in ``07_transfer_learning.ipynb``::

    net = load_pretrained("mobilenet_v2")      # shipped, offline, always works
    net = load_pretrained("resnet50")          # torchvision's weights: needs a network once

``"mobilenet_v2"`` is converted from the TFLite file in ``data/``. The others download
torchvision's ImageNet weights once into ``cache_dir() / "torchvision-weights"`` (torchvision
checks their hash) and load offline after that. Asked for one that is not cached, with no
network, the loader raises :class:`~course_utils.data.OfflineError` naming the shipped model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
from torch import nn
from torchvision import models

from course_utils.data import OfflineError, cache_dir
from course_utils.data.online import network_available
from course_utils.pretrained.imagenet import (
    imagenet_labels,
    tflite_preprocess,
    torchvision_preprocess,
)
from course_utils.pretrained.mobilenet import load_mobilenet_v2
from course_utils.validation import InputError

SHIPPED = "mobilenet_v2"
WEIGHTS_HOST = "download.pytorch.org"
TORCHVISION_MODELS = {
    "resnet18": models.ResNet18_Weights.IMAGENET1K_V1,
    "resnet50": models.ResNet50_Weights.IMAGENET1K_V2,
    "vgg16": models.VGG16_Weights.IMAGENET1K_V1,
    "mobilenet_v3_large": models.MobileNet_V3_Large_Weights.IMAGENET1K_V2,
    "mobilenet_v3_small": models.MobileNet_V3_Small_Weights.IMAGENET1K_V1,
}
PRETRAINED_MODELS = (SHIPPED, *TORCHVISION_MODELS)


@dataclass(frozen=True)
class Pretrained:
    """A pretrained classifier and what it takes to use it.

    Attributes
    ----------
    name : str
    model : nn.Module
        In eval mode.
    labels : tuple of str
        One name per output (1001 for the shipped MobileNetV2, background first; 1000 else).
    preprocess : callable
        ``(N, 3, 224, 224)`` uint8 pixels -> the float input the model was trained on.
    source : str
        Where the weights came from.
    """

    name: str
    model: nn.Module
    labels: tuple[str, ...]
    preprocess: Callable[[torch.Tensor], torch.Tensor]
    source: str


def weights_dir() -> Path:
    """Folder for torchvision's downloaded weights."""
    return cache_dir() / "torchvision-weights"


def _cached_file(weights: models.WeightsEnum) -> Path:
    return weights_dir() / Path(weights.url).name


def load_pretrained(name: str = SHIPPED) -> Pretrained:
    """Return an ImageNet classifier with its labels and preprocessing.

    Introduced in ``07_transfer_learning.ipynb``.

    Parameters
    ----------
    name : str
        ``"mobilenet_v2"`` (shipped, works offline) or one of torchvision's
        ``"resnet18"``, ``"resnet50"``, ``"vgg16"``, ``"mobilenet_v3_large"``,
        ``"mobilenet_v3_small"`` (downloaded once, then cached).

    Raises
    ------
    ValueError
        If ``name`` is not one of ``PRETRAINED_MODELS``.
    OfflineError
        If torchvision's weights are not cached and there is no network; the message names the
        shipped model to use instead.
    """
    if name == SHIPPED:
        return Pretrained(SHIPPED, load_mobilenet_v2(), imagenet_labels(), tflite_preprocess,
                          "shipped TFLite file, converted by course_utils.pretrained")
    if name not in TORCHVISION_MODELS:
        raise InputError(f"Unknown pretrained model {name!r}; choose one of {PRETRAINED_MODELS}.")
    weights = TORCHVISION_MODELS[name]
    if not _cached_file(weights).is_file() and not network_available(WEIGHTS_HOST):
        raise OfflineError(
            f"torchvision's {name} weights are not cached in {weights_dir()} and {WEIGHTS_HOST} "
            f"cannot be reached (no network). Offline, use the shipped model: "
            f"load_pretrained({SHIPPED!r}) (ImageNet MobileNetV2, no download needed)."
        )
    model = models.get_model(name)
    model.load_state_dict(weights.get_state_dict(progress=False, model_dir=str(weights_dir()),
                                                 check_hash=True))
    return Pretrained(name, model.eval(), tuple(weights.meta["categories"]),
                      torchvision_preprocess, f"torchvision {weights}")
