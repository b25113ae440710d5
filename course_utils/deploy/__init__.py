"""From a trained network to a product: save, export, quantise, time. Computes, never serves.

Introduced in ``13_deployment.ipynb``. One concept per module:

- ``classifier``: :class:`PetClassifier`, the fine-tuned pets model as one module that takes
  0..255 pixels, and :func:`train_pet_classifier` (notebook 07's recipe, reused);
- ``export``: :func:`export_program` (``torch.export``), :func:`export_onnx`,
  :func:`onnx_session` and :func:`onnx_logits` (onnxruntime);
- ``quantize``: :func:`quantize_onnx`, int8 post-training static quantisation;
- ``litert``: :func:`litert_logits`, the shipped ``.tflite`` file in its own runtime;
- ``latency``: :func:`median_latency_ms`, the median of repeated timed calls.

The web service that uses them is :mod:`course_utils.serve`.
"""

from course_utils.deploy.classifier import (
    CAM_LAYER,
    PetClassifier,
    pet_classifier_skeleton,
    train_pet_classifier,
)
from course_utils.deploy.export import export_onnx, export_program, onnx_logits, onnx_session
from course_utils.deploy.latency import median_latency_ms
from course_utils.deploy.litert import litert_interpreter, litert_logits
from course_utils.deploy.quantize import quantize_onnx
