"""What ``fit`` does differently when several processes train one model together.

Introduced in ``14_scaling_out.ipynb``. When ``torch.distributed`` is initialised (``torchrun``
started the processes and each called ``init_process_group``), :func:`~course_utils.train.fit`
needs no new argument:

- every process draws the same permutation of the training set from the seed and takes its own
  slice of each batch (:func:`shard_of`), so one step of all processes together sees exactly the
  batch a single process would see;
- the model is wrapped in ``DistributedDataParallel`` (:func:`data_parallel`), which averages
  the gradients of the processes during ``backward``; every process then takes the same step;
- the summed loss and accuracy counts are added up over the processes (:func:`all_sum`);
- only rank 0 writes checkpoints and shows a progress bar (:func:`is_main_process`).
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel


def world() -> tuple[int, int]:
    """``(rank, world_size)`` of this process: ``(0, 1)`` unless ``torch.distributed`` is
    initialised.
    """
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def is_main_process() -> bool:
    """True on rank 0 (and in a single process): the one that writes files and prints."""
    return world()[0] == 0


def shard_of(index: torch.Tensor, rank: int, world_size: int) -> torch.Tensor:
    """The contiguous slice of a global batch of indices that this rank takes.

    Parameters
    ----------
    index : (B,) int64 tensor
        The global batch, the same on every rank; ``B`` a multiple of ``world_size``.
    rank, world_size : int

    Returns
    -------
    (B // world_size,) int64 tensor
    """
    if len(index) % world_size:
        raise ValueError(f"a batch of {len(index)} cannot be split evenly over {world_size} "
                         "processes; use a batch_size that is a multiple of the world size.")
    per_rank = len(index) // world_size
    return index[rank * per_rank:(rank + 1) * per_rank]


def data_parallel(model: nn.Module) -> nn.Module:
    """``model`` wrapped in ``DistributedDataParallel`` when distributed, else ``model`` itself.

    The wrapper shares the model's parameters: training it trains ``model``. On the CPU it is
    built without ``device_ids``; on CUDA with the model's device.

    Parameters
    ----------
    model : nn.Module
    """
    if world()[1] == 1:
        return model
    device = next(model.parameters()).device
    return DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None)


def all_sum(*tensors: torch.Tensor) -> None:
    """Add each tensor up over all processes, in place (nothing to do in a single process).

    Parameters
    ----------
    *tensors : torch.Tensor
    """
    if world()[1] == 1:
        return
    for tensor in tensors:
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
