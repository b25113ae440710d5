"""Checkers for the exercises of ``14_scaling_out.ipynb``.

1. ``check_shard``: each process's slice of a global batch;
2. ``check_average_gradients``: what DistributedDataParallel's all-reduce computes;
3. ``check_scaled_lr``: the linear learning-rate scaling rule for a larger global batch.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.exercises.framework import (
    Wrong,
    as_array,
    as_number,
    call,
    exercise,
    expect_close,
)
from course_utils.train.distributed import shard_of


@exercise("ch14.ex1", title="one process's share of a batch", kind="function",
          expects="a function shard(index, rank, world_size) -> the indices this rank trains on",
          hints=("Every rank holds the same global batch of indices; together the ranks must "
                 "see each index exactly once.",
                 "With B indices and W ranks each rank takes B / W of them.",
                 "A contiguous slice index[rank * k:(rank + 1) * k] or a stride "
                 "index[rank::world_size] both work."),
          solution="shard", forbidden=(shard_of,))
def check_shard(fn: Callable) -> str:
    """Exercise 1: the shards of all ranks are equal-sized and cover the batch exactly once."""
    gen = torch.Generator().manual_seed(1400)
    for size, world in ((8, 2), (12, 3), (64, 4), (6, 6)):
        index = torch.randperm(100, generator=gen)[:size]
        case = f"a batch of {size} indices over {world} processes"
        parts = [as_array(call(fn, index.clone(), rank, world, case=f"{case}, rank {rank}"),
                          what=f"rank {rank}'s shard").long().flatten() for rank in range(world)]
        together = torch.cat(parts)
        if len(together) == size * world and all(len(p) == size for p in parts):
            raise Wrong(f"On {case} every rank got the whole batch: the processes would train on "
                        f"{world} copies of it, a global batch {world} times too large.")
        if any(len(p) != size // world for p in parts):
            raise Wrong(f"On {case} the shards have sizes {[len(p) for p in parts]}; each rank "
                        f"must get {size // world}, or the gradient average weighs them unevenly.")
        if not torch.equal(together.sort().values, index.sort().values):
            raise Wrong(f"On {case} the shards together are not the batch: some index is "
                        "missing or seen twice.")
    return ("The ranks share every batch without overlap: one step of all of them sees the batch "
            "a single process would see, which is how fit shards its in-memory batches.")


def _gradient_case(case: int) -> tuple[nn.Module, list[torch.Tensor], list[list[torch.Tensor]],
                                       list[torch.Tensor], int]:
    """A small network, a batch split over ranks, each rank's gradients and the global ones."""
    state = torch.get_rng_state()
    torch.manual_seed(1410 + case)
    world = (2, 3, 4)[case]
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3))
    x, y = torch.randn(12, 5), torch.randint(0, 3, (12,))
    torch.set_rng_state(state)
    params = list(model.parameters())
    per_rank = []
    for xs, ys in zip(x.chunk(world), y.chunk(world)):
        per_rank.append([g.detach() for g in torch.autograd.grad(
            F.cross_entropy(model(xs), ys), params)])
    whole = [g.detach() for g in torch.autograd.grad(F.cross_entropy(model(x), y), params)]
    return model, per_rank, whole, params, world


@exercise("ch14.ex2", title="average the gradients of the processes", kind="function",
          expects="a function average_gradients(grads) -> list of tensors, where grads[r][i] is "
                  "rank r's gradient of parameter i",
          hints=("Each rank computed the gradient of the mean loss over its own shard.",
                 "The single-process gradient is the mean loss over the whole batch; with equal "
                 "shards that is the mean of the ranks' gradients, parameter by parameter.",
                 "torch.stack the ranks' tensors of one parameter and take .mean(0); return "
                 "one tensor per parameter, in the same order."),
          solution="average_gradients")
def check_average_gradients(fn: Callable) -> str:
    """Exercise 2: the average equals the gradient of the whole batch's mean loss."""
    for case in range(3):
        _, per_rank, whole, _, world = _gradient_case(case)
        where = f"a hidden network and a batch of 12 over {world} processes"
        got = call(fn, [[g.clone() for g in grads] for grads in per_rank], case=where)
        if not isinstance(got, (list, tuple)) or len(got) != len(whole):
            raise Wrong(f"On {where} expected a list of {len(whole)} tensors (one per parameter), "
                        f"got {type(got).__name__}"
                        f"{' of ' + str(len(got)) if isinstance(got, (list, tuple)) else ''}.")
        summed = [sum(grads[i] for grads in per_rank) for i in range(len(whole))]
        if all(torch.allclose(torch.as_tensor(g).double(), s.double(), atol=1e-6)
               for g, s in zip(got, summed)):
            raise Wrong(f"On {where} you summed the gradients: {world} times the single-process "
                        f"gradient, as if the learning rate were {world} times larger.")
        for i, (g, w) in enumerate(zip(got, whole)):
            expect_close(g, w, what=f"the gradient of parameter {i}", atol=1e-6, case=where)
    return ("That is the all-reduce DistributedDataParallel runs during backward (a sum over the "
            "processes, divided by their number): every rank then takes the same step.")


@exercise("ch14.ex3", title="the learning rate for a larger batch", kind="function",
          expects="a function scaled_lr(base_lr, base_batch, batch) -> float",
          hints=("With k times more images per step, one step averages k times as many "
                 "gradients and there are k times fewer steps per epoch.",
                 "The linear scaling rule (Goyal et al., 2017) keeps the progress per epoch: "
                 "the learning rate grows in the same proportion as the batch."),
          solution="scaled_lr")
def check_scaled_lr(fn: Callable) -> str:
    """Exercise 3: ``fn(base_lr, base_batch, batch)`` follows the linear scaling rule."""
    for base_lr, base_batch, batch in ((0.1, 256, 1024), (3e-3, 64, 128), (0.05, 128, 32),
                                       (1e-3, 32, 32)):
        case = f"base_lr={base_lr}, base_batch={base_batch}, batch={batch}"
        got = as_number(call(fn, base_lr, base_batch, batch, case=case), what="your rate")
        want = base_lr * batch / base_batch
        if batch != base_batch and abs(got - base_lr * (batch / base_batch) ** 0.5) < 1e-9:
            raise Wrong(f"On {case} you used the square-root rule; this exercise asks for the "
                        "linear rule, the one used with SGD and warm-up on ImageNet.")
        if batch != base_batch and abs(got - base_lr * base_batch / batch) < 1e-9:
            raise Wrong(f"On {case} the rate went the wrong way: a larger batch takes a larger "
                        "learning rate.")
        expect_close(got, want, what="the learning rate", rtol=1e-9, atol=0, case=case)
    return ("Linear scaling, usually with a few epochs of warm-up: the rule that let a ResNet-50 "
            "train on ImageNet with batches of 8,192 in an hour (Goyal et al., 2017).")
