"""Export, int8 quantisation, LiteRT and the latency measurer of notebook 13, on small models."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_utils.data import load_dataset
from course_utils.deploy import (
    PetClassifier,
    export_onnx,
    export_program,
    litert_interpreter,
    litert_logits,
    median_latency_ms,
    onnx_logits,
    onnx_session,
    pet_classifier_skeleton,
    quantize_onnx,
)
from course_utils.pretrained import load_mobilenet_v2, run_batched, tflite_preprocess
from course_utils.validation import InputError


class Tiny(nn.Module):
    """0..255 pixels (N, 3, 32, 32) -> 3 scores."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3),
                                  nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(8, 3))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.body(pixels / 255)


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    return Tiny().eval()


@pytest.fixture(scope="module")
def pixels():
    return torch.randint(0, 256, (20, 3, 32, 32), generator=torch.Generator().manual_seed(1),
                         dtype=torch.uint8)


def test_onnx_export_matches_pytorch_at_any_batch(tiny, pixels, tmp_path):
    path = export_onnx(tiny, tmp_path / "tiny.onnx", pixels[:2].float())
    session = onnx_session(path, threads=1)
    with torch.no_grad():
        expected = tiny(pixels.float())
    assert torch.allclose(onnx_logits(session, pixels, batch_size=7), expected, atol=1e-5)
    assert onnx_logits(session, pixels[:1]).shape == (1, 3)


def test_torch_export_keeps_the_batch_free(tiny, pixels):
    program = export_program(tiny, pixels[:2].float())
    with torch.no_grad():
        assert torch.allclose(program.module()(pixels[:5].float()), tiny(pixels[:5].float()),
                              atol=1e-6)


def test_torch_export_needs_two_examples(tiny, pixels):
    with pytest.raises(InputError, match="at least 2"):
        export_program(tiny, pixels[:1].float())


def test_int8_file_is_smaller_and_close(tiny, pixels, tmp_path):
    fp32 = export_onnx(tiny, tmp_path / "tiny.onnx", pixels[:2].float())
    int8 = quantize_onnx(fp32, tmp_path / "tiny_int8.onnx", pixels[:10])
    assert int8.exists() and not (tmp_path / "tiny_int8.prep.onnx").exists()
    got = onnx_logits(onnx_session(int8, threads=1), pixels[10:])
    with torch.no_grad():
        expected = tiny(pixels[10:].float())
    assert (got - expected).abs().max() < 0.05 * expected.abs().max() + 1e-3
    ops = {node.op_type for node in __import__("onnx").load(int8).graph.node}
    assert "QuantizeLinear" in ops and "DequantizeLinear" in ops


def test_quantize_checks_its_arguments(tmp_path, pixels, tiny):
    with pytest.raises(InputError, match="no file"):
        quantize_onnx(tmp_path / "missing.onnx", tmp_path / "q.onnx", pixels)
    fp32 = export_onnx(tiny, tmp_path / "tiny.onnx", pixels[:2].float())
    with pytest.raises(InputError, match="method"):
        quantize_onnx(fp32, tmp_path / "q.onnx", pixels, method="median")
    with pytest.raises(InputError, match="RGB"):
        quantize_onnx(fp32, tmp_path / "q.onnx", pixels[:, :1])


def test_export_onnx_refuses_a_missing_folder_and_bad_pixels(tiny, pixels, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        export_onnx(tiny, tmp_path / "nope" / "tiny.onnx", pixels[:2].float())
    with pytest.raises(InputError, match="photo\\[None\\]|image\\[None\\]"):
        export_onnx(tiny, tmp_path / "tiny.onnx", pixels[0].float())


def test_onnx_session_checks_path_and_threads(tmp_path, tiny, pixels):
    with pytest.raises(InputError, match="no file"):
        onnx_session(tmp_path / "missing.onnx")
    path = export_onnx(tiny, tmp_path / "tiny.onnx", pixels[:2].float())
    with pytest.raises(InputError, match="threads"):
        onnx_session(path, threads=0)


def test_median_latency_is_the_median_of_the_timed_calls():
    calls = []
    assert median_latency_ms(lambda: calls.append(1), repeats=5, warmup=2) >= 0
    assert len(calls) == 7


@pytest.mark.parametrize("kwargs, words", [({"repeats": 0}, "repeats"), ({"warmup": -1}, "warmup"),
                                           ({"repeats": 2.5}, "repeats")])
def test_median_latency_checks_its_arguments(kwargs, words):
    with pytest.raises(InputError, match=words):
        median_latency_ms(lambda: None, **kwargs)
    with pytest.raises(InputError, match="lambda"):
        median_latency_ms(3)


def test_litert_runs_the_shipped_file_and_agrees_with_the_conversion():
    photos = load_dataset("pets", "test").images[:4]
    probabilities = litert_logits(litert_interpreter(threads=1), photos)
    assert probabilities.shape == (4, 1001)
    assert 0 <= float(probabilities.min()) and float(probabilities.max()) <= 1  # uint8 softmax
    converted = run_batched(load_mobilenet_v2(), photos, prepare=tflite_preprocess)
    assert (probabilities.argmax(1) == converted.argmax(1)).float().mean() >= 0.75


def test_litert_wants_uint8_pixels():
    with pytest.raises(InputError, match="uint8"):
        litert_logits(litert_interpreter(threads=1), torch.zeros(1, 3, 224, 224))


def test_pet_classifier_scales_pixels_like_tflite_preprocess():
    model = pet_classifier_skeleton(2)
    assert isinstance(model, PetClassifier) and not model.training
    photos = load_dataset("pets", "test").images[:2]
    with torch.no_grad():
        pooled = model.tail(model.trunk(tflite_preprocess(photos)))
        assert torch.allclose(model(photos.float()), model.head(pooled), atol=1e-5)
