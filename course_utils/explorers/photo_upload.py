"""A learner's own photo in an explorer: an ``ipywidgets.FileUpload`` button.

Introduced in ``09_looking_inside_cnns.ipynb``. The bytes are decoded by
:func:`course_utils.data.photos.decode_photo`; a file that is not an image raises its
:class:`~course_utils.data.photos.PhotoError`, which the explorers turn into a message in the
widget instead of a traceback.
"""

from __future__ import annotations

from typing import Any, Callable

import torch

from course_utils.data.photos import PhotoError
from course_utils.explorers import _widgets
from course_utils.explorers.layout import describe
from course_utils.validation import InputError


def add_to_picker(images: list[torch.Tensor], picker: Any, name: str, photo: torch.Tensor) -> None:
    """Append a ``(C, H, W)`` uint8 ``photo`` to an explorer's ``images`` and select it in its
    ``picker`` (a Dropdown of ``(name, index)`` options).

    Parameters
    ----------
    images : list[torch.Tensor]
    picker : Any
    name : str
    photo : torch.Tensor
    """
    expected = tuple(images[0].shape)
    if tuple(photo.shape) != expected or photo.dtype != torch.uint8:
        raise InputError(f"a new photo must be uint8 {expected}, got {photo.dtype} "
                         f"{tuple(photo.shape)}; decode_photo resizes uploads.")
    images.append(photo)
    picker.options = [*picker.options, (name, len(images) - 1)]
    picker.value = len(images) - 1


class PhotoPicker:
    """What an explorer with a picker of photos (``self.images``, a ``self.picker`` Dropdown of
    ``(name, index)``) shares: a learner's photo can be added to it.
    """

    images: list[torch.Tensor]
    picker: Any

    def add_photo(self, name: str, photo: torch.Tensor) -> None:
        """Add a ``(C, H, W)`` uint8 image to the picker and show it.

        Parameters
        ----------
        name : str
            Its entry in the picker.
        photo : (C, H, W) uint8 tensor
            The size of the explorer's images (:func:`~course_utils.data.photos.decode_photo`
            resizes an upload).
        """
        add_to_picker(self.images, self.picker, name, photo)


def uploaded_files(value: Any) -> list[tuple[str, bytes]]:
    """``(name, content)`` of each file in a ``FileUpload`` value.

    ipywidgets 8 gives a tuple of dicts with ``name`` and ``content``; ipywidgets 7.7, which
    Colab ships, a dict ``{name: {"metadata": ..., "content": ...}}``.

    Parameters
    ----------
    value : Any
    """
    if isinstance(value, dict):
        return [(name, bytes(item["content"])) for name, item in value.items()]
    return [(item.get("name", "upload"), bytes(item["content"])) for item in value or ()]


def upload_button(on_photo: Callable[[str, bytes], None], message: Any) -> Any:
    """A FileUpload for one image; calls ``on_photo(name, content)`` for each file uploaded.

    A :class:`PhotoError` raised by ``on_photo`` is shown in the ``message`` HTML widget.

    Parameters
    ----------
    on_photo : Callable[[str, bytes], None]
    message : Any
    """
    w = _widgets.widgets()
    button = describe(w.FileUpload(accept="image/*", multiple=False), "your photo",
                      "Upload a photo of your own: it is added to the image menu and shown.")
    button.add_class("course-upload")

    def changed(change) -> None:
        for name, content in uploaded_files(change["new"]):
            try:
                on_photo(name, content)
                message.value = f"added <b>{name}</b>"
            except PhotoError as error:
                message.value = (f"<span style='color:#b00'>could not use <b>{name}</b>: "
                                 f"{error}</span>")

    button.observe(changed, "value")
    return button
