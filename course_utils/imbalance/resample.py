"""Making a set imbalanced, and resampling it back to balance.

Introduced in ``10_class_imbalance.ipynb``. Every function returns *indices* (or a sampler that
draws them), so the result feeds :func:`course_utils.train.fit` unchanged: an index set through
``dataset.subset(indices)`` (the in-memory fast path), a sampler through a ``DataLoader``.
Every random choice comes from a generator seeded by ``seed``.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch.utils.data import WeightedRandomSampler

from course_utils.data import ImageSet
from course_utils.validation import (
    InputError,
    check_int_range,
    check_labels,
    check_positive_int,
    check_tensor,
    check_type,
)

SUM_TOLERANCE = 1e-6
"""How far from 1 the class proportions may sum (rounding of decimal fractions)."""


def _check_proportions(proportions: Sequence[float] | torch.Tensor, labels: torch.Tensor
                       ) -> torch.Tensor:
    """``proportions`` as a (K,) float64 tensor of shares >= 0 that sum to 1, K > max label."""
    shares = check_tensor(proportions, "proportions", 1, "(K,)", nonempty=True).double()
    if not torch.isfinite(shares).all() or (shares < 0).any():
        raise InputError(f"proportions must be shares >= 0, one per class, got "
                         f"{shares.tolist()}.")
    total = float(shares.sum())
    if abs(total - 1) > SUM_TOLERANCE:
        raise InputError(f"proportions must sum to 1 (the share of each class in the new set), "
                         f"but they sum to {total:.6g}; divide them by their sum, or give the "
                         "majority classes what the minority classes leave: (1 - minority) / "
                         "number of majority classes.")
    if len(labels) and int(labels.max()) >= len(shares):
        raise InputError(f"proportions gives {len(shares)} classes but the labels go up to "
                         f"{int(labels.max())}; give one share per class.")
    return shares


def imbalanced_indices(labels: torch.Tensor, proportions: Sequence[float] | torch.Tensor, *,
                       n: int | None = None, seed: int = 0) -> torch.Tensor:
    """Indices of a subset in which class k makes up ``proportions[k]`` of the examples.

    Introduced in ``10_class_imbalance.ipynb``.

    Parameters
    ----------
    labels : (N,) integer labels
    proportions : (K,) shares >= 0 summing to 1
        A class with share 0 is left out.
    n : int, optional
        Size of the subset; by default the largest the available examples allow.
    seed : int

    Returns
    -------
    (M,) int64 tensor, sorted; class k gets ``round(proportions[k] * n)`` examples.
    """
    labels = check_labels(labels, "labels").cpu()
    shares = _check_proportions(proportions, labels)
    available = torch.bincount(labels, minlength=len(shares))
    if n is None:
        n = min(math.floor(available[k] / shares[k] + 1e-9) for k in range(len(shares))
                if shares[k] > 0)
    n = check_positive_int(n, "n")
    quota = (shares * n).round().long()
    for k in range(len(shares)):
        if quota[k] > available[k]:
            raise InputError(f"class {k} needs {int(quota[k])} examples for a share of "
                             f"{float(shares[k]):.4g} of {n}, but only {int(available[k])} are "
                             "there; ask for a smaller n.")
        if shares[k] > 0 and quota[k] == 0:
            raise InputError(f"class {k} would get 0 examples ({float(shares[k]):.4g} of {n}); "
                             "ask for a larger n or a share of 0.")
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for k in range(len(shares)):
        members = (labels == k).nonzero()[:, 0]
        chosen.append(members[torch.randperm(len(members), generator=generator)[:quota[k]]])
    return torch.cat(chosen).sort().values


def imbalanced_copy(dataset: ImageSet, proportions: Sequence[float] | torch.Tensor, *,
                    n: int | None = None, seed: int = 0) -> ImageSet:
    """An imbalanced copy of an image set (see :func:`imbalanced_indices`).

    Introduced in ``10_class_imbalance.ipynb``.

    Parameters
    ----------
    dataset : ImageSet
    proportions : Sequence[float] | torch.Tensor
    n : int, optional
    seed : int

    Returns
    -------
    ImageSet
        The chosen images; the split keeps its name.
    """
    check_type(dataset, "dataset", ImageSet, "an ImageSet")
    return dataset.subset(imbalanced_indices(dataset.labels, proportions, n=n, seed=seed))


def _by_class(labels: torch.Tensor) -> list[torch.Tensor]:
    return [(labels == k).nonzero()[:, 0] for k in labels.unique().tolist()]


def oversample_indices(labels: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """Indices in which every class occurs as often as the largest one (random oversampling).

    Introduced in ``10_class_imbalance.ipynb``. A class with ``n_k`` examples and a largest class
    of ``m`` repeats each example ``m // n_k`` times and ``m % n_k`` examples, drawn at random,
    once more: every class ends with exactly ``m``.

    Parameters
    ----------
    labels : (N,) integer labels
    seed : int

    Returns
    -------
    (K * m,) int64 tensor, sorted (repeated indices side by side)
    """
    labels = check_labels(labels, "labels").cpu()
    groups = _by_class(labels)
    largest = max(len(g) for g in groups)
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for members in groups:
        extra = torch.randperm(len(members), generator=generator)[:largest % len(members)]
        chosen += [members.repeat(largest // len(members)), members[extra]]
    return torch.cat(chosen).sort().values


def undersample_indices(labels: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """Indices in which every class keeps as many examples as the smallest one, chosen at random.

    Introduced in ``10_class_imbalance.ipynb``.

    Parameters
    ----------
    labels : (N,) integer labels
    seed : int

    Returns
    -------
    (K * m,) int64 tensor, sorted, with ``m`` the smallest class count
    """
    labels = check_labels(labels, "labels").cpu()
    groups = _by_class(labels)
    smallest = min(len(g) for g in groups)
    generator = torch.Generator().manual_seed(seed)
    chosen = [g[torch.randperm(len(g), generator=generator)[:smallest]] for g in groups]
    return torch.cat(chosen).sort().values


def balanced_sampler(labels: torch.Tensor,
                     proportions: Sequence[float] | torch.Tensor | None = None,
                     *, num_samples: int | None = None, seed: int = 0) -> WeightedRandomSampler:
    """A sampler that draws examples (with replacement) so that class k makes up
    ``proportions[k]`` of the draws, equal shares by default.

    Written out in ``10_class_imbalance.ipynb``, section 4 (``my_balanced_sampler``). Pass it
    to a ``DataLoader`` (``DataLoader(train, batch_size=64,
    sampler=balanced_sampler(train.labels))``) and the loader to ``fit``. Example ``i`` of class
    ``k`` is drawn with probability proportional to ``proportions[k] / n_k``.

    Parameters
    ----------
    labels : (N,) integer labels; every class with a share > 0 needs an example
    proportions : (K,) shares >= 0 summing to 1, optional
    num_samples : int, optional
        Draws per pass over the loader (default N, an "epoch" as long as the data).
    seed : int
        Seeds the sampler's own generator.

    Returns
    -------
    torch.utils.data.WeightedRandomSampler
    """
    labels = check_labels(labels, "labels").cpu()
    counts = torch.bincount(labels)
    if proportions is None:
        present = (counts > 0).double()
        shares = present / present.sum()
    else:
        shares = _check_proportions(proportions, labels)
        counts = torch.bincount(labels, minlength=len(shares))
        missing = [k for k in range(len(shares)) if shares[k] > 0 and counts[k] == 0]
        if missing:
            raise InputError(f"classes {missing} have a share > 0 but no example to draw; give "
                             "them a share of 0.")
    num_samples = check_int_range(len(labels) if num_samples is None else num_samples,
                                  "num_samples", low=1)
    per_example = (shares / counts.clamp(min=1).double())[labels]
    generator = torch.Generator().manual_seed(seed)
    return WeightedRandomSampler(per_example, num_samples, replacement=True, generator=generator)
