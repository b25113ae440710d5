"""Solutions to the exercises of ``01_images_as_tensors.ipynb``."""

import numpy as np
import torch

from course_utils.data import load_dataset, stratified_split


def to_tensor(array: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (3, H, W) float32 in [0, 1]."""
    return torch.from_numpy(array).permute(2, 0, 1).float() / 255


def normalization() -> tuple[float, float]:
    """Mean and std of the MNIST training pixels in [0, 1]."""
    pixels = load_dataset("mnist", "train").images.float() / 255
    return pixels.mean().item(), pixels.std().item()


def validation_split(labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Stratified 90/10 split of the training labels."""
    return stratified_split(labels, test_fraction=0.1, seed=0)


batch_bytes = 64 * 3 * 224 * 224 * 4
