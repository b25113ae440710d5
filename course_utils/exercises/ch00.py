"""Checkers for the exercises of ``00_setup.ipynb``."""

from __future__ import annotations

from course_utils.data.registry import DATASETS
from course_utils.env import FAST_ENV_VAR, get_device
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, correct, not_answered, wrong


def check_device(answer: object) -> Feedback:
    """Exercise 1: the name of the device ``get_device()`` picks here, e.g. ``"cpu"``."""
    hint = "Call get_device() and look at its .type, or print it."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    expected = get_device().type
    if str(answer).split(":")[0].strip().lower() == expected:
        return correct(f"This machine trains on {expected!r}.")
    return wrong(f"You answered {answer!r}, but get_device() picks {expected!r} here.", hint)


def check_mnist_train_size(answer: object) -> Feedback:
    """Exercise 2: how many digits the shipped MNIST training split holds."""
    hint = "len(load_dataset('mnist', 'train')) counts them."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    expected = DATASETS["mnist"].sizes["train"]
    if answer == expected:
        return correct(f"{expected:,} digits, 500 of each class.")
    if answer == DATASETS["mnist"].sizes["test"]:
        return wrong("That is the size of the test split.", hint)
    return wrong(f"You answered {answer!r}.", hint)


def check_fast_switch(answer: object) -> Feedback:
    """Exercise 3: the environment variable that turns fast mode on."""
    hint = "It is named in the 'Fast mode' section above and in course_utils.env."
    if answer is NOT_ANSWERED:
        return not_answered(hint)
    if str(answer).strip().split("=")[0] == FAST_ENV_VAR:
        return correct(f"{FAST_ENV_VAR}=1 shrinks epochs and subsets; unset it for the full lesson.")
    return wrong(f"{answer!r} is not the switch.", hint)
