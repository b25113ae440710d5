"""One reveal.js deck per lesson, built from the notebook itself, viewable offline.

The deck never drifts from its lesson: :func:`course_utils.publish.deck.plan_deck` cuts the
notebook into slides (one idea each: a heading with its key sentences, a short piece of code, a
figure with its caption) and :func:`deck_html` writes them as reveal.js sections. Everything is
sized for a 1280 × 720 slide (:data:`WIDTH`, :data:`HEIGHT`): figures are scaled to fit by the
deck's CSS, code and text are cut with a "more in the notebook" mark.

Cells tagged ``notes`` are the instructor's: they go to reveal's speaker view (key ``S``) as
``<aside class="notes">``, with the ``<details>`` fold the notebook shows them in removed. Cells
tagged ``skip`` and the Colab cells are left out. :func:`tag_slides` (run by ``prepare``) tags
heading cells ``slide`` / ``subslide`` for tools that read those tags; a markdown cell an author
tags ``slide`` without a heading starts a slide here too.

Decks load reveal.js from ``slides/reveal.js`` (a copy of reveal.js 5.2.1 with its licence,
copied beside the decks), never from a CDN.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from string import Template

from course_utils.publish.colab import BADGE_TAG, INSTALL_TAG
from course_utils.publish.deck import Slide, plan_deck
from course_utils.publish.snapshot import IMAGE_TYPES, image_tag, widget_images, widget_state

SLIDE_TAGS = ("slide", "subslide", "fragment", "notes", "skip")
REVEAL_DIR = Path(__file__).resolve().parents[2] / "slides" / "reveal.js"
TEMPLATES = Path(__file__).resolve().parent / "templates"
DECK_TEMPLATE = TEMPLATES / "course_slides" / "deck.html"
HEADING = re.compile(r"^\s*(#{1,3})\s+\S")
WIDTH, HEIGHT = 1280, 720
"""The slide size reveal.js lays out (and scales to the screen)."""
MORE = "<p class='course-more'>… more in the notebook</p>"


def slide_tag_for(cell) -> str | None:
    """The tag :func:`tag_slides` would give ``cell``: ``slide`` / ``subslide`` / None.

    Parameters
    ----------
    cell : nbformat.NotebookNode
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
    nb : nbformat.NotebookNode
    """
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if any(tag in SLIDE_TAGS for tag in tags) or {BADGE_TAG, INSTALL_TAG} & set(tags):
            continue
        tag = slide_tag_for(cell)
        if tag is not None:
            cell.metadata["tags"] = [*tags, tag]


def markdown_html(source: str, inline: bool = False) -> str:
    """Markdown as HTML (``inline``: without the paragraph around one line).

    Parameters
    ----------
    source : str
    inline : bool
    """
    import mistune

    if inline:  # "2. Data" is a title, not a list; "- x" a point, not a list
        source = re.sub(r"^(\s*)(\d+)([.)])(\s)", r"\1\2\\\3\4", source)
        source = re.sub(r"^(\s*)([-+*])(\s)", r"\1\\\2\3", source)
    rendered = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])(source)
    if inline:
        rendered = re.sub(r"^<p>(.*)</p>\s*$", r"\1", rendered.strip(), flags=re.DOTALL)
    return rendered


def code_html(source: str) -> str:
    """Python source, highlighted (pygments classes under ``.course-code``).

    Parameters
    ----------
    source : str
    """
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))


def code_css() -> str:
    """The pygments style of highlighted code."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".course-code")


def figure_html(slide: Slide, state: dict) -> str:
    """A figure slide's picture(s) and caption: an image output, or an explorer's images.

    Parameters
    ----------
    slide : Slide
    state : dict
        The notebook's widget state.
    """
    figure = slide.figure or {}
    if "output" in figure:
        data = {k: v for k, v in figure["output"].get("data", {}).items() if k in IMAGE_TYPES}
        images, kind = [image_tag(data, slide.caption)], "image"
    else:
        found = widget_images(state, figure["model"])
        images = [image_tag(d, slide.caption if len(found) == 1 else
                            f"{slide.caption} (picture {i + 1} of {len(found)})")
                  for i, d in enumerate(found)]
        kind = "explorer"
    note = (" <span class='course-more'>(an explorer: move its controls in the notebook)</span>"
            if kind == "explorer" else "")
    return (f"<figure class='course-figure course-figure-{len(images)} course-figure-{kind}'>"
            f"{''.join(images)}<figcaption>{html.escape(slide.caption)}{note}</figcaption>"
            "</figure>")


def slide_html(slide: Slide, state: dict) -> str:
    """One slide as a reveal.js ``<section>``.

    Parameters
    ----------
    slide : Slide
    state : dict
        The notebook's widget state (for explorers).
    """
    tag = "h1" if slide.level == 1 else "h2"
    parts = [f"<{tag}>{markdown_html(slide.title, inline=True)}</{tag}>"]
    if slide.points and slide.level == 1:
        parts += [f"<p class='course-lead'>{markdown_html(p, inline=True)}</p>"
                  for p in slide.points]
    elif slide.points:
        items = "".join(f"<li>{markdown_html(p, inline=True)}</li>" for p in slide.points)
        parts.append(f"<ul class='course-points'>{items}</ul>")
    if slide.code is not None:
        parts.append(f"<pre class='course-code'>{code_html(slide.code)}</pre>")
        if slide.hidden_lines:
            parts.append(f"<p class='course-code-more'>… {slide.hidden_lines} more lines in the "
                         "notebook</p>")
        if slide.output:
            parts.append(f"<pre class='course-output'>{html.escape(slide.output)}</pre>")
    if slide.figure is not None:
        parts.append(figure_html(slide, state))
    if slide.more:
        parts.append(MORE)
    parts += [f"<aside class='notes'>{markdown_html(n)}</aside>" for n in slide.notes]
    kind = "course-title-slide" if slide.level == 1 else "course-slide"
    return f"<section class='{kind}'>{''.join(parts)}</section>"


def deck_html(nb, name: str) -> str:
    """The deck of one notebook as a standalone HTML page (reveal.js from ``reveal.js/``).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The lesson, executed or not (not changed).
    name : str
        The lesson's file stem, e.g. ``"02_convolution"``: the deck links to its site page.
    """
    slides = plan_deck(nb)
    state = widget_state(nb)
    title = re.sub(r"<[^>]+>", "", markdown_html(slides[0].title, inline=True)) if slides else name
    return Template(DECK_TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=html.escape(title), name=name, code_css=code_css(), width=WIDTH, height=HEIGHT,
        slides="\n".join(slide_html(slide, state) for slide in slides))


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
