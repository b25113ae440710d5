"""The names :mod:`course_utils.attacks.adversarial_fit` imports; the checks live in
:mod:`course_utils.validation` (import them from there in new code)."""

from course_utils.validation import check_batch_labels as check_labels
from course_utils.validation import check_unit_images as check_images

__all__ = ["check_images", "check_labels"]
