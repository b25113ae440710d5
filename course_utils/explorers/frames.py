"""Pre-rendered frames: one picture (and one readout) per setting of an explorer's main slider.

Introduced in ``02_convolution.ipynb``; every explorer of the course shows its picture through a
:class:`FrameStack`. In JupyterLab a key press on a slider that waits for the kernel costs tens
of milliseconds before anything is drawn: the message goes to the kernel and the new PNG comes
back (``benchmarks/browser_latency.py``), however small the picture. So the kernel renders one
frame per setting of the main slider ahead of time and the browser switches between them: the
pictures sit in an ``ipywidgets.Stack`` whose ``selected_index`` is linked to the slider in the
browser (``jslink``), and the readouts in a second Stack linked the same way, so picture and text
never disagree. Moving the main slider never waits for the kernel; changing any other control
re-renders every frame (:meth:`FrameStack.refresh`).

ipywidgets 7 (Google Colab's) has no ``Stack``. There :class:`FrameStack` falls back to one
``ipywidgets.Image`` and one ``HTML`` that the kernel updates on every slider step, rendering
only the frame asked for. The choice is a feature check (:func:`has_stack`), not a version test.
"""

from __future__ import annotations

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
"""zlib level of stacked frames. All of them go to the browser whenever a control other than the
main slider changes, so their size counts more than the milliseconds of encoding
(``benchmarks/browser_latency.py`` prints ``frames_kb`` and ``frames_build_ms``; the figures are
in ``benchmarks/README.md``). The kernel path keeps
:func:`~course_utils.plots.canvas.png_bytes`' default."""


def has_stack() -> bool:
    """True when the installed ipywidgets has ``Stack`` (8.0 and later; Colab's 7.7 has none)."""
    return hasattr(_widgets.widgets(), "Stack")


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
        Default: :func:`has_stack` and at most :data:`MAX_FRAMES` settings. ``False`` is the
        kernel path: one ``Image`` updated by the kernel on every slider step, as ipywidgets 7
        needs.

    Attributes
    ----------
    view : ipywidgets widget
        What to place in the explorer's layout: the picture Stack (or the one Image).
    text_view : ipywidgets widget or None
        The readout Stack (or the one HTML).
    links : list of ipywidgets.Link
        The browser-side links from the slider to the Stacks (none on the kernel path).
    """

    def __init__(self, slider: Any, render: Callable[[int], Frame], *,
                 image_classes: Sequence[str] = (), text_classes: Sequence[str] | None = None,
                 stacked: bool | None = None) -> None:
        w = _widgets.widgets()
        self.slider, self.render = slider, render
        self.image_classes = tuple(image_classes)
        self.text_classes = None if text_classes is None else tuple(text_classes)
        self._results: dict[int, Any] = {}
        if stacked is None:
            stacked = has_stack() and slider_count(slider) <= MAX_FRAMES
        self.stacked = bool(stacked)
        key = "index" if hasattr(slider, "index") else "value"
        if self.stacked:
            if key == "value" and (slider.min, slider.step) != (0, 1):
                raise InputError("a stacked IntSlider must count frames: min=0 and step=1, got "
                                 f"min={slider.min}, step={slider.step}; use index_slider().")
            self.view = w.Stack([], layout=_picture_layout(w))
            self.text_view = None if self.text_classes is None else w.Stack([])
            self.links = [w.jslink((slider, key), (stack, "selected_index"))
                          for stack in (self.view, self.text_view) if stack is not None]
        else:
            self.view = _widgets.image(*self.image_classes)
            self.text_view = None if self.text_classes is None else self._html()
            self.links = []
            slider.observe(lambda change: self._show(), key)

    def _html(self) -> Any:
        html = _widgets.widgets().HTML()
        for css in self.text_classes or ():
            html.add_class(css)
        return html

    # -- what the kernel shows now --------------------------------------------------------
    @property
    def index(self) -> int:
        """The frame the slider points at."""
        return slider_index(self.slider)

    @property
    def image(self) -> Any:
        """The ``ipywidgets.Image`` of the frame shown now."""
        return self.view.children[self.index] if self.stacked else self.view

    @property
    def text(self) -> Any:
        """The ``ipywidgets.HTML`` readout of the frame shown now (None without readouts)."""
        if self.text_view is None:
            return None
        return self.text_view.children[self.index] if self.stacked else self.text_view

    @property
    def result(self) -> Any:
        """The :attr:`Frame.result` of the frame shown now."""
        return self._results[self.index]

    # -- rendering ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Render again after a change of any control but the slider: every frame when
        stacked, the shown one on the kernel path.
        """
        if not self.stacked:
            self._show()
            return
        count = slider_count(self.slider)
        frames = [self._encoded(i) for i in range(count)]
        dropped = []
        with self.view.hold_sync():  # children and index reach the browser together
            images = self._resize(self.view, count, lambda: _widgets.image(*self.image_classes),
                                  dropped)
            for picture, (png, width, _) in zip(images, frames):
                _widgets.set_png(picture, png, width, 1.0)
            self.view.selected_index = self.index
        if self.text_view is not None:
            with self.text_view.hold_sync():
                texts = self._resize(self.text_view, count, self._html, dropped)
                for html, (_, _, text) in zip(texts, frames):
                    html.value = text
                self.text_view.selected_index = self.index
        for widget in dropped:  # no longer shown: free them in the browser too
            widget.close()

    @staticmethod
    def _resize(stack: Any, count: int, make: Callable[[], Any], dropped: list) -> list:
        """Give ``stack`` ``count`` children: reused in place, new ones made, the extra ones
        appended to ``dropped``.
        """
        children = list(stack.children)
        if len(children) != count:
            dropped += children[count:]
            stack.children = children[:count] + [make() for _ in range(count - len(children))]
        return list(stack.children)

    def _show(self) -> None:
        """Kernel path: render the slider's frame into the one Image and HTML."""
        png, width, text = self._encoded(self.index)
        _widgets.set_png(self.view, png, width, 1.0)
        if self.text_view is not None:
            self.text_view.value = text

    def _encoded(self, i: int) -> tuple[bytes, int, str]:
        """Frame ``i`` as (PNG bytes, display width, readout)."""
        with torch_threads(1):  # small tensors: on a busy machine threads wait on each other
            frame = self.render(i)
        self._results[i] = frame.result
        level = STACKED_COMPRESS_LEVEL if self.stacked else None
        return (png_bytes(frame.canvas, level), int(round(frame.canvas.shape[1] * frame.zoom)),
                frame.text)


def _picture_layout(w: Any) -> Any:
    """The Stack keeps its picture's shape: it may shrink in a narrow window, never stretch."""
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
