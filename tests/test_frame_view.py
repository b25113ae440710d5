"""The frame mechanism of the explorers (``course_utils.explorers.frames`` and ``frame_view``),
kernel side: which path is taken and when, what the browser view is sent, in what order, and
that a slider move on the browser path sends the browser nothing."""

from __future__ import annotations

import asyncio

import ipywidgets
import numpy as np
import pytest
from ipywidgets import Widget

from course_utils.explorers import frames
from course_utils.explorers.frame_view import FrameView


def go_live(stack: frames.FrameStack) -> None:
    """What a browser that loaded the frame viewer says: its views drew the frames."""
    for view in (stack.pictures, stack.texts):
        if view is not None:
            view._handle_custom_msg({"type": "ready"}, [])


def counting_stack(values=(10, 20, 30), value=20):
    """A FrameStack over a selection slider whose renders are recorded in ``calls``."""
    calls: list[int] = []

    def render(i: int) -> frames.Frame:
        calls.append(i)
        return frames.Frame(np.full((2, 3, 3), 40 * i + render.offset, np.uint8), 2.0,
                            f"frame {i} at {render.offset}", result=(i, render.offset))

    render.offset = 0
    slider = frames.index_slider("s", values, value, "course-test")
    stack = frames.FrameStack(slider, render, image_classes=("pic",), text_classes=("t",))
    return stack, slider, render, calls


@pytest.fixture()
def sent(monkeypatch):
    """Every state update the kernel sends to the browser: (widget, state keys)."""
    log: list[tuple[Widget, tuple[str, ...]]] = []
    original = Widget.send_state

    def send_state(self, key=None):
        log.append((self, tuple(self.keys if key is None else
                                ([key] if isinstance(key, str) else key))))
        return original(self, key)

    monkeypatch.setattr(Widget, "send_state", send_state)
    return log


def test_the_kernel_path_renders_only_the_frames_asked_for_and_says_so():
    stack, slider, _, calls = counting_stack()
    stack.refresh()
    assert stack.path == "kernel" and calls == [1]
    assert stack.text.value == "frame 1 at 0" and stack.result == (1, 0)
    assert stack.image is stack.view.children[1]  # the kernel path's Image, beside the viewer
    assert "course-frames-fallback" in stack.image._dom_classes
    note = stack.view.children[2]
    assert "drawn by the kernel" in note.value and "course-frames-fallback" in note._dom_classes
    picture = stack.image
    slider.value = 30
    assert calls == [1, 2] and stack.image is picture and stack.text.value == "frame 2 at 0"
    assert stack.pictures.pending == [0]  # frame 0 is still to come
    assert [f.value for f in stack.pictures.frames] == [b""] * 3  # nothing sent twice


def test_going_live_sends_every_frame_and_then_the_slider_sends_nothing(sent):
    stack, slider, _, calls = counting_stack()
    stack.refresh()
    assert stack.pictures.slider is slider and stack.pictures.key == "index"
    assert stack.pictures.classes == ["pic"] and stack.texts.kind == "text"
    go_live(stack)
    assert stack.path == "browser" and sorted(calls) == [0, 1, 2]
    assert calls[0] == 1  # the shown frame first
    assert stack.pictures.pending == [] and stack.texts.pending == []
    assert [f.width for f in stack.pictures.frames] == ["6"] * 3
    assert [f.value for f in stack.texts.frames] == [f"frame {i} at 0" for i in range(3)]
    assert stack.image is stack.pictures.frames[1]
    del sent[:]
    for index in (0, 2):  # as the browser reports a move
        slider._handle_msg({"content": {"data": {"method": "update", "state": {"index": index},
                                                 "buffer_paths": []}}, "buffers": []})
    assert slider.value == 30
    assert [w for w, _ in sent if w is not slider] == [], "no frame or readout is sent"
    assert stack.image is stack.pictures.frames[2] and stack.text.value == "frame 2 at 0"


def test_refresh_sends_the_frame_on_screen_first_and_marks_the_others_pending(sent):
    stack, slider, render, calls = counting_stack(values=(0, 1, 2, 3, 4), value=3)
    stack.refresh()
    go_live(stack)
    render.offset, calls[:] = 5, []
    del sent[:]
    loop = asyncio.new_event_loop()
    try:
        async def change() -> None:
            stack.refresh()  # inside the kernel's event loop: the rest comes later
            assert calls == [3] and stack.pictures.pending == [0, 1, 2, 4]
            first = [w for w, keys in sent if "value" in keys]
            assert first == [stack.pictures.frames[3], stack.texts.frames[3]]
            slider.value = 0  # reached before its turn: rendered at once
            assert calls == [3, 0] and stack.pictures.pending == [1, 2, 4]
            await asyncio.sleep(frames.REST_DELAY_S + 0.05)

        loop.run_until_complete(change())
    finally:
        loop.close()
    assert calls == [3, 0, 1, 2, 4]  # then nearest to the slider first
    assert stack.pictures.pending == [] and stack.result == (0, 5)
    assert all(f.value for f in stack.pictures.frames)


def test_a_newer_refresh_stops_the_older_chunks():
    stack, _, render, calls = counting_stack(values=(0, 1, 2, 3), value=0)
    stack.refresh()
    go_live(stack)
    loop = asyncio.new_event_loop()
    try:
        async def twice() -> None:
            render.offset = 1
            stack.refresh()
            render.offset = 2
            stack.refresh()
            await asyncio.sleep(frames.REST_DELAY_S + 0.05)

        calls[:] = []
        loop.run_until_complete(twice())
    finally:
        loop.close()
    assert calls == [0, 0, 1, 2, 3]  # the first refresh's chunks never ran
    assert [t.value for t in stack.texts.frames] == [f"frame {i} at 2" for i in range(4)]


def test_fewer_settings_close_the_extra_frames():
    stack, slider, _, _ = counting_stack()
    stack.refresh()
    go_live(stack)
    dropped = stack.pictures.frames[2]
    slider.options = [("a", 1), ("b", 2)]
    stack.refresh()
    assert len(stack.pictures.frames) == 2 and dropped.comm is None
    assert len(stack.texts.frames) == 2


def test_an_int_slider_must_count_frames_and_many_settings_stay_on_the_kernel():
    counting = ipywidgets.IntSlider(0, 0, 4)
    assert frames.slider_count(counting) == 5
    with pytest.raises(ValueError, match="min=0 and step=1"):
        frames.FrameStack(ipywidgets.IntSlider(1, 1, 4), lambda i: None)
    many = ipywidgets.IntSlider(0, 0, frames.MAX_FRAMES)  # one more than MAX_FRAMES
    stack = frames.FrameStack(many, lambda i: frames.Frame(np.zeros((1, 1, 3), np.uint8)))
    assert not stack.stacked and stack.pictures is None and stack.view is stack.image
    stack.refresh()
    assert stack.path == "kernel"


def test_the_frame_view_ships_its_script_and_ignores_other_messages():
    view = FrameView(ipywidgets.IntSlider(), key="value", kind="image")
    assert "export default" in view._esm and "course-frame-view" in view._css
    assert "course-frames-live" in view._dom_classes
    view._handle_custom_msg({"type": "hello"}, [])
    assert not view.live
    seen: list[bool] = []
    view.on_live(lambda: seen.append(True))
    view._handle_custom_msg({"type": "ready"}, [])
    view._handle_custom_msg({"type": "ready"}, [])
    assert view.live and seen == [True]


def test_each_view_that_goes_live_gets_each_frame_once(sent):
    stack, _, _, _ = counting_stack()
    stack.refresh()
    stack.pictures._handle_custom_msg({"type": "ready"}, [])
    stack.texts._handle_custom_msg({"type": "ready"}, [])
    frames = stack.pictures.frames + stack.texts.frames
    values = [w for w, keys in sent if "value" in keys and any(w is f for f in frames)]
    assert sorted(map(id, values)) == sorted(map(id, frames))  # each once, none twice
