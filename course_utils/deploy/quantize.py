"""int8 post-training quantisation of an ONNX model with onnxruntime's tools.

Introduced in ``13_deployment.ipynb``. *Static* quantisation: weights become int8 (one scale per
output channel), and every activation gets a uint8 scale and zero point measured once, on
calibration images, so that the whole network runs in integer arithmetic. The file is written
in the QDQ form (QuantizeLinear / DequantizeLinear pairs around each operator), which
onnxruntime fuses into integer kernels.

Why onnxruntime and not PyTorch: ``torch.ao.quantization`` (eager and FX graph mode) is
deprecated in current PyTorch and is being removed in favour of the ``torchao`` package (PT2E
quantisation), which the course's environment does not have; onnxruntime's quantiser is
maintained, and its output runs in the same runtime as the fp32 export. *Dynamic* quantisation
(``quantize_dynamic``) stores the weights in int8 ahead of time and quantises the activations at
run time, with a scale measured on each batch as it arrives; it suits LSTMs and transformers
(matrix products), not a CNN, whose convolutions it would run with slow integer kernels.
The arithmetic of one tensor's quantisation (scale and zero point from its range, rounding,
clamping) is written out in ``13_deployment.ipynb``, section 4.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

from course_utils.validation import check_choice, check_file, check_positive_int, check_rgb_images

CALIBRATION_METHODS = ("minmax", "percentile", "entropy")


class _Batches:
    """onnxruntime's ``CalibrationDataReader`` protocol over a tensor of pixels."""

    def __init__(self, name: str, pixels: torch.Tensor, batch_size: int) -> None:
        self._feeds = iter([{name: np.ascontiguousarray(pixels[i:i + batch_size].float().numpy())}
                            for i in range(0, len(pixels), batch_size)])

    def get_next(self) -> dict | None:
        return next(self._feeds, None)


def quantize_onnx(source: str | os.PathLike, target: str | os.PathLike,
                  calibration: torch.Tensor, *, method: str = "minmax",
                  batch_size: int = 16) -> Path:
    """Write an int8 copy of the ONNX model ``source`` to ``target``.

    Parameters
    ----------
    source : path-like
        An fp32 ONNX file (from :func:`~course_utils.deploy.export_onnx`).
    target : path-like
    calibration : (N, 3, H, W) tensor of 0..255 pixels
        Training photos (never test photos) whose activations set the ranges.
    method : {"minmax", "percentile", "entropy"}
        How a range is read from the activations: their min and max, the 99.999th percentile,
        or the range that keeps the histogram's entropy.
    batch_size : int

    Returns
    -------
    Path
        ``target``.
    """
    import onnxruntime as ort
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    source, target = check_file(source, "source", suffixes=(".onnx",)), Path(target)
    check_choice(method, "method", CALIBRATION_METHODS)
    calibration = check_rgb_images(calibration, "calibration")
    batch_size = check_positive_int(batch_size, "batch_size")
    prepared = target.with_suffix(".prep.onnx")
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    name = ort.InferenceSession(str(prepared), providers=["CPUExecutionProvider"]
                                ).get_inputs()[0].name
    calibrate = {"minmax": CalibrationMethod.MinMax, "percentile": CalibrationMethod.Percentile,
                 "entropy": CalibrationMethod.Entropy}[method]
    try:
        quantize_static(str(prepared), str(target), _Batches(name, calibration, batch_size),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=calibrate)
    finally:
        prepared.unlink(missing_ok=True)
    return target
