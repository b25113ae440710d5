"""Learning-rate schedules as plain functions of the step number.

Introduced in ``05_training_from_scratch.ipynb``. A schedule that is a function of the step
(instead of an object with hidden state) makes resuming trivial: the checkpoint stores the step.
"""

from __future__ import annotations

import math

from course_utils.validation import (
    check_choice,
    check_int_range,
    check_positive,
    check_positive_int,
    check_probability,
)

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
    check_choice(schedule, "schedule", SCHEDULES)
    total_steps = check_positive_int(total_steps, "total_steps")
    step = check_int_range(step, "step", 0, total_steps,
                           hint="Steps count from 0 to total_steps - 1.")
    max_lr = check_positive(max_lr, "max_lr", hint="A learning rate is a step size > 0.")
    warmup = check_probability(warmup, "warmup", open_high=True)
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
