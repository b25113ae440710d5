"""Stratified, seeded splits: the same indices on every machine.

Introduced in ``01_images_as_tensors.ipynb`` (train / validation / test done right).
"""

from __future__ import annotations

import numpy as np
import torch

from course_utils.validation import InputError, check_int_range, check_probability, to_numpy


def stratified_split(
    labels: torch.Tensor | np.ndarray, test_fraction: float, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Split indices so that every class keeps the same share in both parts.

    Parameters
    ----------
    labels : (N,) integer tensor or array
        The class of each item.
    test_fraction : float
        Share of each class that goes to the second part, in (0, 1). Each class gives
        ``round(test_fraction * class size)`` items to it.
    seed : int
        Seeds NumPy's PCG64 generator, which gives the same stream on every platform.

    Returns
    -------
    first, second : (N1,) and (N2,) int64 tensors
        Sorted indices into ``labels``; together they cover every index exactly once.
    """
    y = to_numpy(labels, "labels")
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise InputError(f"labels must be a 1-D integer array, got shape {y.shape}, {y.dtype}.")
    if len(y) == 0:
        raise InputError("labels is empty; there is nothing to split.")
    check_probability(test_fraction, "test_fraction", open_low=True, open_high=True)
    check_int_range(seed, "seed", low=0)
    rng = np.random.default_rng(seed)
    second = []
    for cls in np.unique(y):
        members = np.flatnonzero(y == cls)
        take = int(round(test_fraction * len(members)))
        second.append(rng.permutation(members)[:take])
    second_idx = np.sort(np.concatenate(second))
    first_idx = np.setdiff1d(np.arange(len(y)), second_idx)
    return torch.from_numpy(first_idx).long(), torch.from_numpy(second_idx).long()
