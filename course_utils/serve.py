"""A small web service for the pets classifier: an HTML page, a JSON endpoint, Grad-CAM.

Introduced in ``13_deployment.ipynb``. Run it on this machine only::

    python -m course_utils.serve --weights pets.pt --port 8000      # http://127.0.0.1:8000
    python -m course_utils.serve --model RUN_DIR     # a run folder of train-folder (notebook 18)

- ``GET /``: a page where a person picks a photo and sees the top predictions and a Grad-CAM
  overlay (where in the photo the evidence for the top class is);
- ``POST /predict`` (multipart form, field ``file``): ``{"predictions": [{"label",
  "probability"}, ...], "overlay_png": base64 PNG, "width", "height", "mode"}``;
- ``GET /health``: ``{"status": "ok"}``.

A bad upload gets a 4xx answer whose ``detail`` says what is wrong and what to send instead:
413 for a body or an image too large, 415 for a file that is not an image, 422 for an empty
file or a colour mode the model cannot take (CMYK, 16-bit, float). The service keeps running.
"""

# No "from __future__ import annotations": FastAPI reads the route annotations at run time.

import argparse
import atexit
import base64
import html
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Sequence

import torch
from PIL import Image, UnidentifiedImageError

from course_utils.data.photos import PhotoError, decode_photo
from course_utils.deploy.classifier import CAM_LAYER, pet_classifier_skeleton
from course_utils.explain import grad_cam, heatmaps
from course_utils.plots.canvas import png_bytes, render_overlay
from course_utils.validation import InputError, check_file, check_positive_int

MAX_BYTES = 5 * 2**20
"""Uploads above 5 MB are refused (413): a phone photo is 2-4 MB."""
MAX_PIXELS = 40_000_000
"""Images above 40 megapixels are refused (413) before they are decoded (decompression bombs)."""
ACCEPTED_MODES = ("RGB", "RGBA", "L", "LA", "P")
"""Colour modes converted to RGB; others (CMYK, I;16, I, F, 1...) are refused with 422."""
INPUT_SIZE = 224
OVERLAY_OPACITY = 0.5


class UploadError(Exception):
    """A bad upload: the HTTP status to answer with and a sentence for the person."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def read_upload(data: bytes, max_bytes: int = MAX_BYTES) -> tuple[torch.Tensor, dict]:
    """Check uploaded bytes and decode them into the model's input.

    Parameters
    ----------
    data : bytes
        The uploaded file.
    max_bytes : int

    Returns
    -------
    photo : (3, 224, 224) uint8 tensor
        Centre-cropped and resized as the shipped photos are
        (:func:`~course_utils.data.photos.decode_photo`).
    info : dict
        ``width``, ``height`` and ``mode`` of the original image.

    Raises
    ------
    UploadError
        413 (too large), 415 (not an image), 422 (empty, or a colour mode not accepted).
    """
    if not data:
        raise UploadError(422, "The file is empty. Choose a JPEG or PNG photo.")
    if len(data) > max_bytes:
        raise UploadError(413, f"The file has {len(data) / 2**20:.1f} MB; the limit is "
                               f"{max_bytes / 2**20:.0f} MB. Send a smaller photo.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height, mode = *image.size, image.mode
            if width * height > MAX_PIXELS:
                raise UploadError(413, f"The image is {width} x {height} pixels; the limit is "
                                       f"{MAX_PIXELS / 1e6:.0f} megapixels. Resize it first.")
            if mode not in ACCEPTED_MODES:
                raise UploadError(422, f"The image's colour mode is {mode}; the model takes RGB "
                                       "or grayscale photos. Save it as an 8-bit RGB JPEG or PNG.")
            image.load()  # decode now: a truncated file fails here
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            SyntaxError):
        raise UploadError(415, "This file is not an image that can be read. Choose a JPEG, PNG, "
                               "GIF, BMP or WebP photo.") from None
    try:
        photo = decode_photo(data, INPUT_SIZE)
    except PhotoError as error:
        raise UploadError(415, f"This file could not be decoded: {error}") from None
    return photo, {"width": width, "height": height, "mode": mode}


def predict_photo(model: torch.nn.Module, photo: torch.Tensor, class_names: Sequence[str],
                  top_k: int = 2, cam_layer: str = CAM_LAYER) -> dict:
    """Top predictions and a Grad-CAM overlay of the top class for one photo.

    Parameters
    ----------
    model : nn.Module in eval mode
        ``(N, 3, 224, 224)`` float pixels in 0..255 -> ``(N, K)`` scores, e.g. a
        :class:`~course_utils.deploy.PetClassifier`.
    photo : (3, 224, 224) uint8 tensor
    class_names : K names
    top_k : int
    cam_layer : str
        The layer Grad-CAM explains (a ``(N, C, h, w)`` output).

    Returns
    -------
    dict
        ``predictions`` (a list of ``{"label", "probability"}``, most likely first) and
        ``overlay_png`` (the photo blended with the heat map, a base64 PNG).
    """
    x = photo[None].float()
    with torch.no_grad():
        probabilities = model(x).softmax(1)[0]
    top = probabilities.topk(min(top_k, len(class_names)))
    maps = grad_cam(model, x, int(top.indices[0]), layer=cam_layer)
    overlay = render_overlay(photo, heatmaps(maps, (INPUT_SIZE, INPUT_SIZE))[0], OVERLAY_OPACITY)
    return {
        "predictions": [{"label": class_names[i], "probability": round(float(p), 4)}
                        for p, i in zip(top.values, top.indices.tolist())],
        "overlay_png": base64.b64encode(png_bytes(overlay)).decode("ascii"),
    }


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
 body {{ font-family: system-ui, sans-serif; max-width: 40em; margin: 2em auto; }}
 #error {{ color: #b00020; }} li {{ font-size: 1.2em; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{intro}</p>
<form id="form"><input type="file" id="photo" name="file" accept="image/*">
<button type="submit" id="send">Classify</button></form>
<p id="error" role="alert"></p>
<ol id="predictions"></ol>
<img id="overlay" alt="Grad-CAM overlay" hidden>
<script>
const form = document.getElementById("form");
form.addEventListener("submit", async (event) => {{
  event.preventDefault();
  const file = document.getElementById("photo").files[0];
  const error = document.getElementById("error");
  const list = document.getElementById("predictions");
  const overlay = document.getElementById("overlay");
  error.textContent = ""; list.innerHTML = ""; overlay.hidden = true;
  if (!file) {{ error.textContent = "Choose a photo first."; return; }}
  const body = new FormData(); body.append("file", file);
  const response = await fetch("predict", {{ method: "POST", body }});
  const answer = await response.json();
  if (!response.ok) {{ error.textContent = answer.detail; return; }}
  for (const p of answer.predictions) {{
    const item = document.createElement("li");
    item.className = "prediction";
    item.textContent = `${{p.label}}: ${{(100 * p.probability).toFixed(1)}}%`;
    list.appendChild(item);
  }}
  overlay.src = "data:image/png;base64," + answer.overlay_png;
  overlay.hidden = false;
}});
</script>
</body></html>
"""


PETS_INTRO = ("Pick a photo of a pet (JPEG or PNG, up to {max_mb} MB). The model is MobileNetV2 "
              "fine-tuned on Oxford-IIIT Pet photos; the overlay shows where the evidence for "
              "its answer is (Grad-CAM).")
RUN_INTRO = ("Pick a photo (JPEG or PNG, up to {max_mb} MB). The model was trained by "
             "<code>python -m course_utils train-folder</code> on images of {classes}; the "
             "overlay "
             "shows where the evidence for its answer is (Grad-CAM).")


def page_title(class_names: Sequence[str]) -> str:
    """The classes as a question, underscores read as spaces: ``"Cat or dog?"``,
    ``"Cat long hair, dog fluffy or dog smooth?"``.

    Parameters
    ----------
    class_names : Sequence[str]
    """
    names = [str(name).replace("_", " ") for name in class_names]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return text[:1].upper() + text[1:] + "?"


def create_app(model: torch.nn.Module, class_names: Sequence[str], *,
               max_bytes: int = MAX_BYTES, top_k: int = 2, cam_layer: str = CAM_LAYER,
               intro: str = PETS_INTRO):
    """The FastAPI application serving ``model`` (see the module docstring for its routes).

    Parameters
    ----------
    model : nn.Module
        Put in eval mode; ``(N, 3, 224, 224)`` 0..255 pixels -> ``(N, K)`` scores.
    class_names : K names
    max_bytes : int
        Largest upload accepted.
    top_k : int
        Predictions returned.
    cam_layer : str
    intro : str
        The page's first paragraph (HTML; ``{max_mb}`` and ``{classes}`` are filled in). The
        title is the class names as a question (:func:`page_title`).

    Returns
    -------
    fastapi.FastAPI
    """
    from fastapi import FastAPI, File, Request, UploadFile
    from fastapi.responses import HTMLResponse, JSONResponse

    max_bytes = check_positive_int(max_bytes, "max_bytes")
    top_k = check_positive_int(top_k, "top_k")
    names = [str(name) for name in class_names]
    if not names:
        raise InputError("class_names is empty; give one name per output of the model.")
    model.eval()
    lock = threading.Lock()  # one request at a time in the model (Grad-CAM adds hooks to it)
    title = html.escape(page_title(names))
    app = FastAPI(title=page_title(names))
    max_mb = round(max_bytes / 2**20)
    page = PAGE.format(title=title, intro=intro.format(
        max_mb=max_mb, classes=html.escape(", ".join(names))), max_mb=max_mb)

    @app.middleware("http")
    async def refuse_large_bodies(request: Request, call_next):
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes + 64 * 1024:  # room for the form fields
            async for _ in request.stream():  # read and drop it, so the client hears the answer
                pass
            return JSONResponse(status_code=413, content={
                "detail": f"The upload has {int(length) / 2**20:.1f} MB; the limit is "
                          f"{max_bytes / 2**20:.0f} MB. Send a smaller photo."})
        return await call_next(request)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return page

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/predict")
    def predict(file: UploadFile = File(...)):  # noqa: B008 (FastAPI reads it as a declaration)
        data = file.file.read(max_bytes + 1)
        try:
            photo, info = read_upload(data, max_bytes)
        except UploadError as error:
            return JSONResponse(status_code=error.status, content={"detail": error.message})
        with lock:
            answer = predict_photo(model, photo, names, top_k, cam_layer)
        return {**answer, **info}

    return app


def load_classifier(path: str | Path) -> tuple[torch.nn.Module, list[str]]:
    """A :class:`~course_utils.deploy.PetClassifier` saved as ``{"state_dict", "classes"}``.

    Read with ``torch.load(..., weights_only=True)``: tensors, lists and strings only, no code.

    Parameters
    ----------
    path : str | Path
    """
    path = check_file(path, "weights", suffixes=(".pt", ".pth"))
    saved = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(saved, dict) or not {"state_dict", "classes"} <= saved.keys():
        raise InputError(f"{path} is not a saved pets classifier: expected a dict with "
                         "'state_dict' and 'classes'; save one with torch.save({'state_dict': "
                         "model.state_dict(), 'classes': [...]}, path).")
    model = pet_classifier_skeleton(len(saved["classes"]))
    model.load_state_dict(saved["state_dict"])
    return model.eval(), list(saved["classes"])


def post_file(url: str, data: bytes, filename: str = "photo.jpg",
              timeout: float = 60) -> tuple[int, dict]:
    """POST ``data`` as the form field ``file`` to ``url``; return the status and the JSON answer.

    A plain-``urllib`` client (what a browser's form sends: ``multipart/form-data``), so the
    notebook needs no HTTP library. 4xx and 5xx answers are returned, not raised.

    Parameters
    ----------
    url : str
    data : bytes
    filename : str
    timeout : float
    """
    boundary = "course-boundary-7d1f0c"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Server:
    """The served page: this module run as a subprocess on 127.0.0.1 at a free port.

    Stop it with :meth:`stop`.

    Introduced in ``13_deployment.ipynb``. Starting returns at once (the process loads torch
    and the model for a few seconds); :meth:`wait` blocks until ``/health`` answers. Used as a
    context manager it waits on entry and stops on exit, also when the body fails; a server
    still running when Python exits is stopped then.

    Parameters
    ----------
    weights : path-like
        A classifier saved as :func:`load_classifier` reads it.
    threads : int
        Torch threads of the server process.
    model : path-like, optional
        Instead of ``weights``: a run folder of ``python -m course_utils train-folder``.
    """

    def __init__(self, weights: str | os.PathLike | None = None, threads: int = 2, *,
                 model: str | os.PathLike | None = None) -> None:
        if (weights is None) == (model is None):
            raise InputError("give either weights (a .pt file of notebook 13) or model (a run "
                             "folder of train-folder), not both or neither.")
        if model is not None:
            source = ["--model", str(check_file(Path(model) / "model.pt", "model"))]
        else:
            source = ["--weights", str(check_file(weights, "weights", suffixes=(".pt", ".pth")))]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would block it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "course_utils.serve", *source,
             "--port", str(self.port), "--threads", str(threads)],
            stdout=self._log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)

    def wait(self, timeout: float = 120) -> str:
        """Block until the server answers ``/health``; return its base URL.

        Parameters
        ----------
        timeout : float
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                    return self.url
            except OSError:
                if self.process.poll() is not None:
                    output = self.log()
                    raise RuntimeError(f"the server exited (code {self.process.returncode}):\n"
                                       f"{output[-3000:]}") from None
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"the server did not answer within {timeout} s.") from None
                time.sleep(0.2)

    def stop(self) -> None:
        """Terminate the process (kill it if it does not end within 10 s); safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        """What the server printed so far (errors, tracebacks)."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    @property
    def running(self) -> bool:
        """Whether the server process is still running."""
        return self.process.poll() is None

    def __enter__(self) -> str:
        try:
            return self.wait()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """``python -m course_utils.serve (--weights FILE | --model RUN_DIR) [--host 127.0.0.1]
    [--port 8000]``.

    Parameters
    ----------
    argv : list[str], optional
    """
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights", help="a file saved by notebook 13")
    source.add_argument("--model", metavar="RUN_DIR", help="a run folder (or its model.pt) "
                        "written by python -m course_utils train-folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.model:
        from course_utils.capstone import load_model

        model, classes, cam_layer = load_model(args.model)
        app = create_app(model, classes, top_k=min(3, len(classes)), cam_layer=cam_layer,
                         intro=RUN_INTRO)
    else:
        model, classes = load_classifier(args.weights)
        app = create_app(model, classes)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
