"""Every explorer of the course, in JupyterLab, in a real browser (headless Debian Chromium).

One JupyterLab server (127.0.0.1, temporary settings: no news, no update check, no autosave)
serves copies of the lessons that show widgets; each is opened at 1280 × 800, restarted and run
in fast mode. Then the main slider of each explorer is moved with the keyboard and its image must
change (pixels, not only bytes), its readout too where it has one. The explorers show
pre-rendered frames in an ``ipywidgets.Stack`` linked to that slider in the browser: exactly one
frame must be on screen before and after the move. The window is widened to 1920 × 1080 and
every explorer's image must keep its aspect ratio at both widths. Screenshots go to
``test-artifacts/browser/``.

Lessons 00, 02 and 03 run whole. Lessons 09 and 12 take 30-90 s to run in fast mode, so their
explorers run in small notebooks that build them as the lessons do (the shipped MobileNetV2, a
pet photo): the browser side is the same, and the lessons themselves run under nbval.
"""

from __future__ import annotations

import json
import shutil
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
    """One JupyterLab server and one browser for every notebook; yields (url, work, context)."""
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
        yield url, work, context


def image_ready(page, image: str) -> None:
    page.wait_for_function(
        f"() => {{ const i = document.querySelector({json.dumps(image)});"
        " return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)


def aspect_error(page, image: str) -> float:
    """Relative difference between the image's shown and natural width/height ratios."""
    shown_w, shown_h, natural_w, natural_h = page.evaluate(
        f"() => {{ const i = document.querySelector({json.dumps(image)});"
        " const r = i.getBoundingClientRect();"
        " return [r.width, r.height, i.naturalWidth, i.naturalHeight]; }")
    assert shown_w > 0 and shown_h > 0, f"{image} is not shown ({shown_w} × {shown_h})"
    return abs(shown_w / shown_h - natural_w / natural_h) / (natural_w / natural_h)


def shown(page, selector: str) -> int:
    """How many elements matching ``selector`` are on screen."""
    return page.locator(f"{selector} >> visible=true").count()


def move_and_see(page, slider: str, image: str, readout: str | None) -> tuple[bytes, bytes]:
    """Press ArrowRight on the slider's handle; wait for a new image; return pixels before,
    after."""
    picture = page.locator(image).first
    picture.scroll_into_view_if_needed()
    image_ready(page, image)
    assert shown(page, image) == 1, f"{image}: {shown(page, image)} frames on screen, not one"
    before_src = picture.get_attribute("src")
    before = picture.screenshot()
    before_text = page.locator(readout).first.inner_text() if readout else None
    page.locator(f"{slider} .noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(  # the Stack shows another frame: a new <img>, with its own src
        f"() => {{ const i = document.querySelector({json.dumps(image)});"
        f" return i && i.src !== {json.dumps(before_src)}; }}", timeout=15_000)
    image_ready(page, image)
    page.wait_for_timeout(100)  # decoded and painted
    assert shown(page, image) == 1, f"{image}: {shown(page, image)} frames on screen, not one"
    after = page.locator(image).first.screenshot()
    if readout:
        assert shown(page, readout) == 1, f"{readout}: not exactly one readout on screen"
        assert page.locator(readout).first.inner_text() != before_text, f"{readout} did not change"
    return before, after


@pytest.mark.parametrize("notebook", list(CASES))
def test_explorers_move_and_keep_their_shape_in_a_real_browser(lab, notebook):
    url, work, context = lab
    original = (work / notebook).read_bytes()
    page = open_and_run(context, url, notebook, width=1280, height=800)
    stem = Path(notebook).stem
    try:
        for name, slider, image, readout in CASES[notebook]:
            before, after = move_and_see(page, slider, image, readout)
            assert after != before, f"{name}: the image on screen did not change"
            explorer = page.locator(".jp-OutputArea-output", has=page.locator(image)).last
            explorer.screenshot(path=str(SHOTS / f"{stem}_{name}_1280.png"))
            assert aspect_error(page, image) < 0.02, f"{name}: stretched at 1280 px"
        page.set_viewport_size(WIDE)
        page.wait_for_timeout(300)
        for name, _, image, _ in CASES[notebook]:
            page.locator(image).first.scroll_into_view_if_needed()
            assert aspect_error(page, image) < 0.02, f"{name}: stretched at 1920 px"
            page.locator(".jp-OutputArea-output", has=page.locator(image)).last.screenshot(
                path=str(SHOTS / f"{stem}_{name}_wide.png"))
        page.screenshot(path=str(SHOTS / f"{stem}_wide.png"))
    finally:
        page.close()
    assert (work / notebook).read_bytes() == original, "the notebook copy was rewritten"
