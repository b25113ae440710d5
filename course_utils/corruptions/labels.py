"""Label noise: flip a known share of labels, uniformly or by a class-to-class matrix.

Introduced in ``11_data_quality_and_robustness.ipynb``. Each function returns the noisy labels
and a mask of the flipped ones, so an experiment can score how well the flips are found.
"""

from __future__ import annotations

import torch

from course_utils.validation import (
    InputError,
    check_labels,
    check_positive_int,
    check_probability,
    check_tensor,
    describe,
)

ROW_TOLERANCE = 1e-6


def symmetric_label_noise(labels: torch.Tensor, rate: float, num_classes: int, seed: int = 0
                          ) -> tuple[torch.Tensor, torch.Tensor]:
    """Flip exactly ``round(rate * N)`` labels, chosen at random, each to another class drawn
    uniformly.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    labels : (N,) integer labels in ``range(num_classes)``
    rate : float in [0, 1]
        Share of labels flipped.
    num_classes : int >= 2
    seed : int

    Returns
    -------
    noisy : (N,) int64 tensor
    flipped : (N,) bool tensor, True where ``noisy != labels``
    """
    num_classes = check_positive_int(num_classes, "num_classes", minimum=2)
    labels = check_labels(labels, "labels", num_classes=num_classes).cpu()
    rate = check_probability(rate, "rate")
    generator = torch.Generator().manual_seed(seed)
    chosen = torch.randperm(len(labels), generator=generator)[:round(rate * len(labels))]
    shift = torch.randint(1, num_classes, (len(chosen),), generator=generator)
    noisy = labels.clone()
    noisy[chosen] = (labels[chosen] + shift) % num_classes
    return noisy, noisy != labels


def class_dependent_label_noise(labels: torch.Tensor, transition: torch.Tensor, seed: int = 0
                                ) -> tuple[torch.Tensor, torch.Tensor]:
    """Redraw each label ``y`` from row ``y`` of a transition matrix.

    Introduced in ``11_data_quality_and_robustness.ipynb``. ``transition[i, j]`` is the chance
    that an example of class ``i`` gets label ``j`` (a real annotator confuses some classes more
    than others, e.g. 7 and 1).

    Parameters
    ----------
    labels : (N,) integer labels in ``range(K)``
    transition : (K, K) float tensor, rows of probabilities summing to 1
    seed : int

    Returns
    -------
    noisy : (N,) int64 tensor
    flipped : (N,) bool tensor
    """
    matrix = check_tensor(transition, "transition", 2, "(K, K)", floating=True, finite=True)
    k = matrix.shape[0]
    if matrix.shape != (k, k) or (matrix < 0).any() or \
            ((matrix.sum(1) - 1).abs() > ROW_TOLERANCE).any():
        raise InputError(f"transition must be a square (K, K) matrix of probabilities whose rows "
                         f"sum to 1, got {describe(matrix)} with row sums "
                         f"{[round(float(s), 6) for s in matrix.sum(1)]}.")
    labels = check_labels(labels, "labels", num_classes=k).cpu()
    generator = torch.Generator().manual_seed(seed)
    noisy = torch.multinomial(matrix.double()[labels], 1, generator=generator)[:, 0]
    return noisy, noisy != labels


def pair_transition(num_classes: int, rate: float, pairs: dict[int, int]) -> torch.Tensor:
    """A transition matrix where class ``i`` becomes ``pairs[i]`` with probability ``rate``.

    Parameters
    ----------
    num_classes : int
    rate : float in [0, 1]
    pairs : dict ``{from class: to class}``; classes not listed keep their labels

    Returns
    -------
    (num_classes, num_classes) float64 tensor
    """
    num_classes = check_positive_int(num_classes, "num_classes", minimum=2)
    rate = check_probability(rate, "rate")
    matrix = torch.eye(num_classes, dtype=torch.float64)
    for source, target in pairs.items():
        if not (0 <= source < num_classes and 0 <= target < num_classes) or source == target:
            raise InputError(f"pairs must map a class to another class in 0..{num_classes - 1}, "
                             f"got {source} -> {target}.")
        matrix[source, source] = 1 - rate
        matrix[source, target] = rate
    return matrix
