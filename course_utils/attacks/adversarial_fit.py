"""Adversarial training with the epoch chosen on validation robust accuracy: the recipe.

Introduced in ``12_adversarial_robustness.ipynb``, and the one recipe that notebook and
``benchmarks/adversarial.py`` both train with. :func:`adversarial_fit` is ``fit`` with an
adversarial batch transform (:class:`~course_utils.attacks.training.PGDTraining` or
:class:`~course_utils.attacks.training.FGSMRandomStart`, ε ramped up over the first epochs), and
after every epoch it measures PGD accuracy on validation images. Robust accuracy on held-out
images can fall late in training while the training images stay robust ("robust overfitting",
Rice et al., 2020), so the weights of the most robust epoch are kept, and training stops once
that figure has not improved for ``patience`` epochs after the ramp.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import torch

from course_utils.attacks.evaluate import robust_accuracy
from course_utils.attacks.pgd import pgd
from course_utils.attacks.training import FGSMRandomStart, PGDTraining
from course_utils.train import History, fit
from course_utils.validation import (
    check_batch_labels,
    check_choice,
    check_int_range,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_probability,
    check_unit_images,
)

METHODS = ("pgd", "fgsm-rs")

ROBUST_MNIST = {"method": "pgd", "eps": 0.3, "epochs": 16, "steps": 5, "ramp": 0.4,
                "batch_size": 50, "lr": 3e-3, "patience": 3, "select_steps": 10}
"""The robust-MNIST recipe of notebook 12 and the benchmark: PGD-5 training (step 2.5 ε / 5),
ε ramped to 0.3 over the first 40% of a 16-epoch one-cycle schedule, Adam at 3e-3, batches of
50, the epoch kept by PGD-10 accuracy on validation digits, stopping 3 epochs after the best.

Chosen on validation digits (PGD-40, step 0.01, 5 restarts, on 500 digits that neither train
nor choose the epoch), with :data:`ROBUST_MNIST_NETWORK`; the batch size mattered most. The
runs behind each choice, and those not worth it, are in ``benchmarks/README.md``."""

ROBUST_MNIST_NETWORK = {"channels": (24, 48), "hidden": 256, "dropout": 0.0}
"""``MnistCNN`` keyword arguments of the network that :data:`ROBUST_MNIST` trains. Robustness
needs capacity (Madry et al., 2018); the widths compared are in ``benchmarks/README.md``."""


@dataclass
class RobustFit:
    """What :func:`adversarial_fit` did.

    Attributes
    ----------
    history : History
        ``fit``'s per-epoch record (``history.seconds``: training time without the checks).
    val_robust : list of float
        PGD accuracy on the validation images after each epoch.
    best_epoch : int
        The epoch (from 1) whose weights the model holds.
    seconds : float
        Wall-clock time of the whole run, validation checks included.
    """

    history: History
    val_robust: list[float] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0


def adversarial_fit(model: torch.nn.Module, train, val_images: torch.Tensor,
                    val_labels: torch.Tensor, *, method: str = "pgd", eps: float = 0.3,
                    epochs: int = 16, steps: int = 5, ramp: float = 0.4, batch_size: int = 50,
                    lr: float = 3e-3, patience: int | None = 3, select_steps: int = 10,
                    seed: int = 0, device: torch.device | str | None = None,
                    on_epoch_end: Callable[[History, list[float]], bool | None] | None = None
                    ) -> RobustFit:
    """Train ``model`` on adversarial batches and keep its most robust epoch on validation.

    Parameters
    ----------
    model : torch.nn.Module
        ``(B, C, H, W)`` images in [0, 1] to ``(B, K)`` logits, normalisation inside; trained
        in place (it ends in evaluation mode holding the best epoch's weights).
    train : ImageSet or (images, labels)
        Training data, as for :func:`course_utils.train.fit`.
    val_images : (N, C, H, W) float tensor in [0, 1], on the model's device
    val_labels : (N,) int64 tensor
        Validation images (carved from the training data, never the test set), attacked after
        every epoch by PGD with ``select_steps`` steps at ``eps``.
    method : {"pgd", "fgsm-rs"}
        :class:`PGDTraining` with ``steps`` steps, or :class:`FGSMRandomStart`.
    eps : float
        L∞ radius of the training attack and of the check, on the [0, 1] scale.
    epochs : int
        Length of the one-cycle schedule (training may stop before).
    steps : int
        PGD steps per training batch (``method="pgd"`` only).
    ramp : float in [0, 1]
        Share of the schedule over which ε grows linearly to ``eps``.
    batch_size : int
    lr : float
        Peak learning rate (Adam, one-cycle).
    patience : int or None
        Stop when validation PGD accuracy has not improved for this many epochs after the
        ramp; None trains every epoch (the best epoch is still the one kept).
    select_steps : int
        Steps of the validation PGD (step 2.5 ε / steps, one random start, drawn from ``seed``
        alike for every epoch, so the epochs are compared on the same attack).
    seed : int
        Seeds fit's shuffling and the random starts (seed the model's weights yourself).
    device : torch.device or str, optional
    on_epoch_end : callable, optional
        ``on_epoch_end(history, val_robust)`` after the check of each epoch (``val_robust``:
        the validation PGD accuracies so far); returning True stops.

    Returns
    -------
    RobustFit
    """
    method = check_choice(method, "method", METHODS)
    eps = check_non_negative(eps, "eps")
    val_images = check_unit_images(val_images)
    val_labels = check_batch_labels(val_labels, val_images)
    epochs = check_positive_int(epochs, "epochs")
    ramp = check_probability(ramp, "ramp")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_positive(lr, "lr")
    if patience is not None:
        patience = check_int_range(patience, "patience", low=1)
    ramp_batches = int(ramp * epochs * (len(train) // batch_size))
    transform = (PGDTraining(model, eps=eps, steps=check_positive_int(steps, "steps"),
                             ramp_batches=ramp_batches) if method == "pgd"
                 else FGSMRandomStart(model, eps=eps, ramp_batches=ramp_batches))
    select_steps = check_positive_int(select_steps, "select_steps")
    ramp_epochs = ramp * epochs
    result = RobustFit(history=History())

    def val_robust_accuracy(model: torch.nn.Module) -> float:
        check = partial(pgd, steps=select_steps, early_stop=True,  # the same starts each epoch
                        generator=torch.Generator().manual_seed(seed))
        result.val_robust.append(robust_accuracy(model, val_images, val_labels, check, eps=eps))
        return result.val_robust[-1]

    def after_epoch(history: History) -> bool:
        epoch = history.epoch[-1]
        stop = (patience is not None and epoch > ramp_epochs
                and epoch - max(history.best_epoch, ramp_epochs) >= patience)
        return bool(on_epoch_end and on_epoch_end(history, result.val_robust)) or stop

    start = time.perf_counter()
    result.history = fit(model, train, epochs=epochs, batch_size=batch_size, lr=lr,
                         batch_transform=transform, monitor=val_robust_accuracy, seed=seed,
                         device=device, progress=False, on_epoch_end=after_epoch)
    result.best_epoch = result.history.best_epoch
    result.seconds = time.perf_counter() - start
    model.eval()
    return result
