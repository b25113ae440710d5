"""The TFLite reader, the MobileNetV2 conversion, the loader and the transfer helpers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torchvision.models import mobilenet_v2

from course_utils.data import ChecksumError, OfflineError, read_photo, verified_path
from course_utils.pretrained import (
    SamePadConv2d,
    TFLiteFormatError,
    balanced_subset,
    cat_dog_indices,
    fine_tune,
    fit_linear_head,
    imagenet_labels,
    load_mobilenet_v2,
    load_pretrained,
    mobilenet,
    model_accuracy,
    read_tflite,
    run_batched,
    shift_images,
    split_mobilenet,
    tflite_preprocess,
    torchvision_preprocess,
    train_classifier,
)
from course_utils.pretrained.imagenet import cat_photo

ROOT = Path(__file__).resolve().parents[1]
TFLITE = mobilenet.TFLITE_FILE
REFERENCE = Path(__file__).with_name("pretrained_reference.json")


@pytest.fixture(scope="session")
def model() -> torch.nn.Module:
    return load_mobilenet_v2()


@pytest.fixture(scope="session")
def tflite():
    return read_tflite(verified_path(TFLITE))


@pytest.fixture()
def data_copy(tmp_path, monkeypatch) -> Path:
    """A private copy of the manifest and the MobileNet folder, with an empty cache."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(ROOT / "data" / "SHA256SUMS", data)
    shutil.copytree(ROOT / "data" / "imagenet-mobilenet-v2", data / "imagenet-mobilenet-v2")
    for path in (data / "imagenet-mobilenet-v2").iterdir():
        path.chmod(0o644)
    monkeypatch.setenv("COURSE_DATA_DIR", str(data))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    return data


# --- the reader ---------------------------------------------------------------------------

def test_reader_finds_the_network(tflite):
    assert len(tflite.ops("CONV_2D", "DEPTHWISE_CONV_2D")) == 53
    image = tflite.tensors[tflite.inputs[0]]
    assert image.shape == (1, 224, 224, 3)
    assert (image.scale, image.zero_point) == (1 / 128, 128)
    first = tflite.operators[0]
    assert first.kind == "CONV_2D" and first.stride == (2, 2) and first.padding == "SAME"
    weight = tflite.tensors[first.inputs[1]]
    assert weight.shape == (32, 3, 3, 3) and weight.dtype.__name__ == "uint8"
    assert tflite.tensors[first.inputs[2]].dequantize().shape == (32,)


def test_reader_rejects_garbage(tmp_path):
    bad = tmp_path / "garbage.tflite"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(TFLiteFormatError, match="garbage.tflite"):
        read_tflite(bad)


def test_reader_rejects_truncated_file(tmp_path):
    cut = tmp_path / "cut.tflite"
    cut.write_bytes(verified_path(TFLITE).read_bytes()[:200_000])
    with pytest.raises(TFLiteFormatError, match="cut.tflite.*truncated"):
        read_tflite(cut)


def test_reader_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.tflite"):
        read_tflite(tmp_path / "nothing.tflite")


# --- the conversion -----------------------------------------------------------------------

def test_state_dict_keys_match_torchvision(model):
    ours, theirs = model.state_dict(), mobilenet_v2().state_dict()
    assert list(ours) == list(theirs)
    differ = {k for k in ours if ours[k].shape != theirs[k].shape}
    assert differ == {"classifier.1.weight", "classifier.1.bias"}  # 1001 outputs, not 1000
    assert ours["classifier.1.weight"].shape == (1001, 1280)


def test_batchnorm_is_an_identity_carrying_the_bias(model):
    bn = model.features[0][1]
    x = torch.randn(2, 32, 5, 5)
    assert torch.allclose(bn(x), x + bn.bias.view(1, -1, 1, 1), atol=1e-6)


def test_stride_two_convs_pad_like_tensorflow(model):
    padded = [n for n, m in model.named_modules() if isinstance(m, SamePadConv2d)]
    assert padded == ["features.0.0", "features.2.conv.1.0", "features.4.conv.1.0",
                      "features.7.conv.1.0", "features.14.conv.1.0"]
    conv = model.features[0][0]
    x = torch.randn(1, 3, 224, 224)
    expected = F.conv2d(F.pad(x, (0, 1, 0, 1)), conv.weight, stride=2)
    assert torch.allclose(conv(x), expected, atol=1e-5)
    assert conv(torch.randn(1, 3, 225, 225)).shape[-1] == 113  # ceil(225 / 2)


def test_cat_photo_is_an_egyptian_cat(model):
    labels = imagenet_labels()
    with torch.no_grad():
        probs = model(tflite_preprocess(cat_photo()[None])).softmax(1)[0]
    assert labels[int(probs.argmax())] == "Egyptian cat"
    assert probs.max() > 0.8


def test_logits_match_the_saved_reference(model):
    """Reference logits were saved once from the conversion; tolerance 1e-3 absolute."""
    reference = json.loads(REFERENCE.read_text())
    images = torch.stack([
        cat_photo() if photo["file"].endswith("cat.bmp")
        else read_photo(photo["file"], 224)
        for photo in reference["photos"]
    ])
    with torch.no_grad():
        all_logits = model(tflite_preprocess(images))
    for photo, logits in zip(reference["photos"], all_logits):
        assert logits.topk(5).indices.tolist() == photo["top5"], photo["file"]
        for index, value in photo["logits"].items():
            assert abs(float(logits[int(index)]) - value) <= reference["tolerance"], \
                (photo["file"], index)


def test_missing_tflite_names_the_file(data_copy):
    (data_copy / TFLITE).unlink()
    with pytest.raises(FileNotFoundError, match="mobilenet_v2_1.0_224_quant.tflite"):
        load_mobilenet_v2()


def test_truncated_tflite_names_the_file(data_copy):
    path = data_copy / TFLITE
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ChecksumError, match="mobilenet_v2_1.0_224_quant.tflite"):
        load_mobilenet_v2()


def test_garbage_given_as_path_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "not_a_model.tflite"
    bad.write_bytes(b"TFL3" * 64)
    with pytest.raises(TFLiteFormatError, match="not_a_model.tflite"):
        load_mobilenet_v2(bad)


def test_conversion_is_cached_and_a_broken_cache_is_rebuilt(data_copy, monkeypatch):
    first = mobilenet.converted_weights()
    cached = list((data_copy.parent / "cache" / "pretrained").glob("*.pt"))
    assert len(cached) == 1
    calls = []
    real = mobilenet.convert_tflite
    monkeypatch.setattr(mobilenet, "convert_tflite", lambda t: calls.append(1) or real(t))
    again = mobilenet.converted_weights()
    assert not calls and again["tflite_sha256"] == first["tflite_sha256"]
    cached[0].write_bytes(b"not a torch file")
    rebuilt = mobilenet.converted_weights()
    assert calls == [1]
    assert torch.equal(rebuilt["state_dict"]["classifier.1.bias"],
                       first["state_dict"]["classifier.1.bias"])


# --- labels, preprocessing, the loader ----------------------------------------------------

def test_labels_and_cat_dog_classes():
    labels = imagenet_labels()
    assert len(labels) == 1001 and labels[0] == "background"
    cats, dogs = cat_dog_indices(1001)
    assert [labels[k] for k in cats][-1] == "Egyptian cat" and len(dogs) == 118
    assert labels[dogs[0]] == "Chihuahua"
    assert cat_dog_indices(1000)[0][0] == cats[0] - 1
    with pytest.raises(ValueError, match="1000"):
        cat_dog_indices(10)


def test_preprocessing_checks_its_input():
    pixels = torch.tensor([0, 128, 255], dtype=torch.uint8).view(1, 3, 1, 1)
    assert tflite_preprocess(pixels).flatten().tolist() == [-1.0, 0.0, 127 / 128]
    assert torchvision_preprocess(pixels).shape == (1, 3, 1, 1)
    with pytest.raises(TypeError, match="uint8"):
        tflite_preprocess(pixels.float())
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        tflite_preprocess(pixels[0])


def test_load_pretrained_shipped():
    net = load_pretrained("mobilenet_v2")
    assert len(net.labels) == 1001 and not net.model.training
    assert net.preprocess is tflite_preprocess


def test_load_pretrained_offline_names_the_shipped_model(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    with pytest.raises(OfflineError, match="load_pretrained\\('mobilenet_v2'\\)"):
        load_pretrained("resnet50")
    with pytest.raises(ValueError, match="resnet50"):
        load_pretrained("resnet51")


# --- transfer helpers ---------------------------------------------------------------------

def test_split_mobilenet_shapes(model):
    trunk, tail = split_mobilenet(model, 16)
    with torch.no_grad():
        middle = trunk(torch.zeros(2, 3, 224, 224))
        assert middle.shape == (2, 160, 7, 7)
        assert tail(middle).shape == (2, 1280)
    with pytest.raises(ValueError, match="at must be"):
        split_mobilenet(model, 0)


def test_linear_head_separates_separable_data():
    torch.manual_seed(0)
    labels = torch.arange(40) % 2
    features = torch.randn(40, 5) + 3 * labels[:, None].float()
    head = fit_linear_head(features, labels, 2)
    assert model_accuracy(head, features, labels) == 1.0
    with pytest.raises(ValueError, match="float"):
        fit_linear_head(features.long(), labels, 2)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        fit_linear_head(features, labels + 1, 2)
    with pytest.raises(TypeError, match="int64"):
        fit_linear_head(features, labels.float(), 2)


def test_run_batched_matches_one_pass():
    layer = torch.nn.Linear(3, 2)
    x = torch.randn(10, 3)
    assert torch.allclose(run_batched(layer, x, batch_size=3), layer(x).detach())
    with pytest.raises(ValueError, match="batch_size"):
        run_batched(layer, x, batch_size=0)


def test_frozen_batchnorm_keeps_its_statistics():
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4),
                              torch.nn.Linear(4, 2))
    before = net[1].running_mean.clone()
    x, y = torch.randn(16, 4) + 5, torch.arange(16) % 2
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    train_classifier(net, x, y, epochs=1, optimizer=optimizer, freeze_batchnorm=True)
    assert torch.equal(net[1].running_mean, before)
    train_classifier(net, x, y, epochs=1, optimizer=optimizer)
    assert not torch.equal(net[1].running_mean, before)
    with pytest.raises(ValueError, match="epochs"):
        train_classifier(net, x, y, epochs=-1, optimizer=optimizer)


def test_balanced_subset():
    labels = torch.tensor([0] * 84 + [1] * 175)
    for n in (2, 10, 20, 259):
        index = balanced_subset(labels, n, seed=1)
        assert len(index) == n == len(set(index.tolist()))
        assert set(labels[index].tolist()) == {0, 1}
    assert torch.equal(balanced_subset(labels, 10, seed=3), balanced_subset(labels, 10, seed=3))
    with pytest.raises(ValueError, match="at least one"):
        balanced_subset(labels, 1)


@pytest.mark.parametrize("kind", ["grayscale", "blur", "rotate", "crop"])
def test_shift_images(kind):
    images = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8)
    shifted = shift_images(images, kind)
    assert shifted.shape == images.shape and shifted.dtype == torch.uint8
    assert not torch.equal(shifted, images)


def test_shift_images_checks_input():
    with pytest.raises(ValueError, match="kind"):
        shift_images(torch.zeros(1, 3, 8, 8, dtype=torch.uint8), "fog")
    with pytest.raises(ValueError, match="uint8"):
        shift_images(torch.zeros(1, 3, 8, 8), "blur")


def test_fine_tune_leaves_the_originals_untouched():
    tail = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 1), torch.nn.BatchNorm2d(4),
                               torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(1))
    head = torch.nn.Linear(4, 2)
    before = [p.clone() for p in [*tail.parameters(), *head.parameters()]]
    x, y = torch.randn(8, 2, 3, 3), torch.arange(8) % 2
    tuned = fine_tune(tail, head, x, y, epochs=2)
    assert all(torch.equal(a, b) for a, b in zip(before, [*tail.parameters(), *head.parameters()]))
    assert not torch.equal(tuned[1].weight, head.weight) and not tuned.training
    assert torch.equal(tuned[0][1].running_mean, tail[1].running_mean)  # BatchNorm stayed frozen
