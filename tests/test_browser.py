"""A real browser runs 02_convolution.ipynb in JupyterLab and moves a slider of the kernel explorer.

JupyterLab serves a temporary copy of the notebook on 127.0.0.1 (random free port, no token,
temporary Jupyter config/data/runtime dirs with news, update checks and autosave off); headless
Debian Chromium, driven by the ``playwright`` Python package (never ``playwright install``),
restarts the kernel and runs all cells, moves the stride slider with the keyboard, and checks
that the feature map image and the shape readout change. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02_convolution.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
RUN_ALL_TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(config_dir: Path) -> None:
    """User settings: no news toast, no update check, no autosave (it would rewrite the file)."""
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    files = {
        "apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
        "docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    }
    for name, content in files.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving a copy of notebook 02; yields (base url, work dir)."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    env = dict(os.environ)
    for name in ("config", "data", "runtime"):
        (tmp_path / name).mkdir()
        env[f"JUPYTER_{name.upper()}_DIR"] = str(tmp_path / name)
    env.pop("JUPYTER_PATH", None)
    write_settings(tmp_path / "config")
    port = free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip", "127.0.0.1",
               "--port", str(port), "--ServerApp.token=", "--ServerApp.password=",
               "--ServerApp.port_retries=0", f"--ServerApp.root_dir={work}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(tmp_path / "jupyter.log", "wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError("JupyterLab did not start:\n"
                                       + (tmp_path / "jupyter.log").read_text()[-3000:])
                time.sleep(0.3)
        yield url, work
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def restart_and_run_all(page, attempts: int = 3) -> None:
    """Kernel > Restart Kernel and Run All Cells, accept the dialog, and see cells start.

    A click that lands while JupyterLab is still connecting the kernel can be lost; then the
    prompts stay ``[ ]`` and the menu is used again.
    """
    started = ("() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
               ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))")
    for _ in range(attempts):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
        page.locator(".lm-Menu-itemLabel",
                     has_text=re.compile(r"^Restart Kernel and Run All Cells")).click()
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        accept.wait_for(timeout=15_000)
        accept.click()
        try:
            page.wait_for_function(started, timeout=20_000)
            return
        except Exception:  # playwright's TimeoutError: try the menu again
            page.keyboard.press("Escape")
    page.screenshot(path=str(ARTIFACTS / "browser_failure.png"))
    raise AssertionError(f"Restart Kernel and Run All Cells did not start any cell in {attempts} "
                         "tries; see test-artifacts/browser_failure.png")


def test_kernel_explorer_slider_in_a_real_browser(lab):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser test needs Debian's Chromium. Install it "
                    "with `apt-get install -y chromium` (./course test does this when run as root).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright Python package is missing: pip install playwright "
                    "(the system Chromium is used; do not run `playwright install`).")
    url, work = lab
    original = (work / NOTEBOOK.name).read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"{url}/lab/tree/{NOTEBOOK.name}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=60_000)
            page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle")).first.wait_for(
                timeout=60_000)
            restart_and_run_all(page)

            image = page.locator("img.course-feature-map")
            readout = page.locator(".course-shape")
            try:
                image.wait_for(state="attached", timeout=RUN_ALL_TIMEOUT_MS)
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "browser_failure.png"))
                (ARTIFACTS / "browser_failure.html").write_text(page.content())
                raise
            image.scroll_into_view_if_needed()
            page.wait_for_function(
                "() => { const i = document.querySelector('img.course-feature-map');"
                " return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=RUN_ALL_TIMEOUT_MS)
            explorer = page.locator(".widget-vbox", has=image).last
            explorer.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser_before.png"))
            before_src = image.get_attribute("src")
            before_pixels = image.screenshot()
            before_text = readout.inner_text()
            assert "148 × 224" in before_text, before_text

            handle = page.locator(".course-stride .noUi-handle")
            handle.focus()
            page.keyboard.press("ArrowRight")  # stride 1 -> 2
            page.wait_for_function(
                "() => document.querySelector('.course-shape').innerText.includes('74 × 112')",
                timeout=15_000)
            page.wait_for_function(
                f"() => document.querySelector('img.course-feature-map').src !== {json.dumps(before_src)}",
                timeout=15_000)
            page.wait_for_timeout(300)  # let the new image decode
            after_pixels = image.screenshot()
            page.screenshot(path=str(ARTIFACTS / "browser_after.png"))
            explorer.screenshot(path=str(ARTIFACTS / "browser_kernel_explorer.png"))
            after_text = readout.inner_text()
        finally:
            browser.close()
    assert "74 × 112" in after_text and after_text != before_text
    assert after_pixels != before_pixels, "the rendered feature map did not change"
    assert (work / NOTEBOOK.name).read_bytes() == original, "the notebook copy was rewritten"


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
"""The two explorers of 09_looking_inside_cnns.ipynb on the shipped MobileNetV2, in a small
notebook of their own (the lesson itself takes a minute to run)."""


def write_notebook(path: Path, sources: list[str]) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": source} for source in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))


def move_and_see(page, image_selector: str, handle_selector: str, readout_selector: str | None,
                 name: str) -> tuple[bytes, bytes]:
    """Focus a slider handle, press ArrowRight, wait for a new image; return pixels before/after."""
    image = page.locator(image_selector)
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        f"() => {{ const i = document.querySelector({json.dumps(image_selector)});"
        " return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)
    before_src = image.get_attribute("src")
    before_pixels = image.screenshot()
    before_text = page.locator(readout_selector).inner_text() if readout_selector else ""
    handle = page.locator(handle_selector)
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => document.querySelector({json.dumps(image_selector)}).src !== {json.dumps(before_src)}",
        timeout=15_000)
    page.wait_for_timeout(300)  # let the new image decode
    after_pixels = image.screenshot()
    page.locator(".widget-vbox", has=image).last.screenshot(
        path=str(ARTIFACTS / f"browser_{name}.png"))
    if readout_selector:
        assert page.locator(readout_selector).inner_text() != before_text
    return before_pixels, after_pixels


def test_notebook_09_explorers_in_a_real_browser(lab):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser test needs Debian's Chromium. Install it "
                    "with `apt-get install -y chromium` (./course test does this when run as root).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright Python package is missing: pip install playwright "
                    "(the system Chromium is used; do not run `playwright install`).")
    url, work = lab
    notebook = work / "explorers_09.ipynb"
    write_notebook(notebook, EXPLORERS_09)
    original = notebook.read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"{url}/lab/tree/{notebook.name}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=60_000)
            page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle")).first.wait_for(
                timeout=60_000)
            restart_and_run_all(page)
            try:
                page.locator("img.course-cam").wait_for(state="attached",
                                                        timeout=RUN_ALL_TIMEOUT_MS)
                page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                       timeout=RUN_ALL_TIMEOUT_MS)
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "browser_failure.png"))
                (ARTIFACTS / "browser_failure.html").write_text(page.content())
                raise
            assert "channels 0–15" in page.locator(".course-layer-readout").inner_text()
            maps_before, maps_after = move_and_see(
                page, "img.course-layer-maps", ".course-channel .noUi-handle",
                ".course-layer-readout", "layer_map_explorer")
            assert "channels 16–31" in page.locator(".course-layer-readout").inner_text()
            cam_before, cam_after = move_and_see(page, "img.course-cam",
                                                 ".course-opacity .noUi-handle", None,
                                                 "cam_explorer")
        finally:
            browser.close()
    assert maps_after != maps_before, "the rendered feature maps did not change"
    assert cam_after != cam_before, "the rendered CAM overlay did not change"
    assert notebook.read_bytes() == original, "the notebook was rewritten"
