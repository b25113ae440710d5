"""Checkers for the exercises of ``13_deployment.ipynb``.

1. ``check_quantize_uint8``: affine uint8 quantisation of a tensor (scale, zero point, rounding);
2. ``check_fold_batchnorm``: fold an eval-mode BatchNorm into the convolution before it;
3. ``check_upload_status``: the HTTP status a web service answers for an uploaded file.
"""

from __future__ import annotations

import io
from typing import Callable

import numpy as np
import torch
from PIL import Image
from torch import nn

from course_utils.exercises.framework import (
    Wrong,
    as_array,
    as_tuple,
    call,
    exercise,
    expect_close,
)
from course_utils.serve import read_upload

SERVICE_LIMIT = 50_000
"""The upload limit (bytes) of exercise 3's hidden service."""


def _tensor_cases() -> list[tuple[torch.Tensor, str]]:
    gen = torch.Generator().manual_seed(1300)
    return [
        (torch.randn(50, generator=gen) * 3, "50 values around 0 (negative and positive)"),
        (torch.rand(8, 8, generator=gen) * 6 + 1, "an 8x8 tensor of positive values in [1, 7]"),
        (-torch.rand(30, generator=gen) * 2 - 0.5, "30 negative values in [-2.5, -0.5]"),
        (torch.randn(4, 3, 5, generator=gen) * 0.01, "a (4, 3, 5) tensor of tiny values"),
    ]


def reference_quantize(x: torch.Tensor) -> tuple[torch.Tensor, float, int]:
    """The checker's own quantiser: range widened to contain 0, 256 levels, rounding.

    Parameters
    ----------
    x : torch.Tensor
    """
    low, high = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (high - low) / 255 or 1.0
    zero = int(np.clip(round(-low / scale), 0, 255))
    q = torch.clamp(torch.round(x / scale) + zero, 0, 255).to(torch.uint8)
    return q, scale, zero


@exercise("ch13.ex1", title="uint8 quantisation by hand", kind="function",
          expects="a function quantize_uint8(x) -> (q, scale, zero_point): q a uint8 tensor "
                  "shaped like x, scale a float, zero_point an int in 0..255",
          hints=("256 levels, 0 to 255, must cover the values; but 0.0 itself must be one of "
                 "the levels (padding and ReLU produce exact zeros), so widen the range to "
                 "include 0 first.",
                 "The scale is the width of the range divided by the number of steps between "
                 "255 + 1 levels; the zero point is the level that stands for 0.0.",
                 "q = round(x / scale) + zero_point, kept inside [0, 255], as uint8; the value "
                 "a level stands for is scale * (q - zero_point)."),
          solution="quantize_uint8", forbidden=(torch.quantize_per_tensor,))
def check_quantize_uint8(fn: Callable) -> str:
    """Exercise 1: ``fn(x)`` quantises ``x`` to uint8 with a scale and a zero point."""
    for x, case in _tensor_cases():
        got = as_tuple(call(fn, x.clone(), case=case), 3, what="your result",
                       expects="a triple (q, scale, zero_point)")
        q, scale, zero = got
        if not isinstance(q, torch.Tensor) or q.dtype != torch.uint8:
            raise Wrong(f"On {case} q is not a uint8 tensor; convert the levels with "
                        ".to(torch.uint8) after clamping them to [0, 255].")
        if q.shape != x.shape:
            raise Wrong(f"On {case} q has shape {tuple(q.shape)}; it must keep x's shape "
                        f"{tuple(x.shape)}.")
        scale, zero = float(as_array(scale, what="scale")), float(as_array(zero,
                                                                           what="zero_point"))
        if scale <= 0:
            raise Wrong(f"On {case} the scale is {scale:g}; it must be positive.")
        _, want_scale, want_zero = reference_quantize(x)
        one_sign = float(x.min()) > 0 or float(x.max()) < 0
        if one_sign and abs(scale - want_scale) > 1e-4 * want_scale:
            raise Wrong(f"On {case} the scale is {scale:.4g}, expected {want_scale:.4g}: all "
                        "values have the same sign, and the range must still include 0.")
        if zero != round(zero) or not 0 <= zero <= 255:
            raise Wrong(f"On {case} the zero point is {zero:g}; it must be a whole level in "
                        "0..255 (round it).")
        expect_close(scale, want_scale, what="the scale", rtol=1e-4, atol=0, case=case)
        if abs(zero - want_zero) > 1:
            raise Wrong(f"On {case} the zero point is {zero:g}, expected {want_zero}: it is the "
                        "level whose value is 0.0, -min / scale rounded.")
        back = scale * (q.double() - zero)
        if float((back - x.double()).abs().max()) > scale / 2 + 1e-6 * scale + 1e-9:
            raise Wrong(f"On {case} a value comes back off by "
                        f"{float((back - x.double()).abs().max()):.3g}, more than half a step "
                        f"({scale / 2:.3g}): round to the nearest level, do not truncate.")
    return ("Every value comes back within half a step, and 0.0 is exactly a level: that is "
            "the per-tensor affine quantisation of the shipped TFLite file and of onnxruntime's "
            "activations.")


def _conv_bn_cases() -> list[tuple[nn.Conv2d, nn.BatchNorm2d, torch.Tensor, str]]:
    cases = []
    for k, (c_in, c_out, groups, bias) in enumerate([(3, 4, 1, False), (4, 6, 2, True),
                                                      (5, 5, 5, False)]):
        state = torch.get_rng_state()
        torch.manual_seed(1310 + k)
        conv = nn.Conv2d(c_in, c_out, 3, padding=1, groups=groups, bias=bias)
        bn = nn.BatchNorm2d(c_out)
        bn.weight.data.uniform_(0.5, 2.0)
        bn.bias.data.normal_()
        bn.running_mean.normal_()
        bn.running_var.uniform_(*((2e-5, 1e-4) if k == 2 else (0.3, 3.0)))  # eps matters at k=2
        x = torch.randn(2, c_in, 6, 6)
        torch.set_rng_state(state)
        cases.append((conv.eval(), bn.eval(), x,
                      f"a {c_in}->{c_out} conv (groups={groups}, bias={bias}) and its BatchNorm"))
    return cases


def _folded_output(conv: nn.Conv2d, bn: nn.BatchNorm2d, x: torch.Tensor,
                   eps: float) -> torch.Tensor:
    """``bn(conv(x))`` computed with another eps (to recognise a fold that forgot it)."""
    z = conv(x)
    scale = bn.weight / (bn.running_var + eps).sqrt()
    return (z - bn.running_mean.view(1, -1, 1, 1)) * scale.view(1, -1, 1, 1) \
        + bn.bias.view(1, -1, 1, 1)


@exercise("ch13.ex2", title="fold BatchNorm into a convolution", kind="function",
          expects="a function fold_batchnorm(conv, bn) -> a new nn.Conv2d with a bias",
          hints=("In eval mode BatchNorm is a fixed affine map per channel: "
                 "y = gamma * (z - mean) / sqrt(var + eps) + beta.",
                 "Scale each output channel's weights by gamma / sqrt(var + eps); the bias "
                 "collects everything that does not multiply the input.",
                 "Do not forget the conv's own bias when it has one (it is shifted by the mean "
                 "and scaled like the rest), nor BatchNorm's eps."),
          solution="fold_batchnorm")
def check_fold_batchnorm(fn: Callable) -> str:
    """Exercise 2: ``fn(conv, bn)`` returns one conv equal to ``bn(conv(x))``."""
    for conv, bn, x, case in _conv_bn_cases():
        before = [v.clone() for v in (*conv.state_dict().values(), *bn.state_dict().values())]
        folded = call(fn, conv, bn, case=case)
        after = (*conv.state_dict().values(), *bn.state_dict().values())
        if any(not torch.equal(a, b) for a, b in zip(before, after)):
            raise Wrong(f"On {case} the original conv or BatchNorm was changed; build a new "
                        "conv (copy.deepcopy, or nn.Conv2d(...) with the same settings).")
        if not isinstance(folded, nn.Conv2d):
            raise Wrong(f"On {case} you returned {type(folded).__name__}; return an nn.Conv2d "
                        "(one layer that does both).")
        if folded.bias is None:
            raise Wrong(f"On {case} the folded conv has no bias: BatchNorm's shift (beta and "
                        "the mean) has to go somewhere.")
        with torch.no_grad():
            want, got = bn(conv(x)), folded(x)
            if conv.bias is not None:
                no_conv_bias = bn(conv(x) - conv.bias.view(1, -1, 1, 1))
                if torch.allclose(got, no_conv_bias, atol=1e-4):
                    raise Wrong(f"On {case} the conv's own bias was dropped: it passes through "
                                "BatchNorm like the rest of the conv's output.")
            if torch.allclose(got, _folded_output(conv, bn, x, eps=0.0), atol=1e-4, rtol=1e-4) \
                    and not torch.allclose(got, want, atol=1e-4, rtol=1e-4):
                raise Wrong(f"On {case} the result is right only without BatchNorm's eps: "
                            "divide by sqrt(running_var + eps).")
        expect_close(got, want, what="the folded conv's output", atol=1e-4, rtol=1e-4, case=case)
    return ("One conv now does the work of two layers: the shipped TFLite file was built this way "
            "(its BatchNorms are folded), and it saves a pass over memory per layer.")


def _png(array: np.ndarray, mode: str | None = None, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image = Image.fromarray(array)
    (image.convert(mode) if mode else image).save(buffer, format=fmt)
    return buffer.getvalue()


def _upload_cases() -> list[tuple[bytes, str]]:
    rng = np.random.default_rng(1320)
    photo = rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)
    return [
        (_png(photo), "a small RGB PNG"),
        (_png(photo, fmt="JPEG"), "a small JPEG"),
        (_png(photo, "L"), "a grayscale PNG"),
        (b"", "an empty file"),
        (b"name,age\nTom,3\n", "a CSV file"),
        (_png(rng.integers(0, 255, (200, 200, 3), dtype=np.uint8)),
         f"a noisy PNG of about 120 kB (the limit is {SERVICE_LIMIT:,} bytes)"),
        (_png(photo, "CMYK", "JPEG"), "a CMYK JPEG"),
        (_png(photo, fmt="JPEG")[:1000], "a JPEG cut off after 1,000 bytes"),
    ]


def _expected_status(data: bytes) -> int:
    from course_utils.serve import UploadError

    try:
        read_upload(data, SERVICE_LIMIT)
    except UploadError as error:
        return error.status
    return 200


@exercise("ch13.ex3", title="the status code of an upload", kind="function",
          expects="a function upload_status(data, max_bytes) -> int (200, 413, 415 or 422)",
          hints=("Check what is cheap first: is there anything at all, and is it too big? "
                 "Only then try to open it.",
                 "PIL.Image.open(io.BytesIO(data)) reads the header; .mode tells the colour "
                 "mode; .load() decodes the pixels and fails on a truncated file.",
                 "413 is 'too large', 415 'not a media type I take' (not an image), 422 'I "
                 "understood it but cannot use it' (empty, or CMYK / 16-bit)."),
          solution="upload_status", forbidden=(read_upload,))
def check_upload_status(fn: Callable) -> str:
    """Exercise 3: ``fn(data, max_bytes)`` gives the service's status for each hidden upload."""
    for data, case in _upload_cases():
        got = call(fn, data, SERVICE_LIMIT, case=case)
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
            raise Wrong(f"On {case} you returned {got!r}; return the status code as an int.")
        want = _expected_status(data)
        if int(got) != want:
            advice = {200: "this one is a fine photo: answer 200.",
                      413: "it is over the size limit: 413 Content Too Large.",
                      415: "it is not an image that can be decoded: 415 Unsupported Media Type.",
                      422: "it is empty, or an image in a colour mode the model cannot take: "
                           "422 Unprocessable Content."}[want]
            raise Wrong(f"On {case} you answered {int(got)}; {advice}")
    return ("Each upload gets the right answer, and nothing bad reaches the model: a service "
            "that checks cheap things first (size) and decodes last also resists large uploads.")
