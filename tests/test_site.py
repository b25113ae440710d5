"""The course site: an executed lesson becomes a page with its figures, navigation and no network.

A small lesson (a matplotlib figure, an explorer, an ``interact`` widget) is executed in a real
kernel, built into a site next to a second page, checked for its figures, and opened from the
file system in headless Chromium with every non-local request refused.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from browser_support import ARTIFACTS, chromium, need_browser

from course_utils.publish.colab import add_colab_cells
from course_utils.publish.website import (
    build_site,
    check_figures,
    execute,
    figure_count,
    page_figure_count,
    snapshot_widgets,
)

LESSON = [
    ("markdown", "# 98 · A tiny lesson\n\nOne figure, one explorer, one interact."),
    ("code", "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()"),
    ("code", "from course_utils.data import sample_photo\n"
             "from course_utils.explorers import KernelExplorer\n"
             "KernelExplorer(sample_photo('chelsea')[:, ::4, ::4], 'sobel_x')"),
    ("code", "import ipywidgets as widgets\n"
             "def show(i=0):\n    plt.figure(figsize=(1, 1)); plt.imshow([[i, 1]]); plt.show()\n"
             "widgets.interact(show, i=widgets.IntSlider(0, 0, 3));"),
]


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
    build_site([folder / "98_tiny.ipynb", folder / "99_next.ipynb"], folder / "site")
    return folder


def test_a_page_shows_every_figure_and_each_explorers_first_frame(site):
    nb = nbformat.read(site / "98_tiny.ipynb", as_version=4)
    snapshot_widgets(nb)
    assert figure_count(nb) == 3  # the plot, the kernel explorer's image, interact's digit
    page = (site / "site" / "98_tiny.html").read_text()
    assert page_figure_count(page) == 3
    assert "Interactive explorer" in page and "colab-badge.svg" not in page
    assert 'href="99_next.html"' in page and 'href="../slides/98_tiny.html"' in page
    index = (site / "site" / "index.html").read_text()
    assert "98 · A tiny lesson" in index and "99 · Next" in index


def test_a_page_that_lost_a_figure_fails_the_build(site):
    nb = nbformat.read(site / "98_tiny.ipynb", as_version=4)
    snapshot_widgets(nb)
    page = (site / "site" / "98_tiny.html").read_text()
    dropped = re.sub(r"<img[^>]+src=\"data:image/png[^>]+>", "", page, count=1)
    with pytest.raises(AssertionError, match="the page shows 2 figures, the lesson drew 3"):
        check_figures(nb, dropped, "98_tiny")


def test_a_lesson_that_plots_but_drew_nothing_fails_the_build():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plt.plot([1, 2])")])
    with pytest.raises(AssertionError, match="matplotlib backend is not inline"):
        check_figures(nb, "<html></html>", "97_agg")


def test_the_site_opens_from_the_file_system_without_the_network(site):
    need_browser()
    outside: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(outside) as context:
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto((site / "site" / "index.html").as_uri())
        page.click("text=98 · A tiny lesson")
        page.wait_for_selector("nav.course-nav")
        shown = page.evaluate("() => [...document.images].filter(i => i.complete && "
                              "i.naturalWidth > 0).length")
        page.screenshot(path=str(ARTIFACTS / "site_page.png"), full_page=True)
        page.click("text=99 · Next →")
        page.wait_for_selector("text=← 98 · A tiny lesson")
    assert shown == 3
    assert outside == [], f"the site asked the network for {sorted(set(outside))}"
