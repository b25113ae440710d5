"""Training data held as tensors on the device, served in batches by indexing.

Introduced in ``05_training_from_scratch.ipynb``. A ``DataLoader`` calls Python once per image
(index, convert, transform) and once per batch (collate); for a set that fits in memory it is
faster to move all images to the device once and take each batch with one indexing operation.
"""

from __future__ import annotations

from typing import Iterator

import torch

from course_utils.data import ImageSet
from course_utils.train.distributed import shard_of
from course_utils.validation import (
    InputError,
    as_tensor,
    check_finite,
    check_images,
    check_labels,
    check_positive_int,
    check_same_length,
)

TrainData = ImageSet | tuple[torch.Tensor, torch.Tensor]


def as_tensors(data: TrainData, what: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """Images as float in [0, 1] and labels as int64, with their shapes checked.

    Parameters
    ----------
    data : ImageSet or (images, labels)
        ``images`` ``(N, C, H, W)``: uint8 in 0..255 or float; ``labels`` ``(N,)`` integers.
        For a text model (``15_cnns_beyond_images.ipynb``) the inputs may instead be ``(N, L)``
        int64 token ids, which pass through as they are.
    what : str
        Name used in error messages (``"train"``, ``"val"``).

    Returns
    -------
    images : (N, C, H, W) float32 tensor, or the (N, L) int64 token ids
    labels : (N,) int64 tensor
    """
    if isinstance(data, ImageSet):
        images, labels = data.images, data.labels
    elif isinstance(data, (tuple, list)) and len(data) == 2:
        images, labels = data
    else:
        got = (f"a {type(data).__name__} of {len(data)} items" if isinstance(data, (tuple, list))
               else type(data).__name__)
        raise InputError(
            f"{what} data must be an ImageSet or an (images, labels) pair of tensors, got "
            f"{got}. For data that does not fit in memory pass a DataLoader."
        )
    images = as_tensor(images, f"{what} images", "(N, C, H, W)")
    tokens = images.ndim == 2 and images.dtype == torch.int64
    if images.ndim != 4 and not tokens:
        raise InputError(
            f"{what} images must be (N, C, H, W), got shape {tuple(images.shape)} "
            f"{images.dtype}; add the channel axis with images.unsqueeze(1) for grayscale "
            "(N, H, W) images. (A text model takes (N, L) int64 token ids instead.)"
        )
    if not tokens:
        images = check_images(images, f"{what} images", dtype="any", finite=False,
                              nonempty=False)
    if len(images) == 0:
        raise InputError(f"the {what} set is empty (0 images); pass at least one image.")
    labels = check_labels(labels, f"{what} labels", n=len(images))
    if tokens:
        if images.min() < 0:
            raise InputError(f"{what} token ids must be >= 0, got {int(images.min())}.")
        return images, labels
    images = images.float() / 255 if images.dtype == torch.uint8 else images.float()
    check_finite(images, f"{what} images", hint="Training on them would turn every weight into "
                 "NaN: find the bad images (torch.isnan(images).flatten(1).any(1)) and drop or "
                 "fix them.")
    return images, labels


class InMemoryBatches:
    """Shuffled batches of ``(images, labels)`` that already live on the device.

    Parameters
    ----------
    images : (N, C, H, W) float tensor
    labels : (N,) int64 tensor
    batch_size : int
    generator : torch.Generator
        CPU generator for the shuffling (the same order on every device).
    drop_last : bool
        Skip a last, smaller batch (keeps batch norm statistics steady).
    rank, world_size : int
        Under ``torch.distributed`` (``14_scaling_out.ipynb``): every rank draws the same order
        and yields only its slice of each global batch of ``batch_size``
        (:func:`~course_utils.train.distributed.shard_of`).

    Iterating gives ``(B, C, H, W)`` and ``(B,)`` tensors, a fresh order on every pass
    (``B = batch_size // world_size``).
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, batch_size: int,
                 generator: torch.Generator, *, drop_last: bool = True, rank: int = 0,
                 world_size: int = 1) -> None:
        batch_size = check_positive_int(batch_size, "batch_size")
        check_same_length(images=images, labels=labels)
        self.images, self.labels = images, labels
        self.batch_size = min(batch_size, len(labels))
        self.generator = generator
        self.drop_last = drop_last
        self.rank, self.world_size = rank, world_size

    def __len__(self) -> int:
        n, b = len(self.labels), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = torch.randperm(len(self.labels), generator=self.generator)
        order = order.to(self.images.device)
        for i in range(len(self)):
            index = order[i * self.batch_size:(i + 1) * self.batch_size]
            if self.world_size > 1:
                index = shard_of(index, self.rank, self.world_size)
            yield self.images[index], self.labels[index]
