"""Input checks shared by the metrics: every error says what it got, what it expected, and how
to fix it.

Every metric accepts torch tensors (on any device), NumPy arrays and lists; the checks turn them
into NumPy arrays (int64 labels, float64 scores) so that the arithmetic is exact and the same
everywhere.
"""

from __future__ import annotations

import numbers
from typing import Union

import numpy as np
import torch

ArrayLike = Union[torch.Tensor, np.ndarray, list]
"""What every metric accepts: a tensor (any device), a NumPy array or a list."""


def to_numpy(name: str, value: object) -> np.ndarray:
    """``value`` as a NumPy array (a tensor is detached and copied to the CPU)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (list, tuple)):
        try:
            return np.asarray(value)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"{name} could not be read as an array ({error}); pass a flat "
                             "list, a NumPy array or a torch tensor.") from None
    raise TypeError(f"{name} must be a torch tensor, a NumPy array or a list, got "
                    f"{type(value).__name__}.")


def check_labels(name: str, value: object) -> np.ndarray:
    """Return ``value`` as a non-empty ``(N,)`` int64 array of class indices ``>= 0``."""
    array = to_numpy(name, value)
    if array.ndim != 1:
        hint = (" If these are scores or one-hot rows, take the predicted class with "
                ".argmax(1) first." if array.ndim == 2 else "")
        raise ValueError(f"{name} must be 1-D class labels of shape (N,), got shape "
                         f"{array.shape}.{hint}")
    if len(array) == 0:
        raise ValueError(f"{name} is empty (shape (0,)); a metric needs at least one example.")
    if array.dtype == bool:
        return array.astype(np.int64)
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class labels, got dtype {array.dtype}. "
                        "Predicted classes come from scores with .argmax(1); convert labels "
                        "with .long() (torch) or .astype(int) (NumPy).")
    if array.min() < 0:
        raise ValueError(f"{name} must hold class indices >= 0, got {int(array.min())}. "
                         "Number the classes 0, 1, 2, ... (for -1/+1 labels use y == 1).")
    return array.astype(np.int64, copy=False)


def check_same_length(**arrays: np.ndarray) -> None:
    """Raise unless every array has the same number of rows (the same examples, in order)."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"the inputs must describe the same examples in the same order, but "
                         f"{listed} entries.")


def check_pair(y_true: object, y_pred: object, pred_name: str = "y_pred"
               ) -> tuple[np.ndarray, np.ndarray]:
    """Check true and predicted labels together; return them as int64 arrays."""
    true, pred = check_labels("y_true", y_true), check_labels(pred_name, y_pred)
    check_same_length(y_true=true, **{pred_name: pred})
    return true, pred


def check_scores(name: str, value: object, ndim: int, probabilities: bool = False) -> np.ndarray:
    """Return finite scores with ``ndim`` dimensions as float64 (probabilities in [0, 1] if asked).

    With ``probabilities`` and ``ndim == 2``, each row must also sum to 1.
    """
    array = to_numpy(name, value)
    layout = "(N,)" if ndim == 1 else "(N, K)"
    if array.ndim != ndim:
        raise ValueError(f"{name} must have shape {layout}, got shape {array.shape}.")
    if len(array) == 0:
        raise ValueError(f"{name} is empty; a metric needs at least one example.")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) \
            or np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}.")
    array = array.astype(np.float64)
    bad = ~np.isfinite(array)
    if bad.any():
        first = np.argwhere(bad)[0].tolist()
        kinds = " and ".join(k for k, m in (("NaN", np.isnan(array)), ("inf", np.isinf(array)))
                             if m.any())
        raise ValueError(f"{name} holds {int(bad.sum())} {kinds} value(s), the first at index "
                         f"{first}; scores must be finite. A NaN usually means training diverged "
                         "(lower the learning rate) or a division by zero upstream.")
    if probabilities:
        low, high = array.min(), array.max()
        if low < 0 or high > 1:
            raise ValueError(f"{name} must be probabilities in [0, 1], got values from {low:.4g} "
                             f"to {high:.4g}. These look like logits or scores: apply softmax "
                             "(or sigmoid for one output) first.")
        if ndim == 2:
            sums = array.sum(axis=1)
            off = np.abs(sums - 1)
            if off.max() > 1e-5:
                worst = int(off.argmax())
                raise ValueError(f"each row of {name} must sum to 1 (one probability per class), "
                                 f"but row {worst} sums to {sums[worst]:.6g}. Apply softmax over "
                                 "the classes (dim=1).")
    return array


def check_binary(name: str, labels: np.ndarray, what: str) -> None:
    """Raise unless ``labels`` hold 0 (negative) and 1 (positive), both present."""
    values = np.unique(labels)
    if values.max() > 1:
        raise ValueError(f"{what} needs binary labels: {name} must hold 0 (negative) and 1 "
                         f"(positive), got labels {values[:10].tolist()}. For one class k against "
                         "the rest, pass (y_true == k) and that class's score.")
    if len(values) < 2:
        missing = "negatives (0)" if values[0] == 1 else "positives (1)"
        raise ValueError(f"{name} holds only class {int(values[0])} and no {missing}, so {what} "
                         "is undefined (a rate of 0/0). Evaluate on a set that has both classes.")


def check_positive_int(name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r}).")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}.")
    return int(value)


def check_choice(name: str, value: object, choices: tuple) -> None:
    """Raise unless ``value`` is one of ``choices``."""
    if not any(value is c or (isinstance(value, str) and value == c) for c in choices):
        raise ValueError(f"{name} must be one of {choices}, got {value!r}.")
