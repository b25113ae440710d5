"""Export a trained network out of Python: ``torch.export`` and ONNX, run by onnxruntime.

Introduced in ``13_deployment.ipynb``.

- :func:`export_program`: ``torch.export`` traces the model into an ``ExportedProgram``, a graph
  of ATen operations with the batch size left free; it is what PyTorch's own deployment paths
  (ExecuTorch, AOTInductor, the new ONNX exporter) start from.
- :func:`export_onnx`: an ``.onnx`` file, a graph of standard operators that runtimes in any
  language read (onnxruntime here; TensorRT, OpenVINO, browsers). PyTorch's default ONNX
  exporter is built on ``torch.export`` but needs the ``onnxscript`` package, which the course's
  environment does not have; this uses the TorchScript-based exporter (``dynamo=False``), which
  still ships with PyTorch, warns that it is deprecated, and writes an equivalent graph for a
  plain CNN.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from course_utils.validation import (
    InputError,
    check_file,
    check_positive_int,
    check_rgb_images,
)

ONNX_OPSET = 17


def export_program(model: nn.Module, example: torch.Tensor) -> torch.export.ExportedProgram:
    """``torch.export`` of ``model`` in eval mode, with a free batch dimension.

    Parameters
    ----------
    model : nn.Module
        ``(N, 3, H, W)`` float pixels -> ``(N, K)`` scores.
    example : (B, 3, H, W) float tensor, B >= 2
        An input of the right shape (torch.export would fix a batch of 1 as a constant).

    Returns
    -------
    torch.export.ExportedProgram
        Call ``program.module()(pixels)`` to run it.
    """
    example = check_rgb_images(example, "example")
    if len(example) < 2:
        raise InputError(f"example must hold at least 2 images so the batch stays free, got "
                         f"{len(example)}; repeat it with example.expand(2, -1, -1, -1).")
    batch = torch.export.Dim("batch", min=1, max=4096)
    return torch.export.export(model.eval(), (example.float(),), dynamic_shapes=({0: batch},))


def export_onnx(model: nn.Module, path: str | os.PathLike, example: torch.Tensor) -> Path:
    """Write ``model`` (eval mode) as an ONNX file with input ``pixels`` and output ``scores``.

    Parameters
    ----------
    model : nn.Module
        ``(N, 3, H, W)`` float pixels -> ``(N, K)`` scores.
    path : path-like
        Where to write (``.onnx``); the folder must exist.
    example : (B, 3, H, W) tensor
        An input of the right shape; the batch dimension of the file stays free.

    Returns
    -------
    Path
        ``path``. The image size of ``example`` is fixed in the file; the batch is free.
    """
    example = check_rgb_images(example, "example")
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"the folder {path.parent} does not exist; create it first.")
    with warnings.catch_warnings():
        # The TorchScript exporter's deprecation notice, and its tracer's note that the padding
        # of SamePadConv2d is computed from the input size: the file is for 224 x 224 inputs.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(model.eval(), (example.float(),), str(path), dynamo=False,
                          input_names=["pixels"], output_names=["scores"],
                          dynamic_axes={"pixels": {0: "batch"}, "scores": {0: "batch"}},
                          opset_version=ONNX_OPSET)
    return path


def onnx_session(path: str | os.PathLike, threads: int = 2):
    """An onnxruntime ``InferenceSession`` on the CPU with ``threads`` threads.

    Parameters
    ----------
    path : str | os.PathLike
    threads : int

    Returns
    -------
    onnxruntime.InferenceSession
    """
    import onnxruntime as ort

    path = check_file(path, "path", suffixes=(".onnx",))
    threads = check_positive_int(threads, "threads")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def onnx_logits(session, pixels: torch.Tensor, batch_size: int = 32) -> torch.Tensor:
    """Run an ONNX session on 0..255 pixels, in batches.

    Parameters
    ----------
    session : onnxruntime.InferenceSession
        From :func:`onnx_session` (one float input, one output).
    pixels : (N, 3, H, W) uint8 or float tensor
    batch_size : int

    Returns
    -------
    (N, K) float32 tensor
    """
    pixels = check_rgb_images(pixels, "pixels")
    batch_size = check_positive_int(batch_size, "batch_size")
    name = session.get_inputs()[0].name
    outs = [session.run(None, {name: np.ascontiguousarray(
        pixels[i:i + batch_size].float().numpy())})[0] for i in range(0, len(pixels), batch_size)]
    return torch.from_numpy(np.concatenate(outs))
