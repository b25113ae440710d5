"""Where the shipped data and the download cache live.

Introduced in ``01_images_as_tensors.ipynb``. Both folders can be moved with an environment
variable: ``COURSE_DATA_DIR`` (the shipped files, default ``data/`` at the repository root) and
``COURSE_CACHE_DIR`` (full datasets and converted weights, default ``~/.cache/cnn-course``).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV_VAR = "COURSE_DATA_DIR"
CACHE_ENV_VAR = "COURSE_CACHE_DIR"


def data_dir() -> Path:
    """Return the folder of shipped data (it holds ``SHA256SUMS``)."""
    override = os.environ.get(DATA_ENV_VAR)
    folder = Path(override) if override else Path(__file__).resolve().parents[2] / "data"
    if not (folder / "SHA256SUMS").is_file():
        raise FileNotFoundError(
            f"No shipped data at {folder} (no SHA256SUMS manifest there). Run the course from a "
            f"checkout of its repository, or point {DATA_ENV_VAR} at the course's data/ folder."
        )
    return folder


def cache_dir() -> Path:
    """Return (and create) the cache folder for full datasets and converted weights."""
    override = os.environ.get(CACHE_ENV_VAR)
    folder = Path(override) if override else Path.home() / ".cache" / "cnn-course"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
