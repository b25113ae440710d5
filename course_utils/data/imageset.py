"""``ImageSet``: a labelled set of images held in memory as tensors.

Introduced in ``01_images_as_tensors.ipynb``. Images stay uint8 in ``(N, C, H, W)``; indexing
the set gives a float image in [0, 1] (or whatever ``transform`` makes of it) and its label, so
it plugs into a ``DataLoader``, while ``images`` and ``labels`` serve fast in-memory training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, ClassVar

import torch

from course_utils.data.labelled import LabelledSet
from course_utils.validation import InputError, check_images


@dataclass(eq=False)
class ImageSet(LabelledSet):
    """A labelled image set.

    Attributes
    ----------
    images : torch.Tensor
        ``(N, C, H, W)`` uint8, values 0..255.
    labels : torch.Tensor
        ``(N,)`` int64, values in ``range(len(classes))``.
    classes : tuple of str
        Class names; ``classes[k]`` names label ``k``.
    name, split : str
        Where the set came from, e.g. ``"mnist"``, ``"test"``.
    extras : dict
        Per-image extras, each of length N (for pets: ``"breed"`` labels, ``"file"`` names).
    meta : dict
        Facts about the whole set (for pets: ``"breed_classes"``).
    transform : callable, optional
        Applied to the ``(C, H, W)`` float image in [0, 1] on indexing.
    """

    images: torch.Tensor
    labels: torch.Tensor
    classes: tuple[str, ...]
    name: str
    split: str
    extras: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None
    ITEMS: ClassVar[str] = "images"

    def __post_init__(self) -> None:
        self.images = check_images(self.images, "images", dtype="uint8", finite=False,
                                   nonempty=False)
        self.check_labelled()
        if self.transform is not None and not callable(self.transform):
            raise InputError(f"transform must be a function of a (C, H, W) float image, got "
                             f"{type(self.transform).__name__}.")

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        image = self.images[index].float() / 255
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.labels[index])

    def __repr__(self) -> str:
        c, h, w = self.images.shape[1:]
        return (
            f"ImageSet(name={self.name!r}, split={self.split!r}, n={len(self)}, "
            f"image=({c}, {h}, {w}) uint8, classes={len(self.classes)})"
        )

