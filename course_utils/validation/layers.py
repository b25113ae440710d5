"""The layers written from scratch: the cache a forward returns, a square kernel."""

from __future__ import annotations

from typing import Sequence

import torch

from course_utils.validation.errors import InputError, describe


def check_cache(cache: object, keys: Sequence[str], forward: str) -> dict:
    """Raise unless ``cache`` is the dict a ``forward`` function returned (it holds ``keys``).

    Parameters
    ----------
    cache : object
    keys : Sequence[str]
    forward : str
    """
    if not isinstance(cache, dict) or not set(keys) <= set(cache):
        got = (f"a dict without {sorted(set(keys) - set(cache))}" if isinstance(cache, dict)
               else describe(cache))
        raise InputError(f"cache must be the dict returned by {forward} (the second thing it "
                         f"returns), got {got}.")
    return cache


def check_square_kernel(kernel: torch.Tensor, name: str = "kernel") -> int:
    """Return the side ``k`` of a ``(..., k, k)`` kernel; raise if it is not square.

    Parameters
    ----------
    kernel : torch.Tensor
    name : str
    """
    kh, kw = kernel.shape[-2:]
    if kh != kw:
        raise InputError(
            f"{name} must be square (k x k), got {kh} x {kw}. These lessons use square kernels; "
            f"pad the kernel with zeros to {max(kh, kw)} x {max(kh, kw)} if you need that shape.")
    return int(kh)
