"""The evaluation checklist of Carlini et al. ("On evaluating adversarial robustness", 2019).

Introduced in ``12_adversarial_robustness.ipynb``. A robustness figure means something only when
the attack behind it was strong; these sanity checks catch the usual ways it was not:

1. PGD is at least as strong as FGSM (one step of the same size);
2. more PGD steps and restarts never help the defender;
3. accuracy falls to about 0 as ε grows (an unbounded attack must win);
4. random noise of the same size is weaker than the attack;
5. a black-box transfer attack (examples made on another model) is weaker than the white-box one.

A defence that only hides its gradient fails some of them: that is the point of running them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import torch

from course_utils.attacks.evaluate import clean_accuracy, robust_accuracy
from course_utils.attacks.fgsm import fgsm
from course_utils.attacks.pgd import pgd
from course_utils.validation import (
    check_batch_labels,
    check_eps,
    check_positive_int,
    check_unit_images,
)

CHECKS = (
    "PGD at least as strong as FGSM",
    "more steps and restarts do not help the defender",
    "accuracy falls to about 0 as eps grows",
    "random noise weaker than the attack",
    "transfer attack weaker than white-box",
)


@dataclass
class Checklist:
    """Figures (accuracies in [0, 1]) and the verdict of each check, in :data:`CHECKS` order."""

    eps: float
    clean: float
    fgsm: float
    pgd: float
    pgd_strong: float
    large_eps: float
    large_eps_acc: float
    noise: float
    transfer: float | None
    passed: dict[str, bool] = field(default_factory=dict)

    def failed(self) -> list[str]:
        """Names of the checks that failed (empty when the evaluation looks sound)."""
        return [name for name, ok in self.passed.items() if not ok]

    def row(self) -> dict[str, float | str]:
        """One table row: the accuracies and the failed checks."""
        return {"clean": self.clean, "FGSM": self.fgsm, "PGD": self.pgd,
                "PGD strong": self.pgd_strong, f"PGD eps={self.large_eps:g}": self.large_eps_acc,
                "noise": self.noise, "transfer": _or_nan(self.transfer),
                "failed checks": ", ".join(self.failed()) or "none"}


def _or_nan(value: float | None) -> float:
    """``value``, or NaN when a figure was not measured."""
    return float("nan") if value is None else value


def evaluation_checklist(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, *,
                         eps: float, steps: int = 10, strong_steps: int = 40,
                         strong_restarts: int = 2, large_eps: float = 0.5,
                         near_zero: float = 0.05, source: torch.nn.Module | None = None,
                         batch_size: int = 500, seed: int = 0) -> Checklist:
    """Run the five checks on ``model`` at radius ``eps`` (L∞).

    Parameters
    ----------
    model : torch.nn.Module
        The defended model: images in [0, 1] to logits.
    images : (N, C, H, W) float tensor in [0, 1]
        Held-out images (a validation split while choosing, the test set once at the end).
    labels : (N,) int64 tensor
    eps : float
        The radius the defence claims.
    steps : int
        Steps of the reference PGD (white-box attacks stop on each image once it is fooled).
    strong_steps, strong_restarts : int
        The stronger PGD of check 2.
    large_eps : float
        The radius of check 3 (for MNIST 0.5 lets the attack make any digit a gray blur).
    near_zero : float
        Highest accuracy that counts as "about 0" in check 3.
    source : torch.nn.Module, optional
        An independently trained model for the transfer attack of check 5 (skipped if None).
    batch_size : int
    seed : int
        Seeds the random starts and the noise.

    Returns
    -------
    Checklist
    """
    eps, large_eps = check_eps(eps), check_eps(large_eps, "large_eps")
    images = check_unit_images(images)
    labels = check_batch_labels(labels, images)
    steps = check_positive_int(steps, "steps")
    gen = torch.Generator().manual_seed(seed)
    attack = partial(pgd, steps=steps, early_stop=True, generator=gen)
    strong_options = {"steps": check_positive_int(strong_steps, "strong_steps"),
                      "restarts": check_positive_int(strong_restarts, "strong_restarts"),
                      "generator": gen}
    strong = partial(pgd, early_stop=True, **strong_options)
    common = {"batch_size": batch_size}
    result = Checklist(
        eps=eps, clean=clean_accuracy(model, images, labels, batch_size=batch_size),
        fgsm=robust_accuracy(model, images, labels, fgsm, eps=eps, **common),
        pgd=robust_accuracy(model, images, labels, attack, eps=eps, **common),
        pgd_strong=robust_accuracy(model, images, labels, strong, eps=eps, **common),
        large_eps=large_eps,
        large_eps_acc=robust_accuracy(model, images, labels, attack, eps=large_eps, **common),
        noise=robust_accuracy(model, images, labels, partial(random_sign_noise, generator=gen),
                              eps=eps, **common),
        transfer=(None if source is None else  # full-length PGD on the source: strong examples
                  robust_accuracy(model, images, labels, partial(pgd, **strong_options),
                                  eps=eps, source=source, **common)))
    slack = 1.0 / len(images)  # one image either way is noise, not a failed check
    result.passed = {
        CHECKS[0]: result.pgd <= result.fgsm + slack,
        CHECKS[1]: result.pgd_strong <= result.pgd + slack,
        CHECKS[2]: result.large_eps_acc <= near_zero,
        CHECKS[3]: result.noise + slack >= result.pgd_strong,
        CHECKS[4]: result.transfer is None or result.transfer + slack >= result.pgd_strong,
    }
    return result


def random_sign_noise(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, *,
                      eps: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Not an attack: every pixel moved by ``±eps`` at random (a corner of the same L∞ ball).

    Same signature as the attacks, for :func:`robust_accuracy`; ``model`` and ``labels`` are
    not used. Shapes: ``(B, C, H, W) -> (B, C, H, W)`` in [0, 1].

    Parameters
    ----------
    model : torch.nn.Module
    images : torch.Tensor
    labels : torch.Tensor
    eps : float
    generator : torch.Generator, optional
    """
    eps = check_eps(eps)
    images = check_unit_images(images)
    signs = torch.randint(0, 2, images.shape, generator=generator).to(images) * 2 - 1
    return torch.clamp(images + eps * signs, 0, 1)
