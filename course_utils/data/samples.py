"""Sample photos that ship inside scikit-image (CC0 / public domain), no download needed.

Introduced in ``01_images_as_tensors.ipynb``; the convolution lessons filter them.
"""

from __future__ import annotations

import numpy as np
import torch

from course_utils.validation import InputError

SAMPLE_PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "rocket")


def sample_photo(name: str = "chelsea") -> torch.Tensor:
    """Return a scikit-image sample photo as a ``(C, H, W)`` uint8 tensor.

    ``"chelsea"`` is a cat (3, 300, 451); ``"camera"`` is grayscale (1, 512, 512).

    Parameters
    ----------
    name : str
    """
    if name not in SAMPLE_PHOTOS:
        raise InputError(f"Unknown sample photo {name!r}; choose one of {SAMPLE_PHOTOS}.")
    from skimage import data as skdata  # imported on use: scikit-image is slow to import

    array = np.asarray(getattr(skdata, name)())
    if array.ndim == 2:
        array = array[:, :, None]
    return torch.from_numpy(array.copy()).permute(2, 0, 1)
