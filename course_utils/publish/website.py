"""The course site: executed lessons as HTML pages with an index, navigation and the decks.

``python course.py build`` executes every notebook (:func:`execute`, widget state kept) into
``build/executed/``, then writes ``build/site/``: one page per lesson (:func:`page_html`), an
``index.html``, and links to the decks in ``build/slides/``. Everything is relative links and
inline images, so the site opens from the file system with no server and no network.

An explorer needs a running kernel; on a page it appears as the frame it first drew (the images
kept in the executed notebook's widget state, :func:`snapshot_widgets`) under a note saying so.
:func:`check_figures` fails the build when a page has fewer figures than the executed lesson
drew, or when a lesson that plots drew none at all (a non-inline matplotlib backend).
"""

from __future__ import annotations

import base64
import copy
import html
import io
import re
from pathlib import Path

from course_utils.publish.colab import BADGE_TAG
from course_utils.publish.slides import TEMPLATES

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
IMAGE_TYPES = ("image/png", "image/jpeg")
"""Figures as the lab template inlines them (``<img src="data:...">``)."""
WIDGET_NOTE = ("<p class='course-widget-note'>Interactive explorer: its first frame is shown "
               "here; run the notebook (JupyterLab or Colab) to move its sliders.</p>")
PLOTS = re.compile(r"\bplt\.|\bplot_\w+\(|\bshow_\w+\(|\bExplorer\(")


def execute(nb, cwd: Path, timeout: int = 1800):
    """Run every cell of ``nb`` in a fresh kernel started in ``cwd``; returns ``nb`` executed.

    Widget state is stored in the notebook's metadata, so explorers can be shown as snapshots.

    Parameters
    ----------
    nb : object
    cwd : Path
    timeout : int
    """
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def widget_images(state: dict, model_id: str, seen: set | None = None) -> list[dict]:
    """The images a widget and its children show, as ``{mime type: base64 data}`` dicts.

    ``state`` is the notebook's widget state (``model id -> {"model_name", "state", "buffers"}``);
    ``Image`` widgets give their bytes, ``Output`` widgets the images among their outputs. Of a
    ``Stack`` (an explorer's pre-rendered frames) only the child on screen counts.

    Parameters
    ----------
    state : dict
    model_id : str
    seen : set, optional
    """
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id]
    found = []
    if model.get("model_name") == "ImageModel":
        for buffer in model.get("buffers", []):
            if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
                found.append({"image/png": compressed_png(buffer["data"])})
    for output in model.get("state", {}).get("outputs", []):
        images = {k: v for k, v in output.get("data", {}).items() if k in IMAGE_TYPES}
        if images:
            found.append(images)
    values = model.get("state", {})
    if model.get("model_name") == "StackModel":
        shown = values.get("selected_index")
        values = {"children": [] if shown is None else [values["children"][shown]]}
    for value in values.values():
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, str) and child.startswith("IPY_MODEL_"):
                found += widget_images(state, child[len("IPY_MODEL_"):], seen)
    return found


def compressed_png(data: str) -> str:
    """An image (base64) as a well-compressed PNG (base64): explorers send theirs uncompressed.

    Parameters
    ----------
    data : str
    """
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(data))) as image:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def snapshot_widgets(nb) -> None:
    """Replace every widget view in ``nb``'s outputs by its images and a note, in place.

    Parameters
    ----------
    nb : object
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.outputs:
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                outputs.append(output)
                continue
            outputs.append({"output_type": "display_data", "metadata": {},
                            "data": {"text/html": WIDGET_NOTE}})
            outputs += [{"output_type": "display_data", "metadata": {}, "data": images}
                        for images in widget_images(state, view["model_id"])]
        cell.outputs = outputs
    nb.metadata.pop("widgets", None)


def figure_count(nb) -> int:
    """How many figures (image outputs) the cells of ``nb`` show.

    Parameters
    ----------
    nb : object
    """
    return sum(1 for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs
               if any(kind in output.get("data", {}) for kind in IMAGE_TYPES))


def page_figure_count(page: str) -> int:
    """How many inline images an HTML page holds (``<img src="data:image/...">``).

    Parameters
    ----------
    page : str
    """
    return len(re.findall(r"<img[^>]+src=\"data:image/", page))


def check_figures(nb, page: str, name: str) -> None:
    """Raise unless ``page`` shows every figure ``nb`` (executed, widgets snapshotted) drew.

    Parameters
    ----------
    nb : object
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
    """The first heading of the lesson (its title), or ``fallback``.

    Parameters
    ----------
    nb : object
    fallback : str
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown" and BADGE_TAG not in cell.metadata.get("tags", []):
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
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
    """One lesson as a page: the badge cell dropped, explorers snapshotted, ``nav`` on top.

    Parameters
    ----------
    nb : object
    name : str
    nav : str
    """
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if BADGE_TAG not in c.metadata.get("tags", [])]
    snapshot_widgets(nb)
    exporter = HTMLExporter(template_name="course_page", extra_template_basedirs=[str(TEMPLATES)])
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name},
                                                         "course_nav": nav})
    check_figures(nb, body, name)
    return body


def index_html(names: list[str], titles: dict[str, str]) -> str:
    """The site's front page: every lesson with links to its page and its deck.

    Parameters
    ----------
    names : list[str]
    titles : dict[str, str]
    """
    rows = "".join(f"<li><a href='{n}.html'>{html.escape(titles[n])}</a> "
                   f"<small>(<a href='../slides/{n}.html'>slides</a>)</small></li>" for n in names)
    return ("<!doctype html><html lang='en'><meta charset='utf-8'><title>CNN course</title>"
            "<style>body{font:16px/1.5 sans-serif;max-width:48em;margin:2em auto}"
            "li{margin:.3em 0}</style><h1>Image classification with CNNs</h1>"
            "<p>The lessons, executed. Each page links to its slides; the notebooks themselves "
            "run in JupyterLab (<code>python course.py lab</code>) or on Colab.</p>"
            f"<ul style='list-style:none;padding:0'>{rows}</ul></html>")  # titles carry numbers


def build_site(executed: list[Path], out_dir: Path) -> list[Path]:
    """Write a page per executed notebook, and ``index.html``, into ``out_dir``.

    Raises AssertionError (from :func:`check_figures`) when a page lost a figure.

    Parameters
    ----------
    executed : list[Path]
    out_dir : Path
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
    (out_dir / "index.html").write_text(index_html(names, titles), encoding="utf-8")
    return written
