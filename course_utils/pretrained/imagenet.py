"""ImageNet's class names, and which of them are cats and dogs.

Introduced in ``07_transfer_learning.ipynb``. The shipped MobileNetV2 has 1001 outputs: index 0
is "background" and indices 1..1000 are the usual ImageNet classes, so class ``k`` of
torchvision's 1000-class models is output ``k + 1`` of the shipped model.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image, ImageOps

from course_utils.data import verified_path
from course_utils.validation import InputError, check_rgb_images

LABELS_FILE = "imagenet-mobilenet-v2/imagenet_labels.txt"
IMAGENET_CLASSES = 1000
# Ranges in the usual 1000-class numbering (0 = "tench").
DOG_CLASSES = range(151, 269)  # "Chihuahua" .. "Mexican hairless": the 118 dog breeds
CAT_CLASSES = range(281, 286)  # "tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"


def imagenet_labels() -> tuple[str, ...]:
    """Return the 1001 class names of the shipped MobileNetV2 (index 0 is "background").

    Introduced in ``07_transfer_learning.ipynb``.

    Raises
    ------
    FileNotFoundError, ChecksumError
        If the shipped labels file is missing or was modified.
    """
    path = verified_path(LABELS_FILE)
    labels = tuple(path.read_text(encoding="utf-8").splitlines())
    if len(labels) != IMAGENET_CLASSES + 1:
        raise InputError(f"{path} has {len(labels)} lines, expected {IMAGENET_CLASSES + 1}.")
    return labels


def cat_dog_indices(num_outputs: int) -> tuple[list[int], list[int]]:
    """Output indices of the domestic-cat and dog classes of an ImageNet classifier.

    Introduced in ``07_transfer_learning.ipynb`` (zero-shot cats vs dogs).

    Parameters
    ----------
    num_outputs : {1000, 1001}
        1000 for torchvision's models, 1001 for the shipped MobileNetV2 (background first).

    Returns
    -------
    cats, dogs : list of int
        5 cat classes and 118 dog classes, shifted by one when there is a background class.
    """
    if num_outputs not in (IMAGENET_CLASSES, IMAGENET_CLASSES + 1):
        raise InputError(
            f"num_outputs must be 1000 (torchvision) or 1001 (the shipped MobileNetV2 with its "
            f"background class), got {num_outputs!r}."
        )
    shift = num_outputs - IMAGENET_CLASSES
    return [k + shift for k in CAT_CLASSES], [k + shift for k in DOG_CLASSES]


# torchvision's ImageNet models expect these per-channel statistics.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def tflite_preprocess(images: torch.Tensor) -> torch.Tensor:
    """Scale pixels as the shipped MobileNetV2 expects: ``(x - 128) / 128``.

    Introduced in ``07_transfer_learning.ipynb``. The TFLite file quantizes its input with scale
    1/128 and zero point 128, so this is exactly the real value of each uint8 input.

    Parameters
    ----------
    images : (N, 3, H, W) uint8 tensor

    Returns
    -------
    (N, 3, H, W) float32 tensor in [-1, 1)
    """
    check_rgb_images(images, "images", dtype="uint8")
    return (images.float() - 128) / 128


def torchvision_preprocess(images: torch.Tensor) -> torch.Tensor:
    """Scale pixels as torchvision's ImageNet models expect: ``(x / 255 - mean) / std``.

    Parameters
    ----------
    images : (N, 3, H, W) uint8 tensor

    Returns
    -------
    (N, 3, H, W) float32 tensor
    """
    check_rgb_images(images, "images", dtype="uint8")
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (images.float() / 255 - mean) / std


CAT_PHOTO = "imagenet-mobilenet-v2/cat.bmp"


def cat_photo(size: int = 224) -> torch.Tensor:
    """The shipped test photo of a cat (``cat.bmp``), centre-cropped and resized.

    Introduced in ``07_transfer_learning.ipynb``.

    Parameters
    ----------
    size : int
        Side of the square result, in pixels.

    Returns
    -------
    (3, size, size) uint8 tensor
    """
    if not isinstance(size, int) or not 8 <= size <= 1024:
        raise InputError(f"size must be an int in [8, 1024] pixels, got {size!r}.")
    with Image.open(verified_path(CAT_PHOTO)) as photo:
        square = ImageOps.fit(photo.convert("RGB"), (size, size), Image.Resampling.BICUBIC)
    return torch.from_numpy(np.asarray(square).copy()).permute(2, 0, 1)
