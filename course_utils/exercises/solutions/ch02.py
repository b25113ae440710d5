"""Solutions to the exercises of ``02_convolution.ipynb``."""

import torch


def output_size(n: int, k: int, stride: int, padding: int, dilation: int) -> int:
    """Output size along one axis."""
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


vertical_edge_kernel = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])

conv_params = 16 * 3 * 5 * 5 + 16

receptive_field = 1 + 2 + 2 + 1 + 2 * 2
