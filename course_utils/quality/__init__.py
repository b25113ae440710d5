"""Checking a dataset before trusting it: duplicates, unreadable or odd files, wrong labels.

Introduced in ``11_data_quality_and_robustness.ipynb``. One concept per module:

- ``duplicates``: :func:`exact_duplicates`, :func:`fingerprints`, :func:`near_duplicates`
  (within one set or across two, e.g. train and test);
- ``files``: :func:`check_image_file`, :func:`scan_image_folder` (unreadable or truncated
  files, wrong modes and sizes);
- ``label_issues``: :func:`cross_val_probabilities` (out-of-sample probabilities by
  cross-validation), :func:`self_confidence_ranking`, :func:`confident_learning_issues`,
  :func:`precision_recall_at`.
"""

from course_utils.quality.duplicates import (
    Duplicates,
    exact_duplicates,
    fingerprints,
    near_duplicates,
)
from course_utils.quality.files import FolderScan, check_image_file, scan_image_folder
from course_utils.quality.label_issues import (
    confident_learning_issues,
    cross_val_probabilities,
    precision_recall_at,
    self_confidence_ranking,
)
