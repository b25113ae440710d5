"""The networks of the course, one family per module, and what they cost.

Introduced in ``05_training_from_scratch.ipynb`` (``MnistCNN``) and ``06_architectures.ipynb``:

- ``blocks``: :func:`conv_bn_relu`, :class:`Normalize`, :func:`check_input`;
- ``mnist_cnn``: :class:`MnistCNN`, the lessons' small MNIST network;
- ``lenet``: :class:`LeNet5`; ``vgg``: :class:`SmallVGG`;
- ``resnet``: :class:`ResNet` and its plain twin (``skip=False``), :class:`BasicBlock`;
- ``densenet``: :class:`DenseNet`, :class:`DenseBlock`;
- ``mobilenet``: :class:`MobileNet`, :func:`depthwise_separable`, :class:`InvertedResidual`;
- ``text_cnn``: :class:`TextCNN`, 1-D convolutions over token embeddings (notebook 15);
- ``cost``: :func:`count_parameters`, :func:`count_macs`, :func:`cpu_latency_ms`.

Every network takes float images ``(B, in_channels, H, W)`` (``TextCNN`` takes ``(B, L)`` int64
token ids) and returns ``(B, num_classes)`` class scores, and raises a clear error for a batch of
the wrong shape.
"""

from course_utils.models.blocks import Normalize, check_input, conv_bn_relu
from course_utils.models.cost import count_macs, count_parameters, cpu_latency_ms
from course_utils.models.densenet import DenseBlock, DenseNet
from course_utils.models.lenet import LeNet5
from course_utils.models.mnist_cnn import MnistCNN
from course_utils.models.mobilenet import InvertedResidual, MobileNet, depthwise_separable
from course_utils.models.resnet import BasicBlock, ResNet
from course_utils.models.text_cnn import TextCNN
from course_utils.models.vgg import SmallVGG
