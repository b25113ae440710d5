"""``python -m course_utils train-folder`` end to end on the shipped folder, in fast mode; the
served page of its model, in headless Chromium, answers with the folder's class names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, need_browser

from course_utils.data.folder import example_folder
from course_utils.serve import Server, post_file

CLASSES = ["cat_long_hair", "cat_short_hair", "dog_fluffy", "dog_smooth"]
OUTPUTS = ("model.pt", "model.onnx", "model_int8.onnx", "classes.txt", "settings.json",
           "metrics.json", "report.html", "confusion.png", "mistakes.png", "examples.png",
           "folder.txt")


def train_folder(*args: str, cache: Path) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "course_utils", "train-folder", *args,
                             "--cache-dir", str(cache), "--quiet"], capture_output=True,
                            text=True, timeout=300, env={**os.environ, "COURSE_FAST": "1"})
    return result, time.perf_counter() - start


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """Two runs on the shipped folder (the second from the cache of the first)."""
    base = tmp_path_factory.mktemp("train-folder")
    cache = base / "cache"
    first, first_s = train_folder(str(example_folder()), "--out", str(base / "run"),
                                  "--model", "mobilenet_v2", cache=cache)   # never a download
    assert first.returncode == 0, first.stdout + first.stderr
    second, second_s = train_folder(str(example_folder()), "--out", str(base / "again"),
                                    "--model", "mobilenet_v2", "--no-export", "--epochs", "0",
                                    cache=cache)
    assert second.returncode == 0, second.stdout + second.stderr
    return {"dir": base / "run", "again": base / "again", "first": first, "second": second,
            "seconds": (first_s, second_s)}


def test_help_says_all_of_it() -> None:
    result = subprocess.run([sys.executable, "-m", "course_utils", "train-folder", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    for word in ("DIR", "--out RUN_DIR", *OUTPUTS[:7], "serve --model RUN_DIR", "HEIC",
                 "cached", "skipped", "Grad-CAM", "interval"):
        assert word in result.stdout, word


def test_run_writes_model_report_and_class_list(run: dict) -> None:
    out = run["dir"]
    for name in OUTPUTS:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert (out / "classes.txt").read_text().split() == CLASSES
    metrics = json.loads((out / "metrics.json").read_text())
    settings = json.loads((out / "settings.json").read_text())
    assert metrics["images"] == 140 and metrics["classes"] == CLASSES and not metrics["skipped"]
    assert metrics["split"] == {"train": 84, "validation": 28, "test": 28}
    accuracy = metrics["test"]["accuracy"]
    assert accuracy["low"] <= accuracy["estimate"] <= accuracy["high"]
    assert accuracy["estimate"] >= 0.75
    assert set(metrics["test"]["per_class"]) == set(CLASSES)
    assert metrics["export"]["onnx_max_difference"] < 1e-3
    assert metrics["export"]["int8_agreement"] >= 0.8
    assert settings["backbone"] == "mobilenet_v2" and settings["epochs"] == 1
    page = (out / "report.html").read_text()
    assert all(name in page for name in CLASSES) and page.count("data:image/png;base64") == 3
    assert "test accuracy" in run["first"].stdout.lower()


def test_second_run_reuses_the_cache(run: dict) -> None:
    assert "0 from the cache" in run["first"].stdout
    assert "140 from the cache" in run["second"].stdout
    metrics = json.loads((run["again"] / "metrics.json").read_text())
    assert metrics["from_cache"] == 140 and metrics["chosen"] == "linear probe"


def test_bad_folder_exits_2_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "only" / "cats").mkdir(parents=True)
    result, _ = train_folder(str(tmp_path / "only"), "--out", str(tmp_path / "out"),
                             cache=tmp_path / "cache")
    assert result.returncode == 2 and "single class folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_served_page_answers_with_the_class_names(run: dict, tmp_path: Path) -> None:
    photo = next((example_folder() / "dog_smooth").glob("*.jpg"))
    with Server(model=run["dir"], threads=1) as url:
        with urllib.request.urlopen(url + "/", timeout=30) as answer:
            html = answer.read().decode()
        status, body = post_file(url + "/predict", photo.read_bytes(), photo.name)
        need_browser()
        from playwright.sync_api import sync_playwright

        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                        headless=True)
            try:
                page = browser.new_page(viewport={"width": 900, "height": 900})
                page.goto(url + "/")
                heading = page.locator("h1").inner_text()
                page.set_input_files("#photo", str(photo))
                page.click("#send")
                page.wait_for_selector("li.prediction", timeout=60_000)
                predictions = page.locator("li.prediction").all_inner_texts()
                page.screenshot(path=str(ARTIFACTS / "train_folder_served.png"))
            finally:
                browser.close()
    assert all(name in html for name in CLASSES)
    assert status == 200 and body["predictions"][0]["label"] in CLASSES
    assert all(name.replace("_", " ") in heading.lower() for name in CLASSES)
    assert len(predictions) == 3 and {t.split(":")[0] for t in predictions} <= set(CLASSES)
