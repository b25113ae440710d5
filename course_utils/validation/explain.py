"""Explanations: the target classes, their scores, and one map per image."""

from __future__ import annotations

import numpy as np
import torch

from course_utils.validation.errors import InputError, describe
from course_utils.validation.images import check_images
from course_utils.validation.models import check_model, model_device


def check_targets(targets: object, n: int) -> torch.Tensor:
    """One class index per image: an int, a list or an ``(n,)`` integer tensor -> ``(n,)``
    int64.

    Parameters
    ----------
    targets : object
    n : int
    """
    if isinstance(targets, bool):
        raise InputError("targets must be class indices (ints), got a bool.")
    if isinstance(targets, (int, np.integer)):
        targets = torch.full((n,), int(targets), dtype=torch.int64)
    elif isinstance(targets, (list, tuple)):
        if not all(isinstance(t, int) and not isinstance(t, bool) for t in targets):
            raise InputError(f"targets must be ints, got {targets!r}.")
        targets = torch.tensor(targets, dtype=torch.int64)
    if not isinstance(targets,
                      torch.Tensor) or targets.is_floating_point() or targets.is_complex() \
            or targets.dtype == torch.bool:
        got = targets.dtype if isinstance(targets, torch.Tensor) else describe(targets)
        raise InputError(f"targets must be integer class indices (one per image), got {got}.")
    if targets.shape != (n,):
        raise InputError(f"targets must have one class per image, shape ({n},), got "
                         f"{tuple(targets.shape)}.")
    return targets.long().cpu()


def check_target_range(targets: torch.Tensor, num_outputs: int) -> None:
    """Raise unless every target is a valid output index of a model with ``num_outputs``
    outputs.

    Parameters
    ----------
    targets : torch.Tensor
    num_outputs : int
    """
    bad = targets[(targets < 0) | (targets >= num_outputs)]
    if len(bad):
        raise InputError(f"class index {int(bad[0])} is out of range: the model has "
                         f"{num_outputs} outputs, so targets must lie in [0, {num_outputs}).")


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``logits[i, targets[i]]`` after checking the model returned ``(N, K)`` and the targets
    fit.

    Parameters
    ----------
    logits : torch.Tensor
    targets : torch.Tensor
    """
    if logits.ndim != 2:
        raise InputError(f"the model must return class scores (N, K), got shape "
                         f"{tuple(logits.shape)}.")
    check_target_range(targets, logits.shape[1])
    return logits.gather(1, targets.to(logits.device)[:, None])[:, 0]


def check_maps(maps: object, n: int, size: tuple[int, int] | None = None,
               name: str = "maps") -> torch.Tensor:
    """Raise unless ``maps`` is a finite ``(n, H, W)`` float tensor (of ``size`` when given).

    Parameters
    ----------
    maps : object
    n : int
    size : tuple[int, int], optional
    name : str
    """
    if not isinstance(maps, torch.Tensor) or not maps.is_floating_point():
        got = maps.dtype if isinstance(maps, torch.Tensor) else describe(maps)
        raise InputError(f"{name} must be a float tensor (N, H, W), got {got}.")
    if maps.ndim != 3 or maps.shape[0] != n:
        raise InputError(f"{name} must have shape ({n}, H, W), one map per image, got "
                         f"{tuple(maps.shape)}.")
    if size is not None and tuple(maps.shape[1:]) != tuple(size):
        raise InputError(f"{name} are {tuple(maps.shape[1:])} but the images are {tuple(size)}; "
                         "upsample them first with upsample_maps(maps, size).")
    if not torch.isfinite(maps).all():
        raise InputError(f"{name} contain NaN or inf.")
    return maps


def check_explained(model: object, images: object,
                    targets: object) -> tuple[torch.Tensor, torch.Tensor]:
    """The checks every explanation method starts with: the model, the images, the classes.

    Parameters
    ----------
    model : object
        Expected: an ``nn.Module`` with parameters, in eval mode.
    images : object
        Expected: an ``(N, C, H, W)`` float tensor on the model's device.
    targets : object
        Expected: one class per image, an int or ``(N,)`` integers.

    Returns
    -------
    images : (N, C, H, W) float tensor
    targets : (N,) int64 tensor
    """
    check_model(model, eval_mode=True, has_parameters=True)
    images = check_images(images, device=model_device(model), numpy=False)
    return images, check_targets(targets, len(images))
