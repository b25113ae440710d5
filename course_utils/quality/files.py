"""Image files that cannot be trusted: unreadable or truncated, in the wrong mode, the wrong size.

Introduced in ``11_data_quality_and_robustness.ipynb``. A folder of images laid out as
``root/<split>/<class>/<file>`` (the layout of ``torchvision.datasets.ImageFolder``, one level
deeper for the splits) is read file by file; each file either loads or gets a problem that says
what is wrong with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from course_utils.validation import InputError, check_file, check_size

SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


def check_image_file(path: str | os.PathLike, mode: str, size: tuple[int, int] | int | None = None
                     ) -> str | None:
    """What is wrong with one image file, or None when it loads as expected.

    Introduced in ``11_data_quality_and_robustness.ipynb``. The file is decoded in full, so a
    truncated file is caught even where its header still reads.

    Parameters
    ----------
    path : path-like
    mode : str
        The Pillow mode every image should have: ``"L"`` (grayscale), ``"RGB"``...
    size : int or (H, W), optional
        The size every image should have.

    Returns
    -------
    str or None
        ``"unreadable: ..."``, ``"mode: ..."`` or ``"size: ..."``.
    """
    path = check_file(path, "path")
    expected = None if size is None else check_size(size, "size")
    try:
        with Image.open(path) as image:
            image.load()
            got_mode, (width, height) = image.mode, image.size
    except (OSError, SyntaxError, ValueError) as error:
        return f"unreadable: {error}"
    if got_mode != mode:
        return f"mode: {got_mode}, expected {mode}"
    if expected is not None and (height, width) != expected:
        return f"size: {height}x{width}, expected {expected[0]}x{expected[1]}"
    return None


@dataclass
class FolderScan:
    """What :func:`scan_image_folder` found.

    Attributes
    ----------
    images : (N, C, H, W) uint8 tensor
        The files that loaded as expected.
    labels : (N,) int64 tensor
        Index of each image's class folder in ``classes``.
    splits : tuple of str
        Each image's split folder.
    files : tuple of str
        Each image's path relative to the root.
    classes : tuple of str
        The class folders, sorted.
    problems : dict
        ``{relative path: problem}`` for the files left out.
    """

    images: torch.Tensor
    labels: torch.Tensor
    splits: tuple[str, ...]
    files: tuple[str, ...]
    classes: tuple[str, ...]
    problems: dict[str, str] = field(default_factory=dict)

    def split(self, name: str) -> torch.Tensor:
        """Positions of the images of split ``name``: ``(M,)`` int64.

        Parameters
        ----------
        name : str
        """
        return torch.tensor([i for i, s in enumerate(self.splits) if s == name], dtype=torch.long)


def scan_image_folder(root: str | os.PathLike, mode: str, size: tuple[int, int] | int
                      ) -> FolderScan:
    """Read every image under ``root/<split>/<class>/``, keeping those that pass
    :func:`check_image_file` and listing the problems of the others.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    root : path-like
        A folder of split folders (``train``, ``test``...), each holding one folder per class.
    mode : str
        Pillow mode of every image (``"L"`` or ``"RGB"``).
    size : int or (H, W)

    Returns
    -------
    FolderScan
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"root must be a folder of split folders, got {str(root)!r}, which is "
                         "not a folder.")
    height, width = check_size(size, "size")
    files = sorted(p for p in root.glob("*/*/*") if p.suffix.lower() in SUFFIXES)
    if not files:
        raise InputError(f"no image files ({', '.join(SUFFIXES)}) under {str(root)!r} in the "
                         "layout root/<split>/<class>/<file>.")
    classes = tuple(sorted({p.parent.name for p in files}))
    images, labels, splits, names, problems = [], [], [], [], {}
    for path in files:
        name = path.relative_to(root).as_posix()
        problem = check_image_file(path, mode, (height, width))
        if problem is not None:
            problems[name] = problem
            continue
        with Image.open(path) as image:
            pixels = np.asarray(image).reshape(height, width, -1)
        images.append(torch.from_numpy(pixels.copy()).permute(2, 0, 1))
        labels.append(classes.index(path.parent.name))
        splits.append(path.parent.parent.name)
        names.append(name)
    channels = 1 if mode == "L" else len(mode)
    stacked = torch.stack(images) if images else torch.zeros(0, channels, height, width,
                                                             dtype=torch.uint8)
    return FolderScan(stacked, torch.tensor(labels, dtype=torch.long), tuple(splits),
                      tuple(names), classes, problems)
