"""Geometry of an explorer on the page, for ``tests/test_explorer_layout.py``.

An explorer is one notebook output (``.jp-OutputArea-output``). Its *controls* are what a learner
moves, picks, types into or presses; its *pictures* are the ``<img>`` elements shown in it (the
frame on screen, the layer-map input). Boxes are ``getBoundingClientRect()`` in CSS pixels.
"""

from __future__ import annotations

import json
from pathlib import Path

CONTROLS = (".widget-hslider, .widget-dropdown, .widget-toggle-buttons, .widget-text, "
            ".widget-upload, .widget-button")
"""ipywidgets 8's classes of sliders, menus, toggle buttons, number boxes and buttons."""

_BOXES = """([output, controls]) => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden'
      && el.closest('[hidden]') === null;
  };
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
            width: r.width, height: r.height,
            label: (el.className || el.tagName).toString().slice(0, 80)
                   + ' ' + (el.innerText || el.getAttribute('title') || '').slice(0, 40)};
  };
  const area = output.getBoundingClientRect();
  return {
    area: {left: area.left, top: area.top, right: area.right, bottom: area.bottom},
    controls: [...output.querySelectorAll(controls)].filter(shown).map(box),
    pictures: [...output.querySelectorAll('img')].filter(shown).map(box),
  };
}"""


def boxes(page, output) -> dict:
    """The boxes of the controls and pictures shown in one explorer's output.

    Parameters
    ----------
    page : playwright Page
    output : playwright Locator
        The explorer's ``.jp-OutputArea-output``.
    """
    return output.evaluate(f"(output) => ({_BOXES})([output, {json.dumps(CONTROLS)}])")


def overlap(a: dict, b: dict) -> float:
    """Area in CSS pixels² that two boxes share (0 when they only touch).

    Parameters
    ----------
    a, b : dict
        Boxes with ``left``, ``top``, ``right``, ``bottom``.
    """
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, width) * max(0.0, height)


def covered_controls(found: dict) -> list[str]:
    """Each control that a picture covers, or that sticks out of the output (cut off).

    Parameters
    ----------
    found : dict
        What :func:`boxes` returned.
    """
    problems = []
    for control in found["controls"]:
        for picture in found["pictures"]:
            if overlap(control, picture) > 1.0:
                problems.append(f"{control['label']!r} under picture {picture['label']!r}")
        if control["right"] > found["area"]["right"] + 1:
            problems.append(f"{control['label']!r} cut off at the right "
                            f"({control['right']:.0f} > {found['area']['right']:.0f})")
    return problems


_SHOWN = ("[...root.querySelectorAll(selector)].find(e => e.getBoundingClientRect().width > 0"
          " && e.closest('[hidden]') === null)")


def picture_size(output, selector: str) -> tuple[float, float]:
    """On-screen width and height of the first shown element matching ``selector`` in
    ``output``.

    Parameters
    ----------
    output : playwright Locator
        The explorer's output area.
    selector : str
    """
    return tuple(output.evaluate(
        f"(root, selector) => {{ const el = {_SHOWN}; if (!el) return [0, 0];"
        " const r = el.getBoundingClientRect(); return [r.width, r.height]; }", selector))


def shown_src(output, selector: str) -> str:
    """The ``src`` of the first shown element matching ``selector`` in ``output`` (or ``""``).

    Parameters
    ----------
    output : playwright Locator
    selector : str
    """
    return output.evaluate(f"(root, selector) => {{ const el = {_SHOWN};"
                           " return el ? el.src : ''; }", selector)


def wait_new_picture(page, output, selector: str, before: str) -> None:
    """Wait until the picture shown in ``output`` is another one (another frame, another PNG).

    Parameters
    ----------
    page : playwright Page
    output : playwright Locator
    selector : str
    before : str
        The ``src`` shown before.
    """
    output.evaluate("(root) => root.setAttribute('data-layout-probe', '1')")
    probe = "document.querySelector('[data-layout-probe]')"
    page.wait_for_function(
        f"([selector, before]) => {{ const root = {probe}; const el = {_SHOWN};"
        " return el && el.src !== before && el.complete; }", arg=[selector, before],
        timeout=20_000)
    output.evaluate("(root) => root.removeAttribute('data-layout-probe')")
    page.wait_for_timeout(150)  # laid out and painted


def press(output, slider: str, key: str) -> None:
    """Focus the handle of the slider ``slider`` in ``output`` and press ``key``.

    Parameters
    ----------
    output : playwright Locator
    slider : str
        A selector of the slider's widget (e.g. ``".course-stride"``).
    key : str
        A playwright key name (``"ArrowRight"``, ``"End"``).
    """
    handle = output.locator(f"{slider} .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.press(key)


def write_notebook(path: Path, sources: list[str]) -> None:
    """A notebook of code cells ``sources``, no outputs, the ``python3`` kernel.

    Parameters
    ----------
    path : Path
    sources : list of str
    """
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": source} for source in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))
