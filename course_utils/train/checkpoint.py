"""Checkpoints that survive a crash: written atomically, read back without running pickled code.

Introduced in ``05_training_from_scratch.ipynb``. :func:`save_checkpoint` writes to a temporary
file in the same folder and then renames it over the old one with ``os.replace``, which is
atomic: a reader sees the old checkpoint or the new one, never half of one, even if Ctrl-C or a
power cut lands in the middle. :func:`load_checkpoint` uses ``torch.load(weights_only=True)``,
which only rebuilds tensors and plain containers, so a checkpoint from the internet cannot run
code on your machine.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import torch

from course_utils.validation import InputError, check_file_path, check_output_file, check_type

FORMAT = 1
"""Bumped when the layout of a checkpoint changes."""


def save_checkpoint(state: dict, path: str | os.PathLike) -> Path:
    """Write ``state`` (tensors, numbers, strings, lists, dicts) to ``path`` atomically.

    Parameters
    ----------
    state : dict
        What to save; ``fit`` stores the model, the optimiser, the history, the best weights and
        the random-number states.
    path : path-like
        Destination; its folder is created if needed.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    check_type(state, "state", dict, "a dict of what to save (tensors, numbers, lists, dicts)")
    path = check_output_file(path, "checkpoint")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        torch.save({"format": FORMAT, **state}, tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def load_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict:
    """Read a checkpoint written by :func:`save_checkpoint` with ``weights_only=True``.

    Parameters
    ----------
    path : path-like
    map_location : str or torch.device
        Where the tensors land (default the CPU; ``fit`` moves them to its device).

    Returns
    -------
    dict
        The saved state, with ``"format"``.
    """
    path = check_file_path(path, "checkpoint")
    if not path.is_file():
        raise FileNotFoundError(
            f"no checkpoint at {path}; train with fit(..., checkpoint={str(path)!r}) first, or "
            "pass resume=False to start from scratch."
        )
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError, ValueError) as error:
        first_line = (str(error).strip().splitlines() or [""])[0][:200]
        raise InputError(f"{path} is not a course checkpoint: torch.load could not read it "
                         f"({type(error).__name__}: {first_line}). It was written by something "
                         "else, holds code (refused), or was cut short: delete it and train "
                         "again.") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise InputError(
            f"{path} is not a course checkpoint of format {FORMAT} (got "
            f"{state.get('format') if isinstance(state, dict) else type(state).__name__}); "
            "it was written by something else or an older version: delete it and train again."
        )
    return state

