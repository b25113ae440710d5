"""What goes on each slide of a lesson's deck: one idea per slide, cut to fit 1280 × 720.

:func:`plan_deck` walks a notebook once and makes :class:`Slide` s:

- every markdown heading (``#`` to ``###``) starts a slide, and so does a line that is only a
  bold label (``**Objectives**``);
- prose is cut to its key sentences: the first sentence of each paragraph and of each list item
  (:func:`key_points`), at most :data:`MAX_POINTS` a slide; what is cut (further sentences,
  tables, code blocks in the text, extra points) is left to the notebook, and the slide says so
  (:attr:`Slide.more`);
- a code cell goes on a slide of its own with at most two points of text before it, and shows
  at most :data:`MAX_CODE_LINES` lines ("… N more lines in the notebook") and
  :data:`MAX_OUTPUT_LINES` lines of printed output;
- each figure (an image, or an explorer's snapshot) gets a slide of its own with its caption;
- teaching notes (cells tagged ``notes``) go to the first slide of the section they are in
  (the lesson's own notes, after its header, to the title slide), for the speaker view;
- the setup cells before the first section, the exercises' code and the solutions are left out,
  and so are cells tagged ``skip`` and the Colab cells.

The deck's CSS (``templates/course_slides``) keeps a figure inside the slide whatever its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from course_utils.publish.captions import FIGURE_MARK, figure_captions, is_figure, is_notes
from course_utils.publish.colab import BADGE_TAG, INSTALL_TAG
from course_utils.publish.snapshot import IMAGE_TYPES, joined, view_id, widget_state

MAX_POINTS = 5
"""Points of text a slide shows (with code: :data:`MAX_POINTS_WITH_CODE`; the title slide:
:data:`MAX_TITLE_POINTS`)."""
MAX_TITLE_POINTS = 3
MAX_POINTS_WITH_CODE = 2
MAX_POINT_CHARS = 180
"""A point longer than this is cut at a word and ends in "…"."""
MAX_CODE_LINES = 12
MAX_OUTPUT_LINES = 5
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LABEL = re.compile(r"^\*\*([^*]{1,40}?)[.:]?\*\*[.:]?\s*$")
ITEM = re.compile(r"^\s{0,6}(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z*`(\[\"“])|(?<=[.!?])$")
SOLUTION = re.compile(r"\bshow_solution\(")
DETAILS = re.compile(r"</?details[^>]*>|<summary>.*?</summary>", re.DOTALL)


@dataclass
class Slide:
    """One slide: a title, points of text, at most one code cell or one figure, notes.

    Attributes
    ----------
    title : str
        Markdown of the heading (without ``#``).
    level : int
        1 for the lesson's title slide, 2 and more for the others.
    points : list[str]
        Markdown, one key sentence each.
    code : str or None
        The code shown (already cut to :data:`MAX_CODE_LINES`).
    hidden_lines : int
        Lines of the code cell not shown.
    output : str
        Printed output shown under the code (cut to :data:`MAX_OUTPUT_LINES`).
    figure : dict or None
        ``{"output": output}`` for an image output or ``{"model": id}`` for an explorer.
    caption : str
        The figure's caption (plain text).
    notes : list[str]
        Markdown of the teaching notes, ``<details>`` wrapper removed.
    more : bool
        Something of the notebook's text or code was left out of this slide.
    """

    title: str
    level: int = 2
    points: list[str] = field(default_factory=list)
    code: str | None = None
    hidden_lines: int = 0
    output: str = ""
    figure: dict | None = None
    caption: str = ""
    notes: list[str] = field(default_factory=list)
    more: bool = False

    @property
    def full(self) -> bool:
        """True when nothing more may join this slide but notes."""
        return self.code is not None or self.figure is not None


def first_sentence(text: str) -> tuple[str, bool]:
    """The first sentence of ``text`` (lines joined), cut to :data:`MAX_POINT_CHARS`.

    Parameters
    ----------
    text : str
        A paragraph or a list item, markdown.

    Returns
    -------
    sentence : str
    cut : bool
        True when anything of ``text`` was left out.
    """
    joined = " ".join(text.split())
    parts = SENTENCE_END.split(joined, maxsplit=1)
    sentence = parts[0].strip()
    cut = len(parts) > 1 and bool(parts[1].strip())
    if len(sentence) > MAX_POINT_CHARS:
        sentence = sentence[:MAX_POINT_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " …"
        cut = True
    return balanced(sentence), cut


def balanced(markdown: str) -> str:
    """Close a code span or bold run that a cut left open.

    Parameters
    ----------
    markdown : str
    """
    if markdown.count("`") % 2:
        markdown += "`"
    if markdown.count("**") % 2:
        markdown += "**"
    return markdown


def markdown_blocks(source: str) -> list[tuple[str, str]]:
    """A markdown cell as ``(kind, text)`` blocks, in order.

    Kinds: ``"heading1"`` ... ``"heading6"``, ``"label"`` (a line that is only a bold label),
    ``"paragraph"``, ``"item"`` (a list item), ``"caption"`` (a ``*Figure:*`` line) and
    ``"other"`` (tables, code blocks, HTML, display maths: left to the notebook).

    Parameters
    ----------
    source : str
    """
    lines = source.splitlines()
    blocks: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
        elif FENCE.match(line):
            end = next((j for j in range(i + 1, len(lines)) if FENCE.match(lines[j])), len(lines))
            blocks.append(("other", "\n".join(lines[i:end + 1])))
            i = end + 1
        elif stripped.startswith(FIGURE_MARK):
            blocks.append(("caption", stripped))
            i += 1
        elif HEADING.match(stripped):
            match = HEADING.match(stripped)
            blocks.append((f"heading{len(match.group(1))}", match.group(2)))
            i += 1
        elif LABEL.match(stripped):
            blocks.append(("label", LABEL.match(stripped).group(1)))
            i += 1
        elif stripped.startswith(("|", "<", "$$")):
            end = i + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            blocks.append(("other", "\n".join(lines[i:end])))
            i = end
        else:
            kind = "item" if ITEM.match(line) else "paragraph"
            text = [ITEM.match(line).group(1) if kind == "item" else stripped]
            i += 1
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                text.append(lines[i].strip())
                i += 1
            blocks.append((kind, " ".join(text)))
    return blocks


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(ITEM.match(line) or FENCE.match(line) or HEADING.match(stripped)
                or LABEL.match(stripped) or stripped.startswith(("|", FIGURE_MARK, "$$")))


def key_points(blocks: list[tuple[str, str]]) -> tuple[list[str], bool]:
    """The key sentences of paragraph and item blocks, and whether anything was cut.

    Parameters
    ----------
    blocks : list of (kind, text)
        Blocks without headings (:func:`markdown_blocks`).
    """
    points, cut = [], False
    for kind, text in blocks:
        if kind in ("paragraph", "item"):
            sentence, shortened = first_sentence(text)
            points.append(sentence)
            cut = cut or shortened
        elif kind == "other":
            cut = True
    return points, cut


def notes_text(source: str) -> str:
    """A notes cell's markdown without its ``<details>``/``<summary>`` wrapper (open in the
    speaker view).

    Parameters
    ----------
    source : str
    """
    return DETAILS.sub("", source).strip()


def cut_code(source: str) -> tuple[str, int]:
    """The first :data:`MAX_CODE_LINES` lines of ``source`` and how many lines were left out.

    Parameters
    ----------
    source : str
    """
    lines = source.rstrip().splitlines()
    if len(lines) <= MAX_CODE_LINES:
        return "\n".join(lines), 0
    shown = MAX_CODE_LINES - 1  # the last line says how many more there are
    return "\n".join(lines[:shown]), len(lines) - shown


def printed_output(outputs: list) -> tuple[str, bool]:
    """The text a cell printed, cut to :data:`MAX_OUTPUT_LINES` lines (and 100 columns).

    Parameters
    ----------
    outputs : list
        A code cell's outputs.

    Returns
    -------
    text : str
    cut : bool
    """
    chunks = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            chunks.append(joined(output.get("text", "")))
        elif output.get("output_type") == "execute_result":
            data = output.get("data", {})
            if "text/plain" in data and not set(data) & {*IMAGE_TYPES, "text/html"}:
                chunks.append(joined(data["text/plain"]))
    lines = "".join(chunks).rstrip().splitlines()
    cut = len(lines) > MAX_OUTPUT_LINES or any(len(line) > 100 for line in lines)
    return "\n".join(line[:100] for line in lines[:MAX_OUTPUT_LINES]), cut


def cell_figures(cell, state: dict) -> list[dict]:
    """The figures a code cell shows, in order: ``{"output": ...}`` or ``{"model": id}``.

    Parameters
    ----------
    cell : nbformat.NotebookNode
    state : dict
        The notebook's widget state.
    """
    return [{"model": view_id(output)} if view_id(output) is not None else {"output": output}
            for output in cell.get("outputs", []) if is_figure(output, state)]


def left_out(cell) -> bool:
    """True for cells no deck shows: tagged ``skip``, the Colab cells.

    Parameters
    ----------
    cell : nbformat.NotebookNode
    """
    return bool({"skip", BADGE_TAG, INSTALL_TAG} & set(cell.metadata.get("tags", [])))


def limit(slide: Slide) -> int:
    """How many points ``slide`` may show.

    Parameters
    ----------
    slide : Slide
    """
    return MAX_TITLE_POINTS if slide.level == 1 else MAX_POINTS


class _Planner:
    """The walk of :func:`plan_deck` (state: the slides so far and the section)."""

    def __init__(self, nb) -> None:
        self.slides: list[Slide] = []
        self.section = ""
        self.exercises = False
        self.header = True  # before the first section: setup code is left out
        self.section_slide = 0  # where the section began: its notes go there
        self.state = widget_state(nb)
        self.captions = figure_captions(nb)

    @property
    def current(self) -> Slide:
        if not self.slides:
            self.slides.append(Slide(title="", level=1))
        return self.slides[-1]

    def start(self, title: str, level: int, label: bool = False) -> None:
        """A new slide for a heading (or a bold label, which does not end the section)."""
        if not label:
            self.section, self.section_slide = title, len(self.slides)
            if level >= 2:
                self.exercises = "exercise" in title.lower()
                self.header = False
        self.slides.append(Slide(title=title, level=level if self.slides or level > 1 else 1))

    def open_slide(self, room: int) -> Slide:
        """The current slide if ``room`` more points fit on it, else a new one."""
        slide = self.current
        if slide.full or len(slide.points) + room > limit(slide):
            slide = Slide(title=self.section)
            self.slides.append(slide)
        return slide

    def markdown(self, source: str) -> None:
        pending: list[tuple[str, str]] = []
        for kind, text in markdown_blocks(source) + [("heading9", "")]:
            if kind.startswith("heading") or kind == "label":
                self.text(pending)
                pending = []
                if kind == "label":
                    self.start(text, 2, label=True)
                elif kind != "heading9" and int(kind[-1]) <= 3:
                    self.start(text, int(kind[-1]))
                elif kind != "heading9":
                    pending.append(("paragraph", f"**{text}**"))
            elif kind != "caption":
                pending.append((kind, text))

    def text(self, blocks: list[tuple[str, str]]) -> None:
        points, cut = key_points(blocks)
        if not points and not cut:
            return
        slide = self.open_slide(min(len(points), 1))
        room = limit(slide) - len(slide.points)
        slide.points += points[:room]
        slide.more = slide.more or cut or len(points) > room

    def code(self, index: int, cell) -> None:
        slide = self.current
        if self.exercises or self.header or SOLUTION.search(cell.source):
            slide.more = True  # setup, exercises and solutions stay in the notebook
            return
        if slide.full or len(slide.points) > MAX_POINTS_WITH_CODE:
            slide = Slide(title=self.section)
            self.slides.append(slide)
        slide.code, slide.hidden_lines = cut_code(cell.source)
        slide.output, cut = printed_output(cell.get("outputs", []))
        slide.more = slide.more or cut or slide.hidden_lines > 0
        captions = list(self.captions.get(index, []))
        for figure in cell_figures(cell, self.state):
            caption = captions.pop(0) if captions else ""
            self.slides.append(Slide(title=self.section, figure=figure, caption=caption))

    def notes(self, source: str) -> None:
        self.current  # noqa: B018  (a deck that starts with notes gets its first slide)
        self.slides[self.section_slide].notes.append(notes_text(source))


def plan_deck(nb) -> list[Slide]:
    """The slides of a lesson's deck, in order (see the module's docstring).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The lesson, executed (figures and printed output shown) or as stored.
    """
    planner = _Planner(nb)
    for index, cell in enumerate(nb.cells):
        if left_out(cell):
            continue
        if is_notes(cell):
            planner.notes(cell.source)
        elif cell.cell_type == "markdown":
            first = (cell.source.strip().splitlines() or [""])[0]
            if {"slide", "subslide"} & set(cell.metadata.get("tags", [])) and not HEADING.match(
                    first):
                planner.start(planner.section, 2, label=True)  # an author's slide break
            planner.markdown(cell.source)
        elif cell.cell_type == "code":
            planner.code(index, cell)
    return [s for s in planner.slides
            if s.title or s.points or s.code is not None or s.figure or s.notes]
