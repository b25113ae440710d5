"""Pretrained ImageNet networks for transfer learning, offline first.

Introduced in ``07_transfer_learning.ipynb``. One concept per module:

- ``tflite``: :func:`read_tflite`, a small hand-written reader of TensorFlow Lite files;
- ``mobilenet``: :func:`load_mobilenet_v2`, the shipped TFLite MobileNetV2 converted into
  torchvision's ``mobilenet_v2`` (cached under ``cache_dir()``);
- ``imagenet``: the 1001 class names, the cat and dog classes, input preprocessing;
- ``hub``: :func:`load_pretrained`, the shipped model or torchvision's weights when online;
- ``transfer``: cached features, a linear head, the fine-tuning loop.
"""

from course_utils.pretrained.hub import PRETRAINED_MODELS, Pretrained, load_pretrained
from course_utils.pretrained.imagenet import (
    cat_dog_indices, imagenet_labels, tflite_preprocess, torchvision_preprocess,
)
from course_utils.pretrained.mobilenet import SamePadConv2d, convert_tflite, load_mobilenet_v2
from course_utils.pretrained.tflite import TFLiteFormatError, read_tflite
from course_utils.pretrained.transfer import (
    accuracy, batchnorm_eval, fine_tune, fit_linear_head, run_batched, split_mobilenet,
    train_classifier, with_head,
)

__all__ = [
    "PRETRAINED_MODELS", "Pretrained", "SamePadConv2d", "TFLiteFormatError", "accuracy",
    "batchnorm_eval", "cat_dog_indices", "convert_tflite", "fine_tune", "fit_linear_head",
    "imagenet_labels", "load_mobilenet_v2", "load_pretrained", "read_tflite", "run_batched",
    "split_mobilenet", "tflite_preprocess", "torchvision_preprocess", "train_classifier",
    "with_head",
]
