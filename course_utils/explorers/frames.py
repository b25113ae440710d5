"""Pre-rendered frames: one picture (and one readout) per setting of an explorer's main slider.

Introduced in ``02_convolution.ipynb``; every explorer of the course shows its picture through a
:class:`FrameStack`. A key press on a slider that waits for the kernel costs tens of milliseconds
before anything is drawn (the message goes to the kernel and the new PNG comes back,
``benchmarks/browser_latency.py``), far more on Colab's remote kernel. So the kernel renders one
frame per setting of the main slider and a :class:`~course_utils.explorers.frame_view.FrameView`
keeps them all in the page, showing the one for the slider's setting as soon as the slider moves
in the browser: the *browser path*. It needs only anywidget's front end, so it works on
ipywidgets 7.7 (Colab) and 8 alike.

Two paths, and the rule between them (:attr:`FrameStack.path`):

- ``"kernel"`` until a browser view of the frames says it has drawn them (a ``ready`` message):
  one ``ipywidgets.Image`` and ``HTML`` beside the browser view show the slider's frame, redrawn
  by the kernel at each step, with a line saying so; the kernel renders only the frames asked
  for. Where anywidget cannot load this is what the learner sees.
- ``"browser"`` from then on: the kernel sends every frame, and the browser hides the kernel
  path's picture.

When another control changes (:meth:`FrameStack.refresh`), the frame on screen is rendered and
sent first, so the learner sees the change at once; the others follow in short chunks between
the kernel's other messages, nearest to the slider first. A frame the slider reaches before it
arrives is rendered at once, and meanwhile the browser shows it dimmed under "updating…".
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from course_utils.env import torch_threads
from course_utils.explorers import _widgets
from course_utils.plots.canvas import png_bytes
from course_utils.validation import InputError


@dataclass(frozen=True, eq=False)
class Frame:
    """One rendered setting: the canvas, its zoom and its readout.

    Attributes
    ----------
    canvas : (H, W, 3) uint8 array
        The picture; :class:`FrameStack` encodes it as PNG right away (a view into a buffer
        that the next frame overwrites is fine).
    zoom : float
        Display pixels per canvas pixel.
    text : str
        HTML readout for this setting; ignored when the stack has no readout.
    result : Any
        What the explorer computed for this setting (its maps, probabilities...), kept by
        :class:`FrameStack` for the frame shown now (:attr:`FrameStack.result`).
    """

    canvas: np.ndarray
    zoom: float = 1.0
    text: str = ""
    result: Any = None


MAX_FRAMES = 150
"""Beyond this many settings a :class:`FrameStack` takes the kernel path: rendering them all
ahead of time would cost more than it saves (the largest in the lessons: conv_step's 64)."""

STACKED_COMPRESS_LEVEL = 1
"""zlib level of the frames of a stack that may go to the browser. All of them go whenever a
control other than the main slider changes, so their size counts more than the milliseconds of
encoding (the figures: ``benchmarks/README.md``, "PNG encoding of the explorers"). An explorer
with more than :data:`MAX_FRAMES` settings keeps
:func:`~course_utils.plots.canvas.png_bytes`' default."""


def index_slider(description: str, values: Sequence, value: Any, css: str,
                 labels: Sequence[str] | None = None) -> Any:
    """A ``SelectionSlider`` over ``values``: its ``index`` is the frame, its readout the value.

    Parameters
    ----------
    description : str
    values : sequence
        The settings, in slider order (ints, floats or strings).
    value : one of ``values``
        The starting setting.
    css : str
        CSS class for tests and benchmarks.
    labels : sequence of str, optional
        What the readout shows for each value (default ``str(value)``).
    """
    w = _widgets.widgets()
    labels = [str(v) for v in values] if labels is None else list(labels)
    s = w.SelectionSlider(options=list(zip(labels, values)), value=value,
                          description=description, continuous_update=True,
                          style={"description_width": "80px"})
    s.add_class(css)
    return s


def slider_index(slider: Any) -> int:
    """The frame a slider points at: ``index`` of a selection slider, else
    ``(value - min) / step``.

    Parameters
    ----------
    slider : Any
    """
    if hasattr(slider, "index"):
        return int(slider.index)
    return (int(slider.value) - int(slider.min)) // int(slider.step)


def slider_count(slider: Any) -> int:
    """How many settings (frames) a slider offers.

    Parameters
    ----------
    slider : Any
    """
    if hasattr(slider, "options"):
        return len(slider.options)
    return (int(slider.max) - int(slider.min)) // int(slider.step) + 1


CHUNK_S = 0.02
"""Kernel time spent rendering frames off screen before it lets other messages through (s): a
slider move waits at most this long for the kernel to learn of it."""

REST_DELAY_S = 0.05
"""Pause between sending the frame on screen and rendering the others (s): the browser receives
and paints the one the learner looks at before the others arrive and compete for its time."""

Encoded = tuple[bytes, int, str]
"""A rendered frame as the browser gets it: (PNG bytes, display width in px, readout HTML)."""


class FrameStack:
    """Pictures (and readouts) for every setting of ``slider``, switched in the browser.

    Parameters
    ----------
    slider : ipywidgets slider
        A ``SelectionSlider`` (frame = ``index``) or an ``IntSlider`` with ``min=0, step=1``
        (frame = ``value``). Its number of settings may change between refreshes.
    render : callable
        ``render(i) -> Frame`` for setting ``i`` of the slider, from the explorer's other
        controls as they are now.
    image_classes : sequence of str
        CSS classes of every picture (tests find the one shown by them).
    text_classes : sequence of str, optional
        CSS classes of the readouts; ``None``: the frames have no readout.
    stacked : bool, optional
        Whether the frames may go to the browser (the browser path, once it has loaded).
        Default: at most :data:`MAX_FRAMES` settings. ``False``: the kernel path only.

    Attributes
    ----------
    view : ipywidgets widget
        What to place in the explorer's layout: the browser view of the pictures beside the
        kernel path's picture and its note (or that picture alone when not ``stacked``).
    text_view : ipywidgets widget or None
        The same for the readouts.
    pictures : FrameView or None
        The browser view of the pictures (None when not ``stacked``).
    """

    def __init__(self, slider: Any, render: Callable[[int], Frame], *,
                 image_classes: Sequence[str] = (), text_classes: Sequence[str] | None = None,
                 stacked: bool | None = None) -> None:
        self.slider, self.render = slider, render
        self.image_classes = tuple(image_classes)
        self.text_classes = None if text_classes is None else tuple(text_classes)
        self.stacked = slider_count(slider) <= MAX_FRAMES if stacked is None else bool(stacked)
        self._key = "index" if hasattr(slider, "index") else "value"
        if self.stacked and self._key == "value" and (slider.min, slider.step) != (0, 1):
            raise InputError("a stacked IntSlider must count frames: min=0 and step=1, got "
                             f"min={slider.min}, step={slider.step}; use index_slider().")
        self._encoded: dict[int, Encoded] = {}  # the frames rendered for the current settings
        self._results: dict[int, Any] = {}
        self._generation = 0  # bumped by refresh(): older chunks of frames stop
        self._picture = _widgets.image(*self.image_classes)
        self._text = None if self.text_classes is None else self._html()
        self.pictures = self.texts = None
        self.view, self.text_view = self._picture, self._text
        if self.stacked:
            self.pictures, self.view = self._browser_view("image", self.image_classes,
                                                          self._picture, _kernel_note())
            if self._text is not None:
                self.texts, self.text_view = self._browser_view("text", self.text_classes,
                                                                self._text)
        slider.observe(lambda change: self._slid(), self._key)

    def _browser_view(self, kind: str, classes: Sequence[str], *fallback: Any) -> tuple:
        """A :class:`FrameView` and the box that shows it before the kernel path's widgets."""
        from course_utils.explorers.frame_view import FrameView

        w = _widgets.widgets()
        browser = FrameView(self.slider, key=self._key, kind=kind, classes=classes)
        browser.on_live(lambda: self._went_live(browser))
        for widget in fallback:
            widget.add_class("course-frames-fallback")
        box = w.VBox([browser, *fallback], layout=_picture_layout(w))
        box.add_class("course-frames")
        return browser, box

    def _html(self) -> Any:
        html = _widgets.widgets().HTML()
        for css in self.text_classes or ():
            html.add_class(css)
        return html

    # -- what the kernel shows now --------------------------------------------------------
    @property
    def path(self) -> str:
        """``"browser"`` once a browser view has drawn the frames, else ``"kernel"``."""
        return "browser" if self.pictures is not None and self.pictures.live else "kernel"

    @property
    def index(self) -> int:
        """The frame the slider points at."""
        return slider_index(self.slider)

    @property
    def image(self) -> Any:
        """The ``ipywidgets.Image`` of the frame shown now."""
        self._ensure(self.index)
        if self.path == "browser":
            return self.pictures.frames[self.index]
        return self._picture

    @property
    def text(self) -> Any:
        """The ``ipywidgets.HTML`` readout of the frame shown now (None without readouts)."""
        if self._text is None:
            return None
        self._ensure(self.index)
        if self.texts is not None and self.texts.live:
            return self.texts.frames[self.index]
        return self._text

    @property
    def result(self) -> Any:
        """The :attr:`Frame.result` of the frame shown now."""
        self._ensure(self.index)
        return self._results[self.index]

    # -- rendering ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Render again after a change of any control but the slider: the frame on screen
        now, then (on the browser path) the others in chunks.
        """
        self._generation += 1
        self._encoded.clear()
        self._results.clear()
        if self.stacked:
            self._resize(slider_count(self.slider))
        self._ensure(self.index)
        self._publish()
        if self.path == "browser":
            self._fill_later()

    def _slid(self) -> None:
        """The slider moved: render its frame if missing; on the kernel path, show it."""
        self._ensure(self.index)
        self._publish()

    def _went_live(self, view: Any) -> None:
        """A browser view drew: send it every frame rendered so far, then the rest."""
        for i, encoded in sorted(self._encoded.items()):
            self._put(view, i, encoded)
        self._publish()
        self._fill_later()

    def _ensure(self, i: int) -> None:
        """Render frame ``i`` if it is not yet, and send it where it is shown."""
        if i not in self._encoded:
            self._encoded[i] = self._encode(i)
            self._send(i, self._encoded[i])
        if i == self.index:  # the kernel path's widgets show the slider's frame
            self._show(self._encoded[i])

    def _send(self, i: int, encoded: Encoded) -> None:
        """Put frame ``i`` into the browser views that are live (the kernel path sends
        nothing twice).
        """
        for view in (self.pictures, self.texts):
            if view is not None and view.live:
                self._put(view, i, encoded)

    @staticmethod
    def _put(view: Any, i: int, encoded: Encoded) -> None:
        """Frame ``i`` into browser view ``view``: its picture or its readout."""
        png, width, text = encoded
        if view.kind == "image":
            _widgets.set_png(view.frames[i], png, width, 1.0)
        else:
            view.frames[i].value = text

    def _show(self, encoded: Encoded) -> None:
        """Kernel path: the slider's frame into the one Image and HTML (skipped where the
        browser path has taken over).
        """
        png, width, text = encoded
        if self.path == "kernel" and self._picture.value != png:
            _widgets.set_png(self._picture, png, width, 1.0)
        if self._text is not None and not (self.texts is not None and self.texts.live):
            self._text.value = text

    def _publish(self) -> None:
        """Tell the browser views which frames are not rendered for the current settings."""
        for view in (self.pictures, self.texts):
            if view is not None:
                pending = [i for i in range(len(view.frames)) if i not in self._encoded]
                if view.pending != pending:
                    view.pending = pending

    def _fill_later(self) -> None:
        """Render the missing frames, nearest to the slider first, in chunks of
        :data:`CHUNK_S` between the kernel's other messages (all at once outside an event
        loop).
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        generation = self._generation

        def chunk() -> None:
            if generation != self._generation:
                return  # the settings changed again: a newer refresh fills
            start = time.perf_counter()
            for i in self._missing():
                self._ensure(i)
                if loop is not None and time.perf_counter() - start > CHUNK_S:
                    self._publish()
                    loop.call_soon(chunk)
                    return
            self._publish()

        if loop is None:
            chunk()
        else:
            loop.call_later(REST_DELAY_S, chunk)

    def _missing(self) -> list[int]:
        """The frames not rendered yet, nearest to the slider's setting first."""
        here = self.index
        count = slider_count(self.slider)
        return sorted((i for i in range(count) if i not in self._encoded),
                      key=lambda i: (abs(i - here), i))

    def _resize(self, count: int) -> None:
        """Give the browser views ``count`` frames: reused in place, new ones made, the extra
        ones closed (freed in the browser too).
        """
        views = [(self.pictures, lambda: _widgets.image(*self.image_classes))]
        if self.texts is not None:
            views.append((self.texts, self._html))
        for view, make in views:
            frames = list(view.frames)
            if len(frames) == count:
                continue
            view.frames = frames[:count] + [make() for _ in range(count - len(frames))]
            for widget in frames[count:]:
                widget.close()

    def _encode(self, i: int) -> Encoded:
        """Frame ``i`` as (PNG bytes, display width, readout)."""
        with torch_threads(1):  # small tensors: on a busy machine threads wait on each other
            frame = self.render(i)
        self._results[i] = frame.result
        level = STACKED_COMPRESS_LEVEL if self.stacked else None
        return (png_bytes(frame.canvas, level), int(round(frame.canvas.shape[1] * frame.zoom)),
                frame.text)


def _kernel_note() -> Any:
    """The line under the kernel path's picture (hidden with it once the browser path works)."""
    note = _widgets.widgets().HTML(
        "<small>Pictures drawn by the kernel at each step: the in-browser frame viewer has not "
        "loaded in this front end.</small>")
    note.add_class("course-frames-note")
    return note


def _picture_layout(w: Any) -> Any:
    """The box keeps its picture's shape: it may shrink in a narrow window, never stretch."""
    return w.Layout(align_self="flex-start", max_width="100%", min_width="0")


class FramedExplorer:
    """What an explorer whose picture and readout both live in ``self.frames`` (a
    :class:`FrameStack`) shares: the widgets on screen now, and its display in a notebook.
    """

    frames: FrameStack
    widget: Any

    @property
    def image(self) -> Any:
        """The ``ipywidgets.Image`` shown now (for the main slider's setting)."""
        return self.frames.image

    @property
    def readout(self) -> Any:
        """The ``ipywidgets.HTML`` readout shown now."""
        return self.frames.text

    def update(self) -> None:
        """Render every frame again (a control other than the main slider moved)."""
        self.frames.refresh()

    @staticmethod
    def shown_result(item: int | None = None, doc: str = "") -> property:
        """A read-only property for a subclass: the :attr:`Frame.result` of the frame shown
        now, or its item ``item``, e.g. ``probs = FramedExplorer.shown_result(1, "...")``.

        Parameters
        ----------
        item : int, optional
            Which item of a tuple result; ``None``: the whole result.
        doc : str
            The property's docstring.
        """
        def get(explorer: FramedExplorer) -> Any:
            result = explorer.frames.result
            return result if item is None else result[item]

        return property(get, doc=doc)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
