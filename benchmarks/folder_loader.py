"""The folder loader of ``18_your_own_images.ipynb`` on phone-size JPEGs, against a plain loop.

Generates ``--images`` photo-like 4032 x 3024 JPEGs (a phone camera's 12 megapixels, quality 90,
in two class folders), then times, alternately and in the same run (best of ``--repeats``):

- ``folder_images_per_s``: ``load_image_folder(root, 224, cache=False)`` (draft-mode JPEG
  decoding, EXIF, conversion to RGB, centre crop and resize; no disk cache, so every file is
  decoded);
- ``naive_images_per_s``: a plain PIL loop, ``Image.open(path).convert("RGB").resize((224,
  224))``, the baseline;
- ``speedup``: their ratio;
- ``cached_images_per_s``: a second ``load_image_folder`` with its disk cache warm (each file is
  read and hashed only);
- ``load_average``: the 1-minute load average before timing (a shared machine slows both sides).

Usage::

    "$(./course setup)/bin/python" benchmarks/folder_loader.py [--images 24] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from course_utils.data.folder import load_image_folder

WIDTH, HEIGHT = 4032, 3024


def phone_photo(seed: int) -> Image.Image:
    """A smooth, photo-like 4032 x 3024 picture with some fine texture (JPEG-friendly)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    base = Image.fromarray(small).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    noise = rng.integers(-12, 13, (HEIGHT, WIDTH, 1), dtype=np.int16)
    pixels = np.clip(np.asarray(base, dtype=np.int16) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def naive(root: Path, size: int = 224) -> torch.Tensor:
    """The folder's images loaded the plain way (PIL open, convert, resize), as a tensor."""
    images = []
    for path in sorted(root.glob("*/*.jpg")):
        image = Image.open(path).convert("RGB").resize((size, size))
        images.append(torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1))
    return torch.stack(images)


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="folder-bench-") as tmp:
        root = Path(tmp) / "photos"
        for i in range(args.images):
            folder = root / ("a" if i % 2 else "b")
            folder.mkdir(parents=True, exist_ok=True)
            phone_photo(i).save(folder / f"IMG_{i:04d}.jpg", quality=90)
        load = os.getloadavg()[0]
        best = {"folder": float("inf"), "naive": float("inf")}
        for _ in range(args.repeats):
            start = time.perf_counter()
            data = load_image_folder(root, 224, cache=False)
            best["folder"] = min(best["folder"], time.perf_counter() - start)
            start = time.perf_counter()
            plain = naive(root)
            best["naive"] = min(best["naive"], time.perf_counter() - start)
        assert data.images.shape == plain.shape == (args.images, 3, 224, 224)
        cache = Path(tmp) / "cache"
        load_image_folder(root, 224, cache=cache)
        start = time.perf_counter()
        cached = load_image_folder(root, 224, cache=cache)
        cached_s = time.perf_counter() - start
        assert cached.meta["report"].from_cache == args.images
    print(f"folder_images_per_s: {args.images / best['folder']:.1f}")
    print(f"naive_images_per_s: {args.images / best['naive']:.1f}")
    print(f"speedup: {best['naive'] / best['folder']:.2f}")
    print(f"cached_images_per_s: {args.images / cached_s:.1f}")
    print(f"load_average: {load:.2f}")


if __name__ == "__main__":
    main()
