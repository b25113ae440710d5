"""Files: a path to an existing file of the expected type."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from course_utils.validation.errors import InputError, MissingFileError, describe


def check_file(value: object, name: str = "path", suffixes: Iterable[str] | None = None) -> Path:
    """Return ``value`` as a :class:`~pathlib.Path` to an existing file (with one of
    ``suffixes``, e.g. ``(".jpg", ".png")``, when given)."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{name} must be a file path (str or pathlib.Path), got "
                         f"{describe(value)}.")
    path = Path(value)
    if not path.exists():
        raise MissingFileError(f"{name}: no file at {str(path)!r} (looked from {os.getcwd()}); check "
                         "the spelling, or build the path from course_utils.data.data_dir().")
    if path.is_dir():
        raise InputError(f"{name}: {str(path)!r} is a folder, not a file; pass one file in it.")
    wanted = tuple(s.lower() for s in suffixes) if suffixes else ()
    if wanted and path.suffix.lower() not in wanted:
        raise InputError(f"{name}: {path.name!r} is not one of the file types {wanted}.")
    return path
