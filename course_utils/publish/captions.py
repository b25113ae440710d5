"""Figure captions: the ``*Figure:*`` lines a notebook gives, matched to the figures it draws.

The convention (CONTRIBUTING.md, "Figures, captions and teaching notes"): every code cell that
draws figures is followed by a markdown cell of captions, one line per figure in the order the
cell draws them, each starting ``*Figure:*``. An image output is one figure; so is an explorer
(a widget that shows images, :func:`course_utils.publish.snapshot.shows_images`), however many
pictures it holds. Teaching-notes cells (tagged ``notes``) between the two are passed over.

The site and the decks use a caption, without its mark and markdown, as the figure's alt text
(:func:`figure_captions`), and refuse a lesson whose counts disagree (:func:`check_captions`);
the notebook tests run the same count on every cell as it executes (the repository's
``conftest.py``).
"""

from __future__ import annotations

import re

from course_utils.publish.snapshot import IMAGE_TYPES, shows_images, view_id

FIGURE_MARK = "*Figure:*"
NOTES_TAG = "notes"
CONVENTION = ("give one `*Figure:*` line per figure, in the order the cell draws them, in the "
              "markdown cell right after it (CONTRIBUTING.md, 'Figures, captions and teaching "
              "notes'; an explorer is one figure)")


class CaptionError(ValueError):
    """A code cell's figures and the caption lines after it do not match."""


_MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"<[^>]+>"), ""),  # HTML tags
    (re.compile(r"`([^`]*)`"), r"\1"),  # code
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])"), r"\2"),  # italics
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|$])"), r"\1"),  # escapes
]


def plain_text(markdown: str) -> str:
    """One line of markdown as plain text: links, code, bold, italics and HTML tags unmarked.

    Parameters
    ----------
    markdown : str
        E.g. ``"The **kernel** of `conv2d`"``.

    Returns
    -------
    str
        E.g. ``"The kernel of conv2d"``, whitespace collapsed.
    """
    text = markdown
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def caption_lines(source: str) -> list[str]:
    """The captions of a markdown cell: its ``*Figure:*`` lines as plain text, in order.

    Parameters
    ----------
    source : str
        A markdown cell's source.
    """
    return [plain_text(line.strip()[len(FIGURE_MARK):])
            for line in source.splitlines() if line.strip().startswith(FIGURE_MARK)]


def is_notes(cell) -> bool:
    """True for a teaching-notes cell (a markdown cell tagged ``notes``).

    Parameters
    ----------
    cell : nbformat.NotebookNode
    """
    return cell.cell_type == "markdown" and NOTES_TAG in cell.metadata.get("tags", [])


def caption_cell_index(cells: list, index: int) -> int | None:
    """The index of the markdown cell that captions code cell ``index``, or None.

    That is the first markdown cell after it that is not a notes cell, if no code cell comes
    first.

    Parameters
    ----------
    cells : list
        A notebook's cells.
    index : int
        The code cell's index in ``cells``.
    """
    for later in range(index + 1, len(cells)):
        cell = cells[later]
        if cell.cell_type == "code":
            return None
        if cell.cell_type == "markdown" and not is_notes(cell):
            return later
    return None


def is_figure(output: dict, state: dict) -> bool:
    """True when ``output`` is one figure: an image, or a widget that shows images (an
    explorer); a progress bar or a lone control is none.

    Parameters
    ----------
    output : dict
        One output of a code cell, as an executed notebook stores it.
    state : dict
        The notebook's widget state (:func:`course_utils.publish.snapshot.widget_state`).
    """
    model = view_id(output)
    if model is not None:
        return shows_images(state, model)
    return any(kind in output.get("data", {}) for kind in IMAGE_TYPES)


def output_figures(outputs: list, state: dict) -> int:
    """How many figures a list of outputs shows (:func:`is_figure`).

    Parameters
    ----------
    outputs : list
        A code cell's outputs, as an executed notebook stores them.
    state : dict
        The notebook's widget state (:func:`course_utils.publish.snapshot.widget_state`).
    """
    return sum(is_figure(output, state) for output in outputs)


def code_cell_number(cells: list, index: int) -> int:
    """The code cell's number among code cells (nbval's ``Cell N``).

    Parameters
    ----------
    cells : list
    index : int
    """
    return sum(1 for cell in cells[:index] if cell.cell_type == "code")


def mismatch(cells: list, index: int, figures: int, name: str) -> str | None:
    """Why code cell ``index`` (which drew ``figures``) and its captions disagree, or None.

    Parameters
    ----------
    cells : list
        The notebook's cells.
    index : int
        The code cell's index in ``cells``.
    figures : int
        How many figures it drew (:func:`output_figures`).
    name : str
        The notebook, for the message.
    """
    after = caption_cell_index(cells, index)
    captions = 0 if after is None else len(caption_lines(cells[after].source))
    if captions == figures:
        return None
    first = cells[index].source.strip().splitlines()[:1] or [""]
    return (f"{name}: cell {index} (nbval's Cell {code_cell_number(cells, index)}, "
            f"`{first[0][:60]}`) draws {figures} figure(s) but the markdown cell after it has "
            f"{captions} caption line(s); {CONVENTION}.")


def check_captions(nb, name: str, state: dict) -> None:
    """Raise :class:`CaptionError` unless each code cell of ``nb`` has one caption per figure.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    name : str
        Its name, for the message.
    state : dict
        Its widget state.
    """
    problems = [mismatch(nb.cells, i, output_figures(cell.outputs, state), name)
                for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    problems = [p for p in problems if p]
    if problems:
        raise CaptionError("\n".join(problems))


def figure_captions(nb) -> dict[int, list[str]]:
    """Code cell index -> the captions of its figures, for every code cell of ``nb``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    """
    found = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            after = caption_cell_index(nb.cells, index)
            found[index] = [] if after is None else caption_lines(nb.cells[after].source)
    return found
