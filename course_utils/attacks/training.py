"""Adversarial training as batch transforms for :func:`course_utils.train.fit`.

Introduced in ``12_adversarial_robustness.ipynb``. ``fit(..., batch_transform=t)`` calls
``t(images, labels, generator=g)`` on every training batch and trains on what it returns; these
transforms return adversarial versions of the batch, made on the model being trained (in
evaluation mode, on :func:`~course_utils.attacks.fuse.fuse_batch_norm`'s copy of it: the same
function, faster to attack on a CPU):

- :class:`FGSMRandomStart`: one FGSM step of size ``alpha`` from a random point of the ε-ball,
  projected back (Wong et al., "Fast is better than free", 2020); with ``random_start=False`` and
  a large ``alpha`` it shows catastrophic overfitting;
- :class:`PGDTraining`: a few PGD steps (Madry et al., 2018).

Both can ramp ε up linearly over the first ``ramp_batches`` batches (a full-size ε from the first
step keeps a small network from learning anything). The ramp counts calls, so a resumed ``fit``
starts it again.
"""

from __future__ import annotations

import torch

from course_utils.attacks.fuse import fuse_batch_norm
from course_utils.attacks.mode import frozen_eval
from course_utils.attacks.pgd import input_gradient, pgd, projected_step
from course_utils.validation import (
    InputError,
    check_batch_labels,
    check_eps,
    check_positive_int,
    check_unit_images,
)


class _Adversarial:
    """Shared parts: the model, ε and its ramp, and the call count."""

    def __init__(self, model: torch.nn.Module, eps: float, ramp_batches: int) -> None:
        if not isinstance(model, torch.nn.Module):
            raise InputError(f"model must be the torch.nn.Module being trained, got "
                            f"{type(model).__name__}.")
        if isinstance(ramp_batches, bool) or not isinstance(ramp_batches, int) or ramp_batches < 0:
            raise InputError(f"ramp_batches must be an int >= 0, got {ramp_batches!r}.")
        self.model, self.eps, self.ramp_batches = model, check_eps(eps), ramp_batches
        self.calls = 0

    def current_eps(self) -> float:
        """ε for the next batch: ``eps * min(1, (calls + 1) / ramp_batches)``."""
        if self.ramp_batches == 0:
            return self.eps
        return self.eps * min(1.0, (self.calls + 1) / self.ramp_batches)

    def _checked(self, images: torch.Tensor,
                 labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        images = check_unit_images(images)
        return images, check_batch_labels(labels, images)


class FGSMRandomStart(_Adversarial):
    """Batch transform: FGSM from a random start (FGSM-RS), projected onto the ε-ball.

    Parameters
    ----------
    model : torch.nn.Module
        The model being trained (the examples are made on its current weights).
    eps : float
        Radius of the L∞ ball, on the [0, 1] scale.
    alpha : float, optional
        Step size; default ``1.25 * eps`` as in Wong et al. It scales with the ramped ε.
    random_start : bool
        False gives plain FGSM training (no projection is needed then when ``alpha <= eps``).
    ramp_batches : int
        Batches over which ε grows linearly from ``eps / ramp_batches`` to ``eps``.

    Calling it: ``(B, C, H, W)`` images in [0, 1], ``(B,)`` labels, ``generator=`` a CPU
    generator -> ``(adversarial images, labels)``.
    """

    def __init__(self, model: torch.nn.Module, eps: float, alpha: float | None = None, *,
                 random_start: bool = True, ramp_batches: int = 0) -> None:
        super().__init__(model, eps, ramp_batches)
        self.alpha_ratio = (1.25 if alpha is None
                            else check_eps(alpha, "alpha") / max(self.eps, 1e-12))
        self.random_start = random_start

    def __call__(self, images: torch.Tensor, labels: torch.Tensor, *,
                 generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """The batch to train on: adversarial ``(images, labels)`` made with ``generator``."""
        images, labels = self._checked(images, labels)
        eps = self.current_eps()
        self.calls += 1
        start = images
        if self.random_start:
            noise = torch.empty(images.shape).uniform_(-eps, eps, generator=generator)
            start = torch.clamp(images + noise.to(images.device), 0, 1)
        attacked = fuse_batch_norm(self.model)
        with frozen_eval(attacked):
            grad = input_gradient(attacked, start, labels)
        adv = projected_step(images, start, grad, eps=eps, alpha=self.alpha_ratio * eps,
                             norm="linf")
        return adv.detach().contiguous(memory_format=_format_of(images)), labels


class PGDTraining(_Adversarial):
    """Batch transform: L∞ PGD with a random start and a few steps (Madry et al.).

    Written out in ``12_adversarial_robustness.ipynb``, section 6 (one epoch of training on it).

    Parameters
    ----------
    model : torch.nn.Module
        The model being trained.
    eps : float
        Radius of the L∞ ball, on the [0, 1] scale.
    steps : int
        PGD steps per batch (each costs one more forward and backward pass).
    alpha : float, optional
        Step size; default ``2.5 * eps / steps``. It scales with the ramped ε.
    ramp_batches : int
        Batches over which ε grows linearly to ``eps``.
    """

    def __init__(self, model: torch.nn.Module, eps: float, steps: int = 5,
                 alpha: float | None = None, *, ramp_batches: int = 0) -> None:
        super().__init__(model, eps, ramp_batches)
        self.steps = check_positive_int(steps, "steps")
        self.alpha_ratio = (2.5 / self.steps if alpha is None
                            else check_eps(alpha, "alpha") / max(self.eps, 1e-12))

    def __call__(self, images: torch.Tensor, labels: torch.Tensor, *,
                 generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """The batch to train on: adversarial ``(images, labels)`` made with ``generator``."""
        images, labels = self._checked(images, labels)
        eps = self.current_eps()
        self.calls += 1
        adv = pgd(fuse_batch_norm(self.model), images, labels, eps=eps,
                  alpha=self.alpha_ratio * eps, steps=self.steps, generator=generator)
        return adv.contiguous(memory_format=_format_of(images)), labels


def _format_of(images: torch.Tensor) -> torch.memory_format:
    if images.is_contiguous(memory_format=torch.channels_last) and not images.is_contiguous():
        return torch.channels_last
    return torch.contiguous_format
