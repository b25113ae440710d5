"""The shipped TensorFlow Lite MobileNetV2 in its own runtime, LiteRT (``ai-edge-litert``).

Introduced in ``13_deployment.ipynb``: the model notebook 07 converts to PyTorch, run as it was
built to run (uint8 arithmetic, NHWC), to compare the two runtimes on one model.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

from course_utils.data import verified_path
from course_utils.pretrained.mobilenet import TFLITE_FILE
from course_utils.validation import check_file, check_positive_int, check_rgb_images


def litert_interpreter(path: str | os.PathLike | None = None, threads: int = 2):
    """A LiteRT ``Interpreter`` for a TFLite file (default: the shipped, checksummed one).

    Parameters
    ----------
    path : str | os.PathLike, optional
    threads : int

    Returns
    -------
    ai_edge_litert.interpreter.Interpreter
        Tensors not yet allocated; :func:`litert_logits` sizes them for its batch.
    """
    from ai_edge_litert.interpreter import Interpreter

    path = verified_path(TFLITE_FILE) if path is None else Path(path)
    path = check_file(path, "path", suffixes=(".tflite",))
    threads = check_positive_int(threads, "threads")
    return Interpreter(model_path=str(path), num_threads=threads)


def litert_logits(interpreter, pixels: torch.Tensor) -> torch.Tensor:
    """Class probabilities from the shipped uint8 model, dequantised, one photo per call.

    The file fixes a batch of one (its final reshape is ``[1, 1001]``; LiteRT's XNNPACK delegate
    refuses to resize it), as models built for phones usually do.

    Parameters
    ----------
    interpreter : from :func:`litert_interpreter`
    pixels : (N, 3, 224, 224) uint8 tensor
        Fed as NHWC uint8, the file's own input format (its scale 1/128 and zero point 128 are
        the ``(x - 128) / 128`` of the PyTorch conversion).

    Returns
    -------
    (N, 1001) float32 tensor
        Softmax probabilities in steps of 1/256 (the file's output is uint8).
    """
    pixels = check_rgb_images(pixels, "pixels", dtype="uint8")
    interpreter.allocate_tensors()
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    scale, zero = out["quantization"]
    nhwc = pixels.permute(0, 2, 3, 1).numpy()
    results = []
    for photo in nhwc:
        interpreter.set_tensor(inp["index"], np.ascontiguousarray(photo[None]))
        interpreter.invoke()
        results.append(scale * (interpreter.get_tensor(out["index"]).astype(np.float32) - zero))
    return torch.from_numpy(np.concatenate(results))
