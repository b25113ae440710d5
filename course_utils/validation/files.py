"""Files: a path to an existing file of the expected type."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from course_utils.validation.errors import InputError, MissingFileError, describe


def check_file(value: object, name: str = "path", suffixes: Iterable[str] | None = None) -> Path:
    """Return ``value`` as a :class:`~pathlib.Path` to an existing file (with one of
    ``suffixes``, e.g. ``(".jpg", ".png")``, when given).

    Parameters
    ----------
    value : object
    name : str
    suffixes : Iterable[str], optional
    """
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{name} must be a file path (str or pathlib.Path), got "
                         f"{describe(value)}.")
    path = Path(value)
    if not path.exists():
        raise MissingFileError(f"{name}: no file at {str(path)!r} (looked from {os.getcwd()}); "
                               f"check "
                         "the spelling, or build the path from course_utils.data.data_dir().")
    if path.is_dir():
        raise InputError(f"{name}: {str(path)!r} is a folder, not a file; pass one file in it.")
    wanted = tuple(s.lower() for s in suffixes) if suffixes else ()
    if wanted and path.suffix.lower() not in wanted:
        raise InputError(f"{name}: {path.name!r} is not one of the file types {wanted}.")
    return path


def check_file_path(value: object, name: str = "path") -> Path:
    """Return ``value`` as a :class:`~pathlib.Path` that names a file, existing or not.

    Parameters
    ----------
    value : object
        Expected: a ``str`` or :class:`os.PathLike` that is not a folder.
    name : str
        The argument's name, for the message.

    Returns
    -------
    pathlib.Path
    """
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{name} must be a file path (str or pathlib.Path), got "
                         f"{describe(value)}.")
    path = Path(value)
    if path.is_dir():
        raise InputError(f"{name} {str(path)!r} is a folder; name a file in it, e.g. "
                         f"{str(path / 'model.pt')!r}.")
    return path


def check_output_file(value: object, name: str = "path") -> Path:
    """Return ``value`` as a :class:`~pathlib.Path` to a file that can be written.

    Parameters
    ----------
    value : object
        Expected: a ``str`` or :class:`os.PathLike` naming a file whose missing folders can be
        created (no part of its folder is an existing file, and the nearest existing folder
        is writable).
    name : str
        The argument's name, for the message.

    Returns
    -------
    pathlib.Path
    """
    path = check_file_path(value, name)
    folder = path.absolute().parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"{name} {str(path)!r} cannot be created: {str(folder)!r} is a file, "
                         "not a folder; choose a path under a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{name} {str(path)!r} cannot be created: the folder {str(folder)!r} "
                         "is not writable; choose a path under a folder of yours.")
    return path
