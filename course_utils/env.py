"""The ground floor: which device to use, seeds, fast mode, Colab and Kaggle detection.

Introduced in ``00_setup.ipynb``. Every other module reads these settings from here, so the fast
mode switch and the device choice live in exactly one place.
"""

from __future__ import annotations

import os
import random
import sys
from contextlib import contextmanager
from typing import Iterator, TypeVar

import numpy as np
import torch

FAST_ENV_VAR = "COURSE_FAST"
"""Set ``COURSE_FAST=1`` to shrink epochs and subsets (what CI does)."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

T = TypeVar("T")
_STARTING_THREADS = torch.get_num_threads()
"""PyTorch's own choice of CPU threads, read before any lesson changes it."""


def is_fast_mode() -> bool:
    """Return True when the ``COURSE_FAST`` environment variable asks for fast mode.

    Fast mode trains for fewer epochs on smaller subsets, so that the whole course runs in a few
    minutes on 2 CPU cores. Each notebook lists the numbers that change.

    Raises
    ------
    ValueError
        If the variable holds something other than 1/0, true/false, yes/no or on/off.
    """
    raw = os.environ.get(FAST_ENV_VAR, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"{FAST_ENV_VAR}={raw!r} is not understood; expected one of "
        f"{sorted(_TRUE | _FALSE - {''})}. Use COURSE_FAST=1 for fast mode or unset it."
    )


def by_mode(full: T, fast: T) -> T:
    """Pick ``full`` in the normal lesson and ``fast`` in fast mode.

    Example: ``epochs = by_mode(full=12, fast=1)``.

    Parameters
    ----------
    full : T
    fast : T
    """
    return fast if is_fast_mode() else full


def in_colab() -> bool:
    """Return True when running inside Google Colab."""
    return "google.colab" in sys.modules


def in_kaggle() -> bool:
    """Return True when running in a Kaggle notebook (Kaggle sets ``KAGGLE_KERNEL_RUN_TYPE``)."""
    return bool(os.environ.get("KAGGLE_KERNEL_RUN_TYPE"))


def keep_on_drive(folder: str = "MyDrive/cnn-course", *,
                  mount_point: str = "/content/drive") -> str:
    """On Colab, keep checkpoints, exercise progress and caches on Google Drive.

    Colab forgets its disk when the runtime disconnects. This mounts your Drive (Colab asks you
    to allow it once) and points the course's cache folder there (``COURSE_CACHE_DIR``), where
    every lesson writes its checkpoints, your exercise progress and downloaded datasets. Run it
    at the top of each notebook, after the install cell. Introduced in ``00_setup.ipynb``.

    Parameters
    ----------
    folder : str
        The folder inside the mounted Drive; created when missing.
    mount_point : str
        Where Drive is mounted (Colab's usual place).

    Returns
    -------
    str
        The cache folder now in use.
    """
    from course_utils.validation import InputError

    if not in_colab():
        raise InputError("keep_on_drive needs Google Colab (it mounts Google Drive); elsewhere "
                         "the cache stays on your disk, or set COURSE_CACHE_DIR yourself.")
    if not isinstance(folder, str) or not folder.strip() or os.path.isabs(folder):
        raise InputError(f"folder must be a folder inside your Drive such as "
                         f"'MyDrive/cnn-course', got {folder!r}.")
    from google.colab import drive

    drive.mount(mount_point)
    cache = os.path.join(mount_point, folder)
    os.makedirs(cache, exist_ok=True)
    os.environ["COURSE_CACHE_DIR"] = cache
    return cache


def get_device(prefer: str | None = None) -> torch.device:
    """Return the best available device: CUDA, then Apple MPS, then CPU.

    Parameters
    ----------
    prefer : {"cuda", "mps", "cpu"}, optional
        Ask for one device explicitly. Asking for one that is not available raises.

    Returns
    -------
    torch.device
    """
    available = {
        "cuda": torch.cuda.is_available(),
        "mps": getattr(torch.backends, "mps", None) is not None
        and torch.backends.mps.is_available(),
        "cpu": True,
    }
    if prefer is None:
        return torch.device(next(name for name, ok in available.items() if ok))
    if prefer not in available:
        raise ValueError(
            f"prefer={prefer!r} is not a device kind; expected 'cuda', 'mps', 'cpu' or None."
        )
    if not available[prefer]:
        raise RuntimeError(
            f"prefer={prefer!r} but no {prefer} device is available on this machine; "
            "call get_device() without arguments to take the best one there is."
        )
    return torch.device(prefer)


def seed_everything(seed: int, deterministic: bool = True) -> None:
    """Seed Python, NumPy and PyTorch (CPU and every GPU) so that runs repeat exactly.

    Parameters
    ----------
    seed : int
        A non-negative integer below 2**32.
    deterministic : bool, default True
        Also ask PyTorch for deterministic algorithms where it has them (cuDNN included). Ops with
        no deterministic version only warn, so lessons keep running.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} ({seed!r}).")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}.")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds CPU, CUDA and MPS generators
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True, warn_only=True)


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the body with ``n`` PyTorch CPU threads, then restore the previous setting.

    Small computations (a slider step, a one-image latency measurement) are often faster on one
    thread: on a busy 2-core laptop a second thread can make a tiny convolution wait 20x longer.

    Parameters
    ----------
    n : int
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int (threads), got {n!r}.")
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def set_lesson_threads(*, small_network: bool = False) -> int:
    """Choose how many CPU threads PyTorch uses for a lesson, set it, and return it.

    A small network fed small batches does too little work per operation to share between
    threads: on a laptop whose other cores are busy, a second thread mostly waits, and a step can
    take many times longer. Such lessons (``small_network=True``) use one thread; the others use
    every thread PyTorch found, except in fast mode, which uses one so that the automated runs of
    all the notebooks do not compete with each other.

    Parameters
    ----------
    small_network : bool
        True for lessons whose networks and batches are small (the from-scratch lessons).

    Returns
    -------
    int
        The number of threads now set.
    """
    from course_utils.validation import check_bool

    n = 1 if check_bool(small_network, "small_network") or is_fast_mode() else _STARTING_THREADS
    torch.set_num_threads(n)
    return n
