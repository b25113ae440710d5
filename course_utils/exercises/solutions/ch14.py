"""Solutions to the exercises of ``14_scaling_out.ipynb``."""

import torch


def shard(index, rank, world_size):
    """The contiguous slice of the global batch that this rank takes."""
    k = len(index) // world_size
    return index[rank * k:(rank + 1) * k]


def average_gradients(grads):
    """Mean over the ranks of each parameter's gradient (grads[rank][parameter])."""
    return [torch.stack(per_parameter).mean(0) for per_parameter in zip(*grads)]


def scaled_lr(base_lr, base_batch, batch):
    """The linear scaling rule: the learning rate grows with the batch."""
    return base_lr * batch / base_batch
