"""PGD, projected gradient descent (Madry et al., 2018), under the L∞ and the L2 norm.

Introduced in ``12_adversarial_robustness.ipynb``. PGD repeats small FGSM-like steps and projects
back onto the ε-ball after each one, from a random start; restarts keep, for each image, the
first start that fools the model. The update rules are those of ``torchattacks`` (the tests check
that both give the same images from the same start).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_utils.attacks.mode import frozen_eval
from course_utils.validation import (
    InputError,
    check_batch_labels,
    check_bool,
    check_eps,
    check_logits,
    check_model,
    check_positive_int,
    check_unit_images,
)

NORMS = ("linf", "l2")
_DIVISION_EPS = 1e-10


def input_gradient(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor,
                   targeted: bool = False) -> torch.Tensor:
    """Gradient of the mean cross-entropy (its negative when ``targeted``) w.r.t. ``images``.

    Shapes: ``(B, C, H, W)`` images, ``(B,)`` labels -> ``(B, C, H, W)``. The model's output is
    checked to be logits. Call it inside :func:`~course_utils.attacks.mode.frozen_eval`.

    Parameters
    ----------
    model : torch.nn.Module
    images : torch.Tensor
    labels : torch.Tensor
    targeted : bool
    """
    return _gradient_and_logits(model, images, labels, targeted)[0]


def _gradient_and_logits(model, images, labels, targeted) -> tuple[torch.Tensor, torch.Tensor]:
    x = images.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        logits = check_logits(model(x), labels)
        loss = F.cross_entropy(logits, labels)
        if targeted:
            loss = -loss
        return torch.autograd.grad(loss, x)[0], logits.detach()


def pgd(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, *, eps: float,
        alpha: float | None = None, steps: int = 10, norm: str = "linf", targeted: bool = False,
        random_start: bool = True, restarts: int = 1, early_stop: bool = False,
        generator: torch.Generator | None = None) -> torch.Tensor:
    """Projected gradient descent inside the ε-ball around each image.

    Written out in ``12_adversarial_robustness.ipynb``, section 2 (L∞, one start).

    Parameters
    ----------
    model : torch.nn.Module
        ``(B, C, H, W)`` images in [0, 1] to ``(B, K)`` logits (normalisation inside the model).
    images : (B, C, H, W) float tensor in [0, 1]
    labels : (B,) int64 tensor
        True classes, or with ``targeted=True`` the classes to push the images towards.
    eps : float
        Radius of the ball, >= 0: the largest change of one pixel (``"linf"``) or the largest
        Euclidean length of the whole change of one image (``"l2"``), on the [0, 1] scale.
    alpha : float, optional
        Step size; default ``2.5 * eps / steps`` (Madry et al.), so the steps can cross the ball.
    steps : int
        Gradient steps per start.
    norm : {"linf", "l2"}
        L∞ steps along the gradient's sign; L2 steps along the gradient scaled to unit length.
    targeted : bool
    random_start : bool
        Start from a uniformly random point of the ball (L∞), or a random direction at a uniform
        random radius (L2); otherwise from the image itself.
    restarts : int
        Random starts; each image keeps the first result that fools the model (the last one if
        none does). Each new start attacks only the images no earlier start has broken.
    early_stop : bool
        Stop moving an image as soon as it fools the model (its gradient is no longer
        computed). For measuring robust accuracy: an image counts as broken if any step broke
        it, and the steps cost only the images still standing. Off, the update is exactly
        that of ``torchattacks``.
    generator : torch.Generator, optional
        CPU generator of the random starts (PyTorch's global one if None).

    Returns
    -------
    (B, C, H, W) tensor in [0, 1], detached, within ``eps`` of ``images`` in the chosen norm.
    """
    eps = check_eps(eps)
    steps = check_positive_int(steps, "steps")
    restarts = check_positive_int(restarts, "restarts")
    targeted = check_bool(targeted, "targeted")
    random_start = check_bool(random_start, "random_start")
    early_stop = check_bool(early_stop, "early_stop")
    if norm not in NORMS:
        raise InputError(f"norm must be one of {NORMS}, got {norm!r}.")
    alpha = 2.5 * eps / steps if alpha is None else check_eps(alpha, "alpha")
    images = check_unit_images(images).detach()
    labels = check_batch_labels(labels, images)
    check_model(model, device=images.device)
    with frozen_eval(model):
        best = _one_start(model, images, labels, eps, alpha, steps, norm, targeted,
                          random_start, early_stop, generator)
        for _ in range(restarts - 1):  # later starts only for the images still standing
            standing = (~_fooled(model, best, labels, targeted)).nonzero().squeeze(1)
            if len(standing) == 0:
                break
            best = best.clone()
            best[standing] = _one_start(model, images[standing], labels[standing], eps, alpha,
                                        steps, norm, targeted, random_start, early_stop,
                                        generator)
    return best.detach()


def _one_start(model, images, labels, eps, alpha, steps, norm, targeted, random_start,
               early_stop, generator) -> torch.Tensor:
    """One run of ``steps`` PGD steps from the image or from a random point of the ball."""
    adv = _random_start(images, eps, norm, generator) if random_start else images.clone()
    if early_stop:
        return _steps_until_fooled(model, images, adv, labels, eps, alpha, steps, norm, targeted)
    for _ in range(steps):
        grad = input_gradient(model, adv, labels, targeted)
        adv = projected_step(images, adv, grad, eps=eps, alpha=alpha, norm=norm)
    return adv


def _steps_until_fooled(model, images, adv, labels, eps, alpha, steps, norm, targeted):
    """PGD steps on the images that still resist; an image is frozen once it fools the model."""
    active = torch.arange(len(images), device=images.device)
    for _ in range(steps):
        grad, logits = _gradient_and_logits(model, adv[active], labels[active], targeted)
        pred = logits.argmax(1)
        resisting = pred != labels[active] if targeted else pred == labels[active]
        active, grad = active[resisting], grad[resisting]
        if len(active) == 0:
            break
        adv = adv.clone()
        adv[active] = projected_step(images[active], adv[active], grad, eps=eps, alpha=alpha,
                                     norm=norm)
    return adv


def _random_start(images: torch.Tensor, eps: float, norm: str,
                  generator: torch.Generator | None) -> torch.Tensor:
    """A random point of the ball, drawn on the CPU (the same numbers on every device)."""
    shape = images.shape
    if norm == "linf":
        delta = torch.empty(shape).uniform_(-eps, eps, generator=generator)
    else:
        delta = torch.empty(shape).normal_(generator=generator)
        length = delta.view(len(delta), -1).norm(p=2, dim=1).view(-1, 1, 1, 1)
        radius = torch.zeros_like(length).uniform_(0, 1, generator=generator)
        delta *= radius / length * eps
    return torch.clamp(images + delta.to(images.device), 0, 1)


def projected_step(images: torch.Tensor, adv: torch.Tensor, grad: torch.Tensor, *, eps: float,
                   alpha: float, norm: str) -> torch.Tensor:
    """One ascent step of PGD, then the projection onto the ε-ball and onto the [0, 1] box.

    Introduced in ``12_adversarial_robustness.ipynb``; :func:`pgd` takes ``steps`` of them, and
    :class:`~course_utils.attacks.training.FGSMRandomStart` one.

    Parameters
    ----------
    images : (B, C, H, W) float tensor in [0, 1]
        The clean images, centres of the balls.
    adv : (B, C, H, W) float tensor
        The current adversarial images.
    grad : (B, C, H, W) float tensor
        The loss's gradient with respect to ``adv``.
    eps : float
        Radius of the ball.
    alpha : float
        Step size.
    norm : {"linf", "l2"}
        The ball's norm: a sign step for L∞, a normalised-gradient step for L2.

    Returns
    -------
    (B, C, H, W) float tensor in [0, 1]
    """
    if norm == "linf":
        adv = adv + alpha * grad.sign()
        delta = torch.clamp(adv - images, -eps, eps)
        return torch.clamp(images + delta, 0, 1)
    b = len(images)
    grad_norm = grad.view(b, -1).norm(p=2, dim=1) + _DIVISION_EPS
    adv = adv + alpha * grad / grad_norm.view(b, 1, 1, 1)
    delta = adv - images
    factor = torch.clamp(eps / delta.view(b, -1).norm(p=2, dim=1), max=1.0)
    return torch.clamp(images + delta * factor.view(-1, 1, 1, 1), 0, 1)


@torch.no_grad()
def _fooled(model: torch.nn.Module, adv: torch.Tensor, labels: torch.Tensor,
            targeted: bool) -> torch.Tensor:
    pred = model(adv).argmax(1)
    return pred == labels if targeted else pred != labels
