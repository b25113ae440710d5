"""What every explorer's layout shares: named controls, and pictures that fit the notebook.

Introduced in ``02_convolution.ipynb``. Each control carries a ``description`` (the label beside
it, which a screen reader reads) and a tooltip that says what it changes: :func:`describe` sets
both, on ipywidgets 8 (``tooltip``) and on Colab's 7.7 (``description_tooltip``). A picture is
shown at most :data:`PICTURE_WIDTH` pixels wide, so that it sits under the controls and never
beside or over them, in JupyterLab with its side panel open as in Colab's output area.
"""

from __future__ import annotations

from typing import Any

from course_utils.validation import InputError

PICTURE_WIDTH = 760
"""Widest picture an explorer shows, in display pixels: what JupyterLab's output area leaves
at 1280 pixels with the file browser open (about 830) and Colab's (900-1000), less a margin."""


def describe(control: Any, description: str, tooltip: str, *,
             label_width: str | None = None) -> Any:
    """Give a control its label and a tooltip that says what it changes; returns it.

    Parameters
    ----------
    control : ipywidgets widget
        A slider, menu, button, text box or upload button.
    description : str
        The short label shown beside it (and read by a screen reader).
    tooltip : str
        What moving it changes, in one sentence.
    label_width : str, optional
        CSS width of the label (``"0px"`` hides it on screen where a title above the control
        says the same; it stays in the page for screen readers).
    """
    if not description.strip() or not tooltip.strip():
        raise InputError(f"a control needs a description and a tooltip, got {description!r} "
                         f"and {tooltip!r}; say what the control changes.")
    control.description = description
    if control.has_trait("description_tooltip"):  # ipywidgets 7
        control.description_tooltip = tooltip
    else:
        control.tooltip = tooltip
    if label_width is not None:
        control.style.description_width = label_width
    return control


def tooltip_of(control: Any) -> str:
    """The tooltip :func:`describe` gave ``control`` (``""`` if none), on ipywidgets 7 or 8.

    Parameters
    ----------
    control : ipywidgets widget
    """
    if control.has_trait("description_tooltip"):
        return control.description_tooltip or ""
    return getattr(control, "tooltip", None) or ""


def display_zoom(canvas_width: int, zoom: float, width: int = PICTURE_WIDTH) -> float:
    """``zoom``, or less where a canvas ``canvas_width`` pixels wide would pass ``width``.

    Parameters
    ----------
    canvas_width : int
        The picture's width in canvas pixels.
    zoom : float
        Display pixels per canvas pixel asked for.
    width : int
        The widest the picture may be shown, in display pixels.
    """
    if canvas_width < 1 or zoom <= 0:
        raise InputError(f"display_zoom needs a canvas width >= 1 and a zoom > 0, got "
                         f"{canvas_width} and {zoom}.")
    return min(float(zoom), width / canvas_width)


def set_enabled(control: Any, enabled: bool, why: str) -> None:
    """Enable a control, or disable it where it has no effect, saying why in its tooltip.

    Parameters
    ----------
    control : ipywidgets widget
        A control that :func:`describe` named.
    enabled : bool
    why : str
        Why it has no effect now (added to its tooltip while it is disabled).
    """
    control.disabled = not enabled
    base = tooltip_of(control).split(" (disabled: ")[0]
    text = base if enabled else f"{base} (disabled: {why})"
    if control.has_trait("description_tooltip"):
        control.description_tooltip = text
    else:
        control.tooltip = text
