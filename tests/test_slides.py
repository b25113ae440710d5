"""Every lesson's deck fits a 1280 × 720 slide, renders offline, and carries speaker notes.

The decks are built from the notebooks as stored (what ``python course.py slides`` does on a fresh
clone) and from a small executed lesson with outsized figures, long code and long prose; each is
opened from the file system in headless Chromium at 1280 × 720 with every request that would
leave the machine refused, and every slide's content is measured against the slide. Screenshots:
the first two slides of each deck and one deck's speaker view go to ``test-artifacts/slides/``.
"""

from __future__ import annotations

import base64
import functools
import http.server
import io
import re
import threading

import nbformat
import pytest
from browser_support import ARTIFACTS, chromium, need_browser
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from notebook_runs import all_notebooks

from course_utils.publish.deck import MAX_CODE_LINES, MAX_POINTS, plan_deck
from course_utils.publish.slides import HEIGHT, WIDTH, build_decks, deck_html

NOTEBOOKS = all_notebooks()
SHOTS = ARTIFACTS / "slides"
MEASURE = """() => {
  const overflowing = [];
  const slides = Reveal.getSlides();
  slides.forEach((slide, i) => {
    Reveal.slide(i);
    if (slide.offsetHeight > %d || slide.scrollWidth > %d)
      overflowing.push([i + 1, slide.offsetHeight, slide.scrollWidth,
                        slide.querySelector('h1, h2')?.textContent ?? '']);
  });
  Reveal.slide(0);
  return [slides.length, overflowing];
}""" % (HEIGHT, WIDTH)
"""Every slide (``offsetHeight`` and ``scrollWidth`` are layout sizes, before reveal's scaling)."""


def png(width: int, height: int) -> str:
    """A solid PNG of that size, base64."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_output(width: int, height: int):
    return new_output("display_data", data={"image/png": png(width, height),
                                            "text/plain": "<Figure>"})


LONG_PARAGRAPH = ("This sentence is the key one and it is followed by others. " + "More words "
                  "that only the notebook needs to carry, " * 6 + "and an end.")
CODE = "\n".join(f"value_{i} = {i} * 2  # line {i} of a long cell" for i in range(30))


def executed_lesson():
    """A lesson as ``execute`` leaves it: a tall, a wide and a square figure, long code and
    prose, a long printed output, notes in their ``<details>`` fold."""
    return new_notebook(cells=[
        new_markdown_cell("[badge](x)", metadata={"tags": ["colab-badge"]}),
        new_markdown_cell("# 97 · A lesson whose title is long enough to wrap onto a second "
                          "line of the title slide\n\n" + "\n\n".join([LONG_PARAGRAPH] * 4)
                          + "\n\n**Objectives**\n" + "\n".join(f"- objective {i}; more"
                                                                 for i in range(8))),
        new_markdown_cell("<details><summary>Teaching notes</summary>\n\n- **Stress:** the "
                          "title slide's notes.\n\n</details>", metadata={"tags": ["notes"]}),
        new_code_cell("pip_install_here()", metadata={"tags": ["colab-install"]}),
        new_code_cell("import setup_things"),
        new_markdown_cell("## 1. Figures\n\n" + "\n\n".join([LONG_PARAGRAPH] * 9)),
        new_code_cell(CODE, outputs=[
            new_output("stream", name="stdout", text="".join(f"line {i}\n" for i in range(40))),
            figure_output(300, 3000), figure_output(3000, 300), figure_output(900, 900)]),
        new_markdown_cell("*Figure:* A very tall strip.\n*Figure:* A very wide strip.\n"
                          "*Figure:* A square."),
        new_markdown_cell("<details><summary>Teaching notes</summary>\n\n- **Misconception:** "
                          "tall figures fit.\n\n</details>", metadata={"tags": ["notes"]}),
        new_markdown_cell("## Exercises\n\nTry them."),
        new_code_cell("show_solution('ch97.ex1')"),
    ])


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    return build_decks(NOTEBOOKS, out)


def measure(page, deck) -> tuple[int, list]:
    page.goto(deck.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
    config = page.evaluate("() => [Reveal.getConfig().width, Reveal.getConfig().height]")
    assert config == [WIDTH, HEIGHT]
    return page.evaluate(MEASURE)


def test_no_slide_of_any_deck_runs_off_a_1280x720_slide_offline(decks):
    need_browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    problems = []
    with chromium(outside) as context:
        page = context.new_page()
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        for deck in decks:
            total, overflowing = measure(page, deck)
            if total < 5:
                problems.append(f"{deck.name}: {total} slide(s)")
            problems += [f"{deck.name} slide {n} is {h} px high, {w} px wide: {title!r}"
                         for n, h, w, title in overflowing]
            title = page.locator(".reveal .slides section.present").first
            if not title.evaluate("s => s.classList.contains('course-title-slide')"):
                problems.append(f"{deck.name} does not open on its title slide")
            for number in (1, 2):
                page.screenshot(path=str(SHOTS / f"{deck.stem}_{number}.png"))
                page.evaluate("() => Reveal.next()")
    assert outside == [], f"the decks asked the network for {sorted(set(outside))}"
    assert problems == []


def test_a_deck_with_outsized_figures_long_code_and_long_prose_fits(tmp_path):
    need_browser()
    (deck,) = build_decks([_write(executed_lesson(), tmp_path / "97_big.ipynb")],
                          tmp_path / "slides")
    with chromium([]) as context:
        page = context.new_page()
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        total, overflowing = measure(page, deck)
        alts = page.evaluate("() => [...document.querySelectorAll('.reveal img')].map(i => "
                             "[i.alt, i.getBoundingClientRect().height])")
    assert overflowing == []
    assert total >= 8
    assert [alt for alt, _ in alts] == ["A very tall strip.", "A very wide strip.", "A square."]


def _write(nb, path):
    nbformat.write(nb, path)
    return path


def test_a_deck_cuts_text_and_code_and_leaves_out_setup_exercises_and_colab_cells():
    slides = plan_deck(executed_lesson())
    title, objectives = slides[0], slides[1]
    assert title.level == 1 and title.title.startswith("97 · A lesson")
    assert title.points[0] == "This sentence is the key one and it is followed by others."
    assert title.more and title.notes == ["- **Stress:** the title slide's notes."]
    assert objectives.title == "Objectives" and len(objectives.points) == MAX_POINTS
    assert objectives.more  # 8 objectives, 5 shown
    code = next(s for s in slides if s.code is not None)
    assert len(code.code.splitlines()) + 1 == MAX_CODE_LINES  # and the "N more lines" line
    assert code.hidden_lines == 30 - (MAX_CODE_LINES - 1)
    assert code.output.splitlines() == [f"line {i}" for i in range(5)]
    figures = [s for s in slides if s.figure is not None]
    assert [s.caption for s in figures] == ["A very tall strip.", "A very wide strip.",
                                            "A square."]
    section = next(s for s in slides if s.title == "1. Figures")  # notes open their section
    assert section.notes == ["- **Misconception:** tall figures fit."] and not figures[-1].notes
    page = deck_html(executed_lesson(), "97_big")
    assert "… 19 more lines in the notebook" in page
    assert "more in the notebook" in page
    for absent in ("pip_install_here", "[badge]", "setup_things", "show_solution", "<details",
                   "*Figure:*"):
        assert absent not in page
    assert page.count("<aside class='notes'>") == 2
    assert not re.search(r"(src|href)=[\"']https?:", page)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lesson_deck_has_speaker_notes(path):
    nb = nbformat.read(path, as_version=4)
    page = deck_html(nb, path.stem)
    notes = re.findall(r"<aside class='notes'>(.*?)</aside>", page, re.DOTALL)
    assert notes, (f"{path.name} has no teaching notes: add a markdown cell tagged `notes` after "
                   "its header (CONTRIBUTING.md, 'Figures, captions and teaching notes')")
    assert all("<details" not in n and "Teaching notes" not in n for n in notes)


@pytest.fixture
def served(decks):
    """The decks over HTTP on 127.0.0.1 (the speaker view talks to the deck's window)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(decks[0].parent))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_speaker_view_shows_the_teaching_notes(decks, served):
    need_browser()
    with_notes = [d for d in decks if "<aside class='notes'>" in d.read_text()]
    assert with_notes, "no lesson has teaching notes yet"
    deck = with_notes[0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium([]) as context:
        page = context.new_page()
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        page.goto(f"{served}/{deck.name}")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
        index = page.evaluate("() => Reveal.getSlides().findIndex(s => "
                              "s.querySelector('aside.notes'))")
        page.evaluate(f"() => Reveal.slide({index})")
        expected = page.evaluate("() => Reveal.getCurrentSlide()"
                                 ".querySelector('aside.notes').innerText.trim()")
        with context.expect_page() as opened:
            page.keyboard.press("s")
        speaker = opened.value
        speaker.set_viewport_size({"width": 1280, "height": 800})
        notes = speaker.locator(".speaker-controls-notes .value")
        notes.wait_for(timeout=20_000)
        speaker.wait_for_function("() => document.querySelector("
                                  "'.speaker-controls-notes .value').innerText.trim().length > 0",
                                  timeout=20_000)
        speaker.wait_for_timeout(1500)  # the current and upcoming slides load in iframes
        speaker.screenshot(path=str(SHOTS / "speaker_view.png"))
        shown = notes.inner_text().strip()
    assert expected.splitlines()[0] in shown
    assert "Teaching notes" not in shown


def test_a_missing_reveal_copy_is_reported(tmp_path, monkeypatch):
    from course_utils.publish import slides

    monkeypatch.setattr(slides, "REVEAL_DIR", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="git checkout -- slides/reveal.js"):
        slides.copy_reveal(tmp_path)
