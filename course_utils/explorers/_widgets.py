"""Small helpers shared by the widget explorers (ipywidgets is imported on use)."""

from __future__ import annotations

from typing import Any


def widgets():
    """The ``ipywidgets`` module, imported on first use so importing explorers stays cheap."""
    import ipywidgets

    return ipywidgets


STRIDE_HINT = "A stride of 0 would never move the window."
"""Said when a stride slider's setting is refused (``validation.check_choice(..., hint=)``)."""

STRIDE_TOOLTIP = "Stride: how many pixels the window moves between outputs."
"""What a stride slider changes, shared by the kernel and pooling explorers."""


def slider(description: str, values: tuple[int, ...], value: int, css: str) -> Any:
    """An IntSlider over consecutive (or evenly spaced) ``values`` with a CSS class for tests.

    Parameters
    ----------
    description : str
    values : tuple[int, ...]
    value : int
    css : str
    """
    w = widgets()
    step = values[1] - values[0] if len(values) > 1 else 1
    s = w.IntSlider(value=value, min=values[0], max=values[-1], step=step,
                    description=description, continuous_update=True,
                    style={"description_width": "80px"})
    s.add_class(css)
    return s


def image(*classes: str) -> Any:
    """An ``ipywidgets.Image`` for an explorer's picture (or one frame of it), with CSS
    ``classes``.

    It may shrink with a narrow window but never stretches: in a row of widgets (an ``HBox``)
    a flex item would otherwise be squeezed in width and stretched to the row's height.

    Parameters
    ----------
    *classes : str
    """
    w = widgets()
    picture = w.Image(format="png", layout=w.Layout(align_self="flex-start", height="auto",
                                                    max_width="100%", min_width="0"))
    for css in classes:
        picture.add_class(css)
    return picture


PIXELATED_CSS = ("<style>img.course-pixelated, .course-pixelated img "
                 "{image-rendering: pixelated;}</style>")
"""Make the browser enlarge explorer images by repeating pixels, not blurring them."""


def set_png(image_widget: Any, png: bytes, width_px: int, zoom: float) -> None:
    """Swap the PNG bytes of an ``ipywidgets.Image`` and its display width, in place.

    Both go to the browser in one message (``hold_sync``), so the new image is never laid out
    at the old width first.

    Parameters
    ----------
    image_widget : Any
    png : bytes
    width_px : int
    zoom : float
    """
    with image_widget.hold_sync():
        image_widget.value = png
        image_widget.width = str(int(round(width_px * zoom)))
