"""The ε explorer: an image, its FGSM perturbation (amplified) and the model's top predictions,
with a slider for the size ε of the perturbation.

Introduced in ``12_adversarial_robustness.ipynb``. The FGSM direction ``sign(∇_x loss)`` does not
depend on ε, so it is computed once; then one forward pass per ε, when the explorer is built,
renders the picture and the top predictions of every setting
(:mod:`~course_utils.explorers.frames`), and the slider switches them in the browser.
:class:`EpsilonExplorer` is the widget; :func:`show_epsilon` draws the same picture without a
kernel running.

The slider reads ε in the lesson's unit, the same at every setting: in 255ths of the pixel range
for photos (``4/255``), as a fraction of it for digits (``0.15``). The middle panel shows the
perturbation amplified by one factor for every ε (:func:`amplification`), so it grows as the
slider moves, and its title says by how much.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from course_utils.attacks import frozen_eval, input_gradient
from course_utils.env import torch_threads
from course_utils.explorers import _widgets
from course_utils.explorers.frames import Frame, FramedExplorer, FrameStack, index_slider
from course_utils.explorers.layout import describe
from course_utils.plots.canvas import hstack_panels, show_canvas, upscale, with_title
from course_utils.validation import InputError, check_eps, check_positive_int, check_unit_images

MNIST_EPS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
PHOTO_EPS = (0.0, 0.5 / 255, 1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255)


def _as_batch(image: torch.Tensor) -> torch.Tensor:
    """A ``(C, H, W)`` uint8 or [0, 1] float image as a checked ``(1, C, H, W)`` float batch."""
    if not isinstance(image, torch.Tensor) or image.ndim != 3 or image.shape[0] not in (1, 3):
        got = tuple(image.shape) if isinstance(image, torch.Tensor) else type(image).__name__
        raise InputError(f"image must be one (C, H, W) tensor with C = 1 or 3, got {got}.")
    x = image.float() / 255 if image.dtype == torch.uint8 else image.float()
    return check_unit_images(x[None])


def fgsm_direction(model: nn.Module, image: torch.Tensor, label: int) -> torch.Tensor:
    """``sign(∇_x CE)`` for one ``(C, H, W)`` image and its class: ``(C, H, W)`` of -1, 0, 1.

    Parameters
    ----------
    model : nn.Module
    image : torch.Tensor
    label : int
    """
    x = _as_batch(image)
    with frozen_eval(model):
        grad = input_gradient(model, x, torch.tensor([int(label)], device=x.device))
    return grad[0].sign()


@torch.no_grad()
def attack_view(model: nn.Module, image: torch.Tensor, direction: torch.Tensor,
                eps: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The FGSM image at ``eps`` and the model's class probabilities for it.

    Returns ``(C, H, W)`` adversarial image in [0, 1] and ``(K,)`` probabilities.

    Parameters
    ----------
    model : nn.Module
    image : torch.Tensor
    direction : torch.Tensor
    eps : float
    """
    x = _as_batch(image)[0]
    adv = (x + check_eps(eps) * direction.to(x)).clamp(0, 1)
    with frozen_eval(model):
        probs = model(adv[None]).softmax(1)[0]
    return adv, probs


def eps_label(eps: float, photo: bool) -> str:
    """ε in the lesson's unit: ``"4/255"`` for photos, ``"0.15"`` for digits.

    Parameters
    ----------
    eps : float
        In [0, 1] pixel units.
    photo : bool
        A colour photo (255ths) rather than a digit (fractions).
    """
    return f"{eps * 255:g}/255" if photo else f"{eps:.2f}"


def amplification(eps_values: Sequence[float]) -> int:
    """The factor the middle panel multiplies the perturbation by: the largest whole number that
    keeps the largest ε within the panel's range (1 for digits, 7 for photos by default).

    Parameters
    ----------
    eps_values : sequence of float
        The explorer's settings.
    """
    largest = max(check_eps(e) for e in eps_values)
    return max(1, int(0.5 / largest)) if largest > 0 else 1


def render_attack(image: torch.Tensor, adversarial: torch.Tensor, zoom: int = 1, *,
                  gain: int = 1, eps_text: str = "") -> np.ndarray:
    """Image | perturbation × ``gain`` (gray = unchanged) | adversarial image, titled, as RGB.

    Parameters
    ----------
    image : (C, H, W) tensor
        The clean image, uint8 or float in [0, 1].
    adversarial : (C, H, W) tensor in [0, 1]
    zoom : int
        Pixel repetition.
    gain : int
        The perturbation's amplification, the same at every ε (:func:`amplification`).
    eps_text : str
        ε as the slider reads it, for the right panel's title.
    """
    x = _as_batch(image)[0]

    def rgb(t: torch.Tensor) -> np.ndarray:
        array = (t.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).cpu().numpy()
        return array.repeat(3, axis=2) if array.shape[2] == 1 else array

    shown = (adversarial - x) * gain + 0.5
    titles = ("image", f"perturbation x{gain}",
              f"attacked, eps {eps_text}" if eps_text else "attacked")
    return hstack_panels([with_title(upscale(rgb(p), zoom), title)
                          for p, title in zip((x, shown, adversarial), titles)])


def _readout(eps: float, probs: torch.Tensor, classes: Sequence[str], label: int, top: int,
             html: bool = True, *, photo: bool, gain: int) -> str:
    values, indices = probs.topk(min(top, len(probs)))
    names = [f"{classes[int(i)].split(',')[0]} {float(v):.2f}" for v, i in zip(values, indices)]
    if html:
        names[0] = f"<b>{names[0]}</b>"
    return (f"ε = {eps_label(eps, photo)} (true class: {classes[int(label)].split(',')[0]}); "
            f"left: image, middle: perturbation amplified ×{gain} (gray = unchanged), right: "
            "attacked image; top: " + ", ".join(names))


def _check_classes(classes: Sequence[str], probs: torch.Tensor, label: int) -> None:
    if len(classes) != len(probs):
        raise InputError(f"classes has {len(classes)} names but the model has {len(probs)} "
                         "outputs; pass one name per output.")
    if not 0 <= int(label) < len(classes):
        raise InputError(f"label must be a class index in [0, {len(classes)}), got {label}.")


def show_epsilon(model: nn.Module, image: torch.Tensor, label: int, classes: Sequence[str], *,
                 eps: float, top: int = 3, zoom: int | None = None,
                 eps_values: Sequence[float] | None = None) -> Figure:
    """Static twin of :class:`EpsilonExplorer` at one ``eps``.

    Parameters
    ----------
    model : nn.Module
        ``(1, C, H, W)`` images in [0, 1] to ``(1, K)`` logits.
    image : (C, H, W) tensor, uint8 or float in [0, 1]
    label : int
        The image's true class (the FGSM step raises its loss).
    classes : sequence of str
        K class names.
    eps : float
    top : int
        Predictions listed.
    zoom : int, optional
        Pixel repetition; default makes small images about 200 pixels wide.
    eps_values : sequence of float, optional
        The explorer's settings, which set the perturbation's amplification (default as in
        :class:`EpsilonExplorer`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_positive_int(top, "top")
    direction = fgsm_direction(model, image, label)
    adv, probs = attack_view(model, image, direction, eps)
    _check_classes(classes, probs, label)
    zoom = zoom or max(1, 200 // image.shape[-1])
    photo = _is_photo(image)
    gain = amplification(eps_values or default_eps(image))
    text = _readout(eps, probs, classes, label, top, html=False, photo=photo,
                    gain=gain).replace("; top:", ";\ntop:")
    return show_canvas(render_attack(image, adv, zoom, gain=gain,
                                     eps_text=eps_label(eps, photo)), text)


def _is_photo(image: torch.Tensor) -> bool:
    """A colour photo (ε in 255ths) rather than a gray digit (ε as a fraction)."""
    return image.shape[0] == 3


def default_eps(image: torch.Tensor) -> tuple[float, ...]:
    """:data:`PHOTO_EPS` for a colour ``(3, H, W)`` image, :data:`MNIST_EPS` for a gray one.

    Parameters
    ----------
    image : (C, H, W) tensor
    """
    return PHOTO_EPS if _is_photo(image) else MNIST_EPS


class EpsilonExplorer(FramedExplorer):
    """Widget: an ε slider; the image, its FGSM perturbation and the top predictions.

    Every ε is attacked (one forward pass each) when the explorer is built; the slider then
    switches pictures and readouts in the browser. The slider reads ε (``value``; ``index`` is
    the frame).

    Parameters
    ----------
    model : nn.Module
        ``(1, C, H, W)`` images in [0, 1] to ``(1, K)`` logits (normalisation inside).
    image : (C, H, W) tensor, uint8 or float in [0, 1]
    label : int
        The image's true class.
    classes : sequence of str
        K class names.
    eps_values : sequence of float
        The slider's settings (default :data:`PHOTO_EPS` for colour images, :data:`MNIST_EPS`
        for gray ones).
    top : int
    zoom : int, optional
        Pixel repetition of the canvas (default: about 200 pixels per panel).

    Attributes
    ----------
    image, readout : ipywidgets.Image, ipywidgets.HTML
        The picture and readout shown now (for the slider's ε), from :class:`FramedExplorer`.
    original : (C, H, W) tensor
        The image attacked.
    adversarial : (C, H, W) tensor
        The attacked image shown now.
    probs : (K,) tensor
        The model's probabilities for it.
    """

    def __init__(self, model: nn.Module, image: torch.Tensor, label: int,
                 classes: Sequence[str], *, eps_values: Sequence[float] | None = None,
                 top: int = 3, zoom: int | None = None) -> None:
        self.model, self.original, self.label, self.classes = model, image, int(label), classes
        self.eps_values = tuple(check_eps(e) for e in (eps_values or default_eps(image)))
        self.top = check_positive_int(top, "top")
        self.zoom = zoom or max(1, 200 // image.shape[-1])
        self.photo, self.gain = _is_photo(image), amplification(self.eps_values)
        self.direction = fgsm_direction(model, image, label)
        w = _widgets.widgets()
        unit = "in 255ths of the pixel range" if self.photo else "as a fraction of the pixel range"
        self.slider = describe(
            index_slider("ε", self.eps_values, self.eps_values[min(3, len(self.eps_values) - 1)],
                         "course-eps", labels=[eps_label(e, self.photo) for e in self.eps_values]),
            "ε", f"ε, the largest change of any pixel ({unit}): the size of the FGSM step.")
        self.frames = FrameStack(self.slider, self._render,
                                 image_classes=("course-eps-image", "course-pixelated"),
                                 text_classes=("course-eps-readout",))
        self.update()
        self.widget = w.VBox([w.HTML(_widgets.PIXELATED_CSS), self.slider, self.frames.view,
                              self.frames.text_view])

    adversarial = FramedExplorer.shown_result(0, "The ``(C, H, W)`` attacked image shown now.")
    probs = FramedExplorer.shown_result(
        1, "The ``(K,)`` probabilities of the attacked image shown now.")

    def _render(self, i: int) -> Frame:
        """The picture and top predictions at ε = ``eps_values[i]``."""
        eps = self.eps_values[i]
        with torch_threads(1):
            adversarial, probs = attack_view(self.model, self.original, self.direction, eps)
        _check_classes(self.classes, probs, self.label)
        return Frame(render_attack(self.original, adversarial, self.zoom, gain=self.gain,
                                   eps_text=eps_label(eps, self.photo)), 1.0,
                     _readout(eps, probs, self.classes, self.label, self.top, photo=self.photo,
                              gain=self.gain),
                     result=(adversarial, probs))
