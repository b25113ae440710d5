"""course_utils.quality: planted exact and near duplicates are found and the shipped data has
none; damaged files get the right problem; the label-issue rankings find planted flips."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from course_utils.corruptions import symmetric_label_noise
from course_utils.data import load_dataset
from course_utils.quality import (
    check_image_file,
    confident_learning_issues,
    cross_val_probabilities,
    exact_duplicates,
    fingerprints,
    near_duplicates,
    precision_recall_at,
    scan_image_folder,
    self_confidence_ranking,
)
from course_utils.validation import InputError

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py


def _jpeg(images: torch.Tensor, quality: int) -> torch.Tensor:
    out = []
    for image in images:
        buffer = io.BytesIO()
        Image.fromarray(image[0].numpy()).save(buffer, "JPEG", quality=quality)
        out.append(torch.from_numpy(np.asarray(Image.open(buffer)).copy())[None])
    return torch.stack(out)


def _near_copies(images: torch.Tensor) -> torch.Tensor:
    """Three kinds of near duplicate: re-saved as JPEG, brightened, with a little noise."""
    g = torch.Generator().manual_seed(0)
    noisy = (images.float() + 2 * torch.randn(images.shape, generator=g)).round().clamp(0, 255)
    return torch.cat([_jpeg(images[:3], 95), (images[3:6].int() + 12).clamp(0, 255),
                      noisy[6:9]]).to(torch.uint8)


@pytest.mark.parametrize("name", ["mnist", "fashion"])
def test_planted_duplicates_are_found_across_splits(name):
    train, test = load_dataset(name, "train").images, load_dataset(name, "test").images
    train, test = train[::4], test[:600]
    sources = torch.tensor([5, 50, 120, 300, 410, 555, 700, 801, 880])
    damaged = test.clone()
    damaged[[10, 20]] = train[[7, 9]]  # two exact copies
    targets = torch.arange(100, 109)
    damaged[targets] = _near_copies(train[sources])
    exact = exact_duplicates(train, damaged)
    assert sorted(exact.pairs.tolist()) == [[7, 10], [9, 20]]
    near = near_duplicates(train, damaged)
    found = {tuple(p) for p in near.pairs.tolist()}
    planted = {(7, 10), (9, 20)} | set(zip(sources.tolist(), targets.tolist()))
    assert found == planted, f"missed {planted - found}, false {found - planted}"
    assert (near.similarity[:-1] >= near.similarity[1:]).all(), "most similar first"


def test_duplicates_within_one_set():
    images = load_dataset("mnist", "train").images[:400].clone()
    images[300] = images[3]
    images[301] = _near_copies(images[:9])[4]  # a brightened copy of image 4
    assert exact_duplicates(images).pairs.tolist() == [[3, 300]]
    assert {tuple(p) for p in near_duplicates(images).pairs.tolist()} == {(3, 300), (4, 301)}


@pytest.mark.parametrize("name, size", [("mnist", None), ("fashion", None), ("pets", 64)])
def test_no_false_duplicates_on_the_shipped_data(name, size):
    options = {} if size is None else {"size": size}
    train = load_dataset(name, "train", **options).images
    test = load_dataset(name, "test", **options).images
    assert len(exact_duplicates(train).pairs) == len(exact_duplicates(train, test).pairs) == 0
    assert len(near_duplicates(train).pairs) == 0
    assert len(near_duplicates(train, test).pairs) == 0
    assert len(near_duplicates(test).pairs) == 0  # 10,000 MNIST test digits: about 6 s


def test_embeddings_work_in_place_of_images():
    g = torch.Generator().manual_seed(0)
    features = torch.randn(50, 32, generator=g)
    features[40] = features[2] * 3  # the same direction
    assert near_duplicates(features).pairs.tolist() == [[2, 40]]
    with pytest.raises(InputError, match="fingerprints"):
        near_duplicates(torch.rand(4, 1, 28, 28), torch.rand(4, 8))
    with pytest.raises(InputError, match="threshold"):
        near_duplicates(features, threshold=0.0)
    assert fingerprints(torch.zeros(2, 1, 28, 28)).abs().sum() == 0, "a flat image has no shape"


@pytest.fixture
def image_folder(tmp_path):
    digits = load_dataset("mnist", "train")
    for i in range(40):
        split = "train" if i < 30 else "test"
        folder = tmp_path / split / f"digit{i % 4}"  # (the digits' own labels do not matter)
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(digits.images[i * 100, 0].numpy()).save(folder / f"{i}.png")
    good = tmp_path / "train" / "digit0" / "0.png"
    data = (tmp_path / "test" / "digit3" / "39.png")
    data.write_bytes(data.read_bytes()[:120])  # truncated
    Image.open(good).convert("RGB").save(tmp_path / "train" / "digit0" / "rgb.png")
    Image.open(good).resize((32, 32)).save(tmp_path / "train" / "digit0" / "big.png")
    (tmp_path / "train" / "digit0" / "empty.png").write_bytes(b"")
    return tmp_path


def test_check_image_file(image_folder):
    assert check_image_file(image_folder / "train" / "digit0" / "0.png", "L", 28) is None
    truncated = check_image_file(image_folder / "test" / "digit3" / "39.png", "L")
    assert truncated.startswith("unreadable")
    rgb = check_image_file(image_folder / "train" / "digit0" / "rgb.png", "L")
    assert rgb == "mode: RGB, expected L"
    big = check_image_file(image_folder / "train" / "digit0" / "big.png", "L", 28)
    assert big.startswith("size: 32x32")
    with pytest.raises(InputError, match="no file"):
        check_image_file(image_folder / "nothing.png", "L")


def test_scan_image_folder_keeps_the_good_files_and_names_the_others(image_folder):
    scan = scan_image_folder(image_folder, "L", 28)
    assert set(scan.problems) == {"test/digit3/39.png", "train/digit0/rgb.png",
                                  "train/digit0/big.png", "train/digit0/empty.png"}
    assert scan.images.shape == (39, 1, 28, 28) and scan.images.dtype == torch.uint8
    assert len(scan.split("train")) == 30 and len(scan.split("test")) == 9
    assert scan.classes[int(scan.labels[0])] == scan.files[0].split("/")[1]
    with pytest.raises(InputError, match="not a folder"):
        scan_image_folder(image_folder / "missing", "L", 28)


def _noisy_probabilities(n: int = 2000, k: int = 10, rate: float = 0.2):
    """Probabilities of a decent classifier, labels with flips, and the flip mask."""
    g = torch.Generator().manual_seed(0)
    truth = torch.randint(0, k, (n,), generator=g)
    logits = torch.randn(n, k, generator=g)
    logits[torch.arange(n), truth] += 4.0
    noisy, flipped = symmetric_label_noise(truth, rate, k, seed=0)
    return noisy, logits.softmax(1), flipped


def test_the_rankings_find_planted_flips():
    labels, probs, flipped = _noisy_probabilities()
    ranking = self_confidence_ranking(labels, probs)
    assert sorted(ranking.tolist()) == list(range(len(labels)))
    confidence = probs[torch.arange(len(labels)), labels]
    assert (confidence[ranking][:-1] <= confidence[ranking][1:]).all()
    precision, recall = precision_recall_at(ranking, flipped)
    assert precision == recall and precision > 0.9
    flags = confident_learning_issues(labels, probs)
    precision, recall = precision_recall_at(flags, flipped)
    assert precision > 0.9 and recall > 0.8


def test_our_confident_learning_agrees_with_cleanlab():
    from cleanlab.filter import find_label_issues
    labels, probs, _ = _noisy_probabilities()
    ours = confident_learning_issues(labels, probs)
    theirs = torch.from_numpy(find_label_issues(labels.numpy(), probs.numpy(),
                                                filter_by="confident_learning"))
    agree = (ours == theirs).float().mean().item()
    assert agree > 0.98, agree


def test_precision_recall_at():
    truth = torch.tensor([True, False, True, False])
    assert precision_recall_at(torch.tensor([2, 0, 1, 3]), truth) == (1.0, 1.0)
    assert precision_recall_at(torch.tensor([1, 2, 0, 3]), truth, k=1) == (0.0, 0.0)
    assert precision_recall_at(torch.tensor([True, True, False, False]), truth) == (0.5, 0.5)


def test_probabilities_are_checked():
    labels, probs, _ = _noisy_probabilities(50)
    with pytest.raises(InputError, match="softmax"):
        self_confidence_ranking(labels, probs.log())
    with pytest.raises(InputError, match=r"\(50,\)"):
        confident_learning_issues(labels[:10], probs)


def test_cross_val_probabilities_are_out_of_sample():
    digits = load_dataset("mnist", "train").subset(torch.arange(0, 5000, 20))  # 250
    probs = cross_val_probabilities(lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)),
                                    digits.images, digits.labels, folds=2, epochs=10,
                                    batch_size=25, device="cpu")
    assert probs.shape == (250, 10)
    assert torch.allclose(probs.sum(1), torch.ones(250), atol=1e-5)
    assert (probs.argmax(1) == digits.labels).float().mean() > 0.6
    with pytest.raises(InputError, match="make_model"):
        cross_val_probabilities(nn.Linear(784, 10), digits.images, digits.labels)
    with pytest.raises(InputError, match="folds"):
        cross_val_probabilities(lambda: nn.Linear(1, 1), digits.images, digits.labels, folds=1)
