"""course_utils.frameworks: PyTorch weights moved into the same Keras network give the same
logits, and bad input is refused with a clear error."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from torch import nn

from course_utils.frameworks import (
    conv_kernel_to_keras,
    copy_torch_to_keras,
    dense_kernel_to_keras,
)
from course_utils.validation import InputError

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is first imported
import keras  # noqa: E402  (the keras extra is part of the test environment)


def pair() -> tuple[nn.Sequential, object]:
    torch.manual_seed(0)
    ours = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 6, 3), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 2 * 3, 5),
                         nn.ReLU(), nn.Linear(5, 2))
    theirs = keras.Sequential([
        keras.Input((8, 10, 3)), keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2), keras.layers.Conv2D(6, 3, activation="relu"),
        keras.layers.Flatten(), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(2)])
    return ours, theirs


def test_copied_weights_give_the_same_logits_on_a_non_square_input():
    ours, theirs = pair()
    x = torch.rand(7, 3, 8, 10, generator=torch.Generator().manual_seed(1))
    copy_torch_to_keras(ours, theirs, example=x[:1])
    with torch.no_grad():
        want = ours(x).numpy()
    got = keras.ops.convert_to_numpy(theirs(x.permute(0, 2, 3, 1).numpy()))
    assert np.abs(got - want).max() < 1e-5


def test_the_flatten_order_is_what_a_plain_transpose_gets_wrong():
    weight = torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).view(2, 12)
    kernel = dense_kernel_to_keras(weight, (3, 2, 2))
    assert kernel.shape == (12, 2) and not torch.equal(kernel, weight.t())
    # Keras's feature (h, w, c) is PyTorch's feature c * H * W + h * W + w.
    assert kernel[(1 * 2 + 0) * 3 + 2, 1] == weight[1, 2 * 4 + 1 * 2 + 0]
    assert torch.equal(dense_kernel_to_keras(weight), weight.t())


def test_conv_kernel_layout():
    weight = torch.randn(5, 3, 2, 4)
    kernel = conv_kernel_to_keras(weight)
    assert kernel.shape == (2, 4, 3, 5) and kernel[1, 3, 2, 4] == weight[4, 2, 1, 3]


@pytest.mark.parametrize("call,match", [
    (lambda: conv_kernel_to_keras(np.zeros((2, 2, 3, 3))), "weight must be a"),
    (lambda: conv_kernel_to_keras(torch.zeros(2, 3, 3)), r"\(out, in, kh, kw\)"),
    (lambda: dense_kernel_to_keras(torch.zeros(2, 12), (3, 2, 3)), "holds 18 features"),
    (lambda: dense_kernel_to_keras(torch.zeros(2, 12), (3, 4)), "three positive ints"),
    (lambda: dense_kernel_to_keras(torch.zeros(12)), r"\(out, in\)"),
    (lambda: copy_torch_to_keras(nn.Linear(2, 2), pair()[1], torch.zeros(1, 3, 8, 10)),
     "nn.Sequential"),
    (lambda: copy_torch_to_keras(pair()[0], pair()[1], torch.zeros(3, 8, 10)), "one"),
    (lambda: copy_torch_to_keras(pair()[0][:6], pair()[1], torch.zeros(1, 3, 8, 10)),
     "same conv and dense layers"),
])
def test_bad_input_is_refused(call, match):
    with pytest.raises(InputError, match=match):
        call()
