"""LeNet-5 (LeCun et al., 1998): the first convolutional network that read digits for a living.

Introduced in ``06_architectures.ipynb``.
"""

from __future__ import annotations

from torch import nn

from course_utils.models.blocks import FeaturesHead, check_network


class LeNet5(FeaturesHead):
    """5x5 convolutions with tanh and average pooling, then three dense layers.

    Shapes: ``(B, in_channels, 28, 28) -> (B, num_classes)`` (the 28x28 input is padded by 2,
    as the original read 32x32 images).
    """

    size = 28  # the head's first linear layer was sized for 28 x 28 images

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        check_network(in_channels, num_classes)
        self.in_channels, self.num_classes = in_channels, num_classes
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2),  # 28 -> 14
            nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),                       # 10 -> 5
        )
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(),
            nn.Linear(84, num_classes),
        )
