"""What does a channel respond to? Activation maximisation and the dataset patches it likes best.

Introduced in ``09_looking_inside_cnns.ipynb``.

- :func:`maximize_channel` optimises an input image to excite one channel of a layer (its mean
  activation), with a random jitter (shift) at each step and a total-variation penalty, both of
  which keep the image from turning into high-frequency noise (Olah et al., 2017);
- :func:`top_patches` runs the network over real images and crops, around the strongest
  activation of the channel in each image, the patches that excite it most.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from course_utils.explain.hooks import record_activations
from course_utils.validation import InputError, check_model, check_positive_int, model_device


def total_variation(images: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference between neighbouring pixels: ``(N, C, H, W) -> ()``.

    Parameters
    ----------
    images : torch.Tensor
    """
    dy = (images[:, :, 1:] - images[:, :, :-1]).abs().mean()
    dx = (images[:, :, :, 1:] - images[:, :, :, :-1]).abs().mean()
    return dx + dy


def _channel_map(acts: dict, layer: str, channel: int) -> torch.Tensor:
    out = acts[layer]
    if out.ndim != 4:
        raise InputError(f"layer {layer!r} outputs shape {tuple(out.shape)}, not maps "
                         "(N, C, h, w); pick a convolutional layer or block.")
    if not 0 <= channel < out.shape[1]:
        raise InputError(f"channel {channel} is out of range: layer {layer!r} has "
                         f"{out.shape[1]} channels, so use 0..{out.shape[1] - 1}.")
    return out[:, channel]


def maximize_channel(model: nn.Module, layer: str, channel: int, *,
                     shape: tuple[int, int, int] = (3, 128, 128), steps: int = 100,
                     lr: float = 0.05, jitter: int = 4, tv_weight: float = 0.5,
                     value_range: tuple[float, float] = (-1.0, 1.0),
                     seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """An input that excites ``channel`` of ``layer``, found by gradient ascent.

    Introduced in ``09_looking_inside_cnns.ipynb``. Maximises the channel's mean activation minus
    ``tv_weight`` times the total variation, with Adam, shifting the image by up to ``jitter``
    pixels at each step and keeping it in ``value_range``.

    Parameters
    ----------
    model : nn.Module in eval mode
    layer : str
        A name from ``model.named_modules()`` with ``(N, C, h, w)`` output.
    channel : int
    shape : (C, H, W)
        The input to optimise, in the model's input space.
    steps, lr : optimisation steps and Adam's learning rate
    jitter : int
        Largest random shift (pixels) per step; 0 turns it off.
    tv_weight : float
        Strength of the smoothness penalty; 0 turns it off.
    value_range : (low, high)
        Valid inputs (``(-1, 1)`` for the shipped MobileNetV2, ``(0, 1)`` for images / 255).
    seed : int
        Seeds the starting noise and the jitter.

    Returns
    -------
    image : (C, H, W) tensor on the CPU, in ``value_range``
    history : (steps,) tensor, the channel's mean activation at each step
    """
    check_model(model, eval_mode=True, has_parameters=True)
    if not isinstance(channel, int) or isinstance(channel, bool):
        raise InputError(f"channel must be an int, got {type(channel).__name__}.")
    steps = check_positive_int(steps, "steps")
    low, high = value_range
    if not low < high:
        raise InputError(f"value_range must be (low, high) with low < high, got {value_range}.")
    generator = torch.Generator().manual_seed(seed)
    start = low + (high - low) * (0.5 + 0.1 * torch.randn((1, *shape), generator=generator))
    image = start.clamp(low, high).to(model_device(model)).requires_grad_(True)
    optimizer = torch.optim.Adam([image], lr=lr)
    history = torch.zeros(steps)
    with torch.enable_grad(), record_activations(model, [layer], detach=False) as acts:
        for step in range(steps):
            dy, dx = (torch.randint(-jitter, jitter + 1, (2,), generator=generator).tolist()
                      if jitter else (0, 0))
            model(torch.roll(image, shifts=(dy, dx), dims=(2, 3)))
            excitation = _channel_map(acts, layer, channel).mean()
            loss = -excitation + tv_weight * total_variation(image)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                image.clamp_(low, high)
            history[step] = excitation.item()
    return image.detach()[0].cpu(), history


@torch.no_grad()
def top_patches(model: nn.Module, images: torch.Tensor, *, layer: str, channel: int,
                patch: int, k: int = 9,
                prepare: Callable[[torch.Tensor], torch.Tensor] | None = None,
                batch_size: int = 32) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The ``k`` image patches that excite ``channel`` of ``layer`` most (one per image).

    Introduced in ``09_looking_inside_cnns.ipynb``.

    Parameters
    ----------
    model : nn.Module in eval mode
    images : (N, C, H, W) tensor
        What the patches are cut from (uint8 pixels are fine with ``prepare``).
    layer : str; channel : int
    patch : int
        Side of the square cut around the strongest position (about the channel's receptive
        field), in input pixels.
    k : int
    prepare : callable, optional
        Turns a batch of ``images`` into model inputs (e.g. ``tflite_preprocess``).
    batch_size : int

    Returns
    -------
    patches : (k, C, patch, patch) tensor, same dtype as ``images`` (edges padded with zeros)
    indices : (k,) int64, the image each patch comes from
    values : (k,) float, the channel's activation there, strongest first
    """
    check_model(model, eval_mode=True, has_parameters=True)
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or len(images) == 0:
        raise InputError("images must be a non-empty (N, C, H, W) tensor, got "
                         f"{getattr(images, 'shape', type(images).__name__)}.")
    k = check_positive_int(k, "k")
    patch = check_positive_int(patch, "patch")
    if k > len(images):
        raise InputError(f"k={k} patches need at least {k} images, got {len(images)}.")
    device = model_device(model)
    best, where = [], []
    with record_activations(model, [layer]) as acts:
        for start in range(0, len(images), batch_size):
            batch = images[start:start + batch_size]
            model((prepare(batch) if prepare else batch).to(device))
            maps = _channel_map(acts, layer, channel)
            value, flat = maps.flatten(1).max(dim=1)
            best.append(value.cpu())
            where.append(torch.stack([flat // maps.shape[2], flat % maps.shape[2]], 1).cpu())
            scale = (images.shape[2] / maps.shape[1], images.shape[3] / maps.shape[2])
    values, order = torch.cat(best).topk(k)
    positions = torch.cat(where)[order]
    half = patch // 2
    padded = torch.nn.functional.pad(images, (half, patch, half, patch))
    patches = []
    for index, (row, col) in zip(order.tolist(), positions.tolist()):
        cy, cx = int((row + 0.5) * scale[0]), int((col + 0.5) * scale[1])  # centre in pixels
        patches.append(padded[index, :, cy:cy + patch, cx:cx + patch])
    return torch.stack(patches), order, values
