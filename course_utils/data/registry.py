"""One registry for the datasets shipped in ``data/``.

Introduced in ``01_images_as_tensors.ipynb``::

    from course_utils.data import load_dataset
    train = load_dataset("mnist", "train")   # ImageSet, 5,000 images (1, 28, 28)

The review sentences of ``15_cnns_beyond_images.ipynb`` come as a :class:`TextSet` instead.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

from course_utils.data.imageset import ImageSet
from course_utils.data.sentiment import load_sentiment
from course_utils.data.shipped import load_fashion, load_mnist, load_pets
from course_utils.data.textset import TextSet
from course_utils.validation import InputError


@dataclass(frozen=True)
class DatasetInfo:
    """What a shipped dataset is, its splits and their sizes."""

    name: str
    description: str
    sizes: dict[str, int]
    loader: Callable[..., ImageSet | TextSet]


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        "mnist",
        "Handwritten digits 0-9, 28x28 grayscale: 5,000 training digits and the official "
        "10,000-digit test set.",
        {"train": 5000, "test": 10000},
        load_mnist,
    ),
    "fashion": DatasetInfo(
        "fashion",
        "Fashion-MNIST clothing, 10 classes, 28x28 grayscale: 4,443 official test images split "
        "80/20 by class into train and test.",
        {"train": 3555, "test": 888},
        load_fashion,
    ),
    "pets": DatasetInfo(
        "pets",
        "Oxford-IIIT Pet photos, RGB, cat vs dog with 37 breeds: 370 photos, split 70/30 by "
        "breed.",
        {"train": 259, "test": 111, "all": 370},
        load_pets,
    ),
    "sentiment": DatasetInfo(
        "sentiment",
        "Review sentences labelled negative or positive, 1,000 from each of amazon, imdb and "
        "yelp: split 80/20 by source and label.",
        {"train": 2400, "test": 600},
        load_sentiment,
    ),
}


def list_datasets() -> list[str]:
    """Names accepted by :func:`load_dataset`."""
    return sorted(DATASETS)


def load_dataset(name: str, split: str = "train", **options) -> ImageSet | TextSet:
    """Load a shipped dataset split (files verified by SHA-256 first).

    Parameters
    ----------
    name : {"mnist", "fashion", "pets", "sentiment"}
    split : str
        ``"train"`` or ``"test"``; ``"pets"`` also has ``"all"``.
    **options
        Passed to the loader, e.g. ``size=160`` for ``"pets"``.

    Returns
    -------
    ImageSet or TextSet
        ``images`` ``(N, C, H, W)`` uint8 and ``labels`` ``(N,)`` int64; for ``"sentiment"`` a
        :class:`TextSet` of ``N`` sentences and ``(N,)`` int64 labels.
    """
    info = DATASETS.get(name) if isinstance(name, str) else None
    if info is None:
        raise InputError(
            f"Unknown dataset {name!r}. Shipped datasets: {list_datasets()}. For full "
            "datasets (MNIST, Fashion-MNIST, CIFAR-10, Oxford-IIIT Pet) use "
            "course_utils.data.load_full_dataset when a network is there."
        )
    if not isinstance(split, str) or split not in info.sizes:
        raise InputError(
            f"Dataset {name!r} has no split {split!r}; its splits are {sorted(info.sizes)}."
        )
    accepted = list(inspect.signature(info.loader).parameters)[1:]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise InputError(f"Dataset {name!r} takes no option {', '.join(map(repr, unknown))}; "
                         f"its options are {accepted or 'none'}.")
    return info.loader(split, **options)
