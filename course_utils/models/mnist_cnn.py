"""The small CNN the lessons train on MNIST: two convolution blocks and a dense head.

Introduced in ``05_training_from_scratch.ipynb``; also the network of ``benchmarks/fit_throughput.py``.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.models.blocks import check_input, conv_bn_relu


class MnistCNN(nn.Module):
    """conv-BN-ReLU-pool twice, then dropout, a hidden dense layer and the classifier.

    Shapes: ``(B, in_channels, 28, 28) -> (B, num_classes)``.

    Parameters
    ----------
    channels : (int, int)
        Feature maps of the two convolution blocks.
    hidden : int
        Units of the dense layer.
    dropout : float
        Dropout before each dense layer (0 turns it off).
    in_channels, num_classes : int
    """

    def __init__(self, channels: tuple[int, int] = (32, 64), hidden: int = 128,
                 dropout: float = 0.25, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.in_channels, self.num_classes = in_channels, num_classes
        c1, c2 = channels
        self.features = nn.Sequential(
            conv_bn_relu(in_channels, c1), nn.MaxPool2d(2),   # 28 -> 14
            conv_bn_relu(c1, c2), nn.MaxPool2d(2),            # 14 -> 7
        )
        self.head = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(c2 * 7 * 7, hidden),
            nn.ReLU(inplace=True), nn.Dropout(dropout), nn.Linear(hidden, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input(x, self, size=28)
        return self.head(self.features(x))
