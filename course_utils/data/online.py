"""Full datasets through torchvision's own classes, when a network is there.

Introduced in ``00_setup.ipynb``. They download once into ``cache_dir() / "torchvision"``, where
torchvision checks each archive's checksum; after that they load offline. A request for a dataset
that is not cached, on a machine with no network, fails at once with what to run when online.
Set ``COURSE_OFFLINE=1`` to skip the network probe entirely.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from torch.utils.data import Dataset
from torchvision import datasets

from course_utils.data.paths import cache_dir
from course_utils.validation import InputError

OFFLINE_ENV_VAR = "COURSE_OFFLINE"

# name -> (torchvision class, host its files come from, {our split: constructor arguments})
FULL_DATASETS = {
    "mnist": (datasets.MNIST, "ossci-datasets.s3.amazonaws.com",
              {"train": {"train": True}, "test": {"train": False}}),
    "fashion": (datasets.FashionMNIST, "fashion-mnist.s3-website.eu-central-1.amazonaws.com",
                {"train": {"train": True}, "test": {"train": False}}),
    "cifar10": (datasets.CIFAR10, "www.cs.toronto.edu",
                {"train": {"train": True}, "test": {"train": False}}),
    "pets": (datasets.OxfordIIITPet, "thor.robots.ox.ac.uk",
             {"train": {"split": "trainval"}, "test": {"split": "test"}}),
}


class OfflineError(RuntimeError):
    """A full dataset was requested that is not cached, and there is no network."""


def network_available(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    """Return True if a TCP connection to ``host:port`` opens within ``timeout`` seconds.

    Parameters
    ----------
    host : str
    port : int
    timeout : float
    """
    if os.environ.get(OFFLINE_ENV_VAR, "").strip() not in ("", "0"):
        return False
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def full_dataset_root() -> Path:
    """Folder where torchvision keeps the full datasets."""
    return cache_dir() / "torchvision"


def load_full_dataset(name: str, split: str = "train", **kwargs) -> Dataset:
    """Return a full torchvision dataset, downloading it once if a network is there.

    Parameters
    ----------
    name : {"mnist", "fashion", "cifar10", "pets"}
    split : {"train", "test"}
    **kwargs
        Passed to the torchvision class (``transform=...``, ``target_types=...``).

    Raises
    ------
    OfflineError
        If the dataset is not cached and no network is reachable; the message says what to run.
    """
    if name not in FULL_DATASETS:
        raise InputError(f"Unknown full dataset {name!r}; choose one of {sorted(FULL_DATASETS)}.")
    cls, host, splits = FULL_DATASETS[name]
    if split not in splits:
        raise InputError(f"Full dataset {name!r} has no split {split!r}; use 'train' or 'test'.")
    root = str(full_dataset_root())
    try:
        return cls(root, download=False, **splits[split], **kwargs)
    except RuntimeError:
        pass  # not cached yet
    if not network_available(host):
        raise OfflineError(
            f"The full {name!r} dataset is not cached in {root} and {host} cannot be reached "
            f"(no network). When online, run: python -m course_utils prefetch {name}. "
            f"Offline, use the shipped subset: load_dataset({name!r}) (see list_datasets())."
        )
    return cls(root, download=True, **splits[split], **kwargs)
