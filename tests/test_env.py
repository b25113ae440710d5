"""course_utils.env: fast mode, device choice, seeding, Colab detection."""

import random
import sys

import numpy as np
import pytest
import torch

from course_utils.env import (
    by_mode,
    get_device,
    in_colab,
    is_fast_mode,
    seed_everything,
    torch_threads,
)


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("ON", True),
                                           ("0", False), ("", False), ("no", False)])
def test_fast_mode_reads_the_variable(monkeypatch, raw, expected):
    monkeypatch.setenv("COURSE_FAST", raw)
    assert is_fast_mode() is expected
    assert by_mode(full="full", fast="fast") == ("fast" if expected else "full")


def test_fast_mode_unset_is_off(monkeypatch):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    assert is_fast_mode() is False


def test_fast_mode_rejects_garbage(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST='maybe'.*COURSE_FAST=1"):
        is_fast_mode()


def test_get_device_returns_an_available_device():
    device = get_device()
    assert torch.zeros(1, device=device).device.type == device.type
    assert get_device("cpu") == torch.device("cpu")


def test_get_device_rejects_unknown_and_unavailable(monkeypatch):
    with pytest.raises(ValueError, match="'tpu' is not a device kind"):
        get_device("tpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="no cuda device is available"):
        get_device("cuda")


def test_get_device_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_device().type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert get_device().type == "mps"


def test_seed_everything_repeats_every_generator():
    def draw():
        return random.random(), np.random.rand(), torch.rand(3), torch.nn.Linear(4, 2).weight

    seed_everything(123)
    first = draw()
    seed_everything(123)
    second = draw()
    assert first[0] == second[0] and first[1] == second[1]
    assert torch.equal(first[2], second[2]) and torch.equal(first[3], second[3])
    seed_everything(124)
    assert not torch.equal(draw()[2], first[2])


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError),
                                        ("0", TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="seed must"):
        seed_everything(bad)


def test_in_colab(monkeypatch):
    assert in_colab() is False
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert in_colab() is True


def test_torch_threads_sets_and_restores():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="n must be a positive int"):
        with torch_threads(0):
            pass


def test_set_lesson_threads_picks_one_thread_for_small_networks_and_fast_mode(monkeypatch):
    from course_utils import env

    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("COURSE_FAST", "0")
        assert env.set_lesson_threads(small_network=True) == 1 == torch.get_num_threads()
        assert env.set_lesson_threads() == env._STARTING_THREADS == torch.get_num_threads()
        monkeypatch.setenv("COURSE_FAST", "1")
        assert env.set_lesson_threads() == 1 == torch.get_num_threads()
        with pytest.raises(TypeError, match="small_network must be True or False, got str 'yes'"):
            env.set_lesson_threads(small_network="yes")
    finally:
        torch.set_num_threads(before)
