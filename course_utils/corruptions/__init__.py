"""Damaged data, made on purpose: noisy labels and corrupted images, at chosen strengths.

Introduced in ``11_data_quality_and_robustness.ipynb``. One concept per module:

- ``labels``: :func:`symmetric_label_noise`, :func:`class_dependent_label_noise`,
  :func:`pair_transition`;
- ``noise``: :func:`gaussian_noise`, :func:`shot_noise`, :func:`impulse_noise`;
- ``blur``: :func:`defocus_blur`, :func:`motion_blur`;
- ``digital``: :func:`brightness`, :func:`contrast`, :func:`jpeg`, :func:`pixelate`;
- ``occlusion``: :func:`occlude` (a square patch), :func:`occluding_patch`;
- ``registry``: :data:`CORRUPTIONS`, :func:`corrupt` (any corruption by name, severity 1..5,
  in the style of MNIST-C and ImageNet-C).

Every image corruption takes ``(N, C, H, W)`` float images in [0, 1], a severity 1..5 and a
``torch.Generator``, and returns images of the same shape in [0, 1]; :func:`corrupt` also takes
uint8 images and gives back the dtype it was given.
"""

from course_utils.corruptions.blur import defocus_blur, motion_blur
from course_utils.corruptions.digital import brightness, contrast, jpeg, pixelate
from course_utils.corruptions.labels import (
    class_dependent_label_noise,
    pair_transition,
    symmetric_label_noise,
)
from course_utils.corruptions.noise import gaussian_noise, impulse_noise, shot_noise
from course_utils.corruptions.occlusion import occlude, occluding_patch
from course_utils.corruptions.registry import CORRUPTIONS, SEVERITIES, corrupt
