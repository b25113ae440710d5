"""Metrics with scikit-learn's conventions (``y_true`` first, options keyword-only).

They compute and never draw. One concept per module:

- ``confusion``: :func:`confusion_matrix`;
- ``classification``: :func:`accuracy`, :func:`balanced_accuracy`, :func:`top_k_accuracy`,
  :func:`precision_recall_f1`;
- ``ranking``: :func:`roc_curve`, :func:`roc_auc`, :func:`precision_recall_curve`,
  :func:`average_precision`;
- ``calibration``: :func:`reliability_bins`, :func:`expected_calibration_error`,
  :func:`fit_temperature`, :func:`apply_temperature`;
- ``uncertainty``: :func:`bootstrap_ci`, :func:`mcnemar`;
- ``mistakes``: :func:`most_confident_mistakes`.

Introduced in ``08_evaluating_classifiers.ipynb``. Every function accepts torch tensors (on any
device), NumPy arrays and lists, computes in float64, and returns NumPy arrays or floats.
"""

from course_utils.metrics.calibration import (
    ReliabilityBins,
    apply_temperature,
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
)
from course_utils.metrics.classification import (
    PrecisionRecallF1,
    accuracy,
    balanced_accuracy,
    precision_recall_f1,
    top_k_accuracy,
)
from course_utils.metrics.confusion import confusion_matrix
from course_utils.metrics.mistakes import most_confident_mistakes
from course_utils.metrics.ranking import (
    average_precision,
    precision_recall_curve,
    roc_auc,
    roc_curve,
)
from course_utils.metrics.uncertainty import Interval, McNemarResult, bootstrap_ci, mcnemar
