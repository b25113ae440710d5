"""course_utils.corruptions: every image corruption keeps shape, dtype and range, repeats with a
seed and grows with severity; label noise flips what it says; bad input gets a clear error."""

from __future__ import annotations

import pytest
import torch

from course_utils.corruptions import (
    CORRUPTIONS,
    SEVERITIES,
    class_dependent_label_noise,
    corrupt,
    occlude,
    pair_transition,
    symmetric_label_noise,
)
from course_utils.data import load_dataset
from course_utils.validation import InputError

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py

RANDOM = ("gaussian_noise", "shot_noise", "impulse_noise", "motion_blur", "occluding_patch")


@pytest.fixture(scope="module")
def digits():
    return load_dataset("mnist", "train").images[::50]  # (100, 1, 28, 28) uint8


@pytest.fixture(scope="module")
def photos():
    return load_dataset("pets", "test", size=48).images[:12]  # (12, 3, 48, 48) uint8


@pytest.mark.parametrize("name", CORRUPTIONS)
@pytest.mark.parametrize("kind", ["digits", "photos"])
def test_shape_dtype_range_and_seed(name, kind, request):
    images = request.getfixturevalue(kind)
    for severity in SEVERITIES:
        out = corrupt(images, name, severity, seed=3)
        assert out.shape == images.shape and out.dtype == torch.uint8
        assert torch.equal(out, corrupt(images, name, severity, seed=3)), "same seed, same images"
        floats = corrupt(images.float() / 255, name, severity, seed=3)
        assert floats.dtype == torch.float32 and floats.shape == images.shape
        assert 0 <= floats.min() and floats.max() <= 1
        assert (floats * 255 - out.float()).abs().max() <= 1.0 + 1e-4, "uint8 = rounded float"
    if name in RANDOM:
        assert not torch.equal(corrupt(images, name, 3, seed=3), corrupt(images, name, 3, seed=4))


@pytest.mark.parametrize("name", CORRUPTIONS)
@pytest.mark.parametrize("kind", ["digits", "photos"])
def test_strength_grows_with_severity(name, kind, request):
    images = request.getfixturevalue(kind)
    change = [(corrupt(images, name, s, seed=0).float() - images.float()).abs().mean().item()
              for s in SEVERITIES]
    assert change[0] > 0, f"{name} at severity 1 changed nothing"
    assert all(a < b for a, b in zip(change, change[1:])), f"{name}: {change}"


@pytest.mark.parametrize("severity", [0, 6, -1, 2.5, "3"])
def test_a_severity_outside_1_to_5_is_refused(digits, severity):
    with pytest.raises(InputError, match="severity"):
        corrupt(digits, "gaussian_noise", severity)


def test_an_unknown_corruption_is_refused_with_the_list(digits):
    with pytest.raises(InputError, match="unknown corruption 'fog'.*gaussian_noise"):
        corrupt(digits, "fog", 1)


def test_images_are_checked(digits):
    with pytest.raises(InputError, match="unsqueeze"):
        corrupt(digits[:, 0], "contrast", 1)
    with pytest.raises(InputError, match="divide by 255"):
        corrupt(digits.float(), "contrast", 1)


def test_occlude_covers_a_square_of_the_given_side(digits):
    images = digits.float() / 255
    out = occlude(images, 10, fill=0.5, generator=torch.Generator().manual_seed(0))
    covered = (out == 0.5).flatten(1).sum(1)
    assert (covered >= 100).all()
    assert torch.equal(occlude(images, 0), images)
    with pytest.raises(InputError, match="size"):
        occlude(images, 29)


def test_symmetric_noise_flips_exactly_the_rate_to_other_classes():
    y = torch.arange(10).repeat(100)
    noisy, flipped = symmetric_label_noise(y, 0.2, 10, seed=0)
    assert int(flipped.sum()) == 200
    assert torch.equal(flipped, noisy != y)
    assert len(noisy[flipped].unique()) == 10, "flips go to every class"
    again, _ = symmetric_label_noise(y, 0.2, 10, seed=0)
    assert torch.equal(again, noisy)
    assert not symmetric_label_noise(y, 0.0, 10)[1].any()
    with pytest.raises(InputError, match="rate"):
        symmetric_label_noise(y, 1.5, 10)
    with pytest.raises(InputError, match="there are 5 classes"):
        symmetric_label_noise(y, 0.1, 5)


def test_class_dependent_noise_follows_the_matrix():
    y = torch.arange(10).repeat(1000)
    matrix = pair_transition(10, 0.3, {7: 1, 3: 8})
    noisy, flipped = class_dependent_label_noise(y, matrix, seed=0)
    assert set(y[flipped].unique().tolist()) == {3, 7}
    assert set(noisy[flipped].unique().tolist()) == {1, 8}
    share = flipped[y == 7].float().mean().item()
    assert abs(share - 0.3) < 0.05
    with pytest.raises(InputError, match="rows"):
        class_dependent_label_noise(y, torch.full((10, 10), 0.2))
    with pytest.raises(InputError, match="another class"):
        pair_transition(10, 0.2, {3: 3})
