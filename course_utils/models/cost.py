"""What a network costs: parameters, multiply-accumulates and CPU latency.

Introduced in ``06_architectures.ipynb``.
"""

from __future__ import annotations

import copy
import statistics
import time

import torch
from torch import nn

from course_utils.env import torch_threads
from course_utils.validation import InputError, check_model, check_positive_int


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters.

    Parameters
    ----------
    model : nn.Module
    """
    check_model(model)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


@torch.no_grad()
def count_macs(model: nn.Module, input_shape: tuple[int, int, int]) -> int:
    """Multiply-accumulates of one forward pass on one image, counting convolutions and linear
    layers.

    Parameters
    ----------
    model : nn.Module
    input_shape : (C, H, W)

    Returns
    -------
    int
        For a convolution: output elements times ``(C_in / groups) * kH * kW``; for a linear
        layer: ``in_features * out_features``. Batch norm, activations and pooling are left out
        (they are cheap next to these).
    """
    check_model(model)
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise InputError(f"input_shape must be (C, H, W), e.g. (1, 28, 28), got {input_shape!r}.")
    total = 0

    def conv_hook(module: nn.Conv2d, _inputs, output: torch.Tensor) -> None:
        nonlocal total
        kh, kw = module.kernel_size
        total += output[0].numel() * (module.in_channels // module.groups) * kh * kw

    def linear_hook(module: nn.Linear, _inputs, _output) -> None:
        nonlocal total
        total += module.in_features * module.out_features

    handles = []
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            handles.append(module.register_forward_hook(conv_hook))
        elif isinstance(module, nn.Linear):
            handles.append(module.register_forward_hook(linear_hook))
    was_training = model.training
    device = next((t.device for t in (*model.parameters(), *model.buffers())),
                  torch.device("cpu"))
    try:
        model.eval()
        model(torch.zeros(1, *input_shape, device=device))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return total


@torch.inference_mode()
def cpu_latency_ms(model: nn.Module, input_shape: tuple[int, int, int], repeats: int = 50,
                   threads: int = 1) -> float:
    """Median time of one forward pass on one image on the CPU, in milliseconds.

    Parameters
    ----------
    model : nn.Module
        Measured on a CPU copy in evaluation mode; the model itself is not moved.
    input_shape : (C, H, W)
    repeats : int
        Timed runs after 5 warm-up runs.
    threads : int
        PyTorch CPU threads during the measurement (restored afterwards).
    """
    check_model(model)
    check_positive_int(repeats, "repeats")
    check_positive_int(threads, "threads")
    cpu_model = copy.deepcopy(model).cpu().eval()
    x = torch.zeros(1, *input_shape)
    with torch_threads(threads):
        for _ in range(5):
            cpu_model(x)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            cpu_model(x)
            times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)
