"""Each checker of 12_adversarial_robustness accepts its solution and rejects typical mistakes
with the right diagnosis."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_utils.attacks import fgsm
from course_utils.exercises import ch12
from course_utils.exercises.solutions import ch12 as solutions


def test_fgsm_step():
    assert ch12.check_fgsm_step(solutions.fgsm_step)

    def no_clip(model, images, labels, eps):
        x = images.clone().requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x), labels), x)
        return images + eps * grad.sign()

    def downhill(model, images, labels, eps):
        x = images.clone().requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x), labels), x)
        return (images - eps * grad.sign()).clamp(0, 1)

    def raw_gradient(model, images, labels, eps):
        x = images.clone().requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x), labels), x)
        return (images + eps * grad / grad.abs().max()).clamp(0, 1)

    def with_backward(model, images, labels, eps):
        x = images.clone().requires_grad_(True)
        F.cross_entropy(model(x), labels).backward()
        return (images + eps * x.grad.sign()).clamp(0, 1)

    assert "leave [0, 1]" in ch12.check_fgsm_step(no_clip).message
    assert "lowers the loss" in ch12.check_fgsm_step(downhill).message
    assert "less than eps" in ch12.check_fgsm_step(raw_gradient).message
    assert ".grad" in ch12.check_fgsm_step(with_backward).message
    assert "not your own code" in ch12.check_fgsm_step(fgsm).message
    assert "raised" in ch12.check_fgsm_step(lambda m, x, y, e: 1 / 0).message
    assert "returned None" in ch12.check_fgsm_step(lambda m, x, y, e: None).message
    printed = ch12._hidden_case(0)
    copied = solutions.fgsm_step(*printed)  # one case's answer cannot pass the others
    assert not ch12.check_fgsm_step(lambda m, x, y, e: copied)


def test_project_l2():
    assert ch12.check_project_l2(solutions.project_l2)

    def always_to_eps(delta, eps):
        lengths = delta.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
        return delta * eps / lengths

    def one_length_for_the_batch(delta, eps):
        return delta * min(1.0, eps / float(delta.norm()))

    assert "inside the ball were changed" in ch12.check_project_l2(always_to_eps).message
    assert "L∞" in ch12.check_project_l2(lambda d, e: d.clamp(-e, e)).message
    feedback = ch12.check_project_l2(one_length_for_the_batch)
    assert "inside the ball were changed" in feedback.message
    assert "length" in ch12.check_project_l2(lambda d, e: d).message
    assert "shape" in ch12.check_project_l2(lambda d, e: d.flatten(1)).message


def test_masking_resists():
    assert ch12.check_masking_resists(solutions.masking_resists)
    assert ch12.check_masking_resists(["pgd", "fgsm"])
    assert "straight-through" in ch12.check_masking_resists({"FGSM", "PGD", "BPDA"}).message
    assert "another, undefended model" in ch12.check_masking_resists({"PGD", "transfer"}).message
    assert "missing" in ch12.check_masking_resists({"PGD"}).message
    assert "not one of" in ch12.check_masking_resists({"CW"}).message
    assert "empty" in ch12.check_masking_resists(set()).message
    assert not ch12.check_masking_resists("FGSM and PGD")

