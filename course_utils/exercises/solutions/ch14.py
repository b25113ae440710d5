"""Solutions to the exercises of ``14_scaling_out.ipynb``."""

import torch


def shard(index, rank, world_size):
    """The contiguous slice of the global batch that this rank takes.

    Parameters
    ----------
    index : object
    rank : object
    world_size : object
    """
    k = len(index) // world_size
    return index[rank * k:(rank + 1) * k]


def average_gradients(grads):
    """Mean over the ranks of each parameter's gradient (grads[rank][parameter]).

    Parameters
    ----------
    grads : object
    """
    return [torch.stack(per_parameter).mean(0) for per_parameter in zip(*grads)]


def scaled_lr(base_lr, base_batch, batch):
    """The linear scaling rule: the learning rate grows with the batch.

    Parameters
    ----------
    base_lr : object
    base_batch : object
    batch : object
    """
    return base_lr * batch / base_batch
