"""``ImageSet``: a labelled set of images held in memory as tensors.

Introduced in ``01_images_as_tensors.ipynb``. Images stay uint8 in ``(N, C, H, W)``; indexing
the set gives a float image in [0, 1] (or whatever ``transform`` makes of it) and its label, so
it plugs into a ``DataLoader``, while ``images`` and ``labels`` serve fast in-memory training.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import torch
from torch.utils.data import Dataset

from course_utils.validation import (
    InputError, as_tensor, check_images, check_indices, check_labels, check_type,
)


@dataclass(eq=False)
class ImageSet(Dataset):
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

    def __post_init__(self) -> None:
        self.images = check_images(self.images, "images", dtype="uint8", finite=False,
                                   nonempty=False)
        self.classes = _check_classes(self.classes)
        _check_per_item(self, len(self.images), "images")
        if self.transform is not None and not callable(self.transform):
            raise InputError(f"transform must be a function of a (C, H, W) float image, got "
                             f"{type(self.transform).__name__}.")

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        image = self.images[index].float() / 255
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.labels[index])

    def class_counts(self) -> dict[str, int]:
        """Return ``{class name: number of images}``."""
        counts = torch.bincount(self.labels, minlength=len(self.classes)).tolist()
        return dict(zip(self.classes, counts))

    def subset(self, indices: torch.Tensor | list[int], split: str | None = None) -> "ImageSet":
        """Return the images at ``indices`` as a new ImageSet (per-image extras follow)."""
        index = check_indices(indices, len(self))
        if split is not None:
            check_type(split, "split", str, "a str such as 'val'")
        extras = {key: _take(value, index) for key, value in self.extras.items()}
        return replace(
            self,
            images=self.images[index],
            labels=self.labels[index],
            split=self.split if split is None else split,
            extras=extras,
        )

    def __repr__(self) -> str:
        c, h, w = self.images.shape[1:]
        return (
            f"ImageSet(name={self.name!r}, split={self.split!r}, n={len(self)}, "
            f"image=({c}, {h}, {w}) uint8, classes={len(self.classes)})"
        )


def _check_classes(classes: object) -> tuple[str, ...]:
    """Class names as a tuple of str (a single str is refused: its letters are not classes)."""
    if isinstance(classes, str) or not isinstance(classes, (tuple, list)) \
            or not all(isinstance(c, str) for c in classes):
        raise InputError(f"classes must be a tuple of class names (str), got {classes!r}; e.g. "
                         "('cat', 'dog').")
    return tuple(classes)


def _check_per_item(dataset, n: int, items: str) -> None:
    """Labels ``(n,)`` in ``range(len(classes))`` (stored as int64) and every per-item list in
    ``extras`` of length ``n``, one per image or text (shared by :class:`ImageSet` and
    :class:`~course_utils.data.textset.TextSet`)."""
    labels = as_tensor(dataset.labels, "labels", "(N,)")
    if labels.shape != (n,):
        raise InputError(
            f"labels must have shape ({n},) to match the {items}, got {tuple(labels.shape)}."
        )
    dataset.labels = check_labels(labels, "labels", n=n, num_classes=len(dataset.classes),
                                  nonempty=False)
    for key, value in dataset.extras.items():
        if len(value) != n:
            raise InputError(
                f"extras[{key!r}] has {len(value)} entries but the set has {n} {items}; put "
                "set-wide facts in meta instead."
            )


def _take(value: torch.Tensor | tuple | list, index: torch.Tensor) -> torch.Tensor | tuple:
    if isinstance(value, torch.Tensor):
        return value[index]
    return tuple(value[i] for i in index.tolist())
