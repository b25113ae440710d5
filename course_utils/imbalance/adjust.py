"""Logit adjustment: move the decision, not the training, to undo a skewed class prior.

Introduced in ``10_class_imbalance.ipynb`` (Menon et al., 2021). A network trained on a set where
class k has prior ``π_k`` learns scores that include ``log π_k``; subtracting ``τ log π_k`` from
each logit gives every class an equal say. With two classes this is *threshold moving*: the
threshold on ``p(positive)`` moves from 1/2 towards the positive class's prior.
"""

from __future__ import annotations

import torch

from course_utils.imbalance.weights import class_counts
from course_utils.validation import (
    InputError,
    check_non_negative,
    check_tensor,
    describe,
)


def class_priors(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """The share of each class among ``labels``.

    Parameters
    ----------
    labels : (N,) integer labels in ``range(num_classes)``
    num_classes : int

    Returns
    -------
    (num_classes,) float32 tensor summing to 1
    """
    counts = class_counts(labels, num_classes).float()
    return counts / counts.sum()


def adjust_logits(logits: torch.Tensor, priors: torch.Tensor, tau: float = 1.0) -> torch.Tensor:
    """Subtract ``tau * log(priors)`` from every row of logits (post-hoc logit adjustment).

    Written out in ``10_class_imbalance.ipynb``, section 6 (``my_adjust_logits``). Choose
    ``tau`` on validation data; 0 leaves the logits as they are, 1 is the Bayes-optimal
    correction for balanced error when the model's probabilities are calibrated.

    Parameters
    ----------
    logits : (N, K) float tensor
    priors : (K,) positive tensor, the training set's class shares (:func:`class_priors`)
    tau : float >= 0

    Returns
    -------
    (N, K) tensor on the device of ``logits``
    """
    logits = check_tensor(logits, "logits", 2, "(N, K)", floating=True)
    tau = check_non_negative(tau, "tau")
    if not isinstance(priors, torch.Tensor) or priors.shape != logits.shape[1:]:
        raise InputError(f"priors must be a ({logits.shape[1]},) tensor, one share per class, "
                         f"got {describe(priors)}; make it with class_priors(train_labels, K).")
    if (priors <= 0).any():
        raise InputError(f"priors must all be > 0 (log 0 is -inf), got {priors.tolist()}; a class "
                         "absent from training cannot be adjusted for.")
    return logits - tau * priors.to(logits).log()
