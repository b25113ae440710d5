"""The same network in another framework: weights moved between PyTorch and Keras.

Introduced in ``17_keras_and_pytorch.ipynb``:

- ``keras_weights``: :func:`conv_kernel_to_keras`, :func:`dense_kernel_to_keras` (the layout
  conversions, plain tensors in and out) and :func:`copy_torch_to_keras` (a whole
  ``nn.Sequential`` into a Keras ``Sequential`` of the same layers).

Keras itself (the ``keras`` extra) is imported only by :func:`copy_torch_to_keras`.
"""

from course_utils.frameworks.keras_weights import (
    conv_kernel_to_keras,
    copy_torch_to_keras,
    dense_kernel_to_keras,
)
