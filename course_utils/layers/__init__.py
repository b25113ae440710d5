"""CNN layers written from scratch, forward and backward, and a gradient checker.

Introduced in ``02_convolution.ipynb`` to ``04_backprop_and_sgd.ipynb``. One concept per module:

- ``conv``: :func:`conv_output_size`, :func:`conv2d_loops`, :func:`conv2d`, and the backward pass;
- ``activations``: ReLU and friends, :func:`relu_backward`;
- ``pooling``: :func:`pool2d`, max pooling forward and backward;
- ``linear``: :func:`flatten`, the fully connected layer forward and backward;
- ``softmax``: :func:`softmax`, softmax cross-entropy forward and backward;
- ``gradcheck``: :func:`numerical_gradient`, :func:`relative_error`, :func:`gradient_check`;
- ``receptive_field``: :func:`receptive_field`.

Forward passes named ``*_forward`` return ``(out, cache)``; ``*_backward`` take the upstream
gradient and that cache.

Edge cases, as in torch (``tests/test_bad_inputs.py`` checks each): a layer maps an empty batch
(N = 0) to an empty batch, and NaN flows through a layer unchecked (no pass over the values in a
training step); the mean loss :func:`softmax_cross_entropy_forward` refuses both, since a mean
over no example, or of a NaN score, is not a loss. An image with no pixel (H or W = 0) is
refused by every layer.
"""

from course_utils.layers.activations import (
    ACTIVATIONS,
    leaky_relu,
    relu,
    relu_backward,
    relu_forward,
    sigmoid,
    tanh,
)
from course_utils.layers.conv import (
    conv2d,
    conv2d_backward,
    conv2d_forward,
    conv2d_loops,
    conv_output_size,
)
from course_utils.layers.gradcheck import gradient_check, numerical_gradient, relative_error
from course_utils.layers.linear import flatten, linear_backward, linear_forward
from course_utils.layers.pooling import maxpool2d_backward, maxpool2d_forward, pool2d
from course_utils.layers.receptive_field import receptive_field
from course_utils.layers.softmax import (
    softmax,
    softmax_cross_entropy_backward,
    softmax_cross_entropy_forward,
)
