"""A real browser uses the web service of notebook 13: picks a pet photo, sees the predictions.

The service runs as a subprocess on 127.0.0.1 (a free port); headless Debian Chromium, driven by
the ``playwright`` Python package (never ``playwright install``), opens the page, chooses a
shipped pet photo in the file input, submits, and waits for the predictions and the Grad-CAM
overlay; then a text file, which must show the service's error message. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import pytest
import torch
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, need_browser

from course_utils.data import load_dataset, verified_path
from course_utils.deploy import pet_classifier_skeleton
from course_utils.serve import Server


@pytest.fixture
def served(tmp_path):
    torch.manual_seed(0)
    weights = tmp_path / "pets.pt"
    torch.save({"state_dict": pet_classifier_skeleton(2).state_dict(), "classes": ["cat", "dog"]},
               weights)
    with Server(weights, threads=1) as url:
        yield url


def test_a_person_uploads_a_pet_photo_and_sees_the_prediction(served, tmp_path):
    need_browser()
    from playwright.sync_api import sync_playwright

    photo = verified_path(load_dataset("pets", "test").extras["file"][0])
    text = tmp_path / "notes.txt"
    text.write_text("not a photo")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 900})
            page.goto(served + "/")
            page.set_input_files("#photo", str(photo))
            page.click("#send")
            page.wait_for_selector("li.prediction", timeout=60_000)
            page.wait_for_function("() => { const i = document.getElementById('overlay');"
                                   " return !i.hidden && i.complete && i.naturalWidth > 0; }",
                                   timeout=30_000)
            predictions = page.locator("li.prediction").all_inner_texts()
            page.screenshot(path=str(ARTIFACTS / "serve_prediction.png"))

            page.set_input_files("#photo", str(text))
            page.click("#send")
            page.wait_for_function("() => document.getElementById('error').textContent.length > 0",
                                   timeout=30_000)
            error = page.locator("#error").inner_text()
            left = page.locator("li.prediction").count()
        finally:
            browser.close()
    assert len(predictions) == 2 and {t.split(":")[0] for t in predictions} == {"cat", "dog"}
    assert all(t.endswith("%") for t in predictions)
    assert "not an image" in error and left == 0
