"""A learner's own photos: ``root/<class>/*`` images of any size, mode and format.

Introduced in ``18_your_own_images.ipynb``. :func:`load_image_folder` reads a folder the way a
person keeps photos (one sub-folder per class; JPEG, PNG, WebP, BMP, GIF, TIFF, HEIC; any size
and colour mode; phone photos with their rotation in EXIF) into an :class:`ImageSet` of
``(N, 3, size, size)`` uint8 images, and says what it did with every file:

- EXIF orientation is applied; palette, alpha (over white), CMYK, 16-bit and grey images become
  RGB; each image is centre-cropped to a square and resized to ``size``;
- a large JPEG is decoded at a reduced scale (Pillow's draft mode: 1/2, 1/4 or 1/8, still at
  least ``size`` pixels a side), not at full resolution;
- results are cached on disk keyed by the file's content (SHA-256), so a second run only hashes;
- hidden files and system folders (``.DS_Store``, ``__MACOSX``, ``.ipynb_checkpoints``) are
  skipped, and so are files that are not images or cannot be read; nothing is dropped silently:
  :class:`FolderReport` lists every file skipped and why.

HEIC/HEIF photos (iPhones) need the optional ``pillow-heif`` package
(``pip install pillow-heif``); without it they are listed as skipped, with that advice.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from course_utils.data.imageset import ImageSet
from course_utils.data.manifest import read_manifest, verified_path
from course_utils.data.paths import cache_dir, data_dir
from course_utils.validation import InputError, check_int_range, check_probability

SUFFIXES = (".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".bmp", ".dib", ".gif", ".tif",
            ".tiff", ".heic", ".heif")
HEIF_SUFFIXES = (".heic", ".heif")
SYSTEM_NAMES = frozenset({"__MACOSX", ".ipynb_checkpoints", "Thumbs.db", "desktop.ini",
                          ".DS_Store", "@eaDir", "$RECYCLE.BIN", "System Volume Information"})
MIN_PER_CLASS = 3
"""Fewest readable images a class needs: one each for training, validation and test."""
EXAMPLE_FOLDER = "pets-by-coat"
"""The folder of photos that ships with the course (``data/pets-by-coat/<class>/*.jpg``)."""
CACHE_VERSION = 1
HEIF_ADVICE = "a HEIC/HEIF photo: install pillow-heif to read it (pip install pillow-heif)"


class FolderError(InputError):
    """A folder that cannot be used as a labelled image set; the message says how to fix it."""


class ImageFileError(Exception):
    """One file that cannot be used as an image; its message is the reason shown in the report."""


@dataclass
class FolderReport:
    """What :func:`load_image_folder` did with every file under the folder.

    Attributes
    ----------
    root : str
        The folder the classes were read from (a single wrapping folder, as a zip makes, is
        stepped into).
    classes : tuple of str
    loaded : tuple of str
        Paths (relative to ``root``) of the images loaded, in the order of the set.
    skipped : dict
        ``{relative path: reason}`` for every other file.
    from_cache : int
        Images read from the cache instead of decoded.
    seconds : float
    """

    root: str
    classes: tuple[str, ...]
    loaded: tuple[str, ...] = ()
    skipped: dict[str, str] = field(default_factory=dict)
    from_cache: int = 0
    seconds: float = 0.0

    @property
    def files(self) -> int:
        """Every file found under the folder: loaded plus skipped."""
        return len(self.loaded) + len(self.skipped)

    def summary(self) -> str:
        """A few lines for a person: counts, then every skipped file with its reason."""
        lines = [f"{self.root}: {self.files} files, {len(self.loaded)} images loaded "
                 f"({self.from_cache} from the cache) in {self.seconds:.1f} s, "
                 f"{len(self.skipped)} skipped"]
        lines += [f"  skipped {name}: {reason}" for name, reason in sorted(self.skipped.items())]
        return "\n".join(lines)


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in SYSTEM_NAMES


@functools.lru_cache(maxsize=1)
def _heif_available() -> bool:
    """Whether pillow-heif is installed; registers its HEIC/HEIF opener with Pillow once."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode as 8-bit RGB: alpha over white, 16-bit and float scaled to 0..255."""
    mode = image.mode
    if mode.startswith("I") or mode == "F":
        values = np.asarray(image).astype(np.float64)
        if mode.startswith("I;16") or (mode == "I" and values.max(initial=0) > 255):
            values = values / 257
        elif mode == "F" and values.max(initial=0) <= 1:
            values = values * 255
        image = Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8), "L")
        mode = "L"
    if mode in ("RGBA", "LA", "La", "RGBa",
                "PA") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image if mode == "RGB" else image.convert("RGB")


def decode_image(source: str | os.PathLike | bytes, size: int) -> tuple[torch.Tensor, dict]:
    """Decode one image file into a ``(3, size, size)`` uint8 tensor, as the folder loader does.

    Introduced in ``18_your_own_images.ipynb``.

    Parameters
    ----------
    source : path-like or bytes
        The file, or its content.
    size : int
        Side of the square result, in [8, 1024].

    Returns
    -------
    pixels : (3, size, size) uint8 tensor
        EXIF orientation applied, converted to RGB, centre-cropped, resized (bicubic).
    info : dict
        ``format``, ``mode`` and the ``width`` and ``height`` of the upright original.

    Raises
    ------
    ImageFileError
        With the reason: empty, not an image, truncated or damaged, HEIC without pillow-heif.
    """
    size = check_int_range(size, "size", 8, 1024, hint="It is the side of the square images.")
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data:
        raise ImageFileError("empty file (0 bytes)")
    try:
        with Image.open(io.BytesIO(data)) as image:
            info = {"format": image.format, "mode": image.mode}
            if image.format == "JPEG":
                image.draft(None, (size, size))   # decode at 1/2, 1/4 or 1/8 scale when it can
            upright = ImageOps.exif_transpose(image)  # loads the pixels
            width, height = upright.size
            rgb = _to_rgb(upright)
    except UnidentifiedImageError:
        raise ImageFileError("not an image Pillow can read (its content is not a known image "
                             "format)") from None
    except Image.DecompressionBombError as error:
        raise ImageFileError(f"too many pixels to decode safely ({error})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageFileError(f"truncated or damaged ({error})") from None
    side = min(width, height)
    box = ((width - side) / 2, (height - side) / 2, (width + side) / 2, (height + side) / 2)
    square = rgb.resize((size, size), Image.Resampling.BICUBIC, box=box, reducing_gap=3.0)
    full_width, full_height = _full_size(data, info["format"], width, height)
    info.update(width=full_width, height=full_height)
    return torch.from_numpy(np.asarray(square).copy()).permute(2, 0, 1), info


def _full_size(data: bytes, fmt: str | None, width: int, height: int) -> tuple[int, int]:
    """The upright size at full resolution (draft mode decoded a JPEG smaller)."""
    if fmt != "JPEG":
        return width, height
    with Image.open(io.BytesIO(data)) as image:
        full = image.size
        turned = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    return (full[1], full[0]) if turned else full


def _walk(root: Path) -> tuple[dict[str, list[Path]], dict[str, str]]:
    """Class folders with their candidate files, and the files skipped while walking."""
    classes: dict[str, list[Path]] = {}
    skipped: dict[str, str] = {}

    def skip_all(folder: Path, reason: str) -> None:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            skipped[path.relative_to(root).as_posix()] = reason

    for entry in sorted(root.iterdir()):
        relative = entry.name
        if entry.is_dir() and _hidden(entry.name):
            skip_all(entry, f"inside the system or hidden folder {entry.name}")
        elif entry.is_dir():
            files = classes.setdefault(entry.name, [])
            for folder, subfolders, names in os.walk(entry):
                here = Path(folder)
                for sub in sorted(subfolders):
                    if _hidden(sub):
                        skip_all(here / sub, f"inside the system or hidden folder {sub}")
                subfolders[:] = sorted(s for s in subfolders if not _hidden(s))
                for name in sorted(names):
                    path = here / name
                    relative = path.relative_to(root).as_posix()
                    if _hidden(name):
                        skipped[relative] = "a hidden or system file"
                    elif path.suffix.lower() not in SUFFIXES:
                        skipped[relative] = (f"not an image file (suffix {path.suffix or 'none'}"
                                             f"; images are {', '.join(SUFFIXES[:5])}, ...)")
                    else:
                        files.append(path)
        elif _hidden(entry.name):
            skipped[relative] = "a hidden or system file"
        else:
            skipped[relative] = "not inside a class folder (move it into root/<class>/)"
    return classes, skipped


def _unwrap(root: Path) -> Path:
    """Step into a single wrapping folder (a zip of ``photos/`` unpacks to ``x/photos/...``)."""
    while True:
        visible = [p for p in root.iterdir() if not _hidden(p.name)]
        if len(visible) == 1 and visible[0].is_dir() \
                and any(p.is_dir() and not _hidden(p.name) for p in visible[0].iterdir()):
            root = visible[0]
        else:
            return root


def _check_root(root: str | os.PathLike) -> Path:
    if not isinstance(root, (str, os.PathLike)):
        raise FolderError(f"root must be a path to a folder, got {type(root).__name__}.")
    path = Path(root).expanduser()
    if not path.exists():
        raise FolderError(f"{str(path)!r} does not exist. Give the folder that holds one "
                          "sub-folder per class, e.g. photos/ with photos/cats/ and photos/dogs/.")
    if path.is_file():
        if zipfile.is_zipfile(path):
            raise FolderError(f"{str(path)!r} is a zip file, not a folder: unpack it first, e.g. "
                              f"shutil.unpack_archive({str(path)!r}, 'photos'), and give the "
                              "folder it makes.")
        raise FolderError(f"{str(path)!r} is a file, not a folder. Give the folder that holds one "
                          "sub-folder per class (root/<class>/<image>).")
    return path


def _cached(folder: Path | None, digest: str, size: int) -> Path | None:
    if folder is None:
        return None
    return folder / f"v{CACHE_VERSION}-{size}px" / digest[:2] / f"{digest}.npz"


def _read(path: Path, size: int, cache: Path | None) -> tuple[torch.Tensor, dict, str, bool]:
    """One file: (pixels, info, digest, from cache); ImageFileError when it cannot be used."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    stored = _cached(cache, digest, size)
    if stored is not None and stored.is_file():
        try:
            with np.load(stored) as saved:
                return (torch.from_numpy(saved["pixels"].copy()), json.loads(str(saved["info"])),
                        digest, True)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache entry is decoded again and rewritten
    if path.suffix.lower() in HEIF_SUFFIXES and not _heif_available():
        raise ImageFileError(HEIF_ADVICE)
    pixels, info = decode_image(data, size)
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        partial = stored.with_name(f"{stored.stem}.{os.getpid()}.tmp.npz")
        np.savez(partial, pixels=pixels.numpy(), info=json.dumps(info))
        os.replace(partial, stored)
    return pixels, info, digest, False


def load_image_folder(root: str | os.PathLike, size: int = 224, *,
                      cache: bool | str | os.PathLike = True, min_per_class: int = MIN_PER_CLASS,
                      progress: bool = False) -> ImageSet:
    """Every readable image under ``root/<class>/`` as a labelled set, with a report.

    Introduced in ``18_your_own_images.ipynb``.

    Parameters
    ----------
    root : path-like
        A folder with one sub-folder per class (images in deeper folders belong to their
        top-level class folder). A folder holding a single folder is stepped into.
    size : int
        Side of the square images, in [8, 1024] (224 for the course's pretrained networks).
    cache : bool or path-like
        Keep decoded images on disk keyed by each file's SHA-256: True for
        ``cache_dir() / "image-folders"``, a folder, or False for no cache.
    min_per_class : int
        Fewest readable images a class may have (at least 3: train, validation, test).
    progress : bool
        Show a progress bar.

    Returns
    -------
    ImageSet
        ``(N, 3, size, size)`` uint8 images, labels indexing the sorted class names; extras
        ``"file"`` (paths relative to the root), ``"digest"`` (SHA-256 of each file) and
        ``"original_size"`` (``(N, 2)`` height and width, upright); ``meta["report"]`` is the
        :class:`FolderReport`.

    Raises
    ------
    FolderError
        A path that does not exist or is a file; no class folders or only one; every image file
        unreadable; a class with fewer than ``min_per_class`` readable images.
    """
    start = time.perf_counter()
    size = check_int_range(size, "size", 8, 1024, hint="It is the side of the square images.")
    min_per_class = check_int_range(min_per_class, "min_per_class", MIN_PER_CLASS,
                                    hint="Each class needs a training, a validation and a test "
                                         "image.")
    folder = _unwrap(_check_root(root))
    cache_folder = (None if cache is False else cache_dir() / "image-folders" if cache is True
                    else Path(cache))
    found, skipped = _walk(folder)
    names = sorted(found)
    if not names:
        raise FolderError(f"{str(folder)!r} has no class folders: put the images in one "
                          f"sub-folder "
                          f"per class (root/cats/..., root/dogs/...). Found {len(skipped)} loose "
                          "file(s) and no folder.")
    if len(names) == 1:
        raise FolderError(f"{str(folder)!r} has a single class folder, {names[0]!r}; a classifier "
                          "needs at least two classes: add a folder of images for each other "
                          "class.")
    from tqdm.auto import tqdm

    jobs = [(c, path) for c, name in enumerate(names) for path in found[name]]
    images, labels, files, digests, sizes, hits = [], [], [], [], [], 0
    for label, path in tqdm(jobs, desc="reading images", unit="image", disable=not progress):
        relative = path.relative_to(folder).as_posix()
        try:
            pixels, info, digest, hit = _read(path, size, cache_folder)
        except ImageFileError as error:
            skipped[relative] = str(error)
            continue
        except OSError as error:   # unreadable on disk: permissions, a broken link
            skipped[relative] = f"cannot be read from disk ({error.strerror or error})"
            continue
        images.append(pixels)
        labels.append(label)
        files.append(relative)
        digests.append(digest)
        sizes.append((info["height"], info["width"]))
        hits += hit
    if not images:
        reasons = "; ".join(f"{k}: {v}" for k, v in list(skipped.items())[:5])
        raise FolderError(f"none of the {len(jobs)} image file(s) under {str(folder)!r} could be "
                          f"read ({reasons}). Check that they are photos (JPEG, PNG, ...).")
    counts = np.bincount(labels, minlength=len(names))
    few = {name: int(n) for name, n in zip(names, counts) if n < min_per_class}
    if few:
        listed = ", ".join(f"{name!r} has {n}" for name, n in few.items())
        raise FolderError(f"too few readable images to split: {listed}; each class needs at least "
                          f"{min_per_class} (one each for training, validation and test, and "
                          "more to learn anything). Add images, or remove the folder.")
    report = FolderReport(str(folder), tuple(names), tuple(files), skipped, hits,
                          time.perf_counter() - start)
    return ImageSet(torch.stack(images), torch.tensor(labels), tuple(names), folder.name, "all",
                    extras={"file": tuple(files), "digest": tuple(digests),
                            "original_size": torch.tensor(sizes, dtype=torch.long)},
                    meta={"report": report, "root": str(folder)})


def split_three_ways(labels: torch.Tensor, validation: float = 0.2, test: float = 0.2,
                     seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Stratified training / validation / test indices, every class in each part.

    Introduced in ``18_your_own_images.ipynb``. Each class of ``n`` images gives
    ``max(1, round(test * n))`` to the test part, ``max(1, round(validation * n))`` to the
    validation part and the rest (at least one) to training.

    Parameters
    ----------
    labels : (N,) int64 tensor
    validation, test : float in (0, 1)
    seed : int

    Returns
    -------
    train, val, test : int64 tensors of sorted indices, together covering ``range(N)`` once
    """
    labels = torch.as_tensor(labels)
    if labels.ndim != 1 or labels.dtype not in (torch.int64, torch.int32) or not len(labels):
        raise InputError(f"labels must be a non-empty (N,) integer tensor, got "
                         f"{tuple(labels.shape)} {labels.dtype}.")
    validation = check_probability(validation, "validation", open_low=True, open_high=True)
    test = check_probability(test, "test", open_low=True, open_high=True)
    if validation + test >= 1:
        raise InputError(f"validation + test must leave images for training, got "
                         f"{validation} + {test} >= 1.")
    rng = np.random.default_rng(check_int_range(seed, "seed", low=0))
    parts: tuple[list, list, list] = ([], [], [])
    for cls in np.unique(labels.numpy()):
        members = rng.permutation(np.flatnonzero(labels.numpy() == cls))
        n = len(members)
        n_test, n_val = max(1, round(test * n)), max(1, round(validation * n))
        if n - n_test - n_val < 1:
            raise InputError(f"class {int(cls)} has {n} image(s): too few for training, "
                             "validation and test; it needs at least 3.")
        parts[2].append(members[:n_test])
        parts[1].append(members[n_test:n_test + n_val])
        parts[0].append(members[n_test + n_val:])
    train_idx, val_idx, test_idx = (torch.from_numpy(np.sort(np.concatenate(p))).long()
                                    for p in parts)
    return train_idx, val_idx, test_idx


def example_folder() -> Path:
    """The folder of photos that ships with the course, every file checked against SHA256SUMS.

    Introduced in ``18_your_own_images.ipynb``: ``data/pets-by-coat`` holds 140 Oxford-IIIT Pet
    photos, 35 in each of four classes: ``cat_long_hair``, ``cat_short_hair``, ``dog_fluffy``
    and ``dog_smooth`` (see data/README.md).
    """
    names = [name for name in read_manifest() if name.startswith(EXAMPLE_FOLDER + "/")]
    for name in names:
        verified_path(name)
    return data_dir() / EXAMPLE_FOLDER
