"""Adversarial attacks, adversarial training and how to evaluate a defence honestly.

Introduced in ``12_adversarial_robustness.ipynb``. One concept per module:

- ``fgsm``: :func:`fgsm`, one signed-gradient step;
- ``pgd``: :func:`pgd` (L∞ and L2, targeted or not, random start, restarts) and
  :func:`input_gradient`;
- ``mode``: :func:`frozen_eval`, evaluation mode and frozen weights while attacking, restored
  after (also on error);
- ``fuse``: :func:`fuse_batch_norm`, the evaluation-mode copy with batch norm folded into the
  convolutions, which robust accuracy and adversarial training attack (the same function,
  faster on a CPU);
- ``evaluate``: :func:`clean_accuracy`, :func:`robust_accuracy` over a list of ε, transfer
  attacks through ``source=``;
- ``training``: :class:`FGSMRandomStart` and :class:`PGDTraining`, batch transforms for
  ``fit(..., batch_transform=...)``;
- ``adversarial_fit``: :func:`adversarial_fit`, ``fit`` with one of them, keeping the epoch most
  robust on validation; :data:`ROBUST_MNIST` and :data:`ROBUST_MNIST_NETWORK`, the recipe and
  the network of the lesson and the benchmark;
- ``defences``: :class:`InputQuantization`, a gradient-masking defence, and its BPDA switch;
- ``checklist``: :func:`evaluation_checklist`, the sanity checks of Carlini et al. (2019).

Every attack takes images in [0, 1] (normalisation belongs inside the model) and returns
images in [0, 1] within ε of them.
"""

from course_utils.attacks.adversarial_fit import (
    ROBUST_MNIST,
    ROBUST_MNIST_NETWORK,
    RobustFit,
    adversarial_fit,
)
from course_utils.attacks.checklist import (
    CHECKS,
    Checklist,
    evaluation_checklist,
    random_sign_noise,
)
from course_utils.attacks.defences import InputQuantization
from course_utils.attacks.evaluate import clean_accuracy, robust_accuracy
from course_utils.attacks.fgsm import fgsm
from course_utils.attacks.fuse import fuse_batch_norm
from course_utils.attacks.mode import frozen_eval
from course_utils.attacks.pgd import input_gradient, pgd
from course_utils.attacks.training import FGSMRandomStart, PGDTraining
