"""Pretrained ImageNet networks for transfer learning, offline first.

Introduced in ``07_transfer_learning.ipynb``. One concept per module:

- ``tflite``: :func:`read_tflite`, a small hand-written reader of TensorFlow Lite files;
- ``mobilenet``: :func:`load_mobilenet_v2`, the shipped TFLite MobileNetV2 converted into
  torchvision's ``mobilenet_v2`` (cached under ``cache_dir()``);
- ``imagenet``: the 1001 class names, the cat and dog classes, input preprocessing;
- ``hub``: :func:`load_pretrained`, the shipped model or torchvision's weights when online;
- ``features``: :func:`run_batched` (cached features), :func:`split_mobilenet`,
  :func:`model_accuracy`;
- ``probe``: :func:`fit_linear_head` (a linear probe) and :func:`balanced_subset`;
- ``finetune``: :func:`fine_tune`, :func:`train_classifier`, :func:`batchnorm_eval`,
  :func:`with_head`;
- ``shifts``: :func:`shift_images`, the domain shifts of :data:`SHIFTS`.
"""

from course_utils.pretrained.features import model_accuracy, run_batched, split_mobilenet
from course_utils.pretrained.finetune import (
    batchnorm_eval,
    fine_tune,
    train_classifier,
    with_head,
)
from course_utils.pretrained.hub import PRETRAINED_MODELS, Pretrained, load_pretrained
from course_utils.pretrained.imagenet import (
    cat_dog_indices,
    imagenet_labels,
    tflite_preprocess,
    torchvision_preprocess,
)
from course_utils.pretrained.mobilenet import SamePadConv2d, convert_tflite, load_mobilenet_v2
from course_utils.pretrained.probe import balanced_subset, fit_linear_head
from course_utils.pretrained.shifts import SHIFTS, shift_images
from course_utils.pretrained.tflite import TFLiteFormatError, read_tflite
