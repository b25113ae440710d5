"""Checkers for the exercises of ``00_setup.ipynb``.

Each checker is declared with :func:`~course_utils.exercises.framework.exercise`: it answers any
answer with a Feedback, checks functions on hidden cases, and records progress.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Callable, Iterator
from unittest import mock

import torch

from course_utils.data.registry import DATASETS, load_dataset
from course_utils.env import FAST_ENV_VAR, by_mode, get_device, is_fast_mode
from course_utils.exercises.framework import Wrong, call, exercise

_MACHINES = ((True, True), (True, False), (False, True), (False, False))
"""(CUDA available, MPS available) on the machines exercise 1 imagines."""


def _device_kind(value: object) -> str:
    """``"cuda"`` from ``"cuda"``, ``"CUDA:0"`` or ``torch.device("cuda")``; '' otherwise."""
    if isinstance(value, torch.device):
        return value.type
    if isinstance(value, str):
        return value.split(":")[0].strip().lower()
    return ""


@exercise("ch00.ex1", title="pick the device yourself", kind="function",
          expects="a function pick_device() that returns 'cuda', 'mps' or 'cpu'",
          hints=("Look at the order in which section 3 says get_device() tries the devices, and "
                 "ask PyTorch, for each kind of GPU, whether one is there.",
                 "torch.cuda and torch.backends.mps each have an is_available() function.",
                 "Test CUDA first, then MPS; return 'cpu' only when neither is available."),
          solution="pick_device", forbidden=(get_device,))
def check_pick_device(fn: Callable[[], object]) -> str:
    """Exercise 1: ``fn()`` picks CUDA, then MPS, then the CPU, on four imagined machines."""
    for cuda, mps in _MACHINES:
        expected = "cuda" if cuda else "mps" if mps else "cpu"
        case = (f"a machine {'with' if cuda else 'without'} CUDA and "
                f"{'with' if mps else 'without'} MPS")
        with mock.patch("torch.cuda.is_available", return_value=cuda), \
                mock.patch("torch.backends.mps.is_available", return_value=mps):
            got = call(fn, case=case)
        kind = _device_kind(got)
        if kind not in ("cuda", "mps", "cpu"):
            raise Wrong(f"On {case} your function returned {got!r}; expected the string "
                        f"{expected!r} (or torch.device({expected!r})).")
        if kind != expected:
            raise Wrong(f"On {case} your function picked {kind!r}, but get_device() would pick "
                        f"{expected!r}.")
    return (f"It picks like get_device() on all four machines; on this one that is "
            f"{get_device().type!r}.")


@contextmanager
def _fast_mode_set_to(value: str | None) -> Iterator[None]:
    saved = os.environ.get(FAST_ENV_VAR)
    try:
        if value is None:
            os.environ.pop(FAST_ENV_VAR, None)
        else:
            os.environ[FAST_ENV_VAR] = value
        yield
    finally:
        if saved is None:
            os.environ.pop(FAST_ENV_VAR, None)
        else:
            os.environ[FAST_ENV_VAR] = saved


@exercise("ch00.ex2", title="a fast-mode switch of your own", kind="function",
          expects="a function pick(full, fast) that returns one of its two arguments",
          hints=("The switch is an environment variable, named in section 4; Python's os module "
                 "reads the environment.",
                 "os.environ.get(name, default) gives the variable's text, or the default when it "
                 "is not set at all.",
                 "Return fast only when the variable holds '1'; unset or '0' means the full "
                 "lesson."),
          solution="pick", forbidden=(by_mode, is_fast_mode))
def check_pick(fn: Callable[[object, object], object]) -> str:
    """Exercise 2: ``fn(full, fast)`` returns ``fast`` when ``COURSE_FAST=1``, else ``full``."""
    full, fast = object(), object()
    for setting in ("1", "0", None, "1"):
        expected = fast if setting == "1" else full
        case = (f"{FAST_ENV_VAR} unset" if setting is None else f"{FAST_ENV_VAR}={setting}")
        with _fast_mode_set_to(setting):
            got = call(fn, full, fast, case=case)
        if got is not full and got is not fast:
            raise Wrong(f"With {case} your function returned {got!r}, which is neither of its "
                        f"arguments: return `full` or `fast` itself.")
        if got is not expected:
            which = "fast" if expected is fast else "full"
            raise Wrong(f"With {case} your function returned the other argument; expected "
                        f"`{which}`.")
    return f"Like by_mode: {FAST_ENV_VAR}=1 picks the fast value, anything else the full one."


@exercise("ch00.ex3", title="digits per class", kind="number",
          expects="a whole number (digits of one class)",
          hints=("The table in section 5 gives the size of the training split; how are the ten "
                 "digits shared out in it?",
                 "mnist_train.labels holds one label per digit: count how many equal 3, say.",
                 "torch.bincount counts every value of a tensor of labels at once."),
          solution="digits_per_class")
def check_digits_per_class(answer: float) -> str:
    """Exercise 3: how many digits of each class the shipped MNIST training split holds."""
    counts = load_dataset("mnist", "train").class_counts()
    expected = set(counts.values())
    if len(expected) != 1:
        raise Wrong("The shipped split is not balanced on this machine: run the readiness "
                    "report above.")
    (per_class,) = expected
    total = DATASETS["mnist"].sizes["train"]
    if answer == total:
        raise Wrong(f"{total:,} is the whole training split: how many of them are, say, 3s?")
    if answer == DATASETS["mnist"].sizes["test"] / 10:
        raise Wrong("That counts the test split, not the training split.")
    if answer != per_class:
        raise Wrong(f"{answer:g} is not it: the ten classes share the {total:,} digits.")
    return f"{per_class} of each digit: the shipped split is balanced, {total:,} in all."
