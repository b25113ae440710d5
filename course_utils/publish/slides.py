"""One reveal.js deck per lesson, built from the notebook itself, viewable offline.

Which cells start a slide is stored in the notebook as cell tags (``tests/nbtools.py strip``
keeps tags and drops other metadata), so a deck never drifts from its lesson:

- ``slide`` starts a new slide, ``subslide`` a vertical one below it, ``fragment`` appears on
  the next key press, ``notes`` goes to the speaker view (key ``S``), ``skip`` is left out;
- an untagged cell continues the slide before it.

:func:`tag_slides` tags every level-1 and level-2 markdown heading ``slide`` and level-3
headings ``subslide``, once: a cell that already has a slide tag is left alone, so an author's
choice wins and a second run changes nothing. The Colab badge and install cell are skipped.

Decks load reveal.js from ``slides/reveal.js`` (a copy of reveal.js 5.2.1 with its licence,
copied beside the decks), never from a CDN.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from course_utils.publish.colab import BADGE_TAG, INSTALL_TAG

SLIDE_TAGS = ("slide", "subslide", "fragment", "notes", "skip")
REVEAL_DIR = Path(__file__).resolve().parents[2] / "slides" / "reveal.js"
TEMPLATES = Path(__file__).resolve().parent / "templates"
HEADING = re.compile(r"^\s*(#{1,3})\s+\S")


def slide_tag_for(cell) -> str | None:
    """The tag :func:`tag_slides` would give ``cell``: ``slide`` / ``subslide`` / None.

    Parameters
    ----------
    cell : object
    """
    if cell.cell_type != "markdown":
        return None
    match = HEADING.match(cell.source)
    if match is None:
        return None
    return "subslide" if len(match.group(1)) == 3 else "slide"


def tag_slides(nb) -> None:
    """Tag the heading cells of ``nb`` as slides, in place, unless they have a slide tag.

    Parameters
    ----------
    nb : object
    """
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if any(tag in SLIDE_TAGS for tag in tags) or {BADGE_TAG, INSTALL_TAG} & set(tags):
            continue
        tag = slide_tag_for(cell)
        if tag is not None:
            cell.metadata["tags"] = [*tags, tag]


def slide_type(cell) -> str:
    """Reveal's ``slide_type`` for a cell, read from its tags (``-`` continues the slide).

    Parameters
    ----------
    cell : object
    """
    tags = cell.metadata.get("tags", [])
    if BADGE_TAG in tags or INSTALL_TAG in tags:
        return "skip"
    return next((tag for tag in SLIDE_TAGS if tag in tags), "-")


def deck_html(nb, name: str) -> str:
    """The deck of one notebook as a standalone HTML page (reveal.js from ``reveal.js/``).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The lesson, executed or not (a copy is converted; ``nb`` is not changed).
    name : str
        The lesson's file stem, e.g. ``"02_convolution"``: the deck links to its site page.
    """
    import copy

    from nbconvert import SlidesExporter

    nb = copy.deepcopy(nb)
    if not any(set(SLIDE_TAGS) & set(c.metadata.get("tags", [])) for c in nb.cells):
        tag_slides(nb)  # not prepared yet: the headings make the slides
    for cell in nb.cells:
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell)}
    if nb.cells and slide_type(nb.cells[0]) != "slide":  # the deck must open on a slide
        first = next((c for c in nb.cells if slide_type(c) != "skip"), None)
        if first is not None:
            first.metadata["slideshow"] = {"slide_type": "slide"}
    nb.metadata.pop("widgets", None)  # no widget manager to load
    exporter = SlidesExporter(template_name="course_slides",
                              extra_template_basedirs=[str(TEMPLATES)],
                              reveal_url_prefix="reveal.js", reveal_theme="white",
                              reveal_transition="none", exclude_input_prompt=True,
                              exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return body


def copy_reveal(out_dir: Path) -> Path:
    """Copy the vendored reveal.js next to the decks in ``out_dir``; returns its new path.

    Parameters
    ----------
    out_dir : Path
    """
    if not (REVEAL_DIR / "dist" / "reveal.js").is_file():
        raise FileNotFoundError(f"the local copy of reveal.js is missing at {REVEAL_DIR}; "
                                "restore it with `git checkout -- slides/reveal.js`.")
    target = out_dir / "reveal.js"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REVEAL_DIR, target)
    return target


def build_decks(notebooks: list[Path], out_dir: Path) -> list[Path]:
    """Write ``out_dir/NN_topic.html`` for each notebook and reveal.js beside them.

    Returns the paths of the decks written, in the order given.

    Parameters
    ----------
    notebooks : list[Path]
    out_dir : Path
    """
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    copy_reveal(out_dir)
    written = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        deck = out_dir / f"{path.stem}.html"
        deck.write_text(deck_html(nb, path.stem), encoding="utf-8")
        written.append(deck)
    return written
