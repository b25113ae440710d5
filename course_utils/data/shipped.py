"""Readers for the files in ``data/``: each returns an ``ImageSet``.

Introduced in ``01_images_as_tensors.ipynb``. Every file goes through ``verified_path`` first, so a
corrupted or truncated file raises ``ChecksumError`` naming it before any parsing happens.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

from course_utils.data.imageset import ImageSet
from course_utils.data.manifest import read_manifest, verified_path
from course_utils.data.splits import stratified_split
from course_utils.validation import InputError, check_int_range, check_type

DIGITS = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
PET_CLASSES = ("cat", "dog")
FASHION_TEST_FRACTION = 0.2
PETS_TEST_FRACTION = 0.3
SPLIT_SEED = 0


def _read_idx(path: Path, magic: int) -> np.ndarray:
    """Parse a gzipped IDX file (the MNIST format): big-endian header, then uint8 data."""
    raw = gzip.decompress(path.read_bytes())
    ndim = magic & 0xFF
    header = np.frombuffer(raw, dtype=">u4", count=1 + ndim)
    if header[0] != magic:
        raise InputError(f"{path} is not an IDX file with magic {magic:#x}.")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 * (1 + ndim)).reshape(header[1:]).copy()


def _as_set(x: np.ndarray, y: np.ndarray, classes: tuple, name: str, split: str) -> ImageSet:
    images = torch.from_numpy(np.ascontiguousarray(x)).unsqueeze(1)  # (N, 1, 28, 28)
    return ImageSet(images, torch.from_numpy(y.astype(np.int64)), classes, name, split)


def load_mnist(split: str) -> ImageSet:
    """MNIST: ``"train"`` is 5,000 digits (500 per class), ``"test"`` the official 10,000.

    Parameters
    ----------
    split : str
    """
    if split == "train":
        with gzip.open(verified_path("mnist/mnist_5k.csv.gz"), "rt") as handle:
            table = np.loadtxt(handle, delimiter=",", dtype=np.uint8)
        return _as_set(table[:, :-1].reshape(-1, 28, 28), table[:, -1], DIGITS, "mnist", split)
    x = _read_idx(verified_path("mnist/t10k-images-idx3-ubyte.gz"), 0x803)
    y = _read_idx(verified_path("mnist/t10k-labels-idx1-ubyte.gz"), 0x801)
    return _as_set(x, y, DIGITS, "mnist", split)


def load_fashion(split: str) -> ImageSet:
    """Fashion-MNIST: 4,443 official test images split 80/20 by class into train and test.

    Parameters
    ----------
    split : str
    """
    with np.load(verified_path("fashion-mnist/fashion_mnist_test_first4443.npz")) as arrays:
        x, y = arrays["x"], arrays["y"]
    train_idx, test_idx = stratified_split(y, FASHION_TEST_FRACTION, SPLIT_SEED)
    index = (train_idx if split == "train" else test_idx).numpy()
    return _as_set(x[index], y[index], FASHION_CLASSES, "fashion", split)


def pet_files() -> list[str]:
    """Relative paths of the 370 pet photos, sorted (cats first)."""
    return sorted(name for name in read_manifest() if name.startswith("oxford-pets-370/")
                  and name.endswith(".jpg"))


def breed_of(file: str) -> str:
    """``"oxford-pets-370/dogs/great_pyrenees_12.jpg"`` -> ``"great_pyrenees"``.

    Parameters
    ----------
    file : str
    """
    return Path(file).stem.rsplit("_", 1)[0]


def load_pets(split: str, size: int = 224) -> ImageSet:
    """The 370 Oxford-IIIT Pet photos as ``(N, 3, size, size)``: cat/dog labels, breeds in extras.

    Each photo is centre-cropped to a square and resized to ``size``. ``"train"`` and ``"test"``
    are a fixed 70/30 split stratified by breed (7 and 3 photos of each of the 37 breeds);
    ``"all"`` is every photo.

    Parameters
    ----------
    split : str
    size : int
    """
    check_int_range(size, "size", 8, 1024, hint="It is the side of the square photos in pixels.")
    files = pet_files()
    breeds = sorted({breed_of(f) for f in files})
    breed = np.array([breeds.index(breed_of(f)) for f in files])
    if split != "all":
        train_idx, test_idx = stratified_split(breed, PETS_TEST_FRACTION, SPLIT_SEED)
        keep = (train_idx if split == "train" else test_idx).tolist()
        files = [files[i] for i in keep]
        breed = breed[keep]
    images = torch.stack([read_photo(f, size) for f in files])
    labels = torch.tensor([PET_CLASSES.index(Path(f).parent.name[:-1]) for f in files])
    return ImageSet(
        images, labels, PET_CLASSES, "pets", split,
        extras={"breed": torch.from_numpy(breed).long(), "file": tuple(files)},
        meta={"breed_classes": tuple(breeds)},
    )


def read_photo(relative: str, size: int = 224) -> torch.Tensor:
    """One shipped photo, verified, centre-cropped to a square: ``(3, size, size)`` uint8.

    ``relative`` is its path inside the data folder, as ``pet_files()`` lists it; ``size`` is
    the side in pixels, in [8, 1024].

    Parameters
    ----------
    relative : str
    size : int
    """
    check_type(relative, "relative", str, "a path inside the data folder, as pet_files() lists "
               "it")
    check_int_range(size, "size", 8, 1024, hint="It is the side of the square photo in pixels.")
    with Image.open(verified_path(relative)) as photo:
        square = ImageOps.fit(photo.convert("RGB"), (size, size), Image.Resampling.BICUBIC)
    return torch.from_numpy(np.asarray(square).copy()).permute(2, 0, 1)  # (3, size, size)
