"""Solutions to the exercises of ``18_your_own_images.ipynb``."""

import numpy as np
import torch


def draft_scale(width, height, size):
    """Exercise 1: the largest of 8, 4, 2, 1 that keeps both sides at least size pixels.

    Parameters
    ----------
    width : object
    height : object
    size : object
    """
    fits = min(width // size, height // size)   # the shorter side decides
    for scale in (8, 4, 2, 1):
        if fits >= scale:
            return scale
    return 1                                      # smaller than size: decode in full


def three_way_split(labels, validation, test, seed):
    """Exercise 2: per class, shuffle, then cut off the test and validation shares.

    Parameters
    ----------
    labels : object
    validation : object
    test : object
    seed : object
    """
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    parts = ([], [], [])
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        n_test = max(1, round(test * len(members)))
        n_val = max(1, round(validation * len(members)))
        parts[2].append(members[:n_test])
        parts[1].append(members[n_test:n_test + n_val])
        parts[0].append(members[n_test + n_val:])
    return tuple(torch.from_numpy(np.sort(np.concatenate(p))) for p in parts)


# Exercise 3: p ** 40 = 0.05 gives p = 0.05 ** (1 / 40) = 0.928; the rule of three: 1 - 3 / 40.
rule_of_three_low = 1 - 3 / 40
