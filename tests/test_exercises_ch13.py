"""Each checker of 13_deployment accepts its solution and rejects typical mistakes with the
right diagnosis."""

from __future__ import annotations

import copy
import io

import torch
from PIL import Image

from course_utils.exercises import ch13
from course_utils.exercises.solutions import ch13 as solutions
from course_utils.serve import read_upload


def test_quantize_uint8():
    assert ch13.check_quantize_uint8(solutions.quantize_uint8)

    def min_max_only(x):  # the range does not include 0
        low, high = float(x.min()), float(x.max())
        scale = (high - low) / 255
        zero = round(-low / scale)
        return torch.clamp(torch.round(x / scale) + zero, 0, 255).to(torch.uint8), scale, zero

    def truncates(x):
        q, scale, zero = solutions.quantize_uint8(x)
        return torch.clamp(torch.floor(x / scale) + zero, 0, 255).to(torch.uint8), scale, zero

    def floats(x):
        q, scale, zero = solutions.quantize_uint8(x)
        return q.float(), scale, zero

    assert "include 0" in ch13.check_quantize_uint8(min_max_only).message
    assert "half a step" in ch13.check_quantize_uint8(truncates).message
    assert "uint8" in ch13.check_quantize_uint8(floats).message
    assert "triple" in ch13.check_quantize_uint8(lambda x: x).message
    assert "not your own code" in ch13.check_quantize_uint8(torch.quantize_per_tensor).message


def test_fold_batchnorm():
    assert ch13.check_fold_batchnorm(solutions.fold_batchnorm)

    def in_place(conv, bn):
        folded = solutions.fold_batchnorm(conv, bn)
        conv.weight.data.copy_(folded.weight.data)
        return folded

    def no_eps(conv, bn):
        folded = copy.deepcopy(conv)
        scale = bn.weight / bn.running_var.sqrt()
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        folded.weight = torch.nn.Parameter((conv.weight * scale.view(-1, 1, 1, 1)).detach())
        folded.bias = torch.nn.Parameter(((bias - bn.running_mean) * scale + bn.bias).detach())
        return folded

    def drops_conv_bias(conv, bn):
        folded = copy.deepcopy(conv)
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        folded.weight = torch.nn.Parameter((conv.weight * scale.view(-1, 1, 1, 1)).detach())
        folded.bias = torch.nn.Parameter((bn.bias - bn.running_mean * scale).detach())
        return folded

    assert "Sequential" in ch13.check_fold_batchnorm(lambda c,
                                                     b: torch.nn.Sequential(c, b)).message
    assert "changed" in ch13.check_fold_batchnorm(in_place).message
    assert "eps" in ch13.check_fold_batchnorm(no_eps).message
    assert "own bias was dropped" in ch13.check_fold_batchnorm(drops_conv_bias).message
    assert "no bias" in ch13.check_fold_batchnorm(
        lambda c, b: torch.nn.Conv2d(c.in_channels, c.out_channels, 3, bias=False)).message


def test_upload_status():
    assert ch13.check_upload_status(solutions.upload_status)

    def no_size_check(data, max_bytes):
        return solutions.upload_status(data, 10**12)

    def modes_ignored(data, max_bytes):
        if not data:
            return 422
        if len(data) > max_bytes:
            return 413
        try:
            Image.open(io.BytesIO(data)).load()
        except Exception:
            return 415
        return 200

    def header_only(data, max_bytes):  # never decodes, so a truncated file passes
        if not data:
            return 422
        if len(data) > max_bytes:
            return 413
        try:
            mode = Image.open(io.BytesIO(data)).mode
        except Exception:
            return 415
        return 200 if mode in ("RGB", "L") else 422

    assert "413" in ch13.check_upload_status(no_size_check).message
    assert "422" in ch13.check_upload_status(modes_ignored).message
    assert "415" in ch13.check_upload_status(header_only).message
    assert "int" in ch13.check_upload_status(lambda d, m: "200").message
    assert "not your own code" in ch13.check_upload_status(read_upload).message
