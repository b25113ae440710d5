"""The widget that switches an explorer's frames in the browser (anywidget).

:class:`FrameView` holds one ipywidgets ``Image`` (or ``HTML`` readout) per setting of an
explorer's main slider and follows that slider's model in the browser (``frame_view.js``): a move
of the slider shows the frame already in the page, with no message to the kernel and back. It
works wherever anywidget's front end loads: JupyterLab and Notebook 7, Colab (ipywidgets 7.7,
whose custom widget manager anywidget turns on), VS Code. Where it cannot load, the explorer keeps
the kernel path (:class:`~course_utils.explorers.frames.FrameStack`).

The rule by which the kernel learns that the browser side works: each view sends
``{"type": "ready"}`` once it has drawn its frames (:attr:`FrameView.live` becomes True and the
``on_live`` callbacks run). Until then the kernel assumes it does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import anywidget
import traitlets
from ipywidgets import DOMWidget, widget_serialization

FRAMES_CSS = """
.course-frame-view { position: relative; display: inline-block; max-width: 100%; }
.course-frame-view > [hidden] { display: none !important; }
.course-frame-view > img { display: block; max-width: 100%; height: auto; }
.course-frame-stale > img, .course-frame-stale > div:not(.course-frame-note) { opacity: 0.45; }
.course-frame-note { position: absolute; left: 4px; top: 4px; padding: 1px 6px;
  background: rgba(255, 255, 255, 0.85); color: #222; font-size: 12px; border-radius: 3px; }
.course-frames:has(> .course-frames-live .course-frame-view) > .course-frames-fallback {
  display: none !important; }
"""
"""Styles of the browser side. The last rule hides the kernel path's picture and note once the
browser side has drawn (``:has``: Chromium 105, Safari 15.4, Firefox 121 and later)."""


class FrameView(anywidget.AnyWidget):
    """Frames switched in the browser by an ipywidgets slider.

    Parameters
    ----------
    slider : ipywidgets slider
        The explorer's main slider; the frame shown is its ``key`` trait.
    key : str
        ``"index"`` (a ``SelectionSlider``) or ``"value"`` (an ``IntSlider`` counting frames).
    kind : str
        ``"image"``: the frames are ``ipywidgets.Image`` (PNG); ``"text"``: ``ipywidgets.HTML``.
    classes : sequence of str
        CSS classes of each frame's element in the page (tests find the one shown by them).

    Attributes
    ----------
    frames : list of ipywidgets.Image or ipywidgets.HTML
        One per setting of the slider, in order.
    pending : list of int
        Frames not rendered yet for the current settings: the browser shows them as updating.
    live : bool
        True once a browser view has said it drew the frames.
    """

    _esm = Path(__file__).with_name("frame_view.js")
    _css = FRAMES_CSS

    slider = traitlets.Instance(DOMWidget).tag(sync=True, **widget_serialization)
    key = traitlets.Unicode("index").tag(sync=True)
    kind = traitlets.Unicode("image").tag(sync=True)
    classes = traitlets.List(traitlets.Unicode()).tag(sync=True)
    frames = traitlets.List(traitlets.Instance(DOMWidget)).tag(sync=True, **widget_serialization)
    pending = traitlets.List(traitlets.Int()).tag(sync=True)

    def __init__(self, slider: Any, *, key: str, kind: str, classes: Sequence[str] = ()) -> None:
        super().__init__(slider=slider, key=key, kind=kind, classes=list(classes))
        self.add_class("course-frames-live")
        self.live = False
        self._on_live: list[Callable[[], None]] = []
        self.on_msg(self._message)

    def on_live(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when a browser view first says it drew the frames.

        Parameters
        ----------
        callback : callable
        """
        self._on_live.append(callback)

    def _message(self, _widget: Any, content: dict, _buffers: list) -> None:
        """Handle ``{"type": "ready"}`` from a browser view."""
        if isinstance(content, dict) and content.get("type") == "ready" and not self.live:
            self.live = True
            for callback in self._on_live:
                callback()
