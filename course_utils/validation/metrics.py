"""The metrics' inputs: labels and scores as NumPy arrays."""

from __future__ import annotations

import numpy as np
import torch

from course_utils.validation.errors import InputError, describe
from course_utils.validation.labels import check_labels
from course_utils.validation.tensors import check_finite, check_same_length, to_numpy


def check_label_array(value: object, name: str) -> np.ndarray:
    """:func:`check_labels` for the metrics: a non-empty ``(N,)`` int64 NumPy array.

    Parameters
    ----------
    value : object
    name : str
    """
    if not isinstance(value, (torch.Tensor, np.ndarray, list, tuple)):
        to_numpy(value, name)  # raises with the accepted types
    if isinstance(value, (list, tuple)):
        value = to_numpy(value, name)
    return check_labels(value, name).cpu().numpy()


def check_pair(y_true: object, y_pred: object, pred_name: str = "y_pred"
               ) -> tuple[np.ndarray, np.ndarray]:
    """Check true and predicted labels together; return them as int64 arrays.

    Parameters
    ----------
    y_true : object
    y_pred : object
    pred_name : str
    """
    true, pred = check_label_array(y_true, "y_true"), check_label_array(y_pred, pred_name)
    check_same_length(y_true=true, **{pred_name: pred})
    return true, pred


def check_scores(value: object, name: str, ndim: int, probabilities: bool = False) -> np.ndarray:
    """Return finite scores with ``ndim`` dimensions as float64 (probabilities in [0, 1] if asked).

    With ``probabilities`` and ``ndim == 2``, each row must also sum to 1.

    Parameters
    ----------
    value : object
    name : str
    ndim : int
    probabilities : bool
    """
    array = to_numpy(value, name)
    layout = "(N,)" if ndim == 1 else "(N, K)"
    if array.ndim != ndim:
        raise InputError(f"{name} must have shape {layout}, got shape {array.shape}.")
    if len(array) == 0:
        raise InputError(f"{name} is empty; a metric needs at least one example.")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) \
            or np.issubdtype(array.dtype, np.complexfloating):
        raise InputError(f"{name} must hold real numbers, got dtype {array.dtype}.")
    array = array.astype(np.float64)
    check_finite(torch.from_numpy(array), name, hint="Scores must be finite. A NaN usually "
                 "means training diverged (lower the learning rate) or a division by zero "
                 "upstream.")
    if probabilities:
        low, high = array.min(), array.max()
        if low < 0 or high > 1:
            raise InputError(f"{name} must be probabilities in [0, 1], got values from {low:.4g} "
                             f"to {high:.4g}. These look like logits or scores: apply softmax "
                             "(or sigmoid for one output) first.")
        if ndim == 2:
            sums = array.sum(axis=1)
            off = np.abs(sums - 1)
            if off.max() > 1e-5:
                worst = int(off.argmax())
                raise InputError(f"each row of {name} must sum to 1 (one probability per class), "
                                 f"but row {worst} sums to {sums[worst]:.6g}. Apply softmax over "
                                 "the classes (dim=1).")
    return array


def check_class_scores(y_true: object, scores: object, name: str, *,
                       probabilities: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Check labels and their ``(N, K)`` class scores together; return them as arrays.

    The scores pass :func:`check_scores`, have one row per label, and a column for every label
    (labels 0..K-1).

    Parameters
    ----------
    y_true : object
    scores : object
        One row per example, one column per class.
    name : str
        The scores' argument name in the messages (``"y_prob"``, ``"logits"``).
    probabilities : bool
        Whether each row must hold probabilities that sum to 1.

    Returns
    -------
    tuple of np.ndarray
        ``(true, scores)``: the labels as int64, the scores as float64.
    """
    true = check_label_array(y_true, "y_true")
    array = check_scores(scores, name, ndim=2, probabilities=probabilities)
    check_same_length(y_true=true, **{name: array})
    if true.max() >= array.shape[1]:
        raise InputError(f"y_true has label {int(true.max())} but {name} has only "
                         f"{array.shape[1]} columns (one per class, labels 0..K-1).")
    return true, array


def check_binary(labels: np.ndarray, name: str, what: str) -> None:
    """Raise unless ``labels`` hold 0 (negative) and 1 (positive), both present.

    Parameters
    ----------
    labels : np.ndarray
    name : str
    what : str
    """
    values = np.unique(labels)
    if values.max() > 1:
        raise InputError(f"{what} needs binary labels: {name} must hold 0 (negative) and 1 "
                         f"(positive), got labels {values[:10].tolist()}. For one class k against "
                         "the rest, pass (y_true == k) and that class's score.")
    if len(values) < 2:
        missing = "negatives (0)" if values[0] == 1 else "positives (1)"
        raise InputError(f"{name} holds only class {int(values[0])} and no {missing}, so {what} "
                         "is undefined (a rate of 0/0). Evaluate on a set that has both classes.")


def check_curves(curves: object, length: int, *, per: str = "points") -> dict:
    """Return ``curves`` after checking it maps names to sequences of ``length`` values.

    Parameters
    ----------
    curves : object
        Expected: a non-empty dict ``{name: values}`` for a line chart.
    length : int
        How many values each curve needs (one per point of the x axis).
    per : str
        What the x axis holds, for the message (``"radii"``, ``"sizes"``).

    Returns
    -------
    dict
        ``curves`` itself.
    """
    if not isinstance(curves, dict) or not curves:
        raise InputError(f"curves must be a non-empty dict {{name: values}}, got "
                         f"{describe(curves)}.")
    for name, values in curves.items():
        if len(values) != length:
            raise InputError(f"curve {name!r} has {len(values)} points for {length} {per}.")
    return curves
