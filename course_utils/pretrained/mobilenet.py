"""The shipped ImageNet MobileNetV2: from a quantized TFLite file into torchvision's model.

Introduced in ``07_transfer_learning.ipynb``. What the conversion does, layer by layer:

- **dequantize**: every weight is stored as uint8 ``q`` with one scale and zero point per tensor,
  ``w = scale * (q - zero_point)``; biases are int32 with ``scale = input scale * weight scale``;
- **transpose**: TFLite keeps conv weights as OHWI (out, height, width, in) and depthwise weights
  as 1HWC; PyTorch wants OIHW and C1HW;
- **folded BatchNorm**: the file has no BatchNorm, it was folded into the conv weights and
  biases. torchvision's BatchNorm layers become an identity that carries the bias (weight 1,
  running mean 0, running variance ``1 - eps``, bias = the conv's bias);
- **"SAME" padding**: on a stride-2 conv TensorFlow pads 0 rows on top/left and 1 on
  bottom/right, where PyTorch pads 1 on every side. :class:`SamePadConv2d` reproduces TF.

The converted weights are cached under ``cache_dir() / "pretrained"``, keyed by the SHA-256 of
the TFLite file, and loaded with ``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

import math
import os
import pickle
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import mobilenet_v2

from course_utils.data import cache_dir, verified_path
from course_utils.data.manifest import sha256_file
from course_utils.pretrained.tflite import TFLiteFormatError, TFLiteModel, read_tflite

TFLITE_FILE = "imagenet-mobilenet-v2/mobilenet_v2_1.0_224_quant.tflite"
NUM_OUTPUTS = 1001  # 1000 ImageNet classes after index 0, "background"
INPUT_SIZE = 224
CACHE_FORMAT = 1  # bump when the conversion changes, so old caches are rebuilt


class SamePadConv2d(nn.Conv2d):
    """A ``Conv2d`` that pads like TensorFlow's ``padding="SAME"``.

    TensorFlow adds the padding a stride needs so that ``out = ceil(in / stride)``, and puts the
    odd pixel at the bottom/right: a 3x3 stride-2 conv on 224 pixels pads 0 on top and 1 below.
    Its parameters have the same names as ``Conv2d``'s, so state_dict keys do not change.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output for ``x``, ``(N, C, H, W)`` in, feature maps out.

        Parameters
        ----------
        x : torch.Tensor
        """
        pads = []
        for size, k, s, d in zip(x.shape[-2:], self.kernel_size, self.stride, self.dilation):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            pads.append((total // 2, total - total // 2))
        (top, bottom), (left, right) = pads
        return super().forward(F.pad(x, (left, right, top, bottom)))


def _same_pad_copy(conv: nn.Conv2d) -> SamePadConv2d:
    return SamePadConv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                         padding=0, dilation=conv.dilation, groups=conv.groups,
                         bias=conv.bias is not None)


def use_same_padding(model: nn.Module, names: list[str]) -> nn.Module:
    """Swap the convs called ``names`` for :class:`SamePadConv2d`, in place; return the model.

    Parameters
    ----------
    model : nn.Module
    names : list[str]
    """
    for name in names:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, _same_pad_copy(getattr(parent, child)))
    return model


def _conv_bn_pairs(model: nn.Module) -> list[tuple[str, nn.Conv2d, str, nn.BatchNorm2d]]:
    """Each conv of the backbone with the BatchNorm that follows it, in execution order."""
    pairs, pending = [], None
    for name, module in model.features.named_modules():
        if isinstance(module, nn.Conv2d):
            pending = (f"features.{name}", module)
        elif isinstance(module, nn.BatchNorm2d):
            pairs.append((*pending, f"features.{name}", module))
    return pairs


def _weight(model: TFLiteModel, index: int, depthwise: bool) -> torch.Tensor:
    w = torch.from_numpy(model.tensors[index].dequantize())
    return w.permute(3, 0, 1, 2) if depthwise else w.permute(0, 3, 1, 2)  # -> C1HW / OIHW


def _bias(model: TFLiteModel, index: int) -> torch.Tensor:
    return torch.from_numpy(model.tensors[index].dequantize())


def convert_tflite(tflite: TFLiteModel) -> tuple[dict[str, torch.Tensor], list[str]]:
    """Turn the shipped TFLite MobileNetV2 into a torchvision ``mobilenet_v2`` state_dict.

    Introduced in ``07_transfer_learning.ipynb``.

    Parameters
    ----------
    tflite : TFLiteModel
        From :func:`~course_utils.pretrained.tflite.read_tflite`.

    Returns
    -------
    state_dict : dict of str to Tensor
        torchvision's keys; ``classifier.1`` is ``(1001, 1280)`` (index 0 is background).
    same_padding : list of str
        The convs that need TensorFlow's asymmetric padding (the stride-2 ones).

    Raises
    ------
    TFLiteFormatError
        If the file's convolutions do not line up with torchvision's MobileNetV2.
    """
    template = mobilenet_v2(num_classes=NUM_OUTPUTS)
    pairs = _conv_bn_pairs(template)
    ops = tflite.ops("CONV_2D", "DEPTHWISE_CONV_2D")
    if len(ops) != len(pairs) + 1:
        raise TFLiteFormatError(
            f"{tflite.path} has {len(ops)} convolutions; MobileNetV2 needs {len(pairs)} plus "
            "the 1x1 logits conv. Is it the course's mobilenet_v2_1.0_224_quant.tflite?"
        )
    state, same_padding = {}, []
    for op, (conv_name, conv, bn_name, bn) in zip(ops, pairs):
        weight = _weight(tflite, op.inputs[1], op.kind == "DEPTHWISE_CONV_2D")
        if weight.shape != conv.weight.shape:
            raise TFLiteFormatError(
                f"{tflite.path}: conv {conv_name} expects weights {tuple(conv.weight.shape)}, the "
                f"file has {tuple(weight.shape)}."
            )
        bias = _bias(tflite, op.inputs[2])
        state[f"{conv_name}.weight"] = weight
        state[f"{bn_name}.weight"] = torch.ones_like(bias)
        state[f"{bn_name}.bias"] = bias
        state[f"{bn_name}.running_mean"] = torch.zeros_like(bias)
        state[f"{bn_name}.running_var"] = torch.full_like(bias, 1 - bn.eps)  # var + eps = 1
        state[f"{bn_name}.num_batches_tracked"] = torch.tensor(0)
        if op.padding == "SAME" and op.stride != (1, 1):
            same_padding.append(conv_name)
    logits = ops[-1]
    state["classifier.1.weight"] = _weight(tflite, logits.inputs[1], False).flatten(1)
    state["classifier.1.bias"] = _bias(tflite, logits.inputs[2])
    return state, same_padding


def _cache_path(sha256: str) -> Path:
    return cache_dir() / "pretrained" / f"mobilenet_v2_tflite_{sha256[:16]}_v{CACHE_FORMAT}.pt"


def _load_cached(path: Path, sha256: str) -> dict | None:
    """The cached conversion, or None if it is missing, unreadable or for another file."""
    try:
        cached = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError, ValueError, pickle.UnpicklingError):
        return None
    if not isinstance(cached, dict) or cached.get("tflite_sha256") != sha256:
        return None
    return cached


def _save_atomic(obj: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".partial{os.getpid()}")
    torch.save(obj, partial)
    os.replace(partial, path)


def converted_weights(path: str | Path | None = None, cache: bool = True) -> dict:
    """The converted MobileNetV2 weights, from the cache when it holds them.

    Parameters
    ----------
    path : str or Path, optional
        A TFLite MobileNetV2; default the shipped file, checked against ``data/SHA256SUMS``.
    cache : bool, default True
        Read and write the cache under ``cache_dir() / "pretrained"``.

    Returns
    -------
    dict
        ``"state_dict"``, ``"same_padding"`` (as :func:`convert_tflite` returns them) and
        ``"tflite_sha256"`` (the file the weights came from).
    """
    tflite_path = verified_path(TFLITE_FILE) if path is None else Path(path)
    if not tflite_path.is_file():
        raise FileNotFoundError(f"No TFLite file at {tflite_path}.")
    sha256 = sha256_file(tflite_path)
    target = _cache_path(sha256)
    if cache and (cached := _load_cached(target, sha256)) is not None:
        return cached
    state, same_padding = convert_tflite(read_tflite(tflite_path))
    result = {"tflite_sha256": sha256, "same_padding": same_padding, "state_dict": state}
    if cache:
        _save_atomic(result, target)
    return result


def load_mobilenet_v2(path: str | Path | None = None, cache: bool = True) -> nn.Module:
    """Torchvision's ``mobilenet_v2`` with the shipped ImageNet weights, eval mode, channels-last.

    Introduced in ``07_transfer_learning.ipynb``. Inputs are ``(N, 3, 224, 224)`` floats made
    with ``(pixels - 128) / 128`` from 0..255 pixels; outputs are ``(N, 1001)`` logits whose
    index 0 is "background" (see :func:`~course_utils.pretrained.imagenet.imagenet_labels`).

    Parameters
    ----------
    path : str or Path, optional
        A TFLite MobileNetV2; default the shipped, checksummed file.
    cache : bool, default True
        Reuse (and store) the converted weights under ``cache_dir()``.

    Raises
    ------
    FileNotFoundError, ChecksumError
        If the shipped TFLite file is missing or corrupted (the message names it).
    TFLiteFormatError
        If a file given as ``path`` is not a TFLite MobileNetV2.
    """
    weights = converted_weights(path, cache)
    model = use_same_padding(mobilenet_v2(num_classes=NUM_OUTPUTS), weights["same_padding"])
    model.load_state_dict(weights["state_dict"])
    # Channels-last weights: oneDNN's convolutions then run in that layout, faster on the CPU
    # (13_deployment.ipynb measures it). The outputs are the same up to rounding.
    return model.to(memory_format=torch.channels_last).eval()
