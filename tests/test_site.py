"""The course site: an executed lesson becomes a page with its figures, alt text and no network.

A small lesson (a matplotlib figure, an explorer, an ``interact`` widget, a progress bar) is
executed in a real kernel and built into a site next to a second page, with an instructors'
guide, a glossary and the licences; the pages are checked for alt text, explorer snapshots,
titles, footers and links, and opened from the file system in headless Chromium with every
non-local request refused (a screenshot of the page goes to ``test-artifacts/site_page.png``).
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser

import nbformat
import pytest
from browser_support import ARTIFACTS, chromium, need_browser

from course_utils.publish.captions import CaptionError, caption_lines, plain_text
from course_utils.publish.colab import add_colab_cells
from course_utils.publish.website import (
    build_site,
    check_figures,
    execute,
    figure_count,
    index_html,
    page_html,
)

PLACEHOLDER = "No description has been provided for this image"
LESSON = [
    ("markdown", "# 98 · A `tiny` lesson, **bold** and [linked](https://example.org)\n\n"
                 "One figure, one explorer, one interact, one progress bar."),
    ("code", "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()"),
    ("markdown", "*Figure:* A line falling from **1** to `0`."),
    ("code", "from course_utils.data import sample_photo\n"
             "from course_utils.explorers import KernelExplorer\n"
             "KernelExplorer(sample_photo('chelsea')[:, ::4, ::4], 'sobel_x')"),
    ("markdown", "*Figure:* The kernel explorer on a cat, Sobel x."),
    ("code", "import ipywidgets as widgets\n"
             "def show(i=0):\n    plt.figure(figsize=(1, 1)); plt.imshow([[i, 1]]); plt.show()\n"
             "widgets.interact(show, i=widgets.IntSlider(0, 0, 3));"),
    ("markdown", "*Figure:* Two squares, the first as bright as the slider says."),
    ("code", "from tqdm.auto import tqdm\nfor _ in tqdm(range(3), desc='counting'):\n    pass"),
]
CAPTIONS = ["A line falling from 1 to 0.", "The kernel explorer on a cat, Sobel x.",
            "Two squares, the first as bright as the slider says."]
TITLE = "98 · A tiny lesson, bold and linked"


class Images(HTMLParser):
    """The attributes of every ``<img>`` of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[dict] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.found.append(dict(attrs))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    lesson = nbformat.v4.new_notebook(cells=[
        (nbformat.v4.new_markdown_cell(src) if kind == "markdown"
         else nbformat.v4.new_code_cell(src))
        for kind, src in LESSON])
    add_colab_cells(lesson, "98_tiny.ipynb")
    execute(lesson, folder)
    nbformat.write(lesson, folder / "98_tiny.ipynb")
    second = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 99 · Next")])
    nbformat.write(second, folder / "99_next.ipynb")
    documents = folder / "repository"
    documents.mkdir()
    (documents / "INSTRUCTORS.md").write_text("# Teaching the course\n\n| lesson | minutes |\n"
                                              "|---|---|\n| [98](notebooks/98_tiny.ipynb) | 5 |\n")
    (documents / "GLOSSARY.md").write_text("# Glossary\n\n**kernel**: a small grid of weights."
                                           " Under [CC BY 4.0](LICENSE-CONTENT.md).\n")
    (documents / "LICENSE").write_text("MIT License\n\nCopyright <the authors>\n")
    (documents / "LICENSE-CONTENT.md").write_text("# CC BY 4.0\n\nAttribution 4.0.\n")
    build_site([folder / "98_tiny.ipynb", folder / "99_next.ipynb"], folder / "site",
               documents_dir=documents)
    return folder


def test_every_image_has_its_caption_as_alt_text(site):
    page = (site / "site" / "98_tiny.html").read_text()
    images = Images(page).found
    assert len(images) == 3
    assert [i.get("alt") for i in images] == CAPTIONS
    assert PLACEHOLDER not in page


def test_explorer_snapshots_keep_their_readout_and_controls_and_the_note_only_explorers(site):
    page = (site / "site" / "98_tiny.html").read_text()
    assert "feature map <b>" in page  # the kernel explorer's readout, shape and formula
    assert "<b>stride</b>: 1" in page and "<b>kernel</b>: sobel_x" in page
    assert "<b>i</b>: 0" in page  # interact's slider
    assert "frame viewer has not loaded" not in page  # a line for live front ends only
    assert page.count("Interactive explorer") == 2  # not on the progress bar
    assert re.search(r"counting:\s*100%.*<progress max=.3. value=.3.>", page)  # tqdm, as text


def test_pages_hide_the_colab_cells_and_show_titles_without_markdown(site):
    page = (site / "site" / "98_tiny.html").read_text()
    assert "colab-badge.svg" not in page and "COURSE_REPO" not in page
    assert f"<title>{TITLE}</title>" in page
    index = (site / "site" / "index.html").read_text()
    assert f">{TITLE}</a>" in index and "`" not in index and "**" not in index
    assert f"← {TITLE}" in (site / "site" / "99_next.html").read_text()


def test_every_page_has_the_licence_footer_and_the_guides_are_pages(site):
    pages = sorted((site / "site").glob("*.html"))
    assert {p.name for p in pages} == {"98_tiny.html", "99_next.html", "index.html",
                                       "instructors.html", "glossary.html", "license.html",
                                       "license-content.html"}
    for page in pages:
        text = page.read_text()
        assert re.search(r"href=.license\.html.>MIT licence</a>", text), page.name
        assert re.search(r"href=.license-content\.html.>CC BY 4\.0</a>", text), page.name
    index = (site / "site" / "index.html").read_text()
    assert re.search(r"href=.instructors\.html.", index) and re.search(r"href=.glossary\.html.",
                                                                         index)
    guide = (site / "site" / "instructors.html").read_text()
    assert "<table>" in guide and 'href="98_tiny.html"' in guide  # notebook links: their pages
    glossary = (site / "site" / "glossary.html").read_text()
    assert "<strong>kernel</strong>" in glossary and 'href="license-content.html"' in glossary


def test_missing_guides_are_left_out_of_the_index():
    page = index_html(["01_a"], {"01_a": "01 · A"}, {})
    assert "For instructors" not in page and "01 · A" in page


def test_a_figure_without_its_caption_fails_the_build(site):
    nb = nbformat.read(site / "98_tiny.ipynb", as_version=4)
    explorer_caption = next(i for i, c in enumerate(nb.cells) if "kernel explorer" in c.source)
    nb.cells[explorer_caption].source = "The explorer, uncaptioned."
    with pytest.raises(CaptionError, match=r"98_tiny: cell \d+ \(nbval's Cell 2, `from "
                                           r"course_utils.data import sample_photo`\) draws 1 "
                                           r"figure\(s\) but the markdown cell after it has 0 "
                                           r"caption line\(s\)"):
        page_html(nb, "98_tiny", "")


def test_a_page_that_lost_a_figure_fails_the_build(site):
    nb = nbformat.read(site / "98_tiny.ipynb", as_version=4)
    page = (site / "site" / "98_tiny.html").read_text()
    dropped = re.sub(r"<img[^>]+src=\"data:image/png[^>]+>", "", page, count=1)
    from course_utils.publish.website import caption_figures

    captioned = copy.deepcopy(nb)
    caption_figures(captioned, "98_tiny")
    assert figure_count(captioned) == 3
    with pytest.raises(AssertionError, match="the page shows 2 figures, the lesson drew 3"):
        check_figures(captioned, dropped, "98_tiny")


def test_a_lesson_that_plots_but_drew_nothing_fails_the_build():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plt.plot([1, 2])")])
    with pytest.raises(AssertionError, match="matplotlib backend is not inline"):
        check_figures(nb, "<html></html>", "97_agg")


def test_captions_lose_their_mark_and_markdown():
    assert caption_lines("Text.\n*Figure:* The **kernel** of `conv2d` ([docs](x)).\n"
                         "  *Figure:* _Two_ maps *side by side*.") == [
        "The kernel of conv2d (docs).", "Two maps side by side."]
    assert plain_text("`a_b` and **c**, <b>d</b>") == "a_b and c, d"


def test_the_site_opens_from_the_file_system_without_the_network(site):
    need_browser()
    outside: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(outside) as context:
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto((site / "site" / "index.html").as_uri())
        page.click(f"text={TITLE}")
        page.wait_for_selector("nav.course-nav")
        shown = page.evaluate("() => [...document.images].filter(i => i.complete && "
                              "i.naturalWidth > 0 && i.alt.trim().length > 0).length")
        page.screenshot(path=str(ARTIFACTS / "site_page.png"), full_page=True)
        page.click("text=99 · Next →")
        page.wait_for_selector(f"text=← {TITLE}")
        page.click("text=☰ all lessons")
        page.click("text=Glossary")
        page.wait_for_selector("text=a small grid of weights")
    assert shown == 3
    assert outside == [], f"the site asked the network for {sorted(set(outside))}"


def test_the_command_line_says_which_cell_lacks_its_caption(site, tmp_path, capsys):
    from course_utils.publish.__main__ import main

    nb = nbformat.read(site / "98_tiny.ipynb", as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace("*Figure:* A line", "A line")
    nbformat.write(nb, tmp_path / "98_tiny.ipynb")
    assert main(["site", str(tmp_path / "98_tiny.ipynb"), "--out", str(tmp_path / "site")]) == 1
    assert "draws 1 figure(s) but the markdown cell after it has 0" in capsys.readouterr().err


def test_a_snapshot_shows_what_was_on_screen_with_alt_text_and_control_values():
    from course_utils.publish.snapshot import snapshot_html

    pixel = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9a"
             "wAAAABJRU5ErkJggg==")

    def model(name, buffers=(), **state):
        return {"model_name": name, "state": {"_view_name": name[:-5] + "View", **state},
                "buffers": list(buffers)}

    image = [{"path": ["value"], "encoding": "base64", "data": pixel}]
    state = {
        "box": model("VBoxModel", children=["IPY_MODEL_slider", "IPY_MODEL_stack",
                                            "IPY_MODEL_gone", "IPY_MODEL_note",
                                            "IPY_MODEL_readout"]),
        "slider": model("SelectionSliderModel", description="opacity", index=1,
                        _options_labels=["0", "0.5", "1"], tooltip="how much map shows"),
        "stack": model("StackModel", selected_index=1,
                       children=["IPY_MODEL_first", "IPY_MODEL_second"]),
        "first": model("ImageModel", image, _dom_classes=["course-map"]),
        "second": model("ImageModel", image, _dom_classes=["course-map", "course-pixelated"]),
        "gone": model("ImageModel", image, layout="IPY_MODEL_hidden"),
        "hidden": {"model_name": "LayoutModel", "state": {"display": "none"}},
        "note": model("HTMLModel", value="viewer not loaded", _dom_classes=["course-frames-note"]),
        "readout": model("HTMLModel", value="map <b>7 × 7</b>"),
    }
    page = snapshot_html(state, "box", "A heat map over a cat.")
    assert page.startswith("<p class='course-widget-note'>Interactive explorer")
    assert page.count("<img") == 1  # the Stack's child on screen; the hidden one left out
    assert "course-pixelated" in page and "alt='A heat map over a cat.'" in page
    assert "title='how much map shows'><b>opacity</b>: 0.5</span>" in page
    assert "map <b>7 × 7</b>" in page and "viewer not loaded" not in page
    assert snapshot_html({"bar": model("FloatProgressModel", value=2.0, max=4.0)}, "bar", "") == (
        "<div class='course-snapshot'><span class='course-control'><progress value='2' max='4'>"
        "2 of 4</progress></span></div>")
