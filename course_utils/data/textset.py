"""``TextSet``: a labelled set of sentences held in memory.

Introduced in ``15_cnns_beyond_images.ipynb``. The text twin of
:class:`~course_utils.data.imageset.ImageSet`: the raw strings stay as they are (tokenising and
encoding them is the job of :mod:`course_utils.text`, fitted on the training split only), and
the labels are a tensor ready for training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import torch

from course_utils.data.labelled import LabelledSet
from course_utils.validation import InputError


@dataclass(eq=False)
class TextSet(LabelledSet):
    """A labelled set of texts.

    Attributes
    ----------
    texts : tuple of str
        ``N`` sentences, as read from the file.
    labels : torch.Tensor
        ``(N,)`` int64, values in ``range(len(classes))``.
    classes : tuple of str
        Class names; ``classes[k]`` names label ``k``.
    name, split : str
        Where the set came from, e.g. ``"sentiment"``, ``"train"``.
    extras : dict
        Per-text extras, each of length N (for sentiment: ``"source"``, the website of each
        sentence as an index into ``meta["sources"]``).
    meta : dict
        Facts about the whole set (for sentiment: ``"sources"``).
    """

    texts: tuple[str, ...]
    labels: torch.Tensor
    classes: tuple[str, ...]
    name: str
    split: str
    extras: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    ITEMS: ClassVar[str] = "texts"

    def __post_init__(self) -> None:
        if not isinstance(self.texts, tuple) or not all(isinstance(t, str) for t in self.texts):
            raise InputError(
                f"texts must be a tuple of str, got {type(self.texts).__name__}; pass "
                "tuple(sentences)."
            )
        if not isinstance(self.labels, torch.Tensor) or self.labels.dtype != torch.int64:
            raise InputError(
                f"labels must be an int64 tensor, got "
                f"{getattr(self.labels, 'dtype', type(self.labels))}."
            )
        self.check_labelled()

    def __getitem__(self, index: int) -> tuple[str, int]:
        return self.texts[index], int(self.labels[index])

    def __repr__(self) -> str:
        return (
            f"TextSet(name={self.name!r}, split={self.split!r}, n={len(self)}, "
            f"classes={len(self.classes)})"
        )
