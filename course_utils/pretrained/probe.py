"""A linear probe: a linear classifier trained on fixed features, and the subsets it learns from.

Introduced in ``07_transfer_learning.ipynb``: training only a new head on pooled pretrained
features is a *linear probe*; :func:`balanced_subset` draws the small training sets of its
label-efficiency curve.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.validation import (
    InputError,
    check_finite,
    check_labels,
    check_non_negative,
    check_positive_int,
)


def fit_linear_head(features: torch.Tensor, labels: torch.Tensor, num_classes: int,
                    weight_decay: float = 1e-3, steps: int = 100) -> nn.Linear:
    """Train a linear classifier on fixed features (a *linear probe*), by full-batch L-BFGS.

    Introduced in ``07_transfer_learning.ipynb``. Minimises the mean cross-entropy plus
    ``weight_decay * ||W||^2``; deterministic for given inputs.

    Parameters
    ----------
    features : (N, D) float tensor
    labels : (N,) int64 tensor, values in ``range(num_classes)``
    num_classes : int
    weight_decay : float
        Strength of the L2 penalty on the weights (not the bias).
    steps : int
        L-BFGS iterations.

    Returns
    -------
    nn.Linear
        ``D -> num_classes``.
    """
    if not isinstance(features,
                      torch.Tensor) or features.ndim != 2 or not features.is_floating_point():
        raise InputError("features must be a (N, D) float tensor, got "
                         f"{getattr(features, 'shape', type(features).__name__)}.")
    check_finite(features, "features", hint="Recompute the features from finite images.")
    num_classes = check_positive_int(num_classes, "num_classes", minimum=2,
                                     hint="A classifier needs at least 2 classes.")
    labels = check_labels(labels, "labels", n=len(features), num_classes=num_classes)
    weight_decay = check_non_negative(weight_decay, "weight_decay")
    steps = check_positive_int(steps, "steps")
    head = nn.Linear(features.shape[1], num_classes)
    nn.init.zeros_(head.weight)
    nn.init.zeros_(head.bias)
    optimizer = torch.optim.LBFGS(head.parameters(), max_iter=steps, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(head(features), labels) + weight_decay * head.weight.square().sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return head


def balanced_subset(labels: torch.Tensor, n: int, seed: int = 0) -> torch.Tensor:
    """Indices of ``n`` examples drawn at random, classes in proportion, each class at least once.

    Introduced in ``07_transfer_learning.ipynb`` (the label-efficiency curve).

    Parameters
    ----------
    labels : (N,) int64 tensor
    n : int
        How many to draw, from the number of classes up to N.
    seed : int

    Returns
    -------
    (n,) int64 tensor of indices into ``labels``, sorted.
    """
    labels = check_labels(labels, "labels")
    classes = labels.unique()
    if not isinstance(n, int) or not len(classes) <= n <= len(labels):
        raise InputError(f"n must be an int in [{len(classes)}, {len(labels)}] (at least one "
                         f"example per class), got {n!r}.")
    generator = torch.Generator().manual_seed(seed)
    counts = torch.stack([(labels == c).sum() for c in classes])
    quota = (counts * n / len(labels)).floor().long().clamp(min=1)
    while quota.sum() < n:  # hand out what rounding left, largest shortfall first
        quota[(counts * n / len(labels) - quota).argmax()] += 1
    while quota.sum() > n:
        quota[quota.argmax()] -= 1
    chosen = []
    for c, k in zip(classes, quota.tolist()):
        members = (labels == c).nonzero().flatten()
        chosen.append(members[torch.randperm(len(members), generator=generator)[:k]])
    return torch.cat(chosen).sort().values
