"""Pixel attributions from gradients: plain gradient, SmoothGrad, integrated gradients.

Introduced in ``09_looking_inside_cnns.ipynb``.

- **gradient** (Simonyan et al., 2014): ``d y_c / d x``, how much each input value would move
  the class score;
- **SmoothGrad** (Smilkov et al., 2017): the gradient averaged over noisy copies of the image,
  which removes much of its speckle;
- **integrated gradients** (Sundararajan et al., 2017): ``(x - x') * integral over a of
  d y_c / d x`` at ``x' + a (x - x')``, from a baseline ``x'`` to the image; the attributions add
  up to ``y_c(x) - y_c(x')`` (completeness).

Each returns ``(N, C, H, W)`` attributions; :func:`pixel_map` turns them into one ``(N, H, W)``
map (the largest absolute value over the channels).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from course_utils.validation import (
    InputError,
    check_explained,
    check_positive_int,
    target_scores,
)

IG_METHODS = ("riemann_left", "riemann_right", "riemann_middle", "gausslegendre")
"""Quadrature rules, named and computed as captum names and computes them (its
``riemann_trapezoid`` is left out: its weights add up to ``(n - 1) / n``, not 1)."""


def _gradient(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    inputs = inputs.detach().requires_grad_(True)
    with torch.enable_grad():
        scores = target_scores(model(inputs), targets)
        (grad,) = torch.autograd.grad(scores.sum(), inputs)
    return grad


def gradient_saliency(model: nn.Module, images: torch.Tensor,
                      targets: torch.Tensor | int) -> torch.Tensor:
    """The gradient of each image's target score with respect to its pixels.

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    model : nn.Module in eval mode, returning ``(N, K)`` logits
    images : (N, C, H, W) float tensor on the model's device
    targets : int or (N,) int tensor

    Returns
    -------
    (N, C, H, W) tensor on the CPU
    """
    images, targets = check_explained(model, images, targets)
    return _gradient(model, images, targets).cpu()


def smoothgrad(model: nn.Module, images: torch.Tensor, targets: torch.Tensor | int, *,
               samples: int = 16, noise: float = 0.15, seed: int = 0) -> torch.Tensor:
    """SmoothGrad: the gradient averaged over ``samples`` copies with Gaussian noise.

    Parameters
    ----------
    model, images, targets : as for :func:`gradient_saliency`
    samples : int
        Noisy copies per image.
    noise : float
        Noise standard deviation as a share of each image's value range (max - min).
    seed : int
        Seeds the noise, so the map repeats exactly.

    Returns
    -------
    (N, C, H, W) tensor on the CPU
    """
    images, targets = check_explained(model, images, targets)
    samples = check_positive_int(samples, "samples")
    if not isinstance(noise, (int, float)) or not 0 <= noise <= 1:
        raise InputError(f"noise must be a share of the value range in [0, 1], got {noise!r}.")
    generator = torch.Generator().manual_seed(seed)
    spread = (images.amax(dim=(1, 2, 3)) - images.amin(dim=(1, 2, 3))).view(-1, 1, 1, 1)
    total = torch.zeros_like(images)
    for _ in range(samples):
        jitter = torch.randn(images.shape, generator=generator).to(images.device)
        total += _gradient(model, images + noise * spread * jitter, targets)
    return (total / samples).cpu()


def ig_steps(steps: int, method: str = "gausslegendre") -> tuple[torch.Tensor, torch.Tensor]:
    """Points ``a`` in [0, 1] and weights of a quadrature rule for the path integral.

    Parameters
    ----------
    steps : int
    method : str
        One of :data:`IG_METHODS` (the names captum uses).

    Returns
    -------
    alphas, weights : (steps,) float64 tensors; the weights sum to 1
    """
    steps = check_positive_int(steps, "steps")
    if method not in IG_METHODS:
        raise InputError(f"method must be one of {IG_METHODS}, got {method!r}.")
    if method == "gausslegendre":
        x, w = np.polynomial.legendre.leggauss(steps)
        return torch.from_numpy(0.5 * (x + 1)), torch.from_numpy(0.5 * w)
    start = {"riemann_left": 0.0, "riemann_right": 1.0, "riemann_middle": 0.5}[method]
    alphas = (torch.arange(steps, dtype=torch.float64) + start) / steps
    return alphas, torch.full((steps,), 1 / steps, dtype=torch.float64)


def integrated_gradients(model: nn.Module, images: torch.Tensor, targets: torch.Tensor | int, *,
                         baseline: torch.Tensor | float = 0.0, steps: int = 32,
                         method: str = "gausslegendre", batch_size: int = 32) -> torch.Tensor:
    """Integrated gradients from ``baseline`` to each image.

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    model, images, targets : as for :func:`gradient_saliency`
    baseline : float or tensor broadcastable to ``images``
        The "absence of signal" the path starts from (0 is a mid-gray photo for the shipped
        MobileNetV2, whose inputs are ``(x - 128) / 128``).
    steps : int
        Points on the path.
    method : str
        Quadrature rule, one of :data:`IG_METHODS`.
    batch_size : int
        Path points evaluated per forward pass.

    Returns
    -------
    (N, C, H, W) tensor on the CPU; each image's attributions sum to about
    ``score(image) - score(baseline)``.
    """
    images, targets = check_explained(model, images, targets)
    batch_size = check_positive_int(batch_size, "batch_size")
    alphas, weights = ig_steps(steps, method)
    base = torch.as_tensor(baseline, dtype=images.dtype, device=images.device)
    try:
        base = base.expand_as(images)
    except RuntimeError:
        raise InputError(f"baseline of shape {tuple(base.shape)} does not broadcast to the "
                         f"images {tuple(images.shape)}.") from None
    if not torch.isfinite(base).all():
        raise InputError("baseline contains NaN or inf.")
    delta = images - base
    total = torch.zeros_like(images)
    for i in range(len(images)):
        for start in range(0, len(alphas), batch_size):
            a = alphas[start:start + batch_size].to(images.dtype).to(images.device)
            w = weights[start:start + batch_size].to(images.dtype).to(images.device)
            path = base[i] + a.view(-1, 1, 1, 1) * delta[i]
            grads = _gradient(model, path, targets[i].repeat(len(a)))
            total[i] += (w.view(-1, 1, 1, 1) * grads).sum(dim=0)
    return (delta * total).cpu()


def pixel_map(attributions: torch.Tensor) -> torch.Tensor:
    """One map per image: the largest absolute attribution over the colour channels.

    ``(N, C, H, W) -> (N, H, W)``.

    Parameters
    ----------
    attributions : torch.Tensor
    """
    if not isinstance(attributions, torch.Tensor) or attributions.ndim != 4:
        got = tuple(attributions.shape) if isinstance(attributions, torch.Tensor) else \
            type(attributions).__name__
        raise InputError(f"attributions must be (N, C, H, W), got {got}.")
    return attributions.abs().amax(dim=1)
