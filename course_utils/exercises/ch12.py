"""Checkers for the exercises of ``12_adversarial_robustness.ipynb``.

1. ``check_fgsm_step``: FGSM written by hand, tested on hidden random networks and images;
2. ``check_project_l2``: the projection onto the L2 ball that PGD under L2 needs;
3. ``check_masking_resists``: which attacks the input-quantised model seems to resist.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from course_utils.attacks import fgsm, pgd
from course_utils.exercises.framework import (
    Wrong,
    as_array,
    call,
    describe_answer,
    exercise,
    expect_close,
)

ATTACK_NAMES = ("FGSM", "PGD", "BPDA", "transfer")


def _hidden_case(case: int) -> tuple[nn.Module, torch.Tensor, torch.Tensor, float]:
    """A small random network, a batch of images in [0, 1] (some pixels at 0 and 1), labels, ε."""
    gen = torch.Generator().manual_seed(1200 + case)
    torch_state = torch.get_rng_state()
    torch.manual_seed(1200 + case)
    classes = 3 + case
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(),
                          nn.Linear(4 * 4 * 4, classes)).eval()
    torch.set_rng_state(torch_state)
    images = torch.rand(5 + case, 1, 6, 6, generator=gen)
    images[:, :, 0] = 0.0
    images[:, :, -1] = 1.0
    labels = torch.randint(0, classes, (len(images),), generator=gen)
    eps = [0.1, 0.03, 0.25, 0.07, 0.15][case % 5]
    return model, images, labels, eps


@exercise("ch12.ex1", title="FGSM by hand", kind="function",
          expects="a function fgsm_step(model, images, labels, eps) -> adversarial images",
          hints=("FGSM needs the gradient of the loss with respect to the input pixels, not the "
                 "weights: start from a copy of the images that requires a gradient.",
                 "torch.autograd.grad(loss, inputs) returns that gradient without touching the "
                 "parameters' .grad; every pixel then moves by the same size eps.",
                 "Step in the direction that raises the cross-entropy (the sign of the gradient "
                 "times eps), then keep the pixels inside [0, 1]."),
          solution="fgsm_step", forbidden=(fgsm, pgd))
def check_fgsm_step(fn: Callable) -> str:
    """Exercise 1: ``fn(model, images, labels, eps)`` equals FGSM on five hidden cases."""
    for case in range(5):
        model, images, labels, eps = _hidden_case(case)
        where = f"a hidden case ({len(images)} images, {labels.max() + 1} classes, eps={eps})"
        got = call(fn, model, images.clone(), labels.clone(), eps, case=where)
        if any(p.grad is not None for p in model.parameters()):
            raise Wrong(f"On {where} your function left gradients in the model's parameters "
                        "(.grad): an attack changes the input, not the weights. Take the "
                        "gradient with respect to the images only.")
        got = as_array(got, what="your result", expects="a tensor of images like the input")
        expected = fgsm(model, images, labels, eps=eps)
        if got.shape == images.shape:
            _diagnose_fgsm(got, model, images, labels, eps, where)
        expect_close(got, expected, what="the adversarial images", atol=1e-5, case=where)
    return ("Each pixel moved by exactly ±ε towards a higher loss, and stayed in [0, 1]: that is "
            "FGSM, the same as course_utils.attacks.fgsm.")


def _diagnose_fgsm(got: torch.Tensor, model: nn.Module, images: torch.Tensor,
                   labels: torch.Tensor, eps: float, where: str) -> None:
    x = images.double()
    if float(got.min()) < -1e-6 or float(got.max()) > 1 + 1e-6:
        raise Wrong(f"On {where} some pixels leave [0, 1] (from {float(got.min()):.3f} to "
                    f"{float(got.max()):.3f}): an image has no pixel darker than black.")
    if float((got - x).abs().max()) > eps + 1e-5:
        raise Wrong(f"On {where} some pixels moved by more than eps={eps} "
                    f"(up to {float((got - x).abs().max()):.3f}).")
    downhill = fgsm(model, images, labels, eps=eps, targeted=True).double()
    if torch.allclose(got, downhill, atol=1e-5):
        raise Wrong(f"On {where} your step lowers the loss of the true class: that helps the "
                    "model. Check the sign of your step.")
    inside = (x > eps) & (x < 1 - eps)
    moved = (got - x).abs()[inside]
    if len(moved) and float(moved.min()) < eps - 1e-5:
        raise Wrong(f"On {where} some pixels moved by less than eps: FGSM moves every pixel by "
                    "the same amount, only the direction comes from the gradient.")


@exercise("ch12.ex2", title="projection onto the L2 ball", kind="function",
          expects="a function project_l2(delta, eps) -> delta of the same shape",
          hints=("Each image of the batch has its own perturbation and so its own length: "
                 "compute one Euclidean norm per image, over all its pixels.",
                 "A perturbation already shorter than eps stays as it is; a longer one keeps "
                 "its direction and gets length eps.",
                 "Multiply by a per-image factor min(1, eps / length), reshaped so that it "
                 "broadcasts over (C, H, W)."),
          solution="project_l2")
def check_project_l2(fn: Callable) -> str:
    """Exercise 2: ``fn(delta, eps)`` projects each perturbation onto the L2 ball."""
    gen = torch.Generator().manual_seed(1212)
    for shape, eps in [((6, 1, 5, 5), 1.0), ((4, 3, 4, 4), 0.5), ((7, 2, 3, 3), 2.0)]:
        delta = torch.randn(shape, generator=gen) * torch.linspace(0.05, 1.5, shape[0]).view(
            -1, 1, 1, 1) * eps
        where = f"a hidden batch of shape {shape} with eps={eps}"
        got = as_array(call(fn, delta.clone(), eps, case=where), what="your result",
                       expects=f"a tensor of shape {shape}")
        if got.shape != delta.shape:
            raise Wrong(f"On {where} your result has shape {tuple(got.shape)}; it must keep the "
                        f"shape {shape} of delta.")
        lengths = delta.flatten(1).norm(dim=1)
        new = got.flatten(1).norm(dim=1)
        if float(new.max()) > eps + 1e-5:
            if torch.allclose(got.abs(), delta.abs().clamp(max=eps).double(), atol=1e-6):
                raise Wrong(f"On {where} you clamped each pixel: that is the L∞ projection. "
                            "Under L2 the length of the whole perturbation is what is bounded.")
            raise Wrong(f"On {where} a perturbation has length {float(new.max()):.3f} after "
                        f"projection, more than eps={eps}; compute one length per image.")
        short = lengths <= eps
        if not torch.allclose(got[short], delta[short].double(), atol=1e-6):
            raise Wrong(f"On {where} perturbations already inside the ball were changed; "
                        "projecting a point inside the ball leaves it where it is.")
        expected = delta * torch.clamp(eps / lengths, max=1.0).view(-1, 1, 1, 1)
        expect_close(got, expected, what="the projected perturbations", atol=1e-5, case=where)
    return ("Long perturbations shrink to length eps along their own direction; short ones stay. "
            "PGD under L2 applies this after every step.")


@exercise("ch12.ex3", title="what a masked gradient resists", kind="any",
          expects=f"a set of attack names from {set(ATTACK_NAMES)}",
          hints=("FGSM and PGD both follow the gradient of the loss through the whole model, "
                 "rounding included. What is the derivative of rounding almost everywhere?",
                 "BPDA changes only the backward pass of the rounding; a transfer attack never "
                 "looks at the defended model's gradient at all.",
                 "List the attacks that only see a zero gradient and so never move away from "
                 "their starting point."),
          solution="masking_resists")
def check_masking_resists(answer: object) -> str:
    """Exercise 3: the attacks against which input quantisation *looks* like a defence."""
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(
            isinstance(a, str) for a in answer):
        raise Wrong(f"Expected {check_masking_resists.exercise.expects}; got "
                    f"{describe_answer(answer)}.")
    names = {a.strip().lower() for a in answer}
    if not names:
        raise Wrong("The set is empty: at least one attack is fooled by the rounding.")
    known = {n.lower(): n for n in ATTACK_NAMES}
    unknown = names - set(known)
    if unknown:
        raise Wrong(f"{sorted(unknown)} is not one of the attacks of section 8: "
                    f"{list(ATTACK_NAMES)}.")
    if "bpda" in names:
        raise Wrong("BPDA is the attack built to go around the rounding: its straight-through "
                    "gradient is not zero, and the accuracy fell to about 0.")
    if "transfer" in names:
        raise Wrong("The transfer attack makes its images on another, undefended model and "
                    "never needs the defended model's gradient: the rounding does not stop it.")
    if names != {"fgsm", "pgd"}:
        raise Wrong("One gradient-following attack is missing: both one step and many steps "
                    "see the same zero gradient.")
    return ("FGSM and PGD see a gradient of zero through the rounding and stay where they "
            "start: the defence hides the gradient, it does not remove the adversarial examples.")
