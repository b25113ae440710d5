"""Widgets without a kernel: the static HTML an executed notebook's widget state still shows.

An executed notebook (:func:`course_utils.publish.website.execute`) keeps the state of every
widget in its metadata (``model id -> {"model_name", "state", "buffers"}``). A page or a deck has
no kernel to run them, so each widget view becomes the picture it last showed, laid out as it
was: boxes as rows and columns, the ``Stack`` child on screen, ``HTML`` and ``Label`` text
(readouts, colour-bar ticks, legends) as text, and every control as its name and value
("stride: 2"). Progress bars (``tqdm``) become a ``<progress>`` element with their text.

A widget that shows at least one image is an *explorer* (:func:`shows_images`): it counts as one
figure, its images take the caption the notebook gives it as their alt text, and the page says
that it is a snapshot. Other widgets (progress bars, buttons) are shown as text only.
"""

from __future__ import annotations

import base64
import html
import io

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
IMAGE_TYPES = ("image/png", "image/jpeg")
"""Figures as the lab template inlines them (``<img src="data:...">``)."""
WIDGET_NOTE = ("<p class='course-widget-note'>Interactive explorer: the picture it last showed "
               "is here; run the notebook (JupyterLab or Colab) to move its controls.</p>")
SINGLE_CHILD = ("StackModel", "TabModel", "AccordionModel")
"""Containers that show one child at a time (``selected_index``)."""
ROWS = ("HBoxModel", "GridBoxModel")
PROGRESS = ("FloatProgressModel", "IntProgressModel")
LIVE_ONLY = ("course-frames-note",)
"""CSS classes of widgets that speak of the live front end (the explorers' "frame viewer has
not loaded" line): a snapshot leaves them out."""


def widget_state(nb) -> dict:
    """The widget state stored in ``nb``'s metadata (empty when there is none).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (``store_widget_state=True``).
    """
    return nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def view_id(output) -> str | None:
    """The model id of the widget an output displays, or None when it displays no widget.

    Parameters
    ----------
    output : dict
        One output of a code cell.
    """
    view = output.get("data", {}).get(WIDGET_VIEW)
    return None if view is None else view.get("model_id")


def _model_ref(value) -> str | None:
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return value[len("IPY_MODEL_"):]
    return None


def _shown_children(model: dict) -> list[str]:
    """The model ids of the children of a container that are on screen."""
    values = model.get("state", {})
    children = [_model_ref(c) for c in values.get("children", [])]
    if model.get("model_name") in SINGLE_CHILD:
        shown = values.get("selected_index")
        children = [] if shown is None or shown >= len(children) else [children[shown]]
    return [c for c in children if c is not None]


def _hidden(state: dict, model: dict) -> bool:
    """True when the widget's layout hides it (``display: none`` or ``visibility: hidden``), or
    when it only makes sense live (:data:`LIVE_ONLY`).
    """
    layout = state.get(_model_ref(model.get("state", {}).get("layout")) or "", {})
    values = layout.get("state", {})
    live_only = set(LIVE_ONLY) & set(model.get("state", {}).get("_dom_classes", ()))
    return values.get("display") == "none" or values.get("visibility") == "hidden" or bool(
        live_only)


def compressed_png(data: str) -> str:
    """An image (base64) as a well-compressed PNG (base64): explorers send theirs uncompressed.

    Parameters
    ----------
    data : str
        Base64 of any image Pillow reads.
    """
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(data))) as image:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _image_widget_data(model: dict, compress: bool = True) -> dict | None:
    """An ``Image`` widget's picture as ``{mime type: base64}``, or None when it is empty."""
    for buffer in model.get("buffers", []):
        if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
            if model.get("state", {}).get("format", "png") == "jpeg":
                return {"image/jpeg": buffer["data"]}
            data = buffer["data"]
            return {"image/png": compressed_png(data) if compress else data}
    return None


def _output_images(model: dict) -> list[dict]:
    return [{k: v for k, v in output.get("data", {}).items() if k in IMAGE_TYPES}
            for output in model.get("state", {}).get("outputs", [])
            if any(k in output.get("data", {}) for k in IMAGE_TYPES)]


def widget_images(state: dict, model_id: str, seen: set | None = None,
                  compress: bool = True) -> list[dict]:
    """The images a widget and its children show now, as ``{mime type: base64 data}`` dicts.

    ``Image`` widgets give their bytes, ``Output`` widgets the images among their outputs; of a
    ``Stack`` (an explorer's pre-rendered frames) only the child on screen counts, and hidden
    widgets not at all.

    Parameters
    ----------
    state : dict
        The notebook's widget state (:func:`widget_state`).
    model_id : str
        The widget whose images are wanted.
    seen : set, optional
        Model ids already visited (a widget shown twice counts once).
    compress : bool
        Re-encode ``Image`` widgets' PNGs compactly (:func:`compressed_png`), for a page.
    """
    seen = set() if seen is None else seen
    model = state.get(model_id)
    if model_id in seen or model is None or _hidden(state, model):
        return []
    seen.add(model_id)
    if model.get("model_name") == "ImageModel":
        data = _image_widget_data(model, compress)
        return [] if data is None else [data]
    found = _output_images(model)
    for child in _shown_children(model):
        found += widget_images(state, child, seen, compress)
    return found


def shows_images(state: dict, model_id: str) -> bool:
    """True when the widget shows at least one image: an explorer (one figure), not a progress
    bar or a lone control.

    Parameters
    ----------
    state : dict
    model_id : str
    """
    return bool(widget_images(state, model_id, compress=False))


def image_tag(data: dict, alt: str, width: str | None = None, classes: tuple = ()) -> str:
    """An ``<img>`` with inline data and alt text.

    Parameters
    ----------
    data : dict
        ``{mime type: base64}``, one of :data:`IMAGE_TYPES`.
    alt : str
        The text alternative (the figure's caption).
    width : str, optional
        Display width in CSS pixels.
    classes : tuple of str
        CSS classes the widget had (an explorer's style sheet may refer to them).
    """
    mime = next(k for k in IMAGE_TYPES if k in data)
    size = f" width='{html.escape(str(width))}'" if width else ""
    names = html.escape(" ".join(("course-snapshot-image", *classes)), quote=True)
    return (f"<img class='{names}' alt='{html.escape(alt, quote=True)}'{size} "
            f"src='data:{mime};base64,{data[mime]}'>")


def _value_text(values: dict) -> str:
    """What a control shows as its value: the chosen label(s), or the value formatted."""
    labels = values.get("_options_labels")
    if labels is not None:
        index = values.get("index")
        chosen = index if isinstance(index, (list, tuple)) else [index]
        return ", ".join(str(labels[i]) for i in chosen if i is not None and 0 <= i < len(labels))
    value = values.get("value")
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and values.get("readout_format"):
        try:
            return format(value, values["readout_format"])
        except ValueError:
            return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return " – ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _control_html(model: dict) -> str:
    """A control (slider, dropdown, text box, button) as its name and value."""
    values = model.get("state", {})
    name = values.get("description") or ""
    tip = values.get("tooltip") or values.get("description_tooltip") or ""
    title = f" title='{html.escape(tip, quote=True)}'" if tip else ""
    if model.get("model_name") == "ButtonModel":
        return f"<span class='course-control'{title}>[{html.escape(name)}]</span>"
    value = _value_text(values)
    if not name and not value:
        return ""
    label = f"<b>{html.escape(name)}</b>: " if name else ""
    return f"<span class='course-control'{title}>{label}{html.escape(value)}</span>"


def _progress_html(model: dict) -> str:
    values = model.get("state", {})
    value, top = f"{values.get('value', 0):g}", f"{values.get('max', 100):g}"
    name = values.get("description") or ""
    return (f"<span class='course-control'>{html.escape(name)}<progress value='{value}' "
            f"max='{top}'>{value} of {top}</progress></span>")


def _output_html(model: dict, alts: list[str]) -> str:
    """An ``Output`` widget's outputs: images (alt from ``alts``), HTML and text."""
    parts = []
    for output in model.get("state", {}).get("outputs", []):
        data = output.get("data", {})
        if any(k in data for k in IMAGE_TYPES):
            parts.append(image_tag(data, alts.pop(0) if alts else ""))
        elif "text/html" in data:
            parts.append(joined(data["text/html"]))
        elif "text/plain" in data or output.get("output_type") == "stream":
            text = joined(data.get("text/plain", output.get("text", "")))
            parts.append(f"<pre class='course-snapshot-text'>{html.escape(text)}</pre>")
    return "".join(parts)


def joined(text: str | list) -> str:
    """An output's text as one string (a notebook may store it as a list of lines).

    Parameters
    ----------
    text : str or list of str
    """
    return "".join(text) if isinstance(text, list) else str(text)


def widget_html(state: dict, model_id: str, alts: list[str], seen: set | None = None) -> str:
    """The widget ``model_id`` as static HTML: its layout, images, text and control values.

    Parameters
    ----------
    state : dict
        The notebook's widget state (:func:`widget_state`).
    model_id : str
        The widget to render.
    alts : list[str]
        Alt texts for its images, in the order :func:`widget_images` lists them; consumed.
    seen : set, optional
        Model ids already rendered.
    """
    seen = set() if seen is None else seen
    model = state.get(model_id)
    if model_id in seen or model is None or _hidden(state, model):
        return ""
    seen.add(model_id)
    kind, values = model.get("model_name", ""), model.get("state", {})
    if kind == "ImageModel":
        data = _image_widget_data(model)
        return "" if data is None else image_tag(data, alts.pop(0) if alts else "",
                                                 values.get("width") or None,
                                                 tuple(values.get("_dom_classes", ())))
    if kind == "OutputModel":
        return _output_html(model, alts)
    if kind in ("HTMLModel", "HTMLMathModel", "LabelModel"):
        text = values.get("value", "")
        text = text if kind != "LabelModel" else html.escape(text)
        name = values.get("description")
        label = f"<b>{html.escape(name)}</b> " if name else ""
        return f"<span class='course-snapshot-text'>{label}{text}</span>" if text else ""
    if kind in PROGRESS:
        return _progress_html(model)
    if "children" in values:
        inner = "".join(widget_html(state, child, alts, seen) for child in _shown_children(model))
        direction = "row" if kind in ROWS else "column"
        return f"<div class='course-snapshot-{direction}'>{inner}</div>" if inner else ""
    if values.get("_view_name") is None:
        return ""  # layouts, styles, links: nothing on screen
    return _control_html(model)


def snapshot_html(state: dict, model_id: str, caption: str) -> str:
    """One widget view as a page shows it: the note (explorers only) and the widget's HTML.

    Every image of an explorer takes ``caption`` as alt text ("picture i of n" added when it
    shows several).

    Parameters
    ----------
    state : dict
    model_id : str
    caption : str
        The figure's caption (empty for widgets that show no image).
    """
    count = len(widget_images(state, model_id))
    alts = [caption if count == 1 else f"{caption} (picture {i + 1} of {count})"
            for i in range(count)]
    body = widget_html(state, model_id, alts)
    note = WIDGET_NOTE if count else ""
    return f"{note}<div class='course-snapshot'>{body}</div>" if body else ""
