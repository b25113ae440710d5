"""A photo from its bytes: decoded whatever its format or mode, cropped square, resized.

Introduced in ``09_looking_inside_cnns.ipynb`` (a learner's own photo in an explorer) and used
by the web page of ``13_deployment.ipynb``. Any size or mode (RGBA, palette, grayscale, 16-bit)
is converted, centre-cropped to a square and resized the way the shipped data is
(``PIL.ImageOps.fit``, bicubic); a file that is not an image raises :class:`PhotoError`.
"""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from course_utils.validation import InputError

MAX_BYTES = 30 * 2**20
"""Uploads above 30 MB are refused (a photo is a few MB)."""


class PhotoError(InputError):
    """The uploaded file could not be used as a photo; the message says why and what to do."""


def decode_photo(data: bytes, size: int, channels: int = 3) -> torch.Tensor:
    """Decode image bytes into a square ``(channels, size, size)`` uint8 tensor.

    Parameters
    ----------
    data : bytes
        The file's content (JPEG, PNG, BMP, GIF, WebP, TIFF...).
    size : int
        Side of the result: 224 for the shipped MobileNetV2, 28 for Fashion-MNIST.
    channels : {3, 1}
        RGB or grayscale.

    Returns
    -------
    (channels, size, size) uint8 tensor

    Raises
    ------
    PhotoError
        If the bytes are empty, too large or not an image Pillow can read.
    """
    if channels not in (1, 3):
        raise InputError(f"channels must be 1 (grayscale) or 3 (RGB), got {channels!r}.")
    if not isinstance(size, int) or not 8 <= size <= 1024:
        raise InputError(f"size must be an int in [8, 1024] pixels, got {size!r}.")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputError(f"data must be the file's bytes, got {type(data).__name__}; read a file "
                         "with open(path, 'rb').read() or pathlib.Path(path).read_bytes().")
    data = bytes(data)
    if not data:
        raise PhotoError("the file is empty; choose a JPEG or PNG photo.")
    if len(data) > MAX_BYTES:
        raise PhotoError(f"the file has {len(data) / 2**20:.0f} MB; use a photo under "
                         f"{MAX_BYTES // 2**20} MB.")
    try:
        with Image.open(io.BytesIO(data)) as photo:
            photo = ImageOps.exif_transpose(photo)
            square = ImageOps.fit(photo.convert("RGB" if channels == 3 else "L"), (size, size),
                                  Image.Resampling.BICUBIC)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoError(f"this file is not an image Pillow can read ({type(error).__name__}); "
                         "choose a JPEG, PNG or BMP photo.") from None
    pixels = np.asarray(square).copy()
    tensor = torch.from_numpy(pixels)
    return tensor.permute(2, 0, 1) if channels == 3 else tensor[None]
