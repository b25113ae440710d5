"""The web service of notebook 13 through FastAPI's TestClient: a photo in, predictions and a
Grad-CAM overlay out; bad uploads get a 4xx answer with a clear message and the app keeps going."""

from __future__ import annotations

import base64
import io
import warnings

import numpy as np
import pytest
import torch
from PIL import Image

from course_utils.data import load_dataset
from course_utils.deploy import pet_classifier_skeleton
from course_utils.serve import (
    MAX_PIXELS,
    Server,
    UploadError,
    create_app,
    load_classifier,
    post_file,
    read_upload,
)
from course_utils.validation import InputError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # starlette asks for httpx2 over httpx
    from fastapi.testclient import TestClient


def encode(array: np.ndarray, fmt: str = "PNG", mode: str | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.fromarray(array)
    if mode is not None:
        image = image.convert(mode)
    image.save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return pet_classifier_skeleton(2)


@pytest.fixture(scope="module")
def client(model):
    return TestClient(create_app(model, ["cat", "dog"], max_bytes=200_000))


@pytest.fixture(scope="module")
def pet_png():
    photo = load_dataset("pets", "test").images[0]
    return encode(photo.permute(1, 2, 0).numpy())


def upload(client, data: bytes, name: str = "photo.png"):
    return client.post("/predict", files={"file": (name, data, "application/octet-stream")})


def test_page_has_the_upload_form(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'type="file"' in page.text and "predict" in page.text


def test_a_pet_photo_gets_two_predictions_and_an_overlay(client, pet_png):
    answer = upload(client, pet_png)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    labels = [p["label"] for p in body["predictions"]]
    assert sorted(labels) == ["cat", "dog"]
    assert abs(sum(p["probability"] for p in body["predictions"]) - 1) < 1e-3
    overlay = Image.open(io.BytesIO(base64.b64decode(body["overlay_png"])))
    assert overlay.size[1] == 224 and overlay.mode == "RGB"
    assert (body["width"], body["height"], body["mode"]) == (224, 224, "RGB")


@pytest.mark.parametrize("mode", ["L", "RGBA", "P"])
def test_grayscale_alpha_and_palette_photos_are_converted(client, mode):
    data = encode(np.random.default_rng(0).integers(0, 255, (60, 90, 3), dtype=np.uint8),
                  mode=mode)
    answer = upload(client, data)
    assert answer.status_code == 200 and answer.json()["mode"] == mode


@pytest.mark.parametrize("data, status, words", [
    (b"", 422, "empty"),
    (b"this is a text file, not a photo", 415, "not an image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 415, "not an image"),
])
def test_bad_files_get_a_clear_4xx(client, data, status, words):
    answer = upload(client, data)
    assert answer.status_code == status and words in answer.json()["detail"]


def test_a_truncated_jpeg_is_refused(client, pet_png):
    photo = load_dataset("pets", "test").images[1].permute(1, 2, 0).numpy()
    data = encode(photo, "JPEG")
    answer = upload(client, data[: len(data) // 2])
    assert answer.status_code == 415


def test_cmyk_and_16_bit_images_are_refused_with_the_fix(client):
    cmyk = encode(np.zeros((40, 40, 3), dtype=np.uint8), "JPEG", mode="CMYK")
    answer = upload(client, cmyk)
    assert answer.status_code == 422 and "CMYK" in answer.json()["detail"]
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((40, 40), dtype=np.uint16)).save(buffer, format="PNG")
    answer = upload(client, buffer.getvalue())
    assert answer.status_code == 422 and "RGB" in answer.json()["detail"]


def test_a_file_above_the_limit_gets_413(client):
    noise = np.random.default_rng(1).integers(0, 255, (400, 400, 3), dtype=np.uint8)
    data = encode(noise)  # about 480 kB of incompressible PNG, limit 200 kB
    answer = upload(client, data)
    assert answer.status_code == 413 and "limit" in answer.json()["detail"]


def test_too_many_pixels_are_refused_before_decoding():
    side = int(MAX_PIXELS ** 0.5) + 10
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")  # tiny file, huge image
    with pytest.raises(UploadError) as error:
        read_upload(buffer.getvalue())
    assert error.value.status == 413


def test_a_missing_file_field_is_a_4xx_and_the_app_still_answers(client, pet_png):
    assert client.post("/predict").status_code == 422
    assert client.post("/predict", files={"other": ("x", b"1")}).status_code == 422
    assert upload(client, pet_png).status_code == 200
    assert client.get("/health").json() == {"status": "ok"}


def test_create_app_checks_its_arguments(model):
    with pytest.raises(InputError, match="class_names"):
        create_app(model, [])
    with pytest.raises(InputError, match="max_bytes"):
        create_app(model, ["cat", "dog"], max_bytes=0)


def test_load_classifier_refuses_a_file_without_classes(tmp_path, model):
    path = tmp_path / "weights.pt"
    torch.save(model.state_dict(), path)
    with pytest.raises(InputError, match="classes"):
        load_classifier(path)


def test_server_subprocess_answers_and_stops(tmp_path, model, pet_png):
    import urllib.request

    path = tmp_path / "pets.pt"
    torch.save({"state_dict": model.state_dict(), "classes": ["cat", "dog"]}, path)
    server = Server(path, threads=1)
    with server as url:
        with urllib.request.urlopen(f"{url}/health", timeout=10) as answer:
            assert answer.status == 200
        status, body = post_file(f"{url}/predict", pet_png, "pet.png")
        assert status == 200 and len(body["predictions"]) == 2
        status, body = post_file(f"{url}/predict", b"hello", "notes.txt")
        assert status == 415 and "not an image" in body["detail"]
        status, body = post_file(f"{url}/predict", bytes(6 * 2**20), "huge.jpg")
        assert status == 413 and "limit is 5 MB" in body["detail"]
    assert not server.running
