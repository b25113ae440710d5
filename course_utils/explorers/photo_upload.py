"""A learner's own photo in an explorer: an ``ipywidgets.FileUpload`` and a forgiving decoder.

Introduced in ``09_looking_inside_cnns.ipynb``. Any size or mode (RGBA, palette, grayscale,
16-bit) is converted, centre-cropped to a square and resized the way the shipped data is
(``PIL.ImageOps.fit``, bicubic); a file that is not an image raises :class:`PhotoError`, which
the explorers turn into a message in the widget instead of a traceback.
"""

from __future__ import annotations

import io
from typing import Any, Callable

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from course_utils.explorers import _widgets
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


def add_to_picker(images: list[torch.Tensor], picker: Any, name: str, photo: torch.Tensor) -> None:
    """Append a ``(C, H, W)`` uint8 ``photo`` to an explorer's ``images`` and select it in its
    ``picker`` (a Dropdown of ``(name, index)`` options)."""
    expected = tuple(images[0].shape)
    if tuple(photo.shape) != expected or photo.dtype != torch.uint8:
        raise InputError(f"a new photo must be uint8 {expected}, got {photo.dtype} "
                         f"{tuple(photo.shape)}; decode_photo resizes uploads.")
    images.append(photo)
    picker.options = [*picker.options, (name, len(images) - 1)]
    picker.value = len(images) - 1


def uploaded_files(value: Any) -> list[tuple[str, bytes]]:
    """``(name, content)`` of each file in a ``FileUpload`` value.

    ipywidgets 8 gives a tuple of dicts with ``name`` and ``content``; ipywidgets 7.7, which
    Colab ships, a dict ``{name: {"metadata": ..., "content": ...}}``.
    """
    if isinstance(value, dict):
        return [(name, bytes(item["content"])) for name, item in value.items()]
    return [(item.get("name", "upload"), bytes(item["content"])) for item in value or ()]


def upload_button(on_photo: Callable[[str, bytes], None], message: Any) -> Any:
    """A FileUpload for one image; calls ``on_photo(name, content)`` for each file uploaded.

    A :class:`PhotoError` raised by ``on_photo`` is shown in the ``message`` HTML widget.
    """
    w = _widgets.widgets()
    button = w.FileUpload(accept="image/*", multiple=False, description="your photo")
    button.add_class("course-upload")

    def changed(change) -> None:
        for name, content in uploaded_files(change["new"]):
            try:
                on_photo(name, content)
                message.value = f"added <b>{name}</b>"
            except PhotoError as error:
                message.value = f"<span style='color:#b00'>could not use <b>{name}</b>: {error}</span>"

    button.observe(changed, "value")
    return button
