"""Checkers for the exercises of ``07_transfer_learning.ipynb``."""

from __future__ import annotations

import itertools
from typing import Callable

import torch
from torch import nn
from torchvision.models import mobilenet_v2

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, correct, not_answered, wrong

EGYPTIAN_CAT = 285  # in torchvision's 1000-class numbering


def check_preprocess(fn: Callable[[torch.Tensor], torch.Tensor]) -> Feedback:
    """Exercise 1: ``fn(pixels)`` turns 0..255 uint8 pixels into the TFLite model's real inputs."""
    hint = ("The input tensor has scale 1/128 and zero point 128: real = scale * (q - zero point). "
            "Convert to float before subtracting.")
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function of a uint8 tensor, got {type(fn).__name__}.", hint)
    pixels = torch.tensor([0, 1, 127, 128, 200, 255], dtype=torch.uint8).view(1, 3, 1, 2)
    try:
        got = fn(pixels.clone())
    except Exception as error:  # the learner's code may fail in any way
        return wrong(f"Your function raised {type(error).__name__}: {error}", hint)
    if not isinstance(got, torch.Tensor) or not got.is_floating_point():
        return wrong(f"It returned {type(got).__name__} {getattr(got, 'dtype', '')}; expected a "
                     "float tensor.", hint)
    if got.shape != pixels.shape:
        return wrong(f"It changed the shape from {tuple(pixels.shape)} to {tuple(got.shape)}.", hint)
    expected = (pixels.float() - 128) / 128
    if torch.allclose(got, expected, atol=1e-6):
        return correct("Pixel 0 becomes -1, 128 becomes 0 and 255 becomes 127/128.")
    if torch.allclose(got, pixels.float() / 255, atol=1e-4):
        return wrong("That is x / 255, in [0, 1]; this model was trained on [-1, 1).", hint)
    if torch.allclose(got, (pixels.float() - 127.5) / 127.5, atol=1e-4):
        return wrong("Close: that is (x - 127.5) / 127.5. The file's zero point is 128 exactly.",
                     hint)
    return wrong(f"For pixels {pixels.flatten().tolist()} it returned "
                 f"{[round(v, 4) for v in got.flatten().tolist()]}.", hint)


def _tf_same(size: int, kernel: int, stride: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def check_same_padding(fn: Callable[[int, int, int], tuple[int, int]]) -> Feedback:
    """Exercise 2: ``fn(size, kernel, stride)`` returns TensorFlow's SAME padding (before, after)."""
    hint = ("SAME keeps out = ceil(size / stride). The total padding is "
            "(out - 1) * stride + kernel - size (never below 0); the odd pixel goes after.")
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function of (size, kernel, stride), got {type(fn).__name__}.",
                     hint)
    for size, kernel, stride in itertools.product((7, 14, 15, 224, 225), (1, 3, 5), (1, 2)):
        try:
            got = fn(size, kernel, stride)
        except Exception as error:  # the learner's code may fail in any way
            return wrong(f"Your function raised {type(error).__name__}: {error}", hint)
        expected = _tf_same(size, kernel, stride)
        pair = tuple(got) if isinstance(got, (tuple, list)) else got
        if pair == expected:
            continue
        where = f"For size={size}, kernel={kernel}, stride={stride} it returned {got!r}"
        if pair == expected[::-1]:
            return wrong(f"{where}; TensorFlow gives {expected}: the extra pixel goes at the "
                         "end (bottom/right), not the start.", hint)
        if pair == (kernel // 2, kernel // 2):
            return wrong(f"{where}: that is PyTorch's symmetric padding; TensorFlow gives "
                         f"{expected}.", hint)
        return wrong(f"{where}; TensorFlow gives {expected}.", hint)
    return correct("On 224 pixels a 3x3 stride-2 conv pads (0, 1): that is why the conversion "
                   "needs SamePadConv2d.")


def check_egyptian_cat(answer: object) -> Feedback:
    """Exercise 3: (index in the shipped model's 1001 outputs, index in torchvision's 1000)."""
    hint = ("Find 'Egyptian cat' in imagenet_labels(): that is its index in the shipped model. "
            "torchvision's models have no 'background' class at index 0.")
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return wrong(f"Expected a pair (shipped index, torchvision index), got {answer!r}.", hint)
    shipped, torchvision_index = answer
    if (shipped, torchvision_index) == (EGYPTIAN_CAT + 1, EGYPTIAN_CAT):
        return correct("The shipped model's outputs are shifted by one: index 0 is background.")
    if shipped == torchvision_index:
        return wrong("The two indices cannot be equal: one model has a background class first.",
                     hint)
    if (shipped, torchvision_index) == (EGYPTIAN_CAT + 2, EGYPTIAN_CAT + 1):
        return wrong("Both are one too high: did you count lines of the labels file from 1? "
                     "Python counts from 0.", hint)
    return wrong(f"{answer!r} is not it.", hint)


def _trainable(model: nn.Module) -> set[str]:
    return {name for name, p in model.named_parameters() if p.requires_grad}


def check_freeze(fn: Callable[[nn.Module, int], object]) -> Feedback:
    """Exercise 4: ``fn(model, blocks)`` freezes a MobileNetV2 except its last ``blocks`` feature
    blocks and its classifier."""
    hint = ("Set requires_grad = False on every parameter, then True again on the parameters of "
            "model.features[-blocks:] and model.classifier.")
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function of (model, blocks), got {type(fn).__name__}.", hint)
    for blocks in (1, 3):
        model = mobilenet_v2(num_classes=2)
        try:
            fn(model, blocks)
        except Exception as error:  # the learner's code may fail in any way
            return wrong(f"Your function raised {type(error).__name__}: {error}", hint)
        first = len(model.features) - blocks
        expected = {name for name, _ in model.named_parameters()
                    if name.startswith("features.") and int(name.split(".")[1]) >= first}
        expected |= {f"classifier.{name}" for name, _ in model.classifier.named_parameters()}
        got = _trainable(model)
        if got == expected:
            continue
        if not any(name.startswith("classifier.") for name in got):
            return wrong(f"With blocks={blocks} the classifier is frozen: the new head must train.",
                         hint)
        if len(got) == len(list(model.parameters())):
            return wrong(f"With blocks={blocks} every parameter still trains.", hint)
        extra, missing = sorted(got - expected), sorted(expected - got)
        return wrong(f"With blocks={blocks}: {len(extra)} parameters train that should be frozen "
                     f"(e.g. {extra[:1]}), {len(missing)} are frozen that should train "
                     f"(e.g. {missing[:1]}).", hint)
    return correct("Only the last blocks and the head receive gradients; the trunk is frozen.")
