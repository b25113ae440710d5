"""Input checks shared by the attacks: images in [0, 1], labels, ε, and a model giving logits.

Introduced in ``12_adversarial_robustness.ipynb``. Each check names what it got, what it
expected and how to fix it.
"""

from __future__ import annotations

import math

import torch


def check_images(images: object) -> torch.Tensor:
    """Raise unless ``images`` is a ``(B, C, H, W)`` float tensor of finite values in [0, 1]."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(
            f"images must be a torch.Tensor (B, C, H, W), got {type(images).__name__}."
        )
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(
            f"images must be a non-empty batch (B, C, H, W), got shape {tuple(images.shape)}; "
            "add a batch axis with images.unsqueeze(0) for one image."
        )
    if not images.is_floating_point():
        raise ValueError(f"images must be float in [0, 1], got {images.dtype}; use "
                         "images.float() / 255.")
    if not torch.isfinite(images).all():
        raise ValueError("images contain NaN or inf; attack finite images in [0, 1].")
    low, high = float(images.min()), float(images.max())
    if low < 0 or high > 1:
        raise ValueError(
            f"images must lie in [0, 1] (the attack keeps them there), got values in "
            f"[{low:.3g}, {high:.3g}]. Put normalisation inside the model "
            "(course_utils.models.Normalize) and attack the raw [0, 1] images."
        )
    return images


def check_labels(labels: object, images: torch.Tensor, name: str = "labels") -> torch.Tensor:
    """Raise unless ``labels`` is a ``(B,)`` integer tensor on the images' device."""
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape ({len(images)},), got "
                        f"{type(labels).__name__}; use torch.as_tensor(...).")
    if labels.shape != (len(images),):
        raise ValueError(
            f"{name} must have shape ({len(images)},), one class per image, got "
            f"{tuple(labels.shape)}. Pass class indices, not one-hot rows."
        )
    if labels.dtype.is_floating_point or labels.dtype == torch.bool or labels.is_complex():
        raise ValueError(f"{name} must be integer class indices, got {labels.dtype}; use .long().")
    if labels.device != images.device:
        raise ValueError(f"{name} are on {labels.device} but images are on {images.device}; "
                         "move both to the same device.")
    if len(labels) and int(labels.min()) < 0:
        raise ValueError(f"{name} must be >= 0, got {int(labels.min())}.")
    return labels.long()


def check_eps(eps: object, name: str = "eps") -> float:
    """Raise unless ``eps`` is a finite number >= 0."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not math.isfinite(eps):
        raise ValueError(f"{name} must be a finite number >= 0, got {eps!r}.")
    if eps < 0:
        raise ValueError(f"{name} must be >= 0 (a size of perturbation), got {eps}.")
    return float(eps)


def check_positive_int(value: object, name: str) -> int:
    """Raise unless ``value`` is an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}.")
    return value


def check_model(model: object, images: torch.Tensor) -> torch.nn.Module:
    """Raise unless ``model`` is a module whose parameters sit on the images' device."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module mapping images to logits, got "
                        f"{type(model).__name__}.")
    param = next(model.parameters(), None)
    if param is not None and param.device != images.device:
        raise ValueError(f"the model is on {param.device} but the images are on "
                         f"{images.device}; move them with images.to({str(param.device)!r}).")
    return model


def check_logits(logits: object, labels: torch.Tensor) -> torch.Tensor:
    """Raise unless the model returned ``(B, K)`` float logits covering every label."""
    if not isinstance(logits, torch.Tensor):
        raise TypeError(
            f"the model must return a tensor of logits (B, K), got {type(logits).__name__}; "
            "if it returns a tuple or a dict, wrap it so that forward returns the logits only."
        )
    if logits.ndim != 2 or logits.shape[0] != len(labels) or not logits.is_floating_point():
        raise ValueError(
            f"the model must return float logits of shape ({len(labels)}, K), got "
            f"{tuple(logits.shape)} {logits.dtype}."
        )
    if int(labels.max()) >= logits.shape[1]:
        raise ValueError(f"labels go up to {int(labels.max())} but the model has only "
                         f"{logits.shape[1]} outputs.")
    with torch.no_grad():
        sums = logits.sum(1)
        looks_like_probs = bool(((logits >= 0) & (logits <= 1)).all()) and bool(
            torch.allclose(sums, torch.ones_like(sums), atol=1e-4))
    if looks_like_probs:
        raise ValueError(
            "the model returns probabilities (rows in [0, 1] summing to 1), not logits; the "
            "attack's cross-entropy needs raw scores. Remove the final softmax."
        )
    return logits
