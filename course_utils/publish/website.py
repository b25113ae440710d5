"""The course site: executed lessons as HTML pages with an index, navigation and the decks.

``python course.py build`` executes every notebook (:func:`execute`, widget state kept) into
``build/executed/``, then writes ``build/site/``: one page per lesson (:func:`page_html`), an
``index.html``, the instructors' guide, the glossary and the licences as pages
(:func:`document_html`), and links to the decks in ``build/slides/``. Everything is relative
links and inline images, so the site opens from the file system with no server and no network.

Every figure's alt text is its caption (:mod:`course_utils.publish.captions`): the build fails on
a figure without one. An explorer needs a running kernel; on a page it appears as the picture it
last showed, with its readouts and control values as text, under a note saying so
(:mod:`course_utils.publish.snapshot`). The Colab badge and install cell are left out.
:func:`check_figures` fails the build when a page has fewer figures than the executed lesson
drew, or when a lesson that plots drew none at all (a non-inline matplotlib backend).
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

from course_utils.publish.captions import check_captions, figure_captions, is_figure, plain_text
from course_utils.publish.colab import BADGE_TAG, INSTALL_TAG
from course_utils.publish.slides import TEMPLATES
from course_utils.publish.snapshot import (
    IMAGE_TYPES,
    snapshot_html,
    view_id,
    widget_state,
)

ROOT = Path(__file__).resolve().parents[2]
PLOTS = re.compile(r"\bplt\.|\bplot_\w+\(|\bshow_\w+\(|\bExplorer\(")
DOCUMENTS = {"INSTRUCTORS.md": ("instructors.html", "Instructors' guide"),
             "GLOSSARY.md": ("glossary.html", "Glossary"),
             "LICENSE-CONTENT.md": ("license-content.html", "Licence of the lesson text (CC BY "
                                                            "4.0)"),
             "LICENSE": ("license.html", "Licence of the code (MIT)")}
"""Repository files the site shows as pages (file -> page, title), when they exist."""
FOOTER = ("<footer class='course-footer'>The code is under the <a href='license.html'>MIT "
          "licence</a>; the lesson text, the notebooks' prose and the slides are under "
          "<a href='license-content.html'>CC BY 4.0</a> "
          "(<a href='https://creativecommons.org/licenses/by/4.0/'>summary</a>).</footer>")
STYLE = ("<style>body{font:16px/1.5 sans-serif;max-width:52em;margin:2em auto;padding:0 1em}"
         "li{margin:.3em 0}pre{background:#f6f6f6;padding:.6em;overflow-x:auto}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
         ".course-footer{margin-top:3em;border-top:1px solid #ddd;padding-top:.6em;"
         "font-size:14px;color:#444}</style>")


def execute(nb, cwd: Path, timeout: int = 1800):
    """Run every cell of ``nb`` in a fresh kernel started in ``cwd``; returns ``nb`` executed.

    Widget state is stored in the notebook's metadata, so explorers can be shown as snapshots.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    cwd : Path
    timeout : int
    """
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def without_colab_cells(nb) -> None:
    """Drop the Colab badge and install cells from ``nb``, in place.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    """
    nb.cells = [c for c in nb.cells
                if not {BADGE_TAG, INSTALL_TAG} & set(c.metadata.get("tags", []))]


def caption_figures(nb, name: str) -> None:
    """Give every figure of executed ``nb`` its caption, in place; widgets become snapshots.

    Image outputs get the caption as ``metadata["alt"]`` (the page templates write it as alt
    text); a widget view becomes its static HTML (:func:`snapshot_html`). Raises CaptionError
    (:func:`check_captions`) when a cell's figures and caption lines do not match.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    name : str
        The lesson, for messages.
    """
    state = widget_state(nb)
    check_captions(nb, name, state)
    captions = figure_captions(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        remaining = list(captions[index])
        outputs = []
        for output in cell.outputs:
            model = view_id(output)
            figure = is_figure(output, state)
            caption = remaining.pop(0) if figure else ""
            if model is not None:
                page = snapshot_html(state, model, caption)
                if page:
                    outputs.append({"output_type": "display_data", "metadata": {},
                                    "data": {"text/html": page}})
                continue
            if figure:
                output.setdefault("metadata", {})["alt"] = caption
            outputs.append(output)
        cell.outputs = outputs
    nb.metadata.pop("widgets", None)


def figure_count(nb) -> int:
    """How many images the cells of ``nb`` show (image outputs and images in snapshots).

    Parameters
    ----------
    nb : nbformat.NotebookNode
    """
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            count += any(kind in data for kind in IMAGE_TYPES)
            count += page_figure_count(str(data.get("text/html", "")))
    return count


def page_figure_count(page: str) -> int:
    """How many inline images an HTML page holds (``<img ... src="data:image/...">``).

    Parameters
    ----------
    page : str
    """
    return len(re.findall(r"<img[^>]+src=[\"']data:image/", page))


def check_figures(nb, page: str, name: str) -> None:
    """Raise unless ``page`` shows every figure ``nb`` (executed, captioned) drew.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    page : str
    name : str
    """
    drawn, shown = figure_count(nb), page_figure_count(page)
    if shown < drawn:
        raise AssertionError(f"{name}: the page shows {shown} figures, the lesson drew {drawn}; "
                             "the HTML exporter dropped some (check its mime types).")
    plots = any(PLOTS.search(cell.source) for cell in nb.cells if cell.cell_type == "code")
    if plots and drawn == 0:
        raise AssertionError(f"{name}: the lesson plots but drew no figure: the kernel's "
                             "matplotlib backend is not inline (is MPLBACKEND set?).")


def lesson_title(nb, fallback: str) -> str:
    """The first heading of the lesson (its title) as plain text, or ``fallback``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    fallback : str
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown" and BADGE_TAG not in cell.metadata.get("tags", []):
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return plain_text(match.group(1))
    return fallback


def nav_html(names: list[str], index: int, titles: dict[str, str]) -> str:
    """Previous / course index / deck / next links for lesson ``names[index]``.

    Parameters
    ----------
    names : list[str]
    index : int
    titles : dict[str, str]
    """
    links = ["<a href='index.html'>☰ all lessons</a>"]
    if index > 0:
        links.insert(0,
                     f"<a href='{names[index - 1]}.html'>← "
                     f"{html.escape(titles[names[index - 1]])}</a>")
    links.append(f"<a href='../slides/{names[index]}.html'>▶ slides</a>")
    if index + 1 < len(names):
        links.append(f"<a href='{names[index + 1]}.html'>{html.escape(titles[names[index + 1]])} "
                     f"→</a>")
    return f"<nav class='course-nav'>{''.join(links)}</nav>"


def page_html(nb, name: str, nav: str) -> str:
    """One lesson as a page: Colab cells dropped, figures captioned, ``nav`` on top and below.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed lesson (not changed).
    name : str
    nav : str
    """
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    caption_figures(nb, name)  # cell numbers in its messages are the notebook's own
    without_colab_cells(nb)
    nb.metadata["title"] = lesson_title(nb, name)  # the page's <title>, without markdown
    exporter = HTMLExporter(template_name="course_page", extra_template_basedirs=[str(TEMPLATES)])
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name},
                                                         "course_nav": nav,
                                                         "course_footer": FOOTER})
    check_figures(nb, body, name)
    return body


def document_html(source: Path, title: str) -> str:
    """A markdown (or plain-text) file of the repository as a page of the site.

    Links to notebooks (``notebooks/NN_topic.ipynb``) and to the other :data:`DOCUMENTS` point
    at their pages.

    Parameters
    ----------
    source : Path
        E.g. ``INSTRUCTORS.md``; a file without the ``.md`` suffix is shown as plain text.
    title : str
        The page's title.
    """
    import mistune

    text = source.read_text(encoding="utf-8")
    if source.suffix == ".md":
        body = mistune.create_markdown(plugins=["table", "strikethrough"])(text)
        body = re.sub(r"href=\"(?:\.\./)?notebooks/(\d\d_\w+)\.ipynb\"", r'href="\1.html"', body)
        for file, (page, _) in DOCUMENTS.items():  # links to the other documents: their pages
            body = body.replace(f'href="{file}"', f'href="{page}"')
    else:
        body = f"<pre>{html.escape(text)}</pre>"
    return (f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title>{STYLE}<nav><a href='index.html'>☰ all lessons</a></nav>{body}{FOOTER}"
            "</html>")


def index_html(names: list[str], titles: dict[str, str], documents: dict[str, str]) -> str:
    """The site's front page: every lesson with links to its page and its deck, then the guides.

    Parameters
    ----------
    names : list[str]
    titles : dict[str, str]
    documents : dict[str, str]
        Page -> title of the documents the site holds (:data:`DOCUMENTS`).
    """
    rows = "".join(f"<li><a href='{n}.html'>{html.escape(titles[n])}</a> "
                   f"<small>(<a href='../slides/{n}.html'>slides</a>)</small></li>" for n in names)
    guides = "".join(f"<li><a href='{page}'>{html.escape(title)}</a></li>"
                     for page, title in documents.items())
    return ("<!doctype html><html lang='en'><meta charset='utf-8'><title>CNN course</title>"
            f"{STYLE}<h1>Image classification with CNNs</h1>"
            "<p>The lessons, executed. Each page links to its slides; the notebooks themselves "
            "run in JupyterLab (<code>python course.py lab</code>) or on Colab.</p>"
            f"<ul style='list-style:none;padding:0'>{rows}</ul>"  # titles carry numbers
            + (f"<h2>For instructors and readers</h2><ul>{guides}</ul>" if guides else "")
            + f"{FOOTER}</html>")


def build_site(executed: list[Path], out_dir: Path, *, documents_dir: Path = ROOT) -> list[Path]:
    """Write a page per executed notebook, the documents and ``index.html`` into ``out_dir``.

    Raises CaptionError when a figure has no caption, AssertionError (from :func:`check_figures`)
    when a page lost a figure.

    Parameters
    ----------
    executed : list[Path]
        Executed notebooks.
    out_dir : Path
    documents_dir : Path
        Where :data:`DOCUMENTS` are looked for (the repository); missing ones are left out.
    """
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = {p.stem: nbformat.read(p, as_version=4) for p in executed}
    names = list(notebooks)
    titles = {n: lesson_title(nb, n) for n, nb in notebooks.items()}
    written = []
    for i, name in enumerate(names):
        page = out_dir / f"{name}.html"
        page.write_text(page_html(notebooks[name], name, nav_html(names, i, titles)),
                        encoding="utf-8")
        written.append(page)
    documents = {}
    for file, (page, title) in DOCUMENTS.items():
        if (documents_dir / file).is_file():
            (out_dir / page).write_text(document_html(documents_dir / file, title),
                                        encoding="utf-8")
            documents[page] = title
            written.append(out_dir / page)
    (out_dir / "index.html").write_text(index_html(names, titles, documents), encoding="utf-8")
    return written
