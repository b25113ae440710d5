"""``LabelledSet``: what :class:`~course_utils.data.imageset.ImageSet` and
:class:`~course_utils.data.textset.TextSet` share: N items, their labels, class names, per-item
extras and set-wide facts.

Introduced in ``01_images_as_tensors.ipynb`` (images) and ``15_cnns_beyond_images.ipynb``
(texts). A subclass is a dataclass with the fields ``labels``, ``classes``, ``name``, ``split``,
``extras`` and ``meta``, plus the field named by its :attr:`LabelledSet.ITEMS` that holds the
items; it calls :meth:`LabelledSet.check_labelled` from ``__post_init__``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar, TypeVar

import torch
from torch.utils.data import Dataset

from course_utils.validation import (
    InputError,
    as_tensor,
    check_indices,
    check_labels,
    check_type,
)

Set = TypeVar("Set", bound="LabelledSet")


class LabelledSet(Dataset):
    """A labelled set of N items held in memory (the base of ``ImageSet`` and ``TextSet``).

    Attributes
    ----------
    ITEMS : str
        Name of the field that holds the items (``"images"``, ``"texts"``).
    """

    ITEMS: ClassVar[str] = "items"
    labels: torch.Tensor
    classes: tuple[str, ...]
    split: str
    extras: dict

    def check_labelled(self) -> None:
        """Check ``classes``, ``labels`` and ``extras`` against the items, from ``__post_init__``.

        The labels are stored as int64 and the class names as a tuple.
        """
        if isinstance(self.classes, str) or not isinstance(self.classes, (tuple, list)) \
                or not all(isinstance(c, str) for c in self.classes):
            raise InputError(f"classes must be a tuple of class names (str), got "
                             f"{self.classes!r}; e.g. ('cat', 'dog').")
        self.classes = tuple(self.classes)
        n = len(getattr(self, self.ITEMS))
        labels = as_tensor(self.labels, "labels", "(N,)")
        if labels.shape != (n,):
            raise InputError(f"labels must have shape ({n},) to match the {self.ITEMS}, got "
                             f"{tuple(labels.shape)}.")
        self.labels = check_labels(labels, "labels", n=n, num_classes=len(self.classes),
                                   nonempty=False)
        for key, value in self.extras.items():
            if len(value) != n:
                raise InputError(
                    f"extras[{key!r}] has {len(value)} entries but the set has {n} "
                    f"{self.ITEMS}; put set-wide facts in meta instead."
                )

    def __len__(self) -> int:
        return len(self.labels)

    def class_counts(self) -> dict[str, int]:
        """Return ``{class name: number of items}``."""
        counts = torch.bincount(self.labels, minlength=len(self.classes)).tolist()
        return dict(zip(self.classes, counts))

    def subset(self: Set, indices: torch.Tensor | list[int], split: str | None = None) -> Set:
        """Return the items at ``indices`` as a new set of the same kind (extras follow).

        Parameters
        ----------
        indices : (M,) int tensor or list of int
            Positions in ``range(len(self))``.
        split : str, optional
            The new set's split name (default: this set's).

        Returns
        -------
        A set of the same class with M items.
        """
        index = check_indices(indices, len(self))
        if split is not None:
            check_type(split, "split", str, "a str such as 'val'")
        return replace(
            self,
            **{self.ITEMS: _take(getattr(self, self.ITEMS), index)},
            labels=self.labels[index],
            split=self.split if split is None else split,
            extras={key: _take(value, index) for key, value in self.extras.items()},
        )


def _take(value: torch.Tensor | tuple | list, index: torch.Tensor) -> torch.Tensor | tuple:
    """The entries of ``value`` at ``index`` (a tensor stays a tensor, a sequence a tuple)."""
    if isinstance(value, torch.Tensor):
        return value[index]
    return tuple(value[i] for i in index.tolist())
