"""Solutions to the exercises of ``05_training_from_scratch.ipynb``."""

import torch


def normalisation_stats(train_images: torch.Tensor) -> tuple[float, float]:
    """Exercise 1: mean and std of the training pixels in [0, 1]."""
    x = train_images.float() / 255
    return x.mean().item(), x.std().item()


safe_augmentations = {"shift", "small_rotation", "zoom"}
steps = (4500 // 64) * 10
early_stopping = (7, 5)
