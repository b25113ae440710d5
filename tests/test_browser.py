"""Every explorer of the course, in JupyterLab, in a real browser (headless Debian Chromium).

One JupyterLab server (127.0.0.1, temporary settings: no news, no update check, no autosave)
serves copies of the lessons that show widgets; each is opened at 1280 × 800 with the file browser
open, restarted and run in fast mode. Then, for each explorer:

- its frames are switched in the browser: the frame viewer (``explorers.frame_view``) has drawn,
  holds every frame, and the kernel path's picture is hidden;
- the frame on screen follows the main slider **with no kernel message**: the kernel is kept busy
  by another client (``time.sleep`` through its connection file) while the slider's handle gets
  the focus and ArrowRight moves it; the picture (pixels, not only bytes) and its readout must
  change before the kernel is free again, so nothing it could send was needed;
- the keyboard moves the slider (its ``aria-valuenow``) and the handle carries a name for screen
  readers (``aria-label``);
- exactly one frame is on screen before and after the move (the layout at 1280 px, controls
  under pictures and steady sizes, is ``tests/test_explorer_layout.py``'s).

The window is then widened to 1920 × 1080 and every explorer's picture must keep its aspect ratio
at both widths. Screenshots go to ``test-artifacts/browser/``. Lesson 00's explorer is an
``interact`` (the kernel draws it): it is moved and checked for a new picture, not for the rest.

Lessons 00, 02 and 03 run whole. Lessons 09 and 12 take 30-90 s to run in fast mode, so their
explorers run in small notebooks that build them as the lessons do (the shipped MobileNetV2, a
pet photo): the browser side is the same, and the lessons themselves run under nbval.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, chromium, jupyter_lab, need_browser, open_and_run

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ARTIFACTS / "browser"
WIDE = {"width": 1920, "height": 1080}

EXPLORERS_09 = [
    "from course_utils.data import pet_files, read_photo\n"
    "from course_utils.explorers import CamExplorer, LayerMapExplorer\n"
    "from course_utils.pretrained import imagenet_labels, load_mobilenet_v2, tflite_preprocess\n"
    "import torch\n"
    "net = load_mobilenet_v2()\n"
    "photos = torch.stack([read_photo(pet_files()[i]) for i in (0, 200)])",
    "LayerMapExplorer(net, photos, prepare=tflite_preprocess,\n"
    "                 layers=[f'features.{i}' for i in range(19)])",
    "CamExplorer(net, photos, prepare=tflite_preprocess, layers=['features.13', 'features.18'],\n"
    "            classifier='classifier.1', class_names=imagenet_labels())",
]
EXPLORERS_12 = [
    "import torch\n"
    "from torch import nn\n"
    "from course_utils.data import load_dataset\n"
    "from course_utils.explorers import EpsilonExplorer\n"
    "from course_utils.models import Normalize\n"
    "from course_utils.pretrained import imagenet_labels, load_mobilenet_v2\n"
    "imagenet = nn.Sequential(Normalize([128 / 255] * 3, [128 / 255] * 3), "
    "load_mobilenet_v2()).eval()\n"
    "photo = load_dataset('pets', 'train').images[0].float() / 255\n"
    "with torch.no_grad():\n"
    "    clean_class = int(imagenet(photo[None]).argmax())",
    "EpsilonExplorer(imagenet, photo, clean_class, imagenet_labels())",
]

# notebook -> [(explorer, slider, image, readout or None)]
CASES = {
    "00_setup.ipynb": [("digit", ".widget-interact", ".widget-interact .jp-OutputArea-output img",
                        None)],
    "02_convolution.ipynb": [
        ("conv_step", ".course-position", "img.course-conv-step", ".course-conv-sum"),
        ("kernel", ".course-stride", "img.course-feature-map", ".course-shape")],
    "03_pooling_activations_dense.ipynb": [
        ("pooling", ".course-pool-stride", "img.course-pooling", ".course-pool-readout"),
        ("feature_maps", ".course-image", "img.course-feature-maps", ".course-maps-readout")],
    "explorers_09.ipynb": [
        ("layer_maps", ".course-channel", "img.course-layer-maps", ".course-layer-readout"),
        ("cam", ".course-opacity", "img.course-cam", None)],
    "explorers_12.ipynb": [("epsilon", ".course-eps", "img.course-eps-image",
                            ".course-eps-readout")],
}


def write_notebook(path: Path, sources: list[str]) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": source} for source in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab server and one browser for every notebook; yields (url, work, context,
    runtime dir)."""
    need_browser()
    scratch = tmp_path_factory.mktemp("lab")
    work = scratch / "work"
    work.mkdir()
    for name in CASES:
        if (ROOT / "notebooks" / name).exists():
            shutil.copy(ROOT / "notebooks" / name, work / name)
    write_notebook(work / "explorers_09.ipynb", EXPLORERS_09)
    write_notebook(work / "explorers_12.ipynb", EXPLORERS_12)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with jupyter_lab(work, scratch) as url, chromium() as context:
        yield url, work, context, scratch / "runtime"


SHOWN = """(selector) => [...document.querySelectorAll(selector)].find(
  (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')"""
"""The first element matching ``selector`` that is on screen (the frames not shown are hidden)."""


def js_shown(selector: str) -> str:
    """A JS expression: the element on screen matching ``selector`` (or undefined)."""
    return f"({SHOWN})({json.dumps(selector)})"


def image_ready(page, image: str) -> None:
    page.wait_for_function(
        f"() => {{ const i = {js_shown(image)};"
        " return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)


def aspect_error(page, image: str) -> float:
    """Relative difference between the image's shown and natural width/height ratios."""
    shown_w, shown_h, natural_w, natural_h = page.evaluate(
        f"() => {{ const i = {js_shown(image)};"
        " const r = i.getBoundingClientRect();"
        " return [r.width, r.height, i.naturalWidth, i.naturalHeight]; }")
    assert shown_w > 0 and shown_h > 0, f"{image} is not shown ({shown_w} × {shown_h})"
    return abs(shown_w / shown_h - natural_w / natural_h) / (natural_w / natural_h)


def shown(page, selector: str) -> int:
    """How many elements matching ``selector`` are on screen."""
    return page.locator(f"{selector} >> visible=true").count()


def frames_settled(page, image: str) -> None:
    """Wait until the frame viewer around ``image`` has drawn and holds every frame; check the
    kernel path's picture is hidden."""
    view = f".course-frame-view:has({image})"
    page.wait_for_function(
        f"() => {{ const v = document.querySelector({json.dumps(view)});"
        " return v && v.dataset.ready === '1' && v.dataset.pending === '0'"
        " && v.dataset.path === 'browser'; }", timeout=60_000)
    fallback = f".course-frames:has({view}) > .course-frames-fallback"
    assert page.locator(fallback).count() >= 1, f"{image}: no kernel path picture beside it"
    assert shown(page, fallback) == 0, f"{image}: the kernel path's picture is on screen too"


def kernel_session(url: str, notebook: str) -> str:
    """The id of the kernel running ``notebook``."""
    with urllib.request.urlopen(f"{url}/api/sessions", timeout=10) as reply:
        sessions = json.load(reply)
    return next(s["kernel"]["id"] for s in sessions if s["path"].endswith(notebook))


@contextmanager
def busy_kernel(runtime: Path, kernel_id: str, work: Path, seconds: float = 20.0):
    """Keep the kernel busy (``time.sleep`` run by a second client) for the block; yields a
    function that says whether it is still asleep."""
    from jupyter_client import BlockingKernelClient

    start, end = work / f"asleep-{kernel_id}", work / f"awake-{kernel_id}"
    for flag in (start, end):
        flag.unlink(missing_ok=True)
    client = BlockingKernelClient(connection_file=str(runtime / f"kernel-{kernel_id}.json"))
    client.load_connection_file()
    client.start_channels()
    try:
        client.execute(f"import time, pathlib; pathlib.Path({str(start)!r}).touch(); "
                       f"time.sleep({seconds}); pathlib.Path({str(end)!r}).touch()",
                       store_history=False)
        deadline = time.monotonic() + 30
        while not start.exists():
            assert time.monotonic() < deadline, "the kernel did not start sleeping"
            time.sleep(0.05)
        yield lambda: not end.exists()
        deadline = time.monotonic() + seconds + 30
        while not end.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        client.stop_channels()


def move(page, slider: str, image: str, readout: str | None,
         still_busy=None) -> tuple[bytes, bytes]:
    """Press ArrowRight on the slider's handle; wait for a new picture; return its pixels
    before and after. With ``still_busy``, the new picture must come while it says True."""
    picture = page.locator(f"{image} >> visible=true").first
    picture.scroll_into_view_if_needed()
    image_ready(page, image)
    assert shown(page, image) == 1, f"{image}: {shown(page, image)} frames on screen, not one"
    before_src = page.evaluate(f"() => {js_shown(image)}.src")
    before = picture.screenshot()
    before_text = (page.locator(f"{readout} >> visible=true").first.inner_text()
                   if readout else None)
    handle = page.locator(f"{slider} .noUi-handle").first
    before_value = handle.get_attribute("aria-valuenow")
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(  # another frame shown, or the same <img> with a new src
        f"() => {{ const i = {js_shown(image)};"
        f" return i && i.src !== {json.dumps(before_src)}; }}", timeout=15_000)
    image_ready(page, image)
    page.wait_for_timeout(100)  # decoded and painted
    if still_busy is not None:
        assert still_busy(), f"{image}: the picture changed only once the kernel was free"
    assert handle.get_attribute("aria-valuenow") != before_value, "the arrow key did not move it"
    assert shown(page, image) == 1, f"{image}: {shown(page, image)} frames on screen, not one"
    after = page.locator(f"{image} >> visible=true").first.screenshot()
    if readout:
        assert shown(page, readout) == 1, f"{readout}: not exactly one readout on screen"
        after_text = page.locator(f"{readout} >> visible=true").first.inner_text()
        assert after_text != before_text, f"{readout} did not change"
    return before, after


@pytest.mark.parametrize("notebook", list(CASES))
def test_explorers_switch_frames_in_the_browser_and_keep_their_shape(lab, notebook):
    url, work, context, runtime = lab
    original = (work / notebook).read_bytes()
    page = open_and_run(context, url, notebook, width=1280, height=800)
    stem = Path(notebook).stem
    kernel_id = kernel_session(url, notebook)
    try:
        for name, slider, image, readout in CASES[notebook]:
            explorer = page.locator(".jp-OutputArea-output", has=page.locator(image)).last
            framed = name != "digit"  # lesson 00's interact: drawn by the kernel
            if framed:
                frames_settled(page, image)
                label = page.locator(f"{slider} .noUi-handle").first.get_attribute("aria-label")
                assert label, f"{name}: the slider's handle has no name for a screen reader"
                with busy_kernel(runtime, kernel_id, work) as still_busy:
                    before, after = move(page, slider, image, readout, still_busy)
            else:
                before, after = move(page, slider, image, readout)
            assert after != before, f"{name}: the image on screen did not change"
            explorer.screenshot(path=str(SHOTS / f"{stem}_{name}_1280.png"))
            assert aspect_error(page, image) < 0.02, f"{name}: stretched at 1280 px"
        page.set_viewport_size(WIDE)
        page.wait_for_timeout(300)
        for name, _, image, _ in CASES[notebook]:
            page.locator(f"{image} >> visible=true").first.scroll_into_view_if_needed()
            assert aspect_error(page, image) < 0.02, f"{name}: stretched at 1920 px"
            page.locator(".jp-OutputArea-output", has=page.locator(image)).last.screenshot(
                path=str(SHOTS / f"{stem}_{name}_wide.png"))
        page.screenshot(path=str(SHOTS / f"{stem}_wide.png"))
    finally:
        page.close()
    assert (work / notebook).read_bytes() == original, "the notebook copy was rewritten"
