"""SHA-256 verification of the shipped files against ``data/SHA256SUMS``.

Introduced in ``00_setup.ipynb``. A file is hashed the first time a process reads it; a file that
changes on disk afterwards (new size or modification time) is hashed again.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from course_utils.data.paths import data_dir
from course_utils.validation import InputError, MissingFileError

MANIFEST_NAME = "SHA256SUMS"


class ChecksumError(RuntimeError):
    """A shipped file does not match the SHA-256 recorded in the manifest."""


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Return the hex SHA-256 digest of the file at ``path``.

    Parameters
    ----------
    path : str | Path
    chunk_size : int
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path | None = None) -> dict[str, str]:
    """Return ``{relative path: sha256}`` from ``SHA256SUMS`` in ``folder`` (default:
    data_dir()).

    Parameters
    ----------
    folder : Path, optional
    """
    folder = data_dir() if folder is None else Path(folder)
    entries = {}
    for number, line in enumerate((folder / MANIFEST_NAME).read_text().splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise InputError(
                f"{folder / MANIFEST_NAME}, line {number}: expected '<sha256>  <path>' as "
                f"sha256sum writes it, got {line!r}."
            )
        entries[name.removeprefix("./")] = digest
    return entries


@lru_cache(maxsize=None)
def _verified(path: Path, size: int, mtime_ns: int, expected: str) -> None:
    actual = sha256_file(path)
    if actual != expected:
        raise ChecksumError(
            f"{path} is corrupted or was modified: its SHA-256 is {actual}, but the manifest "
            f"expects {expected}. Restore it from the course repository (git checkout -- "
            f"data/) and try again."
        )


def verified_path(relative: str) -> Path:
    """Return the absolute path of a shipped file after checking it against the manifest.

    Parameters
    ----------
    relative : str
        Path inside the data folder, for example ``"mnist/mnist_5k.csv.gz"``.

    Raises
    ------
    FileNotFoundError
        If the file is missing, or the manifest does not list it.
    ChecksumError
        If the file's SHA-256 differs from the manifest's (the message names the file).
    """
    folder = data_dir()
    expected = read_manifest(folder).get(relative)
    if expected is None:
        raise MissingFileError(
            f"{relative!r} is not listed in {folder / MANIFEST_NAME}; only shipped, "
            "checksummed files can be loaded. See data/README.md for what is shipped."
        )
    path = folder / relative
    if not path.is_file():
        raise MissingFileError(
            f"Shipped file {path} is missing. Restore the data/ folder from the course "
            "repository (git checkout -- data/)."
        )
    stat = path.stat()
    _verified(path, stat.st_size, stat.st_mtime_ns, expected)
    return path


def verify_all(folder: Path | None = None) -> dict[str, bool]:
    """Hash every file of the manifest; return ``{relative path: True if it matches}``.

    Parameters
    ----------
    folder : Path, optional
    """
    folder = data_dir() if folder is None else Path(folder)
    return {
        name: (folder / name).is_file() and sha256_file(folder / name) == digest
        for name, digest in read_manifest(folder).items()
    }
