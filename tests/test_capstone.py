"""course_utils.capstone's pieces, fast: the saved model round trip (MobileNetV2 and the
ResNet-50 skeleton), evaluation with intervals and Grad-CAM, the page title."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib import colormaps
from torch import nn

from course_utils.capstone import (
    FolderClassifier,
    Trained,
    choose_backbone,
    evaluation_report,
    load_backbone,
    load_model,
    plot_mistakes,
    save_model,
)
from course_utils.deploy import pet_classifier_skeleton
from course_utils.metrics import precision_recall_f1
from course_utils.plots.palette import HEAT_CMAP, RIGHT_MARK, WRONG_MARK
from course_utils.serve import page_title

CLASSES = ("a", "b", "c")


def tiny_model(seed: int = 0) -> FolderClassifier:
    torch.manual_seed(seed)
    trunk = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU())
    tail = nn.Sequential(nn.Conv2d(4, 6, 3, padding=1), nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
    return FolderClassifier(trunk, tail, nn.Linear(6, len(CLASSES)), (128.0,) * 3,
                            (64.0,) * 3).eval()


def test_evaluate_gives_intervals_confusion_and_grad_cam() -> None:
    gen = torch.Generator().manual_seed(3)
    images = torch.randint(0, 256, (15, 3, 16, 16), generator=gen, dtype=torch.uint8)
    labels = torch.arange(15) % 3
    result = evaluation_report(tiny_model(), images, labels, CLASSES, cam_layer="tail.0",
                      n_resamples=50, n_mistakes=4)
    for key in ("accuracy", "macro_f1"):
        interval = result[key]
        assert interval["low"] <= interval["estimate"] <= interval["high"]
    assert set(result["per_class"]) == set(CLASSES)
    reference = precision_recall_f1(labels, result["predictions"], labels=[0, 1, 2])
    for c, name in enumerate(CLASSES):
        row = result["per_class"][name]
        for m, what in enumerate(("precision", "recall", "f1")):
            assert row[what]["estimate"] == pytest.approx(reference[m][c])
            assert row[what]["low"] <= row[what]["estimate"] <= row[what]["high"]
    assert sum(row["support"] for row in result["per_class"].values()) == 15
    assert np.asarray(result["confusion"]).sum() == 15
    predictions = result["probabilities"].argmax(1)
    wrong = (predictions != labels).nonzero().flatten().tolist()
    assert result["explained_kind"] == ("mistakes" if wrong else "closest calls")
    assert set(result["explained"].tolist()) <= set(wrong or range(15))
    assert result["cam"].shape == (len(result["explained"]), 16, 16)
    assert float(result["cam"].min()) >= 0 and float(result["cam"].max()) <= 1
    figure = plot_mistakes(images, labels, result, CLASSES)
    assert len(figure.axes) >= 2 * len(result["explained"])
    mark = WRONG_MARK if wrong else RIGHT_MARK       # told by a mark, not by colour alone
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert len(titles) == len(result["explained"]) and all(t.startswith(mark) for t in titles)
    photo = images[int(result["explained"][0])].permute(1, 2, 0).numpy() / 255
    heat = colormaps[HEAT_CMAP](result["cam"][0].numpy())[..., :3]
    drawn = figure.axes[len(figure.axes) // 2].images[0].get_array()
    assert np.allclose(drawn, 0.5 * photo + 0.5 * heat)


def test_no_mistake_gives_closest_calls_and_the_rule_of_three() -> None:
    model = tiny_model()
    images = torch.randint(0, 256, (10, 3, 16, 16), dtype=torch.uint8)
    labels = model(images.float()).argmax(1).detach()
    result = evaluation_report(model, images, labels, CLASSES, cam_layer="tail.0", n_resamples=20)
    assert result["explained_kind"] == "closest calls" and len(result["mistakes"]) == 0
    assert result["accuracy"]["rule_of_three_low"] == pytest.approx(1 - 3 / 10)


def test_saved_model_round_trip_and_serve_compatibility(tmp_path) -> None:
    net = load_backbone("mobilenet_v2")
    model = FolderClassifier(net.trunk, net.tail, nn.Linear(1280, 3), net.mean, net.std).eval()
    path = save_model(Trained(model, "mobilenet_v2", net.cam_layer, "linear probe", {}, 0.0),
                      CLASSES, tmp_path / "model.pt")
    loaded, classes, cam_layer = load_model(tmp_path)
    x = torch.randint(0, 256, (1, 3, 96, 96), dtype=torch.uint8).float()
    with torch.no_grad():
        assert torch.allclose(loaded(x), model(x), atol=1e-5)
    assert classes == list(CLASSES) and cam_layer == "tail.2"
    pets = pet_classifier_skeleton(3)      # the file also loads as notebook 13's classifier
    pets.load_state_dict(torch.load(path, weights_only=True)["state_dict"])
    with torch.no_grad():
        assert torch.allclose(pets(x), model(x), atol=1e-4)


def test_resnet50_skeleton_round_trip(tmp_path) -> None:
    net = load_backbone("resnet50", pretrained=False)
    assert net.features == 2048 and net.cam_layer == "tail.0"
    model = FolderClassifier(net.trunk, net.tail, nn.Linear(2048, 2), net.mean, net.std).eval()
    save_model(Trained(model, "resnet50", net.cam_layer, "linear probe", {}, 0.0), ("x", "y"),
               tmp_path / "model.pt")
    loaded, classes, cam_layer = load_model(tmp_path / "model.pt")
    x = torch.rand(1, 3, 64, 64) * 255
    with torch.no_grad():
        assert torch.allclose(loaded(x), model(x), atol=1e-4)
    assert classes == ["x", "y"] and cam_layer == "tail.0"


def test_page_title_reads_the_class_names() -> None:
    assert page_title(["cat", "dog"]) == "Cat or dog?"
    assert page_title(["cat_long_hair", "dog_fluffy", "dog_smooth"]) == \
        "Cat long hair, dog fluffy or dog smooth?"


def test_auto_is_the_shipped_network_offline(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))    # no torchvision weights cached
    assert choose_backbone("auto") == "mobilenet_v2"
    assert choose_backbone("resnet50") == "resnet50"
    with pytest.raises(ValueError, match="preferred"):
        choose_backbone("vgg")


def test_resnet50_path_trains_explains_and_reloads(monkeypatch, tmp_path) -> None:
    """The ResNet-50 route end to end on tiny images, with the bare skeleton standing in for
    torchvision's weights (no download in the tests)."""
    import course_utils.capstone as capstone

    monkeypatch.setattr(capstone, "load_backbone",
                        lambda name, pretrained=True: load_backbone(name, pretrained=False))
    torch.manual_seed(0)
    images = torch.randint(0, 256, (12, 3, 64, 64), dtype=torch.uint8)
    labels = torch.arange(12) % 2
    trained = capstone.train_on_folder(images[:8], labels[:8], images[8:], labels[8:],
                                       backbone="resnet50", epochs=1, progress=False)
    assert trained.cam_layer == "tail.0" and len(trained.history["fine_tune"]) == 1
    result = evaluation_report(trained.model, images[8:], labels[8:], ("x", "y"),
                      cam_layer=trained.cam_layer, n_resamples=20)
    assert result["cam"].shape[1:] == (64, 64)
    save_model(trained, ("x", "y"), tmp_path / "model.pt")
    loaded, classes, _ = capstone.load_model(tmp_path)
    with torch.no_grad():
        assert torch.allclose(loaded(images[:2].float()), trained.model(images[:2].float()),
                              atol=1e-4)
