"""Each checker of 14_scaling_out accepts its solution and rejects typical mistakes with the
right diagnosis."""

from __future__ import annotations

import torch

from course_utils.exercises import ch14
from course_utils.exercises.solutions import ch14 as solutions
from course_utils.train.distributed import shard_of


def test_shard():
    assert ch14.check_shard(solutions.shard)
    assert ch14.check_shard(lambda index, rank, world: index[rank::world])
    assert "whole batch" in ch14.check_shard(lambda index, rank, world: index).message
    assert "sizes" in ch14.check_shard(lambda index, rank, world: index[rank:rank + 2]).message
    assert "missing or seen twice" in ch14.check_shard(
        lambda index, rank, world: index[:len(index) // world]).message
    assert "not your own code" in ch14.check_shard(shard_of).message


def test_average_gradients():
    assert ch14.check_average_gradients(solutions.average_gradients)

    def summed(grads):
        return [torch.stack(g).sum(0) for g in zip(*grads)]

    def first_rank_only(grads):
        return list(grads[0])

    assert "summed" in ch14.check_average_gradients(summed).message
    assert "off by" in ch14.check_average_gradients(first_rank_only).message
    assert "list of" in ch14.check_average_gradients(lambda grads: grads[0][0]).message


def test_scaled_lr():
    assert ch14.check_scaled_lr(solutions.scaled_lr)
    assert "square-root" in ch14.check_scaled_lr(lambda lr, b0, b: lr * (b / b0) ** 0.5).message
    assert "wrong way" in ch14.check_scaled_lr(lambda lr, b0, b: lr * b0 / b).message
    assert "off by" in ch14.check_scaled_lr(lambda lr, b0, b: lr).message
