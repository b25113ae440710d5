"""Checkers for the exercises of ``07_transfer_learning.ipynb``.

Functions are checked on hidden, seeded cases: random pixels and sizes, and small models laid
out like torchvision's MobileNetV2 (``features`` blocks and a ``classifier``) with a random
number of blocks, some frozen and some not before the learner's code runs.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from course_utils.exercises.framework import (
    Wrong,
    as_array,
    as_number,
    as_tuple,
    call,
    describe_answer,
    exercise,
    expect_close,
)
from course_utils.pretrained import tflite_preprocess

EGYPTIAN_CAT = 285  # in torchvision's 1000-class numbering


@exercise("ch07.ex1", title="pixels into the model's inputs", kind="function",
          expects="a function preprocess(pixels) -> float tensor of the same shape",
          hints=("The file says how its input tensor's integers map to real numbers: look at "
                 "the input's scale and zero point printed in section 1.",
                 "A quantized value q means scale * (q - zero point).",
                 "Convert to float before subtracting: uint8 arithmetic wraps around below 0."),
          solution="preprocess", forbidden=(tflite_preprocess,))
def check_preprocess(fn: Callable[[torch.Tensor], torch.Tensor]) -> str:
    """Exercise 1: ``fn(pixels)`` turns 0..255 uint8 pixels into the TFLite model's real inputs."""
    gen = torch.Generator().manual_seed(71)
    for shape in ((1, 3, 2, 3), (2, 3, 5, 4), (3, 3, 1, 1)):
        pixels = torch.randint(0, 256, shape, dtype=torch.uint8, generator=gen)
        pixels.view(-1)[:2] = torch.tensor([0, 255], dtype=torch.uint8)
        case = f"random uint8 pixels of shape {shape}"
        got = call(fn, pixels.clone(), case=case)
        if not isinstance(got, torch.Tensor) or not got.is_floating_point():
            raise Wrong(f"On {case} it returned {describe_answer(got)}; expected a float tensor "
                        f"(did "
                        f"the arithmetic stay in uint8?).")
        if tuple(got.shape) != shape:
            raise Wrong(f"On {case} it changed the shape to {tuple(got.shape)}.")
        have = as_array(got, what=f"the result on {case}", expects="finite numbers")
        x = pixels.double()
        if torch.allclose(have, x / 255, atol=1e-4):
            raise Wrong(f"On {case} the result is x / 255, in [0, 1]; this model was trained on "
                        f"inputs in [-1, 1).")
        if torch.allclose(have, (x - 127.5) / 127.5, atol=1e-4):
            raise Wrong(f"On {case} the result is (x - 127.5) / 127.5: close, but the file's zero "
                        f"point is a whole number.")
        expect_close(have, (x - 128) / 128, what="the result", atol=1e-6, case=case)
    return "Pixel 0 becomes -1, 128 becomes 0 and 255 becomes 127/128."


def _tf_same(size: int, kernel: int, stride: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


@exercise("ch07.ex2", title="TensorFlow's SAME padding", kind="function",
          expects="a function same_padding(size, kernel, stride) -> (before, after)",
          hints=("SAME chooses the output size first, ceil(size / stride), and pads just enough "
                 "for that many windows.",
                 "The last window starts at (out - 1) * stride and needs `kernel` pixels: the "
                 "padding fills what is missing beyond `size` (never less than 0).",
                 "When the total is odd, TensorFlow puts the extra pixel after (bottom/right)."),
          solution="same_padding")
def check_same_padding(fn: Callable[[int, int, int], tuple[int, int]]) -> str:
    """Exercise 2: ``fn(size, kernel, stride)`` returns TensorFlow's SAME padding (before,
    after).
    """
    gen = torch.Generator().manual_seed(72)
    cases = [(224, 3, 2), (225, 3, 2), (7, 1, 1)]
    cases += [(int(torch.randint(5, 300, (), generator=gen)), int(k), int(s))
              for k, s in torch.stack([torch.randint(1, 4, (20,), generator=gen) * 2 - 1,
                                       torch.randint(1, 4, (20,), generator=gen)], 1)]
    for size, kernel, stride in cases:
        case = f"size={size}, kernel={kernel}, stride={stride}"
        got = as_tuple(call(fn, size, kernel, stride, case=case), 2,
                       what=f"the result for {case}", expects="a pair (before, after)")
        pair = tuple(as_number(v, what=f"the padding for {case}", expects="a whole number")
                     for v in got)
        expected = _tf_same(size, kernel, stride)
        if pair == expected:
            continue
        where = f"For {case} it returned {pair}; TensorFlow gives {expected}"
        if pair == expected[::-1]:
            raise Wrong(f"{where}: the extra pixel goes at the end (bottom/right), not the start.")
        if pair == (kernel // 2, kernel // 2):
            raise Wrong(f"{where}: that is PyTorch's symmetric padding.")
        raise Wrong(f"{where}.")
    return ("On 224 pixels a 3x3 stride-2 conv pads (0, 1): that is why the conversion needs "
            "SamePadConv2d.")


@exercise("ch07.ex3", title="one class, two numberings", kind="any",
          expects="a pair (index in the shipped model, index in torchvision's models)",
          hints=("Find 'Egyptian cat' in imagenet_labels(): its position there is its index among "
                 "the shipped model's outputs.",
                 "The shipped model has 1001 outputs, torchvision's 1000: what is the extra one, "
                 "and where is it?",
                 "Python counts positions from 0."),
          solution="egyptian_cat")
def check_egyptian_cat(answer: object) -> str:
    """Exercise 3: (index in the shipped model's 1001 outputs, index in torchvision's 1000)."""
    pair = as_tuple(answer, 2, expects="a pair (shipped index, torchvision index)")
    shipped, torchvision_index = (as_number(v, what="each index", expects="a whole number")
                                  for v in pair)
    if (shipped, torchvision_index) == (EGYPTIAN_CAT + 1, EGYPTIAN_CAT):
        return "The shipped model's outputs are shifted by one: index 0 is background."
    if shipped == torchvision_index:
        raise Wrong("The two indices cannot be equal: one model has an extra class first.")
    if (shipped, torchvision_index) == (EGYPTIAN_CAT + 2, EGYPTIAN_CAT + 1):
        raise Wrong("Both are one too high: did you count from 1?")
    raise Wrong(f"{answer!r} is not it.")


class _Backbone(nn.Module):
    """A small model laid out like torchvision's MobileNetV2: ``features`` and ``classifier``."""

    def __init__(self, blocks: int):
        super().__init__()
        layers = [nn.Sequential(nn.Conv2d(3 if i == 0 else 4, 4, 3, padding=1, bias=False),
                                nn.BatchNorm2d(4), nn.ReLU6()) for i in range(blocks)]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(4, 2))


def _models() -> list[tuple[_Backbone, int]]:
    gen = torch.Generator().manual_seed(73)
    cases = []
    for _ in range(4):
        n_blocks = int(torch.randint(5, 20, (), generator=gen))
        model = _Backbone(n_blocks)
        for p in model.parameters():  # a state left over from earlier experiments
            p.requires_grad = bool(torch.rand((), generator=gen) < 0.5)
        cases.append((model, int(torch.randint(1, n_blocks, (), generator=gen))))
    return cases


def _names(model: nn.Module, blocks: int) -> tuple[set[str], set[str]]:
    """(parameters of the last ``blocks`` feature blocks, parameters of the classifier)."""
    first = len(model.features) - blocks
    tail = {n for n, _ in model.named_parameters()
            if n.startswith("features.") and int(n.split(".")[1]) >= first}
    head = {n for n, _ in model.named_parameters() if n.startswith("classifier.")}
    return tail, head


@exercise("ch07.ex4", title="freeze and unfreeze blocks", kind="function",
          expects="a function set_trainable(model, blocks) that sets requires_grad",
          hints=("A parameter trains when its requires_grad is True. The model may arrive with "
                 "some blocks frozen and some not: set every parameter, not only some.",
                 "Freeze everything first, then unfreeze the parts that should train.",
                 "model.features[-blocks:] is the last `blocks` blocks; .parameters() of a module "
                 "reaches every parameter inside it."),
          solution="set_trainable")
def check_set_trainable(fn: Callable[[nn.Module, int], object]) -> str:
    """Exercise 4: ``fn(model, blocks)`` leaves only the last ``blocks`` feature blocks and the
    classifier trainable, whatever was frozen before.
    """
    for model, blocks in _models():
        case = f"a model with {len(model.features)} feature blocks, blocks={blocks}"
        before = {n for n, p in model.named_parameters() if p.requires_grad}
        call(fn, model, blocks, case=case, none_ok=True)
        tail, head = _names(model, blocks)
        got = {n for n, p in model.named_parameters() if p.requires_grad}
        if got == tail | head:
            continue
        missing = (tail | head) - got
        if missing and not missing & before:
            raise Wrong(f"On {case} parameters that arrived frozen stay frozen (e.g. "
                        f"{sorted(missing)[0]}): unfreeze the last {blocks} blocks and the head "
                        f"explicitly.")
        if not head <= got:
            raise Wrong(f"On {case} some classifier parameters are frozen: the new head must "
                        f"train.")
        if not tail <= got:
            raise Wrong(f"On {case} {len(tail - got)} parameters of the last {blocks} blocks are "
                        f"frozen (e.g. {sorted(tail - got)[0]}).")
        extra = sorted(got - tail - head)
        if got - tail - head == before - tail - head and extra:
            raise Wrong(f"On {case} parameters that trained before still train (e.g. "
                        f"{extra[0]}): freeze everything outside the last blocks and the head.")
        raise Wrong(f"On {case} {len(extra)} parameters train that should be frozen (e.g. "
                    f"{extra[0]}).")
    return "Only the last blocks and the head receive gradients, whatever the state before."



@exercise("ch07.ex5", title="learning rates per part", kind="function",
          expects="a function param_groups(model, blocks, lr_blocks, lr_head) -> list of dicts",
          hints=("An optimiser accepts, instead of one list of parameters, a list of groups: "
                 "dicts with 'params' and that group's own options.",
                 "Two groups: the parameters of the last `blocks` feature blocks with lr_blocks, "
                 "and the classifier's with lr_head. Frozen parts need no group at all.",
                 "Each group is a dict {'params': list(module.parameters()), 'lr': ...}; "
                 "model.features[-blocks:] is a module too."),
          solution="param_groups")
def check_param_groups(fn: Callable) -> str:
    """Exercise 5: ``fn(model, blocks, lr_blocks, lr_head)`` gives optimiser parameter groups: the
    last ``blocks`` feature blocks at ``lr_blocks``, the classifier at ``lr_head``, nothing else.
    """
    lr_blocks, lr_head = 1e-4, 1e-3
    for model, blocks in _models():
        case = f"a model with {len(model.features)} feature blocks, blocks={blocks}"
        groups = call(fn, model, blocks, lr_blocks, lr_head, case=case)
        try:
            optimizer = torch.optim.AdamW(groups, lr=0.5)
        except (TypeError, ValueError, KeyError) as error:
            raise Wrong(f"On {case} torch.optim.AdamW does not accept what it returned "
                        f"({describe_answer(groups)}): {error}") from None
        names = {id(p): n for n, p in model.named_parameters()}
        rates = {}
        for group in optimizer.param_groups:
            for p in group["params"]:
                if id(p) not in names:
                    raise Wrong(f"On {case} a group holds a tensor that is not a parameter of the "
                                f"model.")
                rates[names[id(p)]] = group["lr"]
        tail, head = _names(model, blocks)
        expected = {**{n: lr_blocks for n in tail}, **{n: lr_head for n in head}}
        if rates == expected:
            continue
        if any(lr == 0.5 for lr in rates.values()):
            raise Wrong(f"On {case} a group has no 'lr' of its own, so it falls back on the "
                        f"optimiser's default.")
        missing, extra = sorted(set(expected) - set(rates)), sorted(set(rates) - set(expected))
        if missing:
            raise Wrong(f"On {case} {len(missing)} parameters that should train are in no group "
                        f"(e.g. {missing[0]}).")
        if extra:
            raise Wrong(f"On {case} {len(extra)} parameters outside the last {blocks} blocks and "
                        f"the head are in a group (e.g. {extra[0]}).")
        swapped = [n for n in expected if rates[n] != expected[n]]
        raise Wrong(f"On {case} {len(swapped)} parameters get the wrong learning rate (e.g. "
                    f"{swapped[0]} gets {rates[swapped[0]]:g}, expected "
                    f"{expected[swapped[0]]:g}).")
    return ("The pretrained blocks learn ten times slower than the new head, and the frozen "
            "trunk is left out.")
