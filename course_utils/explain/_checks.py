"""Input checks shared by the explanation methods; each error says what it got and how to fix it."""

from __future__ import annotations

import torch
from torch import nn


def check_model(model: object) -> nn.Module:
    """Raise unless ``model`` is an ``nn.Module`` in eval mode with at least one parameter."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}.")
    if model.training:
        raise ValueError("model is in training mode: dropout and batch norm would make the "
                         "explanation random and mix the images of a batch. Call model.eval() "
                         "first.")
    if next(model.parameters(), None) is None:
        raise ValueError("model has no parameters; explanations need a trained network.")
    return model


def model_device(model: nn.Module) -> torch.device:
    """The device of the model's first parameter."""
    return next(model.parameters()).device


def check_images(images: object, model: nn.Module, name: str = "images") -> torch.Tensor:
    """Raise unless ``images`` is a finite, non-empty ``(N, C, H, W)`` float batch on the model's device."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{name} must be a (N, C, H, W) float tensor, got "
                        f"{type(images).__name__}; convert it with torch.as_tensor(...).")
    if images.ndim != 4:
        hint = " For one image pass image[None]." if images.ndim == 3 else ""
        raise ValueError(f"{name} must have shape (N, C, H, W), got {tuple(images.shape)}.{hint}")
    if not images.is_floating_point():
        raise TypeError(f"{name} must be float, as the model expects them, got {images.dtype}; "
                        "preprocess uint8 pixels first (e.g. tflite_preprocess, or "
                        "images.float() / 255).")
    if images.shape[0] == 0 or images[0].numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(images.shape)}); pass at least one image.")
    device = model_device(model)
    if images.device != device:
        raise ValueError(f"{name} are on {images.device} but the model is on {device}; "
                         f"move them with {name}.to(device).")
    if not torch.isfinite(images).all():
        raise ValueError(f"{name} contains NaN or inf; check the preprocessing.")
    return images


def check_targets(targets: object, n: int) -> torch.Tensor:
    """One class index per image: an int, a list or an ``(n,)`` integer tensor -> ``(n,)`` int64."""
    if isinstance(targets, bool):
        raise TypeError("targets must be class indices (ints), got a bool.")
    if isinstance(targets, int):
        targets = torch.full((n,), targets, dtype=torch.int64)
    elif isinstance(targets, (list, tuple)):
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in targets):
            raise TypeError(f"targets must be ints, got {targets!r}.")
        targets = torch.tensor(targets, dtype=torch.int64)
    if not isinstance(targets, torch.Tensor) or targets.is_floating_point() or targets.is_complex() \
            or targets.dtype == torch.bool:
        got = targets.dtype if isinstance(targets, torch.Tensor) else type(targets).__name__
        raise TypeError(f"targets must be integer class indices (one per image), got {got}.")
    if targets.shape != (n,):
        raise ValueError(f"targets must have one class per image, shape ({n},), got "
                         f"{tuple(targets.shape)}.")
    return targets.long().cpu()


def check_target_range(targets: torch.Tensor, num_outputs: int) -> None:
    """Raise unless every target is a valid output index of a model with ``num_outputs`` outputs."""
    bad = targets[(targets < 0) | (targets >= num_outputs)]
    if len(bad):
        raise ValueError(f"class index {int(bad[0])} is out of range: the model has "
                         f"{num_outputs} outputs, so targets must lie in [0, {num_outputs}).")


def scores_of(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``logits[i, targets[i]]`` after checking the model returned ``(N, K)`` and the targets fit."""
    if logits.ndim != 2:
        raise ValueError(f"the model must return class scores (N, K), got shape "
                         f"{tuple(logits.shape)}.")
    check_target_range(targets, logits.shape[1])
    return logits.gather(1, targets.to(logits.device)[:, None])[:, 0]


def check_positive_int(name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` after checking it is an int ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r}).")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}.")
    return value


def check_maps(maps: object, n: int, size: tuple[int, int] | None = None,
               name: str = "maps") -> torch.Tensor:
    """Raise unless ``maps`` is a finite ``(n, H, W)`` float tensor (of ``size`` when given)."""
    if not isinstance(maps, torch.Tensor) or not maps.is_floating_point():
        got = maps.dtype if isinstance(maps, torch.Tensor) else type(maps).__name__
        raise TypeError(f"{name} must be a float tensor (N, H, W), got {got}.")
    if maps.ndim != 3 or maps.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n}, H, W), one map per image, got "
                         f"{tuple(maps.shape)}.")
    if size is not None and tuple(maps.shape[1:]) != tuple(size):
        raise ValueError(f"{name} are {tuple(maps.shape[1:])} but the images are {tuple(size)}; "
                         "upsample them first with upsample_maps(maps, size).")
    if not torch.isfinite(maps).all():
        raise ValueError(f"{name} contain NaN or inf.")
    return maps
