"""Numbers: ints in a range, finite floats in an interval, probabilities, ε, an image size."""

from __future__ import annotations

import math
import numbers

import torch

from course_utils.validation.errors import InputError, describe


def check_int_range(value: object, name: str, low: int | None = None, high: int | None = None,
                    hint: str = "") -> int:
    """Return ``value`` as an int after checking ``low <= value <= high`` (either bound optional).

    NumPy and torch integer scalars are accepted; bools and floats (even ``3.0``) are refused.

    Parameters
    ----------
    value : object
    name : str
    low : int, optional
    high : int, optional
    hint : str
    """
    if isinstance(value, torch.Tensor) and value.ndim == 0 and not value.is_floating_point() \
            and value.dtype != torch.bool:
        value = int(value)
    if high is None:
        expected = "" if low is None else f" >= {low}"
    elif low is None:
        expected = f" <= {high}"
    else:
        expected = f" in [{low}, {high}]"
    extra = f" {hint}" if hint else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fix = f" Use int({value!r})." if isinstance(value, float) and value.is_integer() else ""
        raise InputError(f"{name} must be an int{expected}, got {describe(value)}.{fix}{extra}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputError(f"{name} must be an int{expected}, got {value}.{extra}")
    return value


_INT_HINTS = {
    "stride": "A stride of 0 would never move the window; use stride=1 to visit every position.",
    "dilation": "dilation=1 is an ordinary (not dilated) kernel.",
}


def check_positive_int(value: object, name: str, minimum: int = 1, hint: str = "") -> int:
    """Return ``value`` as an int after checking it is an integer ``>= minimum`` (default 1).

    ``stride`` and ``dilation`` get their usual fix in the message unless ``hint`` is given.

    Parameters
    ----------
    value : object
    name : str
    minimum : int
    hint : str
    """
    return check_int_range(value, name, low=minimum, hint=hint or _INT_HINTS.get(name, ""))


def check_number(value: object, name: str, low: float | None = None, high: float | None = None,
                 *, low_open: bool = False, high_open: bool = False, hint: str = "") -> float:
    """Return ``value`` as a finite float in the interval given by ``low`` and ``high``.

    ``low_open`` / ``high_open`` exclude the bound itself. NumPy and 0-d torch numbers are
    accepted; bools, strings, NaN and inf are refused.

    Parameters
    ----------
    value : object
    name : str
    low : float, optional
    high : float, optional
    low_open : bool
    high_open : bool
    hint : str
    """
    if isinstance(value, torch.Tensor) and value.ndim == 0 and value.dtype != torch.bool:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fix = " Pass a number, e.g. float(...)." if isinstance(value, str) else ""
        raise InputError(f"{name} must be a number, got {describe(value)}.{fix}")
    value = float(value)
    extra = f" {hint}" if hint else ""
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {value}.{extra}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        if high is None:
            expected = f"{'>' if low_open else '>='} {low:g}"
        elif low is None:
            expected = f"{'<' if high_open else '<='} {high:g}"
        else:
            expected = f"in {left}{low:g}, {high:g}{right}"
        raise InputError(f"{name} must be {expected}, got {value:g}.{extra}")
    return value


def check_positive(value: object, name: str, hint: str = "") -> float:
    """Return ``value`` as a finite float ``> 0`` (a learning rate, a temperature, a size).

    Parameters
    ----------
    value : object
    name : str
    hint : str
    """
    return check_number(value, name, low=0.0, low_open=True, hint=hint)


def check_non_negative(value: object, name: str, hint: str = "") -> float:
    """Return ``value`` as a finite float ``>= 0`` (a weight decay, an ε, a noise level).

    Parameters
    ----------
    value : object
    name : str
    hint : str
    """
    return check_number(value, name, low=0.0, hint=hint)


def check_probability(value: object, name: str, *, open_low: bool = False,
                      open_high: bool = False, hint: str = "") -> float:
    """Return ``value`` as a float in [0, 1] (or an open side, e.g. a test fraction in (0, 1)).

    Parameters
    ----------
    value : object
    name : str
    open_low : bool
    open_high : bool
    hint : str
    """
    return check_number(value, name, 0.0, 1.0, low_open=open_low, high_open=open_high,
                        hint=hint)


def check_eps(eps: object, name: str = "eps") -> float:
    """Raise unless ``eps`` is a finite number >= 0 (a size of perturbation).

    Parameters
    ----------
    eps : object
    name : str
    """
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not math.isfinite(eps):
        raise InputError(f"{name} must be a finite number >= 0, got {eps!r}.")
    if eps < 0:
        raise InputError(f"{name} must be >= 0 (a size of perturbation), got {eps}.")
    return float(eps)


def check_size(value: object, name: str = "size") -> tuple[int, int]:
    """An image size: an int ``s`` (square) or ``(H, W)``, each >= 1 -> ``(H, W)``.

    Parameters
    ----------
    value : object
    name : str
    """
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise InputError(f"{name} must be an int or an (H, W) pair, got {value!r}.")
        return (check_positive_int(value[0], f"{name}[0]"),
                check_positive_int(value[1], f"{name}[1]"))
    side = check_positive_int(value, name, hint="An image needs at least one pixel a side.")
    return side, side
