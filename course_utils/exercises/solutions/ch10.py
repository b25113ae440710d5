"""Solutions to the exercises of ``10_class_imbalance.ipynb``."""

import torch
import torch.nn.functional as F


def inverse_weights(counts):
    """Exercise 1: weights 1/n_k scaled so that sum_k w_k n_k = N.

    Parameters
    ----------
    counts : object
    """
    counts = counts.double()
    raw = 1 / counts
    return raw * counts.sum() / (raw * counts).sum()


def focal(logits, labels, gamma):
    """Exercise 2: mean of -(1 - p_y)^gamma log p_y.

    Parameters
    ----------
    logits : object
    labels : object
    gamma : object
    """
    log_p = F.log_softmax(logits, dim=1).gather(1, labels[:, None])[:, 0]
    return (-(1 - log_p.exp()) ** gamma * log_p).mean()


def oversample(labels, seed):
    """Exercise 3: every index once, plus random copies up to the largest class.

    Parameters
    ----------
    labels : object
    seed : object
    """
    generator = torch.Generator().manual_seed(seed)
    largest = int(torch.bincount(labels).max())
    chosen = []
    for k in labels.unique():
        members = (labels == k).nonzero()[:, 0]
        extra = torch.randint(0, len(members), (largest - len(members),), generator=generator)
        chosen += [members, members[extra]]
    return torch.cat(chosen)


blind_balanced_accuracy = 0.7
"""Exercise 4: recall 1 on seven classes, 0 on three: 7 / 10."""
