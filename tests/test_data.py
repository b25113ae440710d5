"""course_utils.data: shipped datasets, checksums, splits, offline behaviour, plots of images."""

import time

import numpy as np
import pytest
import torch
from sklearn.model_selection import train_test_split

from course_utils.data import (
    ChecksumError,
    ImageSet,
    OfflineError,
    list_datasets,
    load_dataset,
    load_full_dataset,
    pet_files,
    read_photo,
    sample_photo,
    stratified_split,
    verified_path,
    verify_all,
)
from course_utils.data.online import network_available
from course_utils.plots import plot_class_counts, show_images


@pytest.mark.parametrize("name, split, n, shape, classes", [
    ("mnist", "train", 5000, (1, 28, 28), 10),
    ("mnist", "test", 10000, (1, 28, 28), 10),
    ("fashion", "train", 3555, (1, 28, 28), 10),
    ("fashion", "test", 888, (1, 28, 28), 10),
    ("pets", "train", 259, (3, 224, 224), 2),
    ("pets", "test", 111, (3, 224, 224), 2),
])
def test_shipped_datasets_load(name, split, n, shape, classes):
    data = load_dataset(name, split)
    assert len(data) == n and tuple(data.images.shape) == (n, *shape)
    assert data.images.dtype == torch.uint8 and data.labels.dtype == torch.int64
    assert len(data.classes) == classes
    assert 0 <= data.labels.min() and data.labels.max() < classes
    assert data.images.max() > 200, "pixels should span 0..255"
    image, label = data[0]
    assert image.dtype == torch.float32 and 0 <= image.min() and image.max() <= 1
    assert label == int(data.labels[0])


def test_mnist_matches_the_published_facts():
    train, test = load_dataset("mnist", "train"), load_dataset("mnist", "test")
    assert set(train.class_counts().values()) == {500}
    assert test.class_counts()["1"] == 1135 and test.class_counts()["5"] == 892
    # none of the training digits appears in the test set
    train_keys = {bytes(x) for x in train.images.flatten(1).numpy()}
    assert not any(bytes(x) in train_keys for x in test.images.flatten(1).numpy())


def test_fashion_split_is_deterministic_disjoint_and_stratified():
    train, test = load_dataset("fashion", "train"), load_dataset("fashion", "test")
    assert torch.equal(train.images, load_dataset("fashion", "train").images)
    counts = torch.bincount(train.labels) + torch.bincount(test.labels)
    assert counts.tolist() == [452, 429, 470, 437, 458, 428, 435, 452, 467, 415]
    share = torch.bincount(test.labels).float() / counts
    assert ((share - 0.2).abs() < 0.01).all()


def test_pets_have_breeds_and_a_breed_stratified_split():
    every = load_dataset("pets", "all", size=64)
    assert every.class_counts() == {"cat": 120, "dog": 250}
    assert len(every.meta["breed_classes"]) == 37
    assert torch.bincount(every.extras["breed"]).tolist() == [10] * 37
    train, test = load_dataset("pets", "train", size=64), load_dataset("pets", "test", size=64)
    assert torch.bincount(test.extras["breed"]).tolist() == [3] * 37
    assert not set(train.extras["file"]) & set(test.extras["file"])
    assert tuple(train.images.shape[1:]) == (3, 64, 64)
    cats = [f for f, y in zip(every.extras["file"], every.labels) if y == 0]
    assert all("/cats/" in f for f in cats)


def test_pets_reject_a_bad_size():
    with pytest.raises(ValueError, match="size must be an int in \\[8, 1024\\].*got 0"):
        load_dataset("pets", "all", size=0)


def test_unknown_dataset_and_split_say_what_exists():
    with pytest.raises(ValueError,
                       match="Unknown dataset 'cifar'.*\\['fashion', 'mnist', 'pets', "
                             "'sentiment'\\]"):
        load_dataset("cifar")
    with pytest.raises(ValueError, match="no split 'validation'.*\\['test', 'train'\\]"):
        load_dataset("mnist", "validation")
    assert list_datasets() == ["fashion", "mnist", "pets", "sentiment"]


def test_corrupting_one_byte_raises_a_checksum_error_naming_the_file(data_copy):
    target = data_copy / "mnist" / "mnist_5k.csv.gz"
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    target.write_bytes(bytes(raw))
    with pytest.raises(ChecksumError,
                       match=r"mnist_5k\.csv\.gz is corrupted.*manifest expects 846f6cad"):
        load_dataset("mnist", "train")
    load_dataset("mnist", "test")  # other files are unaffected


def test_a_truncated_photo_is_refused(data_copy):
    target = data_copy / "oxford-pets-370" / "dogs" / "pug_112.jpg"
    target.write_bytes(target.read_bytes()[:1000])
    with pytest.raises(ChecksumError, match="pug_112.jpg"):
        load_dataset("pets", "all")
    assert verify_all(data_copy)["oxford-pets-370/dogs/pug_112.jpg"] is False


def test_a_missing_file_is_named(data_copy):
    (data_copy / "fashion-mnist" / "fashion_mnist_test_first4443.npz").unlink()
    with pytest.raises(FileNotFoundError, match="fashion_mnist_test_first4443.npz is missing"):
        load_dataset("fashion", "train")


def test_a_file_outside_the_manifest_is_refused(data_copy):
    (data_copy / "extra.bin").write_bytes(b"x")
    with pytest.raises(FileNotFoundError, match="'extra.bin' is not listed"):
        verified_path("extra.bin")


def test_a_modified_file_is_rehashed_after_a_good_load(data_copy):
    load_dataset("mnist", "test")
    target = data_copy / "mnist" / "t10k-labels-idx1-ubyte.gz"
    raw = target.read_bytes()
    target.write_bytes(raw[:-1] + bytes([raw[-1] ^ 0xFF]))
    with pytest.raises(ChecksumError, match="t10k-labels-idx1-ubyte.gz"):
        load_dataset("mnist", "test")


def test_no_data_folder_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="No shipped data.*COURSE_DATA_DIR"):
        load_dataset("mnist")


def test_every_shipped_file_matches_the_manifest():
    checks = verify_all()
    assert len(checks) == 526 and all(checks.values())   # 386 + the 140 of pets-by-coat


def test_offline_request_for_a_full_dataset_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    start = time.perf_counter()
    with pytest.raises(OfflineError, match="python -m course_utils prefetch cifar10"):
        load_full_dataset("cifar10", "train")
    assert time.perf_counter() - start < 10


def test_offline_switch_skips_the_probe(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert network_available("127.0.0.1", 1) is False


def test_full_dataset_bad_names(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="Unknown full dataset 'imagenet'"):
        load_full_dataset("imagenet")
    with pytest.raises(ValueError, match="no split 'val'"):
        load_full_dataset("mnist", "val")


def test_stratified_split_keeps_class_shares_like_scikit_learn():
    labels = np.repeat(np.arange(5), [100, 50, 30, 12, 8])
    first, second = stratified_split(labels, test_fraction=0.25, seed=3)
    _, reference = train_test_split(np.arange(len(labels)), test_size=0.25, stratify=labels,
                                    random_state=0)
    # the same per-class shares up to rounding of half items (12.5 and 7.5 here)
    ours, theirs = np.bincount(labels[second]), np.bincount(labels[reference])
    assert ours.sum() == theirs.sum() and np.abs(ours - theirs).max() <= 1
    assert sorted(first.tolist() + second.tolist()) == list(range(len(labels)))
    again = stratified_split(labels, test_fraction=0.25, seed=3)
    assert torch.equal(again[1], second)
    assert not torch.equal(stratified_split(labels, 0.25, seed=4)[1], second)


@pytest.mark.parametrize("labels, fraction, message", [
    (np.zeros((3, 2), dtype=int), 0.5, "1-D integer array"),
    (np.array([0.5, 1.5]), 0.5, "1-D integer array"),
    (np.array([0, 1]), 1.0, "test_fraction must be in \\(0, 1\\)"),
])
def test_stratified_split_rejects_bad_input(labels, fraction, message):
    with pytest.raises(ValueError, match=message):
        stratified_split(labels, fraction)


def test_imageset_checks_and_subsets():
    images = torch.zeros(4, 1, 2, 2, dtype=torch.uint8)
    with pytest.raises(ValueError, match="uint8"):
        ImageSet(images.float(), torch.zeros(4, dtype=torch.long), ("a",), "x", "train")
    with pytest.raises(ValueError, match="labels must have shape \\(4,\\)"):
        ImageSet(images, torch.zeros(3, dtype=torch.long), ("a",), "x", "train")
    with pytest.raises(ValueError, match="extras\\['file'\\] has 2 entries"):
        ImageSet(images, torch.zeros(4, dtype=torch.long), ("a",), "x", "train",
                 extras={"file": ("p", "q")})
    data = ImageSet(images, torch.tensor([0, 1, 0, 1]), ("a", "b"), "x", "train",
                    extras={"file": ("p", "q", "r", "s")}, meta={"note": "set-wide"})
    part = data.subset([1, 3], split="val")
    assert part.extras["file"] == ("q", "s") and part.meta == {"note": "set-wide"}
    assert part.class_counts() == {"a": 0, "b": 2} and part.split == "val"


def test_sample_photos():
    assert tuple(sample_photo("chelsea").shape) == (3, 300, 451)
    assert tuple(sample_photo("camera").shape) == (1, 512, 512)
    with pytest.raises(ValueError, match="Unknown sample photo 'dog'"):
        sample_photo("dog")


def test_show_images_draws_labels_and_predictions():
    data = load_dataset("mnist", "test")
    fig = show_images(data.images[:6], data.labels[:6], preds=[7, 2, 1, 0, 0, 0],
                      classes=data.classes, ncols=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0] == "✓ 7 (7)" and titles[4] == "✗ 0 (4)" and len(fig.axes) == 6
    colours = [ax.title.get_color() for ax in fig.axes]
    assert colours[0] != colours[4]  # right in one colour, wrong in another, each with its mark
    assert plot_class_counts({"a": 1, "b": 3}).axes[0].get_title() == "4 images"


@pytest.mark.parametrize("kwargs, message", [
    ({"images": torch.zeros(0, 1, 2, 2)}, "got no images"),
    ({"images": torch.zeros(2, 4, 2, 2)}, "C = 1 or 3, got shape \\(4, 2, 2\\)"),
    ({"images": torch.zeros(2, 1, 2, 2), "labels": [1]}, "labels has 1 entries but there are 2"),
    ({"images": torch.zeros(2, 1, 2, 2), "preds": [1, 2]}, "preds need labels"),
])
def test_show_images_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        show_images(**kwargs)


def test_read_photo_verifies_and_crops():
    files = pet_files()
    assert len(files) == 370 and files[0].startswith("oxford-pets-370/cats/")
    photo = read_photo(files[0], size=96)
    assert tuple(photo.shape) == (3, 96, 96) and photo.dtype == torch.uint8
    with pytest.raises(FileNotFoundError, match="'cats/none.jpg' is not listed"):
        read_photo("cats/none.jpg")
