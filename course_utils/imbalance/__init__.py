"""Class imbalance: make it, resample it away, or weigh it into the loss and the decision.

Introduced in ``10_class_imbalance.ipynb``. One concept per module:

- ``resample``: :func:`imbalanced_indices` and :func:`imbalanced_copy` (an imbalanced set made
  from a balanced one), :func:`oversample_indices`, :func:`undersample_indices`,
  :func:`balanced_sampler` (a ``WeightedRandomSampler``);
- ``weights``: :func:`class_counts`, :func:`class_weights`,
  :func:`class_weighted_cross_entropy`;
- ``focal``: :func:`focal_loss`, :func:`binary_focal_loss`;
- ``adjust``: :func:`class_priors`, :func:`adjust_logits` (logit adjustment, the many-class
  form of threshold moving).

The losses have the signature ``loss(logits, labels)`` that
``course_utils.train.fit(loss=...)`` takes; index sets and samplers feed ``fit`` unchanged.
"""

from course_utils.imbalance.adjust import adjust_logits, class_priors
from course_utils.imbalance.focal import binary_focal_loss, focal_loss
from course_utils.imbalance.resample import (
    balanced_sampler,
    imbalanced_copy,
    imbalanced_indices,
    oversample_indices,
    undersample_indices,
)
from course_utils.imbalance.weights import (
    class_counts,
    class_weighted_cross_entropy,
    class_weights,
)
