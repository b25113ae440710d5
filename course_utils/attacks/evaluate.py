"""Robust accuracy: accuracy on the attacked images, for one ε or a list of them.

Introduced in ``12_adversarial_robustness.ipynb``. An attack is any callable
``attack(model, images, labels, eps=...) -> adversarial images``, e.g. :func:`fgsm` or
``functools.partial(pgd, steps=40, restarts=5)``. With ``source=``, the adversarial images are
made on another model and shown to ``model``: a transfer (black-box) attack.
"""

from __future__ import annotations

from typing import Callable, Sequence

import torch

from course_utils.attacks.fuse import fuse_batch_norm
from course_utils.attacks.mode import frozen_eval
from course_utils.validation import (
    InputError,
    check_batch_labels,
    check_eps,
    check_model,
    check_positive_int,
    check_unit_images,
)

Attack = Callable[..., torch.Tensor]


@torch.no_grad()
def clean_accuracy(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, *,
                   batch_size: int = 500) -> float:
    """Share of ``(N, C, H, W)`` images in [0, 1] whose ``(N,)`` label the model predicts.

    Parameters
    ----------
    model : torch.nn.Module
    images : torch.Tensor
    labels : torch.Tensor
    batch_size : int
    """
    images = check_unit_images(images)
    labels = check_batch_labels(labels, images)
    batch_size = check_positive_int(batch_size, "batch_size")
    check_model(model, device=images.device)
    correct = 0
    with frozen_eval(model):
        for start in range(0, len(images), batch_size):
            x, y = images[start:start + batch_size], labels[start:start + batch_size]
            correct += int((model(x).argmax(1) == y).sum())
    return correct / len(images)


def robust_accuracy(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor,
                    attack: Attack, *, eps: float | Sequence[float], batch_size: int = 500,
                    source: torch.nn.Module | None = None) -> float | list[float]:
    """Accuracy of ``model`` on ``attack``-ed images, for each ε.

    Parameters
    ----------
    model : torch.nn.Module
        Images in [0, 1] to logits.
    images : (N, C, H, W) float tensor in [0, 1]
    labels : (N,) int64 tensor
    attack : callable
        ``attack(model, images, labels, eps=e)`` returning the adversarial images.
    eps : float or sequence of float
        One radius (returns a float) or several (returns a list, one accuracy each). At ε = 0
        the ball holds only the image itself, so the attack is not run: that entry is the
        clean accuracy.
    batch_size : int
        Images attacked at once.
    source : torch.nn.Module, optional
        Make the adversarial images on this model instead (a transfer attack), then evaluate
        ``model`` on them. The images are made on :func:`fuse_batch_norm`'s copy of the model
        that makes them (the same function, faster to attack on a CPU); ``model``
        itself judges them.

    Returns
    -------
    float or list of float
        Accuracies in [0, 1].
    """
    if not callable(attack):
        raise InputError(f"attack must be callable as attack(model, images, labels, eps=...), "
                        f"got {type(attack).__name__}.")
    single = isinstance(eps, (int, float))
    radii = [check_eps(e) for e in ([eps] if single else list(eps))]
    if not radii:
        raise InputError("eps is an empty list; give at least one radius.")
    images = check_unit_images(images)
    labels = check_batch_labels(labels, images)
    batch_size = check_positive_int(batch_size, "batch_size")
    maker = fuse_batch_norm(model if source is None else source)  # same function, faster
    accuracies = []
    for e in radii:
        correct = 0
        for start in range(0, len(images), batch_size):
            x, y = images[start:start + batch_size], labels[start:start + batch_size]
            adv = x if e == 0 else attack(maker, x, y, eps=e)
            correct += round(clean_accuracy(model, adv, y, batch_size=batch_size) * len(y))
        accuracies.append(correct / len(images))
    return accuracies[0] if single else accuracies
