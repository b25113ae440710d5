"""The small CNN the lessons train on MNIST: convolution blocks, then a linear classifier.

Introduced in ``05_training_from_scratch.ipynb``; also the network of
``benchmarks/fit_throughput.py``.
"""

from __future__ import annotations

from torch import nn

from course_utils.models.blocks import FeaturesHead, check_network, conv_bn_relu
from course_utils.validation import InputError, check_int_range, check_probability


class MnistCNN(FeaturesHead):
    """One conv-BN-ReLU-maxpool block per entry of ``channels``, then dropout and dense layers.

    Shapes: ``(B, in_channels, 28, 28) -> (B, num_classes)``; each block halves the size
    (28 -> 14 -> 7 -> 3).

    Parameters
    ----------
    channels : tuple of int
        Feature maps of each convolution block (one to three blocks).
    hidden : int
        Units of a hidden dense layer; 0 connects the features straight to the classifier.
    dropout : float
        Dropout before each dense layer (0 turns it off).
    in_channels, num_classes : int
    """

    size = 28  # the head's first linear layer was sized for 28 x 28 images

    def __init__(self, channels: tuple[int, ...] = (16, 32, 64), hidden: int = 0,
                 dropout: float = 0.2, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        if not isinstance(channels, (tuple, list)) or not 1 <= len(channels) <= 3:
            raise InputError(f"channels needs one to three entries, got {channels}.")
        check_network(in_channels, num_classes, channels=channels)
        check_int_range(hidden, "hidden", low=0, hint="0 means no hidden layer.")
        check_probability(dropout, "dropout", open_high=True)
        self.in_channels, self.num_classes = in_channels, num_classes
        blocks, c_in, size = [], in_channels, 28
        for c_out in channels:
            blocks += [conv_bn_relu(c_in, c_out), nn.MaxPool2d(2)]
            c_in, size = c_out, size // 2
        self.features = nn.Sequential(*blocks)
        head: list[nn.Module] = [nn.Flatten(), nn.Dropout(dropout)]
        width = c_in * size * size
        if hidden:
            head += [nn.Linear(width, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout)]
            width = hidden
        head.append(nn.Linear(width, num_classes))
        self.head = nn.Sequential(*head)
