"""Solutions to the exercises of ``01_images_as_tensors.ipynb``."""

import numpy as np
import torch


def to_tensor(array: np.ndarray) -> torch.Tensor:
    """Exercise 1: (H, W, 3) uint8 -> (3, H, W) float32 in [0, 1].

    Parameters
    ----------
    array : np.ndarray
    """
    return torch.from_numpy(array).permute(2, 0, 1).float() / 255


def pixel_stats(images: torch.Tensor) -> tuple[float, float]:
    """Exercise 2: mean and std of uint8 images, scaled to [0, 1].

    Parameters
    ----------
    images : torch.Tensor
    """
    pixels = images.float() / 255
    return pixels.mean().item(), pixels.std().item()


def split(labels: torch.Tensor, fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Exercise 3: stratified split; each class sends round(fraction * size) items to
    validation.

    Parameters
    ----------
    labels : torch.Tensor
    fraction : float
    seed : int
    """
    generator = torch.Generator().manual_seed(seed)
    train, val = [], []
    for c in torch.unique(labels):
        members = (labels == c).nonzero().flatten()
        members = members[torch.randperm(len(members), generator=generator)]
        k = round(fraction * len(members))
        val.append(members[:k])
        train.append(members[k:])
    return torch.cat(train), torch.cat(val)


batch_bytes = 64 * 3 * 224 * 224 * 4
