"""Exact and near-duplicate images, within one set or across two (train and test).

Introduced in ``11_data_quality_and_robustness.ipynb``. An exact duplicate has the same bytes.
A near duplicate (re-saved as JPEG, brightened, resized, a little noise) has different bytes but
nearly the same *fingerprint*: the image shrunk to a small thumbnail, its mean removed and scaled
to unit length, so that the cosine similarity of two fingerprints ignores brightness and
contrast. Any other embedding, such as a CNN's features, can take the thumbnail's place.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import torch
import torch.nn.functional as F

from course_utils.validation import (
    InputError,
    check_images,
    check_number,
    check_positive_int,
    check_tensor,
)

THRESHOLD = 0.993
"""Cosine similarity from which two 28x28 fingerprints count as near duplicates. Distinct
images of the shipped sets reach 0.986 (MNIST, two plain 1s) and 0.990 (Fashion-MNIST); a copy
re-saved as JPEG of quality 95, brightened by 12 levels or with noise of 2 levels reaches 0.995
and more. Coarser thumbnails do worse: at 16x16, 288 distinct MNIST digits have a twin above
0.99."""
SIZE = 28
BLOCK = 2048


class Duplicates(NamedTuple):
    """Pairs of duplicate images, most similar first.

    ``pairs`` is ``(M, 2)`` int64: row ``(i, j)`` pairs image ``i`` of the first set with image
    ``j`` of the second (of the same set, with ``i < j``, when there is one set).
    ``similarity`` is ``(M,)``: the cosine similarity of their fingerprints (1 for exact).
    """

    pairs: torch.Tensor
    similarity: torch.Tensor


def _digests(images: torch.Tensor) -> list[str]:
    pixels = images.contiguous().cpu()
    return [hashlib.sha256(image.numpy().tobytes()).hexdigest() for image in pixels]


def exact_duplicates(images: torch.Tensor, others: torch.Tensor | None = None) -> Duplicates:
    """Pairs of images with identical pixels (and shape and dtype).

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    images : (N, C, H, W) uint8 or float tensor
    others : (M, C, H, W) tensor, optional
        A second set (e.g. the test split): pairs then run across the two sets.

    Returns
    -------
    Duplicates
        ``similarity`` is all ones.
    """
    images = check_images(images, "images", dtype="any")
    digests = _digests(images)
    if others is None:
        first: dict[str, list[int]] = {}
        pairs = []
        for j, digest in enumerate(digests):
            members = first.setdefault(digest, [])
            pairs += [(i, j) for i in members]
            members.append(j)
    else:
        others = check_images(others, "others", dtype="any")
        where: dict[str, list[int]] = {}
        for i, digest in enumerate(digests):
            where.setdefault(digest, []).append(i)
        pairs = [(i, j) for j,
                 digest in enumerate(_digests(others)) for i in where.get(digest, [])]
    tensor = torch.tensor(sorted(pairs), dtype=torch.long).view(-1, 2)
    return Duplicates(tensor, torch.ones(len(tensor)))


def fingerprints(images: torch.Tensor, size: int = SIZE) -> torch.Tensor:
    """Each image as a unit vector: grayscale, shrunk to ``size`` x ``size`` by averaging, its mean
    removed.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    images : (N, C, H, W) uint8 or float tensor
    size : int
        Thumbnail side; the default 28 is the full size of the course's digits.

    Returns
    -------
    (N, size * size) float32 tensor of unit rows (a flat image gives a zero row)
    """
    images = check_images(images, "images", dtype="any")
    size = check_positive_int(size, "size")
    floats = images.float() / 255 if images.dtype == torch.uint8 else images.float()
    gray = floats.mean(1, keepdim=True)
    thumbs = F.adaptive_avg_pool2d(gray, size).flatten(1)
    centred = thumbs - thumbs.mean(1, keepdim=True)
    return F.normalize(centred, dim=1)


def _embeddings(value: torch.Tensor, name: str, size: int) -> torch.Tensor:
    if isinstance(value, torch.Tensor) and value.ndim == 4:
        return fingerprints(value, size)
    embedded = check_tensor(value, name, (2, 4), "(N, C, H, W) images or (N, D) embeddings",
                            floating=True, finite=True)
    return F.normalize(embedded.float(), dim=1)


def near_duplicates(images: torch.Tensor, others: torch.Tensor | None = None, *,
                    threshold: float = THRESHOLD, size: int = SIZE) -> Duplicates:
    """Pairs of images whose fingerprints (or embeddings) have cosine similarity >= threshold.

    Introduced in ``11_data_quality_and_robustness.ipynb``. Exact duplicates are near duplicates
    too (similarity 1).

    Parameters
    ----------
    images : (N, C, H, W) images or (N, D) float embeddings
    others : (M, C, H, W) images or (M, D) embeddings, optional
        A second set: pairs then run across the two sets.
    threshold : float in (0, 1]
    size : int
        Thumbnail side of :func:`fingerprints` (for images).

    Returns
    -------
    Duplicates
    """
    threshold = check_number(threshold, "threshold", 0.0, 1.0, low_open=True)
    a = _embeddings(images, "images", size)
    b = a if others is None else _embeddings(others, "others", size)
    if a.shape[1] != b.shape[1]:
        raise InputError(f"images and others give {a.shape[1]}- and {b.shape[1]}-long "
                         "fingerprints; compare images of the same kind, or embeddings of the "
                         "same length.")
    pairs, values = [], []
    for start in range(0, len(a), BLOCK):
        similarity = a[start:start + BLOCK] @ b.T
        if others is None:  # each pair once, never an image with itself
            rows = torch.arange(start, start + len(similarity))[:, None]
            similarity[torch.arange(len(b))[None, :] <= rows] = -1
        i, j = (similarity >= threshold - 1e-6).nonzero(as_tuple=True)
        pairs.append(torch.stack([i + start, j], 1))
        values.append(similarity[i, j].clamp(max=1))
    pairs, values = torch.cat(pairs), torch.cat(values)
    order = values.argsort(descending=True, stable=True)
    return Duplicates(pairs[order], values[order])
