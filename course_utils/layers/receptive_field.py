"""The receptive field of stacked convolutions and poolings.

Introduced in ``02_convolution.ipynb``.
"""

from __future__ import annotations

from typing import Sequence

from course_utils.validation import InputError, check_positive_int


def receptive_field(layers: Sequence[tuple[int, int] | tuple[int, int, int]]) -> int:
    """Side of the input square that one output pixel of the last layer depends on.

    Each layer adds ``d(k - 1)`` times the product of the strides before it:
    ``r = 1 + sum_l d_l (k_l - 1) * prod_{i<l} s_i``.

    Parameters
    ----------
    layers : sequence of (k, stride) or (k, stride, dilation)
        Kernel size, stride (and dilation) of each convolution or pooling, input first.

    Returns
    -------
    int
    """
    if not isinstance(layers, (list, tuple)) or not layers:
        raise InputError(f"layers must be a non-empty list of (k, stride) pairs, input first, got "
                         f"{layers!r}; e.g. [(3, 1), (2, 2), (3, 1)].")
    r, jump = 1, 1
    for index, layer in enumerate(layers):
        if len(layer) not in (2, 3):
            raise InputError(f"layer {index} is {layer!r}; expected (k, stride) or "
                             "(k, stride, dilation).")
        k = check_positive_int(layer[0], "k")
        s = check_positive_int(layer[1], "stride")
        d = check_positive_int(layer[2], "dilation") if len(layer) == 3 else 1
        r += d * (k - 1) * jump
        jump *= s
    return r
