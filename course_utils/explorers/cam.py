"""The CAM explorer: where a network finds the evidence for a class, over the photo.

Introduced in ``09_looking_inside_cnns.ipynb``. Pick an image (or upload one), a target class
(the top predictions and any classes you add, e.g. a wrong one), a method (Grad-CAM at any of
the offered layers, or CAM at the layer before the global pooling), a layer and the overlay's
opacity.

For each image, one forward pass records the offered layers and one backward pass per class
gives their Grad-CAMs; all maps are cached, so a change of layer, class or method only blends and
encodes PNGs: one per opacity step, rendered ahead of time (:mod:`~course_utils.explorers.frames`),
so the opacity slider switches them in the browser. :class:`CamExplorer` is the widget;
:func:`show_cam` draws the same picture.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from course_utils.data.photos import decode_photo
from course_utils.env import torch_threads
from course_utils.explain import grad_cam_from, heatmaps, record_activations
from course_utils.explain.hooks import get_layer
from course_utils.explorers import _widgets
from course_utils.explorers.frames import Frame, FramedExplorer, FrameStack, index_slider
from course_utils.explorers.layer_maps import check_display_images
from course_utils.explorers.layout import describe, set_enabled
from course_utils.explorers.photo_upload import PhotoPicker, upload_button
from course_utils.plots.canvas import render_overlay, show_canvas
from course_utils.validation import InputError, check_probability

METHODS = ("Grad-CAM", "CAM")
OPACITIES = tuple(i / 10 for i in range(11))
"""The opacity slider's settings: 0, 0.1, ..., 1."""


def cam_views(model: nn.Module, image: torch.Tensor, *, layers: Sequence[str],
              classes: Sequence[int], prepare: Callable[[torch.Tensor], torch.Tensor],
              classifier: str | None = None) -> tuple[dict, torch.Tensor]:
    """Every map the explorer can show for one image.

    Parameters
    ----------
    model : nn.Module in eval mode
    image : (C, H, W) uint8 tensor
    layers : layer names for Grad-CAM; the last one also gets CAM when ``classifier`` is given
    classes : class indices
    prepare : callable, uint8 ``(1, C, H, W)`` -> the model's input
    classifier : str, optional
        The ``nn.Linear`` after the global average pooling of ``layers[-1]`` (for CAM).

    Returns
    -------
    maps : dict of (method, layer, class) -> (h, w) tensor, at the layer's resolution
    probabilities : (K,) tensor, the model's softmax output for the image
    """
    device = next(model.parameters()).device
    x = prepare(image[None]).to(device)
    maps = {}
    with torch.enable_grad(), torch_threads(1), \
            record_activations(model, layers, detach=False) as acts:
        logits = model(x)
        for name in layers:
            if acts[name].ndim != 4:
                raise InputError(f"layer {name!r} outputs shape {tuple(acts[name].shape)}, not "
                                 "maps; pick convolutional layers or blocks.")
        for c in classes:
            if not 0 <= c < logits.shape[1]:
                raise InputError(f"class index {c} is out of range: the model has "
                                 f"{logits.shape[1]} outputs.")
            grads = torch.autograd.grad(logits[0, c], [acts[n] for n in layers], retain_graph=True)
            for name, grad in zip(layers, grads):
                maps["Grad-CAM", name, c] = grad_cam_from(acts[name].detach(), grad)[0].cpu()
    if classifier is not None:
        weight = get_layer(model, classifier).weight.detach()
        last = acts[layers[-1]].detach()[0]
        if weight.shape[1] != last.shape[0]:
            raise InputError(f"classifier {classifier!r} reads {weight.shape[1]} features but "
                             f"{layers[-1]!r} has {last.shape[0]} channels: CAM needs the layer "
                             "just before the global average pooling as the last layer.")
        for c in classes:
            maps["CAM", layers[-1], c] = torch.einsum("k,khw->hw", weight[c], last).cpu()
    return maps, logits.detach()[0].softmax(0).cpu()


def _check_opacity(opacity: float) -> float:
    return check_probability(opacity, "opacity", hint="0 shows the photo, 1 only the heat map.")


def show_cam(model: nn.Module, image: torch.Tensor, target: int, *, layer: str,
             prepare: Callable[[torch.Tensor], torch.Tensor], method: str = "Grad-CAM",
             classifier: str | None = None, opacity: float = 0.5,
             class_names: Sequence[str] | None = None) -> Figure:
    """Static twin of :class:`CamExplorer`: one image, class, method and layer.

    Parameters
    ----------
    model : nn.Module in eval mode
    image : (C, H, W) uint8 tensor
    target : int, the class explained
    layer : str
    prepare : callable, uint8 ``(1, C, H, W)`` -> the model's input
    method : {"Grad-CAM", "CAM"}
        CAM needs ``classifier`` and ``layer`` = the layer before the global pooling.
    classifier : str, optional
    opacity : float in [0, 1]
    class_names : sequence of str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if method not in METHODS:
        raise InputError(f"method must be one of {METHODS}, got {method!r}.")
    if method == "CAM" and classifier is None:
        raise InputError("CAM needs classifier= the nn.Linear after the global pooling.")
    image = check_display_images(image[None] if isinstance(image, torch.Tensor) else image)[0]
    maps, probs = cam_views(model.eval(), image, layers=[layer], classes=[int(target)],
                            prepare=prepare, classifier=classifier if method == "CAM" else None)
    heat = heatmaps(maps[method, layer, int(target)][None], tuple(image.shape[1:]))[0]
    name = class_names[target] if class_names is not None else f"class {target}"
    return show_canvas(render_overlay(image, heat, _check_opacity(opacity)),
                       f"{method} at {layer} for {name!r} (p = {probs[target]:.2f}); "
                       "colour bar: bright yellow = strongest evidence (1), black = none (0)")


class CamExplorer(FramedExplorer, PhotoPicker):
    """Widget: image, target class, method, layer and overlay opacity.

    Parameters
    ----------
    model : nn.Module
        Put in eval mode by the explorer.
    images : (N, C, H, W) uint8 tensor
    prepare : callable, uint8 ``(1, C, H, W)`` -> the model's input
    layers : sequence of str
        Layers offered for Grad-CAM, input to output; the last is the one before the pooling.
    classifier : str, optional
        The ``nn.Linear`` after the pooling, which makes CAM available at ``layers[-1]``.
    class_names : sequence of str, one per model output
    top : int
        How many of the top predicted classes the class menu offers per image.
    extra_classes : sequence of int
        Always offered too (e.g. a cat class and a dog class, to see a wrong class's map).
    names : sequence of str, optional, one caption per image
    opacity : float in [0, 1]
        Starting opacity, rounded to the slider's steps of 0.1.
    zoom : float
        Display pixels per canvas pixel.

    Attributes
    ----------
    image : ipywidgets.Image
        The overlay shown now (for the slider's opacity).
    """

    def __init__(self, model: nn.Module, images: torch.Tensor, *,
                 prepare: Callable[[torch.Tensor], torch.Tensor], layers: Sequence[str],
                 class_names: Sequence[str], classifier: str | None = None, top: int = 3,
                 extra_classes: Sequence[int] = (), names: Sequence[str] | None = None,
                 opacity: float = 0.5, zoom: float = 1.0) -> None:
        self.model = model.eval()
        self.images = list(check_display_images(images))
        self.prepare, self.layers, self.classifier = prepare, list(layers), classifier
        if not self.layers:
            raise InputError("layers is empty; pass the names of the layers to explain.")
        for name in self.layers + ([classifier] if classifier else []):
            get_layer(self.model, name)
        self.class_names, self.top = list(class_names), top
        self.extra_classes = [int(c) for c in extra_classes]
        bad = [c for c in self.extra_classes if not 0 <= c < len(self.class_names)]
        if bad:
            raise InputError(f"extra_classes {bad} are out of range: there are "
                             f"{len(self.class_names)} classes.")
        names = list(names) if names is not None else [f"image {i}" for i in range(len(images))]
        if len(names) != len(self.images):
            raise InputError(f"names has {len(names)} entries for {len(self.images)} images.")
        self.zoom = zoom
        self._cache: dict[int, tuple[dict, torch.Tensor, list[int]]] = {}
        self._heat: dict[tuple, np.ndarray] = {}
        w = _widgets.widgets()
        self.picker = describe(w.Dropdown(options=[(n, i) for i, n in enumerate(names)], value=0),
                               "image", "The photo explained.")
        self.class_menu = describe(w.Dropdown(layout=w.Layout(width="420px")), "class",
                                   "The class whose evidence the map shows.")
        methods = METHODS if classifier else METHODS[:1]
        self.method = describe(w.ToggleButtons(options=list(methods), value="Grad-CAM"),
                               "method", "How the map is computed: Grad-CAM (any layer) or CAM "
                               "(the layer before the pooling).")
        self.layer_slider = describe(
            w.SelectionSlider(options=self.layers, value=self.layers[-1], continuous_update=True,
                              style={"description_width": "80px"},
                              layout=w.Layout(width="520px")),
            "layer", "The layer whose maps Grad-CAM weighs: early layers are sharper, late ones "
            "know more about the class.")
        self.layer_slider.add_class("course-cam-layer")
        nearest = min(OPACITIES, key=lambda v: abs(v - _check_opacity(opacity)))
        self.opacity = describe(
            index_slider("opacity", OPACITIES, nearest, "course-opacity",
                         labels=[f"{v:.1f}" for v in OPACITIES]),
            "opacity", "Opacity of the heat map over the photo: 0 shows the photo alone.")
        self.frames = FrameStack(self.opacity, self._render, image_classes=("course-cam",))
        self._readout = w.HTML()  # one readout for every opacity: not in the frames
        self._readout.add_class("course-cam-readout")
        self.message = w.HTML()
        size, channels = self.images[0].shape[1], self.images[0].shape[0]
        self.upload = upload_button(lambda name, data: self.add_photo(
            name, decode_photo(data, size, channels)), self.message)
        self._quiet = False
        self._fill_classes()
        self.update()
        self.picker.observe(self._on_image, "value")
        for control in (self.class_menu, self.method, self.layer_slider):
            control.observe(lambda change: self.update(), "value")
        self.widget = w.VBox([w.HBox([self.picker, self.upload]), self.message, self.class_menu,
                              self.method, self.layer_slider, self.opacity, self.frames.view,
                              self._readout])

    @property
    def readout(self):
        """The ``ipywidgets.HTML`` readout (the same at every opacity)."""
        return self._readout

    def views(self, index: int) -> tuple[dict, torch.Tensor, list[int]]:
        """The maps, probabilities and offered classes of image ``index`` (computed once).

        Parameters
        ----------
        index : int
        """
        if index not in self._cache:
            with torch.no_grad(), torch_threads(1):
                probs = self.model(self.prepare(self.images[index][None]).to(
                    next(self.model.parameters()).device))[0].softmax(0).cpu()
            classes = probs.topk(self.top).indices.tolist()
            classes += [c for c in self.extra_classes if c not in classes]
            maps, probs = cam_views(self.model, self.images[index], layers=self.layers,
                                    classes=classes, prepare=self.prepare,
                                    classifier=self.classifier)
            self._cache[index] = (maps, probs, classes)
        return self._cache[index]

    def _fill_classes(self) -> None:
        _, probs, classes = self.views(self.picker.value)
        self._quiet = True
        try:
            self.class_menu.options = [(f"{self.class_names[c]} (p = {probs[c]:.2f})", c)
                                       for c in classes]
            self.class_menu.value = classes[0]
        finally:
            self._quiet = False

    def _on_image(self, change) -> None:
        self._fill_classes()
        self.update()

    def heat(self) -> tuple[np.ndarray, str]:
        """The current ``(H, W)`` heat map in [0, 1] and the layer it comes from."""
        method, target = self.method.value, self.class_menu.value
        layer = self.layers[-1] if method == "CAM" else self.layer_slider.value
        key = (self.picker.value, method, layer, target)
        if key not in self._heat:
            maps = self.views(self.picker.value)[0]
            size = tuple(self.images[self.picker.value].shape[1:])
            self._heat[key] = heatmaps(maps[method, layer, target][None], size)[0].numpy()
        return self._heat[key], layer

    def update(self) -> None:
        """Blend the current map over the photo at every opacity, and write the readout."""
        if self._quiet:
            return
        set_enabled(self.layer_slider, self.method.value != "CAM",
                    "CAM exists only at the layer before the pooling")
        self.frames.refresh()
        layer = self.heat()[1]
        index, target = self.picker.value, self.class_menu.value
        probs = self.views(index)[1]
        note = (" (CAM exists only at the layer before the pooling)"
                if self.method.value == "CAM" and layer != self.layer_slider.value else "")
        self._readout.value = (f"<b>{self.method.value}</b> at <b>{layer}</b>{note} for "
                              f"<b>{self.class_names[target]}</b> (p = {probs[target]:.2f}); "
                              "over the photo (opacity 0: the photo alone); bright yellow = "
                              "strongest evidence, black = none, each map scaled to its own "
                              "maximum (the colour bar)")

    def _render(self, i: int) -> Frame:
        """The photo under the current heat map at opacity ``OPACITIES[i]``."""
        return Frame(render_overlay(self.images[self.picker.value], self.heat()[0], OPACITIES[i]),
                     self.zoom)
