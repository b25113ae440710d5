"""How long one call takes: the median of repeated, timed runs after a warm-up.

Introduced in ``13_deployment.ipynb``. The median, not the mean: on a shared machine a few runs
are slowed by other work, and the median ignores them.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable

from course_utils.validation import InputError, check_positive_int


def median_latency_ms(run: Callable[[], object], *, repeats: int = 20, warmup: int = 2) -> float:
    """Median wall time of ``run()`` in milliseconds.

    Parameters
    ----------
    run : callable
        Does one inference (e.g. ``lambda: model(batch)``); its result is discarded.
    repeats : int
        Timed calls.
    warmup : int
        Untimed calls first (memory allocation, lazy initialisation, caches).

    Returns
    -------
    float
        Milliseconds per call. Divide by the batch size for the time per image.
    """
    if not callable(run):
        raise InputError(f"run must be a function of no arguments, got {type(run).__name__}; "
                         "wrap the call: lambda: model(batch).")
    repeats = check_positive_int(repeats, "repeats")
    warmup = check_positive_int(warmup, "warmup", minimum=0)
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)
