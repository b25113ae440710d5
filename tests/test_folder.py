"""course_utils.data.folder: a learner's messy folder of photos, loaded or reported file by
file."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from course_utils.data import folder as folder_module
from course_utils.data.folder import (
    FolderError,
    ImageFileError,
    decode_image,
    example_folder,
    load_image_folder,
    split_three_ways,
)

SIZE = 32
try:
    import pillow_heif  # noqa: F401   (optional: the "photos" extra)
    HAVE_HEIF = True
except ImportError:
    HAVE_HEIF = False


def photo(width: int, height: int, seed: int) -> Image.Image:
    """A smooth random RGB picture (a gradient plus a coloured blob), distinct per seed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width] / max(width, height)
    cx, cy = rng.uniform(0.2, 0.8, 2)
    blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) * 20)
    colour = rng.uniform(0, 255, 3)
    pixels = (x[..., None] * rng.uniform(0, 120, 3) + blob[..., None] * colour)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def save(image: Image.Image, path: Path, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **options)
    return path


def rotated_jpeg(path: Path, seed: int) -> Image.Image:
    """A 60x40 (landscape) picture stored with EXIF orientation 6: upright it is 40x60."""
    image = photo(60, 40, seed)
    exif = Image.Exif()
    exif[0x0112] = 6
    save(image, path, format="JPEG", quality=95, exif=exif)
    return image


def messy_folder(root: Path, heic: bool = True) -> dict[str, str | None]:
    """Build the messy folder; return {relative path: None if it must load, else a reason word}."""
    expect: dict[str, str | None] = {}
    cats, dogs = root / "cats", root / "dogs"
    save(photo(80, 50, 1), cats / "plain.jpg", quality=90)
    expect["cats/plain.jpg"] = None
    save(photo(30, 70, 2).convert("L"), cats / "grey.png")
    expect["cats/grey.png"] = None
    palette = photo(50, 50, 3).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = 0
    save(palette, cats / "palette.png", transparency=0)
    expect["cats/palette.png"] = None
    rgba = photo(40, 40, 4).convert("RGBA")
    rgba.putalpha(128)
    save(rgba, cats / "alpha.webp", lossless=True)
    expect["cats/alpha.webp"] = None
    save(photo(50, 40, 5).convert("CMYK"), cats / "cmyk.jpg", quality=90)
    expect["cats/cmyk.jpg"] = None
    sixteen = Image.fromarray((np.linspace(0, 65535, 48 * 48).reshape(48, 48)).astype(np.uint16))
    save(sixteen, cats / "deep" / "nested" / "sixteen.png")
    expect["cats/deep/nested/sixteen.png"] = None
    rotated_jpeg(dogs / "rotated.jpg", 6)
    expect["dogs/rotated.jpg"] = None
    save(photo(64, 48, 7), dogs / "frames.gif")
    expect["dogs/frames.gif"] = None
    save(photo(64, 64, 8), dogs / "scan.tiff")
    expect["dogs/scan.tiff"] = None
    save(photo(45, 45, 9), dogs / "paint.BMP")
    expect["dogs/paint.BMP"] = None
    shutil.copy(cats / "plain.jpg", dogs / "copy_of_a_cat.jpg")      # a duplicate across classes
    expect["dogs/copy_of_a_cat.jpg"] = None
    if heic and HAVE_HEIF:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        save(photo(64, 48, 10), dogs / "iphone.HEIC", format="HEIF", quality=90)
        expect["dogs/iphone.HEIC"] = None
    elif heic:   # without pillow-heif no HEIC can be written here, nor read: it is reported
        (dogs / "iphone.HEIC").write_bytes(b"\0\0\0\x18ftypheic" + bytes(100))
        expect["dogs/iphone.HEIC"] = "pip install pillow-heif"
    buffer = io.BytesIO()
    photo(80, 80, 11).save(buffer, format="JPEG", quality=90)
    (dogs / "truncated.jpg").write_bytes(buffer.getvalue()[:600])
    expect["dogs/truncated.jpg"] = "truncated"
    (dogs / "notes.jpg").write_text("these are my dogs\n")
    expect["dogs/notes.jpg"] = "not an image"
    (cats / "empty.png").write_bytes(b"")
    expect["cats/empty.png"] = "empty"
    (cats / "list.txt").write_text("cats\n")
    expect["cats/list.txt"] = "not an image file"
    (root / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    expect[".DS_Store"] = "hidden"
    (cats / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    expect["cats/.DS_Store"] = "hidden"
    save(photo(20, 20, 12), root / "__MACOSX" / "cats" / "._plain.jpg")
    expect["__MACOSX/cats/._plain.jpg"] = "system"
    save(photo(20, 20, 13), cats / ".ipynb_checkpoints" / "plain-checkpoint.jpg")
    expect["cats/.ipynb_checkpoints/plain-checkpoint.jpg"] = "system"
    save(photo(20, 20, 14), root / "loose.jpg")
    expect["loose.jpg"] = "not inside a class folder"
    return expect


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_messy_folder_every_file_loaded_or_reported(tmp_path: Path, cache: Path) -> None:
    expect = messy_folder(tmp_path / "photos")
    data = load_image_folder(tmp_path / "photos", SIZE, cache=cache)
    report = data.meta["report"]
    assert data.classes == ("cats", "dogs")
    assert data.images.shape == (len(report.loaded), 3, SIZE, SIZE)
    assert data.images.dtype == torch.uint8
    assert set(report.loaded) == {name for name, why in expect.items() if why is None}
    assert set(report.skipped) == {name for name, why in expect.items() if why is not None}
    assert report.files == len(expect) == sum(1 for p in (tmp_path / "photos").rglob("*")
                                              if p.is_file())
    for name, why in expect.items():
        if why is not None:
            assert why in report.skipped[name], (name, report.skipped[name])
    labels = dict(zip(data.extras["file"], data.labels.tolist()))
    assert labels["cats/deep/nested/sixteen.png"] == 0 and labels["dogs/copy_of_a_cat.jpg"] == 1
    assert "skipped dogs/notes.jpg" in report.summary()


def test_modes_and_exif_become_upright_rgb(tmp_path: Path) -> None:
    rotated_jpeg(tmp_path / "r.jpg", 6)
    pixels, info = decode_image(tmp_path / "r.jpg", 40)
    assert (info["width"], info["height"]) == (40, 60)     # upright: EXIF 6 turns it
    reference = photo(60, 40, 6).transpose(Image.Transpose.ROTATE_270)
    want = np.asarray(reference.resize((40, 40), box=(0, 10, 40, 50)))
    assert np.abs(pixels.permute(1, 2, 0).numpy().astype(int) - want).mean() < 12
    rgba = Image.new("RGBA", (10, 10), (0, 0, 0, 0))       # transparent: white, not black
    buffer = io.BytesIO()
    rgba.save(buffer, format="PNG")
    assert decode_image(buffer.getvalue(), 8)[0].min() == 255
    sixteen = Image.fromarray(np.full((10, 10), 65535, dtype=np.uint16))
    buffer = io.BytesIO()
    sixteen.save(buffer, format="PNG")
    assert decode_image(buffer.getvalue(), 8)[0].min() == 255   # full scale, not clipped garbage


def test_phone_jpeg_decoded_in_draft_mode(tmp_path: Path, monkeypatch) -> None:
    path = save(photo(2016, 1512, 15), tmp_path / "phone.jpg", quality=85)
    seen = []
    original = folder_module.ImageOps.exif_transpose

    def spy(image, **kwargs):
        seen.append(image.size)
        return original(image, **kwargs)

    monkeypatch.setattr(folder_module.ImageOps, "exif_transpose", spy)
    pixels, info = decode_image(path, 224)
    assert seen == [(252, 189)] or seen == [(504, 378)] or min(seen[0]) < 1512
    assert min(seen[0]) >= 224 and (info["width"], info["height"]) == (2016, 1512)
    assert pixels.shape == (3, 224, 224)


def test_second_run_reads_the_cache(tmp_path: Path, cache: Path) -> None:
    messy_folder(tmp_path / "photos", heic=False)
    first = load_image_folder(tmp_path / "photos", SIZE, cache=cache)
    second = load_image_folder(tmp_path / "photos", SIZE, cache=cache)
    assert first.meta["report"].from_cache == 1     # the copy of a cat: same content, one entry
    assert second.meta["report"].from_cache == len(second) == len(first)
    assert torch.equal(first.images, second.images)
    third = load_image_folder(tmp_path / "photos", SIZE + 8, cache=cache)   # another size
    assert third.meta["report"].from_cache == 1
    none = load_image_folder(tmp_path / "photos", SIZE, cache=False)
    assert none.meta["report"].from_cache == 0 and torch.equal(none.images, first.images)


def test_heic_without_pillow_heif_is_reported(tmp_path: Path, monkeypatch, cache: Path) -> None:
    messy_folder(tmp_path / "photos")
    monkeypatch.setattr(folder_module, "_heif_available", lambda: False)
    report = load_image_folder(tmp_path / "photos", SIZE, cache=cache).meta["report"]
    assert "pip install pillow-heif" in report.skipped["dogs/iphone.HEIC"]


def test_wrapping_folder_is_stepped_into(tmp_path: Path, cache: Path) -> None:
    for k, name in enumerate(("a", "b")):
        for i in range(3):
            save(photo(30, 30, 10 * k + i), tmp_path / "upload" / "photos" / name / f"{i}.png")
    save(photo(20, 20, 99), tmp_path / "upload" / "__MACOSX" / "photos" / "a" / "._0.png")
    data = load_image_folder(tmp_path / "upload", SIZE, cache=cache)
    assert data.classes == ("a", "b") and data.meta["root"].endswith("photos")


@pytest.mark.parametrize("case, message", [
    ("missing", "does not exist"),
    ("file", "is a file, not a folder"),
    ("zip", "is a zip file"),
    ("no classes", "has no class folders"),
    ("one class", "single class folder"),
    ("too few", "too few readable images"),
    ("unreadable", "none of the 3 image file(s)"),
])
def test_bad_folders_get_clear_errors(tmp_path: Path, case: str, message: str) -> None:
    root = tmp_path / "photos"
    root.mkdir()
    if case == "file":
        root = save(photo(10, 10, 0), tmp_path / "one.png")
    elif case == "zip":
        root = tmp_path / "photos.zip"
        with zipfile.ZipFile(root, "w") as archive:
            archive.writestr("cats/a.txt", "x")
    elif case == "no classes":
        save(photo(10, 10, 0), root / "a.png")
    elif case == "one class":
        for i in range(4):
            save(photo(10, 10, i), root / "cats" / f"{i}.png")
    elif case == "too few":
        for i in range(4):
            save(photo(10, 10, i), root / "cats" / f"{i}.png")
        save(photo(10, 10, 9), root / "dogs" / "0.png")
        (root / "dogs" / "1.png").write_bytes(b"")
    elif case == "unreadable":
        for i, name in enumerate(("cats/a.jpg", "dogs/b.jpg", "dogs/c.png")):
            (root / name).parent.mkdir(exist_ok=True)
            (root / name).write_text(f"not an image {i}")
    target = tmp_path / "nowhere" if case == "missing" else root
    with pytest.raises(FolderError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_image_folder(target, SIZE, cache=False)


def test_decode_image_reasons() -> None:
    with pytest.raises(ImageFileError, match="empty"):
        decode_image(b"", 8)
    with pytest.raises(ImageFileError, match="not an image"):
        decode_image(b"hello", 8)


def test_split_three_ways_is_stratified_and_complete() -> None:
    labels = torch.tensor([0] * 10 + [1] * 3 + [2] * 25)
    train, val, test = split_three_ways(labels, 0.2, 0.2, seed=1)
    together = torch.cat([train, val, test]).sort().values
    assert torch.equal(together, torch.arange(len(labels)))
    for part in (train, val, test):
        assert set(labels[part].tolist()) == {0, 1, 2}
    again = split_three_ways(labels, 0.2, 0.2, seed=1)
    assert all(torch.equal(a, b) for a, b in zip((train, val, test), again))
    with pytest.raises(ValueError, match="too few"):
        split_three_ways(torch.tensor([0, 0, 1, 1, 1]), 0.2, 0.2)


def test_example_folder_ships_and_loads(tmp_path: Path) -> None:
    root = example_folder()
    data = load_image_folder(root, 64, cache=tmp_path)
    report = data.meta["report"]
    assert not report.skipped and len(data.classes) >= 3
    assert min(data.class_counts().values()) >= 30


def test_audit_flags_duplicates_small_images_and_imbalance(tmp_path: Path, cache: Path) -> None:
    from course_utils.quality.folder_audit import audit_folder

    messy_folder(tmp_path / "photos", heic=False)
    data = load_image_folder(tmp_path / "photos", SIZE, cache=cache)
    audit = audit_folder(data, small_side=45)
    across = audit.across_classes
    assert [(p["first"], p["second"], p["exact"]) for p in across] == \
        [("cats/plain.jpg", "dogs/copy_of_a_cat.jpg", True)]
    assert "cats/grey.png" in audit.small and "cats/plain.jpg" not in audit.small
    assert any("one of the labels is wrong" in line for line in audit.warnings())
    assert not audit.imbalanced
    for i in range(12):
        save(photo(50, 50, 100 + i), tmp_path / "photos" / "cats" / f"more{i}.png")
    audit = audit_folder(load_image_folder(tmp_path / "photos", SIZE, cache=cache))
    assert audit.imbalanced and audit.imbalance >= 3
    assert any("imbalanced" in line for line in audit.warnings())


def test_a_damaged_cache_entry_is_decoded_again(tmp_path: Path, cache: Path) -> None:
    for name in ("a", "b"):
        for i in range(3):
            save(photo(40, 30, 10 * ord(name) + i), tmp_path / "photos" / name / f"{i}.png")
    first = load_image_folder(tmp_path / "photos", SIZE, cache=cache)
    entries = sorted(cache.rglob("*.npz"))
    assert len(entries) == 6
    entries[0].write_bytes(b"not an npz file")
    again = load_image_folder(tmp_path / "photos", SIZE, cache=cache)
    assert again.meta["report"].from_cache == 5 and torch.equal(again.images, first.images)
    assert sorted(cache.rglob("*.npz")) == entries          # rewritten in place, nothing left over


def test_an_animated_gif_gives_its_first_frame(tmp_path: Path) -> None:
    first, second = Image.new("RGB", (20, 20), (250, 10, 10)), Image.new("RGB", (20, 20),
                                                                          (10, 10, 250))
    first.save(tmp_path / "a.gif", save_all=True, append_images=[second], duration=100)
    pixels, info = decode_image(tmp_path / "a.gif", 8)
    assert info["format"] == "GIF"
    red, green, blue = pixels.float().mean((1, 2)).tolist()
    assert red > 200 and blue < 60
