"""Every lesson's reveal.js deck builds, and its first slides render offline in headless Chromium.

The decks are built from the notebooks as stored (what ``python course.py slides`` does on a fresh
clone), opened from the file system, and every request that would leave the machine is refused
and reported: reveal.js must come from the local copy. Screenshots of the first two slides of
each deck go to ``test-artifacts/slides/``.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from browser_support import ARTIFACTS, chromium, need_browser
from notebook_runs import all_notebooks

from course_utils.publish.slides import build_decks, deck_html, slide_type, tag_slides

NOTEBOOKS = all_notebooks()


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    return build_decks(NOTEBOOKS, out)


def test_every_deck_renders_offline_in_chromium(decks):
    need_browser()
    shots = ARTIFACTS / "slides"
    shots.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    problems = []
    with chromium(outside) as context:
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 800})
        for deck in decks:
            page.goto(deck.as_uri())
            page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
            total = page.evaluate("() => Reveal.getTotalSlides()")
            if total < 2:
                problems.append(f"{deck.name}: {total} slide(s)")
            for number in (1, 2):
                text = page.locator(".reveal .slides section.present").first.inner_text()
                if len(text.strip()) < 20:
                    problems.append(f"{deck.name} slide {number} is empty: {text!r}")
                page.screenshot(path=str(shots / f"{deck.stem}_{number}.png"))
                page.evaluate("() => Reveal.next()")
                page.wait_for_timeout(100)
    assert outside == [], f"the decks asked the network for {sorted(set(outside))}"
    assert problems == []


def test_a_deck_opens_on_its_title_and_skips_the_colab_cells():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("[badge](x)", metadata={"tags": ["colab-badge"]}),
        nbformat.v4.new_markdown_cell("# The title\n\nSome words."),
        nbformat.v4.new_code_cell("pip_install_here()", metadata={"tags": ["colab-install"]}),
        nbformat.v4.new_markdown_cell("## Part one"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("Say this aloud.", metadata={"tags": ["notes"]}),
    ])
    tag_slides(nb)
    assert [slide_type(c) for c in nb.cells] == ["skip", "slide", "skip", "slide", "-", "notes"]
    page = deck_html(nb, "99_demo")
    assert page.count("<section><section>") == 2  # a slide wraps its first subslide
    assert "pip_install_here" not in page and "[badge]" not in page
    assert "reveal.js/dist/reveal.js" in page
    assert not re.search(r"(src|href)=\"https?:|@import url\(['\"]?https?:", page)
    assert '<aside class="notes">' in page


def test_a_missing_reveal_copy_is_reported(tmp_path, monkeypatch):
    from course_utils.publish import slides

    monkeypatch.setattr(slides, "REVEAL_DIR", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="git checkout -- slides/reveal.js"):
        slides.copy_reveal(tmp_path)
