"""Your own photos, end to end: check, split, train, evaluate, explain, export, serve.

Introduced in ``18_your_own_images.ipynb``, and run by ``python -m course_utils train-folder``.
A thin layer over what the lessons built, one function per step:

- :func:`load_backbone`: the shipped MobileNetV2 (offline), or torchvision's ResNet-50 when its
  weights are cached or a network is there, cut into a frozen trunk and a trainable tail
  (notebook 07);
- :func:`train_on_folder`: a linear probe on the frozen network, then fine-tuning of the tail,
  the better of the two chosen on validation (notebook 07);
- :func:`evaluation_report`: accuracy and per-class precision, recall and F1 with bootstrap
  intervals, the confusion matrix, the most confident mistakes (notebook 08) and their Grad-CAM
  (notebook 09);
- :func:`export`: ONNX, its agreement with PyTorch and an int8 copy (notebook 13);
- :func:`save_model` / :func:`load_model`: ``model.pt`` as :mod:`course_utils.serve` reads it;
- :func:`train_folder`: every step, with a report in a run folder (``report.html``,
  ``metrics.json``, ``classes.txt``, ``settings.json``, figures, ``model.pt``, ``model.onnx``).
"""

from __future__ import annotations

import base64
import copy
import html
import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course_utils import metrics
from course_utils.data.folder import load_image_folder, split_three_ways
from course_utils.env import by_mode
from course_utils.explain import grad_cam, heatmaps
from course_utils.pretrained import (
    fit_linear_head,
    load_mobilenet_v2,
    split_mobilenet,
    train_classifier,
    with_head,
)
from course_utils.quality.folder_audit import audit_folder
from course_utils.validation import InputError, check_choice, check_file

BACKBONES = ("mobilenet_v2", "resnet50")
MOBILENET_SPLIT = 16
"""First MobileNetV2 block of the tail, as in notebooks 07 and 13."""
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
MODEL_FILE, ONNX_FILE, INT8_FILE = "model.pt", "model.onnx", "model_int8.onnx"


@dataclass
class Backbone:
    """A pretrained network cut in two, and how it wants its pixels.

    ``trunk``: ``(N, 3, 224, 224)`` scaled pixels -> activations (frozen, computed once);
    ``tail``: activations -> ``(N, features)`` pooled features; pixels are scaled as
    ``(x - mean) / std`` in 0..255 units; ``cam_layer`` names the tail's last block inside a
    :class:`FolderClassifier` (where Grad-CAM looks).
    """

    name: str
    trunk: nn.Module
    tail: nn.Module
    features: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    cam_layer: str


def weights_reachable(name: str = "resnet50") -> bool:
    """True when torchvision's weights for ``name`` are cached or their server answers.

    Parameters
    ----------
    name : str
        A key of ``course_utils.pretrained.hub.TORCHVISION_MODELS``, e.g. ``"resnet50"``.
    """
    from course_utils.data.online import network_available
    from course_utils.pretrained.hub import TORCHVISION_MODELS, WEIGHTS_HOST, weights_dir

    cached = weights_dir() / Path(TORCHVISION_MODELS[name].url).name
    return cached.is_file() or network_available(WEIGHTS_HOST)


def choose_backbone(preferred: str = "auto") -> str:
    """``"auto"``: ResNet-50 (the articles' example) when reachable, else the shipped
    MobileNetV2.

    Parameters
    ----------
    preferred : {"auto", "mobilenet_v2", "resnet50"}
        A backbone by name, or ``"auto"`` to take ResNet-50 only when its weights are there.
    """
    check_choice(preferred, "preferred", ("auto", *BACKBONES))
    if preferred != "auto":
        return preferred
    return "resnet50" if weights_reachable("resnet50") else "mobilenet_v2"


def load_backbone(name: str = "mobilenet_v2", pretrained: bool = True) -> Backbone:
    """The network ``name`` cut into trunk and tail (``pretrained=False``: the bare skeleton,
    which ``load_state_dict`` fills when a saved model is read back).

    Parameters
    ----------
    name : {"mobilenet_v2", "resnet50"}
        The network.
    pretrained : bool
        Load its weights (shipped for MobileNetV2, torchvision's for ResNet-50).
    """
    check_choice(name, "name", BACKBONES)
    if name == "mobilenet_v2":
        trunk, tail = split_mobilenet(load_mobilenet_v2(), MOBILENET_SPLIT)
        return Backbone(name, trunk, tail, 1280, (128.0,) * 3, (128.0,) * 3, "tail.2")
    from torchvision import models

    if pretrained:
        from course_utils.pretrained import load_pretrained

        net = load_pretrained("resnet50").model
    else:
        net = models.resnet50()
    trunk = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool, net.layer1, net.layer2,
                          net.layer3)
    tail = nn.Sequential(net.layer4, nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
    return Backbone(name, trunk.eval(), tail.eval(), 2048,
                    tuple(255 * m for m in IMAGENET_MEAN), tuple(255 * s for s in IMAGENET_STD),
                    "tail.0")


class FolderClassifier(nn.Module):
    """``(N, 3, H, W)`` float pixels in 0..255 -> ``(N, K)`` scores: scaling, trunk, tail, head.

    For the shipped MobileNetV2 its ``state_dict`` is that of
    :class:`~course_utils.deploy.PetClassifier` (the scaling is a non-persistent buffer).
    """

    def __init__(self, trunk: nn.Module, tail: nn.Module, head: nn.Linear,
                 mean: tuple[float, ...], std: tuple[float, ...]) -> None:
        super().__init__()
        self.trunk, self.tail, self.head = trunk, tail, head
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1), persistent=False)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        """Class scores ``(N, K)`` for ``(N, 3, H, W)`` pixels.

        Parameters
        ----------
        pixels : torch.Tensor
            ``(N, 3, H, W)`` float pixels in 0..255.
        """
        return self.head(self.tail(self.trunk((pixels - self.mean) / self.std)))


@torch.no_grad()
def _run(module: nn.Module, inputs: torch.Tensor, prepare: Callable | None = None,
         desc: str = "", progress: bool = False, batch_size: int = 32) -> torch.Tensor:
    """``run_batched`` with a progress bar."""
    from tqdm.auto import tqdm

    module.eval()
    outputs = []
    for start in tqdm(range(0, len(inputs), batch_size), desc=desc, unit="batch",
                      disable=not progress, leave=False):
        batch = inputs[start:start + batch_size]
        batch = prepare(batch) if prepare is not None else batch.float()
        if batch.ndim == 4:
            batch = batch.contiguous(memory_format=torch.channels_last)
        outputs.append(module(batch))
    return torch.cat(outputs).contiguous()


def _scores(head: nn.Module, features: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    with torch.no_grad():
        logits = head(features)
    return (float((logits.argmax(1) == labels).float().mean()),
            float(F.cross_entropy(logits, labels)))


@dataclass
class Trained:
    """What :func:`train_on_folder` returns: the chosen model and how it was chosen."""

    model: FolderClassifier
    backbone: str
    cam_layer: str
    chosen: str
    history: dict
    seconds: float


def train_on_folder(train_images: torch.Tensor, train_labels: torch.Tensor,
                    val_images: torch.Tensor, val_labels: torch.Tensor, *,
                    backbone: str = "mobilenet_v2", epochs: int = 3, flipped: bool = False,
                    seed: int = 0, progress: bool = True) -> Trained:
    """Linear probe, then fine-tuning of the tail; keep whichever scores best on validation.

    Introduced in ``18_your_own_images.ipynb`` (notebook 07's recipe: AdamW 1e-4 for the
    pretrained blocks and 1e-3 for the head, weight decay 1e-4, BatchNorm in eval mode).

    Parameters
    ----------
    train_images, val_images : (N, 3, 224, 224) uint8 tensors
    train_labels, val_labels : (N,) int64 tensors
    backbone : {"mobilenet_v2", "resnet50"}
    epochs : int
        Fine-tuning epochs; the best epoch on validation is kept (accuracy, then loss).
    flipped : bool
        Also train on mirrored copies.
    seed : int
    progress : bool
        Progress bars for the feature pass and the epochs.

    Returns
    -------
    Trained
        ``chosen`` is ``"linear probe"`` or ``"fine-tuned, epoch k"``; ``history`` holds the
        validation accuracy and loss of the probe and of every epoch.
    """
    from tqdm.auto import tqdm

    start = time.perf_counter()
    net = load_backbone(backbone)
    num_classes = int(max(train_labels.max(), val_labels.max())) + 1
    mean, std = torch.tensor(net.mean).view(1, 3, 1, 1), torch.tensor(net.std).view(1, 3, 1, 1)

    def prepare(x: torch.Tensor) -> torch.Tensor:
        return (x.float() - mean) / std

    torch.manual_seed(seed)
    inputs = _run(net.trunk, train_images, prepare, "features, training images", progress)
    val_inputs = _run(net.trunk, val_images, prepare, "features, validation images", progress)
    targets = train_labels
    probe = fit_linear_head(_run(net.tail, inputs), train_labels, num_classes)
    val_features = _run(net.tail, val_inputs)
    probe_acc, probe_loss = _scores(probe, val_features, val_labels)
    history = {"probe": {"val_accuracy": probe_acc, "val_loss": probe_loss}, "fine_tune": []}
    if flipped:
        inputs = torch.cat([inputs, _run(net.trunk, train_images.flip(-1), prepare,
                                         "features, mirrored images", progress)])
        targets = torch.cat([train_labels, train_labels])
    best, best_key, chosen = (net.tail, probe), (probe_acc, -probe_loss), "linear probe"
    model = with_head(net.tail, probe)
    optimizer = torch.optim.AdamW([{"params": model[0].parameters(), "lr": 1e-4},
                                   {"params": model[1].parameters(), "lr": 1e-3}],
                                  weight_decay=1e-4)
    for epoch in tqdm(range(1, epochs + 1), desc="fine-tuning", unit="epoch",
                      disable=not progress):
        loss = train_classifier(model, inputs, targets, epochs=1, optimizer=optimizer,
                                freeze_batchnorm=True, seed=seed + epoch)[0]
        accuracy, val_loss = _scores(model, val_inputs, val_labels)
        history["fine_tune"].append({"epoch": epoch, "train_loss": loss,
                                     "val_accuracy": accuracy, "val_loss": val_loss})
        if (accuracy, -val_loss) > best_key:
            best, best_key = (copy.deepcopy(model[0]), copy.deepcopy(model[1])), (accuracy,
                                                                                   -val_loss)
            chosen = f"fine-tuned, epoch {epoch}"
    history["chosen"] = chosen
    classifier = FolderClassifier(net.trunk, best[0], best[1], net.mean, net.std).eval()
    return Trained(classifier, backbone, net.cam_layer, chosen, history,
                   time.perf_counter() - start)


def predict_probabilities(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """``(N, K)`` softmax probabilities of a :class:`FolderClassifier` on uint8 images.

    Parameters
    ----------
    model : torch.nn.Module
        A :class:`FolderClassifier`.
    images : torch.Tensor
        ``(N, 3, H, W)`` uint8 images.
    """
    return _run(model, images).softmax(1)


def _per_class_intervals(y_true: np.ndarray, y_pred: np.ndarray, k: int, n_resamples: int,
                         seed: int) -> dict[str, list[dict]]:
    """Precision, recall and F1 of each class with 95% percentile-bootstrap intervals.

    The resamples are the rows :func:`~course_utils.metrics.bootstrap_ci` draws with the same
    seed; the three metrics of every class come from one confusion matrix per resample (a
    ratio whose denominator is 0 counts 0, as in
    :func:`~course_utils.metrics.precision_recall_f1`).
    """
    def scores(t: np.ndarray, p: np.ndarray) -> np.ndarray:
        counts = np.bincount(t * k + p, minlength=k * k).reshape(k, k)
        hits, predicted, actual = np.diag(counts).astype(float), counts.sum(0), counts.sum(1)
        ratio = [(hits, predicted), (hits, actual), (2 * hits, predicted + actual)]
        return np.stack([np.divide(a, b, out=np.zeros(k), where=b > 0) for a, b in ratio])

    rng = np.random.default_rng(seed)
    n = len(y_true)
    samples = np.stack([scores(y_true[rows], y_pred[rows]) for rows in
                        (rng.integers(0, n, n) for _ in range(n_resamples))])
    estimate, (low, high) = scores(y_true, y_pred), np.quantile(samples, [0.025, 0.975], axis=0)
    return {what: [{"estimate": float(estimate[m, c]), "low": float(low[m, c]),
                    "high": float(high[m, c])} for c in range(k)]
            for m, what in enumerate(("precision", "recall", "f1"))}


def evaluation_report(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                      classes: tuple[str, ...], *, cam_layer: str, n_mistakes: int = 6,
                      n_resamples: int = 1000, seed: int = 0) -> dict:
    """Everything a test figure needs: metrics with intervals, confusion, explained mistakes.

    Introduced in ``18_your_own_images.ipynb``.

    Parameters
    ----------
    model : torch.nn.Module
        A trained :class:`FolderClassifier`.
    images : torch.Tensor
        ``(N, 3, H, W)`` uint8 test images.
    labels : torch.Tensor
        ``(N,)`` class indices.
    classes : tuple of str
        The class names, in index order.
    cam_layer : str
        The module whose Grad-CAM explains each mistake.
    n_mistakes : int
        How many mistakes (or closest calls) to explain.
    n_resamples : int
        Bootstrap resamples for every interval.
    seed : int
        Seeds the bootstrap.

    Returns
    -------
    dict
        ``accuracy`` and ``macro_f1`` (each ``{"estimate", "low", "high"}``, 95% bootstrap),
        ``per_class`` (``{class: {"precision", "recall", "f1": interval, "support": n}}``),
        ``confusion`` (``(K, K)`` list, rows true, columns predicted), ``mistakes`` (indices,
        most confident first), ``cam`` (``(M, H, W)`` Grad-CAM of each mistake's predicted
        class, in [0, 1]), ``probabilities`` and ``predictions``.
    """
    probs = predict_probabilities(model, images)
    y_true, y_pred = labels.numpy(), probs.argmax(1).numpy()
    k = len(classes)

    def interval(metric: Callable) -> dict:
        found = metrics.bootstrap_ci(metric, y_true, y_pred, n_resamples=n_resamples, seed=seed)
        return {"estimate": found.estimate, "low": found.low, "high": found.high}

    table = _per_class_intervals(y_true, y_pred, k, n_resamples, seed)
    report = {"accuracy": interval(metrics.accuracy),
              "macro_f1": interval(lambda t, p: metrics.precision_recall_f1(
                  t, p, labels=list(range(k)), average="macro").f1),
              "per_class": {name: {**{what: table[what][c] for what in table},
                                   "support": int((y_true == c).sum())}
                            for c, name in enumerate(classes)},
              "confusion": metrics.confusion_matrix(y_true, y_pred,
                                                    labels=list(range(k))).tolist(),
              "probabilities": probs, "predictions": y_pred, "n": len(y_true)}
    wrong = metrics.most_confident_mistakes(y_true, probs.numpy(), n=n_mistakes) \
        if (y_true != y_pred).any() else np.zeros(0, dtype=np.int64)
    report["mistakes"] = wrong
    if len(wrong):
        report["explained"], report["explained_kind"] = wrong, "mistakes"
    else:   # no mistake: explain the closest calls, the least confident predictions
        closest = np.argsort(probs.max(1).values.numpy(), kind="stable")[:n_mistakes]
        report["explained"], report["explained_kind"] = closest.astype(np.int64), "closest calls"
        report["accuracy"]["rule_of_three_low"] = 1 - 3 / len(y_true)
    picked = torch.from_numpy(report["explained"])
    maps = grad_cam(model, images[picked].float(), torch.from_numpy(y_pred[report["explained"]]),
                    layer=cam_layer)
    report["cam"] = heatmaps(maps, tuple(images.shape[2:]))
    return report


def export(model: nn.Module, folder: str | os.PathLike, example: torch.Tensor,
           check: torch.Tensor, calibration: torch.Tensor | None = None) -> dict:
    """Write ``model.onnx`` (and ``model_int8.onnx`` when ``calibration`` is given) to ``folder``.

    Introduced in ``18_your_own_images.ipynb`` (notebook 13's tools). ``check`` images (never
    test ones when a choice depends on it) measure the largest score difference between
    onnxruntime and PyTorch, and the int8 model's agreement with the fp32 one.

    Parameters
    ----------
    model : torch.nn.Module
        The trained classifier.
    folder : path-like
        Where the ONNX files go.
    example : torch.Tensor
        ``(N, 3, H, W)`` uint8 images; the first two trace the export.
    check : torch.Tensor
        ``(M, 3, H, W)`` uint8 images to compare the runtimes on.
    calibration : torch.Tensor, optional
        ``(C, 3, H, W)`` uint8 images to calibrate int8 quantisation; none: no int8 file.

    Returns
    -------
    dict
        ``onnx`` (path), ``onnx_max_difference``, and with calibration ``int8`` (path),
        ``int8_agreement``, ``int8_size_ratio``; or ``error`` when the deployment extra
        (onnx, onnxruntime) is not installed.
    """
    from course_utils.deploy import export_onnx, onnx_logits, onnx_session, quantize_onnx

    folder = Path(folder)
    try:
        path = export_onnx(model, folder / ONNX_FILE, example[:2].float())
        scores = onnx_logits(onnx_session(path), check)
    except ImportError as error:
        return {"error": f"ONNX export skipped: {error}. Install the deployment extra: "
                         "pip install 'course_utils[deploy]'."}
    with torch.no_grad():
        reference = _run(model, check)
    result = {"onnx": str(path), "onnx_max_difference": float((scores - reference).abs().max())}
    if calibration is not None:
        int8 = quantize_onnx(path, folder / INT8_FILE, calibration)
        int8_scores = onnx_logits(onnx_session(int8), check)
        result.update(int8=str(int8), int8_agreement=float(
            (int8_scores.argmax(1) == reference.argmax(1)).float().mean()),
            int8_size_ratio=int8.stat().st_size / path.stat().st_size)
    return result


def save_model(trained: Trained, classes: tuple[str, ...], path: str | os.PathLike) -> Path:
    """``{"state_dict", "classes", "backbone", "cam_layer"}`` in ``path``, as
    :func:`load_model` and ``python -m course_utils.serve`` read it.

    Parameters
    ----------
    trained : Trained
        The trained model with its backbone name and Grad-CAM layer.
    classes : tuple of str
        The class names, in index order.
    path : path-like
        The file to write (``model.pt``).
    """
    path = Path(path)
    torch.save({"state_dict": trained.model.state_dict(), "classes": list(classes),
                "backbone": trained.backbone, "cam_layer": trained.cam_layer}, path)
    return path


def load_model(path: str | os.PathLike) -> tuple[FolderClassifier, list[str], str]:
    """A model saved by :func:`save_model` (a run folder or its ``model.pt``): the model in
    eval mode, its class names and its Grad-CAM layer. Read with ``weights_only=True``.

    Parameters
    ----------
    path : path-like
        A run folder (``model.pt`` inside) or the file itself.
    """
    path = Path(path)
    path = check_file(path / MODEL_FILE if path.is_dir() else path, "model", suffixes=(".pt",))
    saved = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(saved, dict) or not {"state_dict", "classes"} <= saved.keys():
        raise InputError(f"{path} is not a saved classifier: expected 'state_dict' and "
                         "'classes'; write one with python -m course_utils train-folder.")
    net = load_backbone(saved.get("backbone", "mobilenet_v2"), pretrained=False)
    model = FolderClassifier(net.trunk, net.tail, nn.Linear(net.features, len(saved["classes"])),
                             net.mean, net.std)
    model.load_state_dict(saved["state_dict"])
    return model.eval(), list(saved["classes"]), saved.get("cam_layer", net.cam_layer)


def plot_examples(dataset, per_class: int = 6, title: str = ""):
    """The first ``per_class`` images of each class, one row per class.

    Parameters
    ----------
    dataset : ImageSet
        The images and their classes.
    per_class : int
        Images shown for each class.
    title : str
        The figure's title.
    """
    from course_utils.plots import show_images

    rows = [torch.nonzero(dataset.labels == c).flatten()[:per_class]
            for c in range(len(dataset.classes))]
    picked = torch.cat(rows)
    return show_images(dataset.images[picked], dataset.labels[picked],
                       classes=dataset.classes, ncols=per_class,
                       title=title or "a few images of each class")


def plot_confusion(confusion, classes: tuple[str, ...], title: str = ""):
    """The confusion matrix as counts: rows the true class, columns the prediction.

    Parameters
    ----------
    confusion : array-like
        ``(K, K)`` counts, rows the true class.
    classes : tuple of str
        The class names, in index order.
    title : str
        The figure's title.
    """
    from course_utils.plots import plot_heatmap

    fig = plot_heatmap(np.asarray(confusion), classes, classes, row_title="true class",
                       col_title="predicted class", fmt="{:.0f}",
                       title=title or "confusion matrix (test images)")
    fig.axes[0].tick_params(axis="x", labelrotation=25)
    fig.tight_layout()
    return fig


def plot_mistakes(images: torch.Tensor, labels: torch.Tensor, report: dict,
                  classes: tuple[str, ...], title: str = ""):
    """The most confident mistakes (or, with none, the closest calls): each photo above the
    Grad-CAM of the class predicted.

    Parameters
    ----------
    images : torch.Tensor
        ``(N, 3, H, W)`` uint8 test images.
    labels : torch.Tensor
        ``(N,)`` true classes.
    report : dict
        What :func:`evaluation_report` returned for those images.
    classes : tuple of str
        The class names, in index order.
    title : str
        The figure's title.
    """
    import matplotlib.pyplot as plt

    from course_utils.plots.palette import HEAT_CMAP, verdict

    shown, probs = report["explained"], report["probabilities"]
    fig, axes = plt.subplots(2, max(2, len(shown)), figsize=(2.1 * max(2, len(shown)), 4.9),
                             squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for column, (i, heat) in enumerate(zip(shown, report["cam"])):
        photo = images[int(i)].permute(1, 2, 0).numpy() / 255
        colour = plt.get_cmap(HEAT_CMAP)(heat.numpy())[..., :3]
        mark, verdict_colour = verdict(int(probs[i].argmax()) == int(labels[i]))
        axes[0, column].imshow(photo)
        axes[0, column].set_title(f"{mark} {classes[int(probs[i].argmax())]} "
                                  f"{float(probs[i].max()):.0%}\n(is {classes[int(labels[i])]})",
                                  fontsize=8, color=verdict_colour)
        axes[1, column].imshow(0.5 * photo + 0.5 * colour)
    kind = ("the most confident mistakes" if report["explained_kind"] == "mistakes" else
            "no mistakes; the least confident predictions")
    fig.suptitle(title or f"{kind}: prediction (true class); below, Grad-CAM of the prediction",
                 fontsize=10)
    fig.tight_layout()
    return fig


def _png_base64(figure, path: Path) -> str:
    import matplotlib.pyplot as plt

    figure.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _cells(interval: dict) -> str:
    return (f"<td>{interval['estimate']:.3f}</td><td>{interval['low']:.3f} – "
            f"{interval['high']:.3f}</td>")


def write_report(out: Path, summary: dict, evaluation: dict, figures: dict) -> Path:
    """``report.html``: the metrics table with intervals and every figure, in one page.

    Parameters
    ----------
    out : pathlib.Path
        The run folder.
    summary : dict
        The run's summary (as in ``metrics.json``), its ``warnings`` among them.
    evaluation : dict
        What :func:`evaluation_report` returned.
    figures : dict
        ``{title: base64-encoded PNG}``, embedded in the page.
    """
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th>" + "".join(_cells(m[key]) for key in
                                                      ("precision", "recall", "f1"))
        + f"<td>{m['support']}</td></tr>" for name, m in evaluation["per_class"].items())
    images = "".join(f"<h2>{html.escape(title)}</h2><img alt='{html.escape(title)}' "
                     f"src='data:image/png;base64,{data}'>" for title, data in figures.items())
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in summary["warnings"]) or \
        "<li>none</li>"
    skipped = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>"
                      for k, v in summary["skipped"].items()) or "<li>none</li>"
    no_mistake = "" if "rule_of_three_low" not in evaluation["accuracy"] else (
        f"; with no mistake the bootstrap cannot vary: by the rule of three the accuracy could "
        f"still be as low as {evaluation['accuracy']['rule_of_three_low']:.3f}")
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Report: {html.escape(summary['folder'])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto}}
td,th{{padding:.2em .8em;text-align:left;white-space:nowrap}} img{{max-width:100%}}
</style></head><body>
<h1>{html.escape(', '.join(summary['classes']))}: a classifier of your images</h1>
<p>{summary['images']} images from <code>{html.escape(summary['folder'])}</code>; split
{summary['split']['train']} / {summary['split']['validation']} / {summary['split']['test']}
(training / validation / test). Model: {html.escape(summary['backbone'])},
{html.escape(summary['chosen'])} (chosen on validation).</p>
<p>Test accuracy {evaluation['accuracy']['estimate']:.3f} (95% interval
{evaluation['accuracy']['low']:.3f} – {evaluation['accuracy']['high']:.3f}){no_mistake}, macro-F1
{evaluation['macro_f1']['estimate']:.3f} ({evaluation['macro_f1']['low']:.3f} –
{evaluation['macro_f1']['high']:.3f}), on {evaluation['n']} test images.</p>
<table><tr><th>class</th><th>precision</th><th>95%</th><th>recall</th><th>95%</th><th>F1</th>
<th>95%</th><th>test images</th></tr>{rows}</table>
{images}<h2>Checks of the folder</h2><ul>{warnings}</ul><h2>Files skipped</h2><ul>{skipped}</ul>
</body></html>"""
    path = out / "report.html"
    path.write_text(page)
    return path


def _jsonable(evaluation: dict) -> dict:
    keep = ("accuracy", "macro_f1", "per_class", "confusion", "n")
    return {key: evaluation[key] for key in keep}


def train_folder(folder: str | os.PathLike, out: str | os.PathLike, *, backbone: str = "auto",
                 epochs: int | None = None, size: int = 224, validation: float = 0.2,
                 test: float = 0.2, seed: int = 0, cache: bool | str | os.PathLike = True,
                 int8: bool = True, onnx: bool = True,
                 progress: bool = True, log: Callable[[str], None] = print) -> dict:
    """Every step on a folder of ``root/<class>/*`` images; the report goes to ``out``.

    Introduced in ``18_your_own_images.ipynb``; what ``python -m course_utils train-folder``
    runs. Writes ``model.pt``, ``model.onnx`` (and ``model_int8.onnx``), ``classes.txt``,
    ``settings.json``, ``metrics.json``, ``folder.txt`` (every file skipped and why),
    ``examples.png``, ``confusion.png``, ``mistakes.png`` and ``report.html``.

    Parameters
    ----------
    folder : path-like
        ``root/<class>/*`` images.
    out : path-like
        The run folder for the model, the report and the settings.
    backbone : {"auto", "mobilenet_v2", "resnet50"}
        The pretrained network (see :func:`choose_backbone`).
    epochs : int, optional
        Fine-tuning epochs (default 3; 1 in fast mode).
    size : int
        Side of the square the images are resized and cropped to.
    validation, test : float
        Share of each class held out for validation and for the test.
    seed : int
        Seeds the split and the training.
    cache : bool or path-like
        Keep decoded images on disk (True: in the course's cache folder; or this folder).
    int8 : bool
        Also write and check an int8 ONNX model.
    onnx : bool
        Write the ONNX files at all.
    progress : bool
        Show progress bars.
    log : callable
        Receives one line per step.

    Returns
    -------
    dict
        The settings and the summary written to ``settings.json`` and ``metrics.json``.
    """
    start = time.perf_counter()
    epochs = by_mode(full=3, fast=1) if epochs is None else epochs
    settings = {"folder": str(Path(folder).resolve()), "out": str(Path(out).resolve()),
                "backbone": choose_backbone(backbone), "backbone_requested": backbone,
                "epochs": epochs, "size": size, "validation": validation, "test": test,
                "seed": seed, "cache": str(cache), "int8": int8, "onnx": onnx,
                "fast_mode": os.environ.get("COURSE_FAST", "0"),
                "python": platform.python_version(),
                "torch": torch.__version__, "threads": torch.get_num_threads()}
    steps, mark = {}, time.perf_counter()

    def step(name: str) -> None:
        nonlocal mark
        steps[name] = round(time.perf_counter() - mark, 2)
        mark = time.perf_counter()

    data = load_image_folder(folder, size, cache=cache, progress=progress)
    step("load")
    report = data.meta["report"]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "folder.txt").write_text(report.summary() + "\n")
    log(f"{len(data)} images in {len(data.classes)} classes {data.class_counts()}, "
        f"{report.from_cache} from the cache; {len(report.skipped)} files skipped "
        f"(listed in {out / 'folder.txt'})")
    audit = audit_folder(data)
    for line in audit.warnings():
        log("check: " + line)
    train_idx, val_idx, test_idx = split_three_ways(data.labels, validation, test, seed)
    step("check and split")
    trained = train_on_folder(data.images[train_idx], data.labels[train_idx],
                              data.images[val_idx], data.labels[val_idx],
                              backbone=settings["backbone"], epochs=epochs, seed=seed,
                              progress=progress)
    log(f"{settings['backbone']}: {trained.chosen} chosen on validation "
        f"({trained.seconds:.0f} s of training)")
    step("train")
    save_model(trained, data.classes, out / MODEL_FILE)
    (out / "classes.txt").write_text("".join(f"{name}\n" for name in data.classes))
    deployed = export(trained.model, out, data.images[val_idx], data.images[val_idx],
                      data.images[train_idx][:32] if int8 else None) if onnx else \
        {"skipped": "no ONNX export (--no-export)"}
    step("export")
    evaluation = evaluation_report(trained.model, data.images[test_idx],
                                   data.labels[test_idx], data.classes,
                                   cam_layer=trained.cam_layer,
                                   n_resamples=by_mode(full=1000, fast=200), seed=seed)
    step("evaluate")
    figures = {"A few images of each class": plot_examples(data),
               "Confusion matrix (test images)": plot_confusion(evaluation["confusion"],
                                                                data.classes)}
    title = ("Most confident mistakes and their Grad-CAM" if evaluation["explained_kind"] ==
             "mistakes" else "No mistakes: the closest calls and their Grad-CAM")
    figures[title] = plot_mistakes(data.images[test_idx], data.labels[test_idx], evaluation,
                                   data.classes)
    files = ("examples.png", "confusion.png", "mistakes.png")
    encoded = {title: _png_base64(figure, out / name)
               for (title, figure), name in zip(figures.items(), files)}
    summary = {"folder": report.root, "classes": list(data.classes), "images": len(data),
               "from_cache": report.from_cache, "skipped": report.skipped,
               "warnings": audit.warnings(), "backbone": trained.backbone,
               "chosen": trained.chosen, "history": trained.history,
               "split": {"train": len(train_idx), "validation": len(val_idx),
                         "test": len(test_idx)},
               "test": _jsonable(evaluation), "export": deployed}
    write_report(out, summary, evaluation, encoded)
    step("report")
    summary["step_seconds"] = steps
    summary["seconds"] = round(time.perf_counter() - start, 1)
    (out / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    (out / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n")
    accuracy = evaluation["accuracy"]
    log(f"test accuracy {accuracy['estimate']:.3f} (95% interval {accuracy['low']:.3f}-"
        f"{accuracy['high']:.3f}) on {len(test_idx)} images; report: {out / 'report.html'}")
    log(f"serve it: python -m course_utils.serve --model {out}")
    return {"settings": settings, **summary}

