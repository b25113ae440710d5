"""Learning-rate schedules as plain functions of the step number.

Introduced in ``05_training_from_scratch.ipynb``. A schedule that is a function of the step
(instead of an object with hidden state) makes resuming trivial: the checkpoint stores the step.
"""

from __future__ import annotations

import math

SCHEDULES = ("constant", "onecycle", "cosine")


def learning_rate(step: int, total_steps: int, max_lr: float, schedule: str = "onecycle",
                  warmup: float = 0.25) -> float:
    """Learning rate for step ``step`` (0-based) of ``total_steps``.

    Parameters
    ----------
    step, total_steps : int
    max_lr : float
        The peak (``"onecycle"``) or starting (``"cosine"``) or only (``"constant"``) rate.
    schedule : {"constant", "onecycle", "cosine"}
        ``"onecycle"`` rises from ``max_lr / 25`` to ``max_lr`` over the first ``warmup`` share
        of the steps, then falls to ``max_lr / 25_000`` along a half cosine; ``"cosine"`` only
        falls.
    warmup : float
        Share of the steps spent rising (``"onecycle"`` only).

    Returns
    -------
    float
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule={schedule!r} is not known; use one of {SCHEDULES}.")
    if schedule == "constant":
        return max_lr
    t = min(max(step / max(total_steps - 1, 1), 0.0), 1.0)
    start, end = max_lr / 25, max_lr / 25_000
    if schedule == "cosine":
        return end + (max_lr - end) * (1 + math.cos(math.pi * t)) / 2
    if t < warmup:
        return start + (max_lr - start) * (1 - math.cos(math.pi * t / warmup)) / 2
    u = (t - warmup) / (1 - warmup)
    return end + (max_lr - end) * (1 + math.cos(math.pi * u)) / 2
