"""DistributedDataParallel through ``fit``: sharding, rank-0 checkpoints, and a real torchrun run.

The torchrun test starts two gloo processes on 127.0.0.1 (it passes with only loopback) and
checks that they train the same model as one process with the same global batch and seed.
"""

from __future__ import annotations

import importlib
import os

import pytest
import torch

from course_utils import ddp
from course_utils.models import LeNet5
from course_utils.train import InMemoryBatches, fit
from course_utils.train.distributed import all_sum, data_parallel, shard_of, world

fit_module = importlib.import_module("course_utils.train.fit")  # the module, not the function
LOSS_TOLERANCE = 1e-4   # relative, per epoch, as notebook 14 states for its script
WEIGHT_TOLERANCE = 1e-5  # fit stays within it here; notebook 14 allows its Adam script 1e-4


def test_shard_of_splits_a_batch_into_equal_contiguous_slices():
    index = torch.arange(12)
    parts = [shard_of(index, rank, 3) for rank in range(3)]
    assert torch.equal(torch.cat(parts), index)
    assert [len(p) for p in parts] == [4, 4, 4]


def test_shard_of_refuses_a_batch_that_does_not_divide():
    with pytest.raises(ValueError, match="multiple of the world size"):
        shard_of(torch.arange(10), 0, 3)


def test_in_memory_batches_shards_have_the_single_process_batches_between_them():
    images, labels = torch.rand(40, 1, 2, 2), torch.arange(40)
    single = InMemoryBatches(images, labels, 8, torch.Generator().manual_seed(3))
    ranks = [InMemoryBatches(images, labels, 8, torch.Generator().manual_seed(3), rank=r,
                             world_size=2) for r in range(2)]
    for (_, whole), (_, a), (_, b) in zip(single, *ranks):
        assert len(a) == len(b) == 4
        assert torch.equal(torch.cat([a, b]), whole)


def test_single_process_helpers_do_nothing():
    model = torch.nn.Linear(2, 2)
    total = torch.tensor(3.0)
    all_sum(total)
    assert world() == (0, 1) and data_parallel(model) is model and total.item() == 3.0


def test_fit_on_a_rank_other_than_0_writes_no_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setattr(fit_module, "world", lambda: (1, 2))
    monkeypatch.setattr(fit_module, "is_main_process", lambda: False)
    images, labels = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))
    path = tmp_path / "run.pt"
    history = fit(LeNet5(), (images, labels), epochs=1, batch_size=16, device="cpu",
                  checkpoint=path, progress=False)
    assert len(history) == 1 and not path.exists()


def test_launch_checks_its_arguments():
    with pytest.raises(ValueError, match="positive int"):
        ddp.launch(0)
    with pytest.raises(ValueError, match="multiple of nproc=2"):
        ddp.launch(2, batch_size=63)


def test_command_line_refuses_too_many_images():
    with pytest.raises(SystemExit):
        ddp.parse_args(["--images", "4500", "--out", "x.pt"])


def test_mnist_split_is_stratified_and_disjoint():
    (x, y), (xv, yv) = ddp.mnist_split(400)
    assert x.shape == (400, 1, 28, 28) and xv.shape == (1000, 1, 28, 28)
    assert yv.bincount().tolist() == [100] * 10
    assert len(y.unique()) == 10 and 0 <= float(x.min()) and float(x.max()) <= 1


def test_torchrun_two_processes_train_the_single_process_model():
    kwargs = dict(epochs=2, images=512, batch_size=64, seed=1)
    two = ddp.launch(2, **kwargs)
    one = ddp.launch(1, **kwargs)
    assert two["world_size"] == 2 and len(set(two["pids"])) == 2
    assert os.getpid() not in two["pids"]
    for name in ("train_loss", "val_loss"):
        a, b = torch.tensor(two["history"][name]), torch.tensor(one["history"][name])
        assert torch.allclose(a, b, rtol=LOSS_TOLERANCE, atol=0), (name, a, b)
    for key, value in one["state_dict"].items():
        assert torch.allclose(two["state_dict"][key], value, atol=WEIGHT_TOLERANCE), key


@pytest.mark.parametrize("platform, expected", [
    ("linux", {"GLOO_SOCKET_IFNAME": "lo"}), ("darwin", {"GLOO_SOCKET_IFNAME": "lo0"}),
    ("win32", {"USE_LIBUV": "0"})])
def test_local_process_env_names_each_systems_loopback(monkeypatch, platform, expected):
    monkeypatch.setattr(ddp.sys, "platform", platform)
    assert ddp.local_process_env(2) == {"OMP_NUM_THREADS": "2", **expected}
    with pytest.raises(ValueError, match="threads must be an int >= 1, got 0"):
        ddp.local_process_env(0)
