"""The Colab-like environment: ipywidgets 7.7.1 (as Colab ships it) and the oldest numpy,
matplotlib and scikit-learn the ranges admit, installed for real, not simulated.

`python course.py test` builds that environment (``constraints-oldest.txt`` in front of the
course's own) and runs this file there, with notebooks 00, 02 and 09. In the course's own
environment (ipywidgets 8) the whole module is skipped, with that reason.

The explorers' frames on 7.7, kernel side: every explorer builds its frame viewer (anywidget)
with the state its script reads; once the viewer says it has drawn, every frame goes to the
browser as a binary PNG buffer and a move of the slider (as the browser reports it) makes the
kernel send nothing; before that, the kernel path redraws one picture in place. No browser runs
here: that the viewer's script draws under a 7.7 front end is not shown by this file.
"""

from __future__ import annotations

import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import ipywidgets
import pytest
import torch
from colab_support import hosted_kernel, run_install_cell
from ipywidgets.widgets.widget import _remove_buffers
from torch import nn

from course_utils.explorers import (
    CamExplorer,
    ConvStepExplorer,
    EpsilonExplorer,
    FeatureMapExplorer,
    KernelExplorer,
    LayerMapExplorer,
    PoolingExplorer,
)
from course_utils.explorers.frame_view import FrameView
from course_utils.versions import read_pins, version_warnings

ROOT = Path(__file__).resolve().parents[1]
OLDEST = read_pins(ROOT / "constraints-oldest.txt")

pytestmark = pytest.mark.skipif(
    not ipywidgets.__version__.startswith("7."),
    reason="runs in the Colab-like environment (ipywidgets 7.7) that `python course.py test` "
           "builds after the main suite")


def test_the_oldest_tested_versions_are_the_ones_installed():
    for name in ("ipywidgets", "numpy", "matplotlib", "scikit-learn"):
        assert metadata.version(name) == OLDEST[name], name
    assert not hasattr(ipywidgets, "Stack")
    assert version_warnings() == [], "the oldest tested versions must count as tested"


def conv_net(channels: int) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(channels, 8, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(8, 6, 3, stride=2, padding=1), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(6, 3)).eval()


def photos() -> torch.Tensor:
    return torch.randint(0, 256, (3, 3, 32, 32), dtype=torch.uint8,
                         generator=torch.Generator().manual_seed(0))


IMAGE = (torch.arange(40 * 50).view(1, 40, 50) % 255).to(torch.uint8)
EXPLORERS = {
    "kernel": lambda: KernelExplorer(IMAGE, "sobel_x"),
    "pooling": lambda: PoolingExplorer(IMAGE),
    "conv_step": lambda: ConvStepExplorer(torch.arange(16.0).view(4, 4), torch.ones(3, 3)),
    "feature_maps": lambda: FeatureMapExplorer(conv_net(1), torch.rand(4, 1, 14, 14), n_maps=8),
    "layer_maps": lambda: LayerMapExplorer(conv_net(3), photos(), prepare=lambda p: p / 255,
                                           layers=["0", "2"], n_maps=4),
    "cam": lambda: CamExplorer(conv_net(3), photos(), prepare=lambda p: p / 255,
                               layers=["2"], classifier="5", class_names=["a", "b", "c"]),
    "epsilon": lambda: EpsilonExplorer(conv_net(1), torch.rand(1, 12, 12), 2, ["a", "b", "c"]),
}


def move(slider) -> None:
    """Move a slider to another of its settings, as a learner's key press would."""
    if hasattr(slider, "index"):
        slider.index = (slider.index + 1) % len(slider.options)
    else:
        slider.value = slider.max if slider.value != slider.max else slider.min


def browser_moves(slider) -> None:
    """Move a slider as the browser reports a move: an ``update`` message on its comm."""
    key = "index" if hasattr(slider, "index") else "value"
    new = (getattr(slider, key) + 1) % (len(slider.options) if key == "index" else slider.max + 1)
    slider._handle_msg({"content": {"data": {"method": "update", "state": {key: new},
                                             "buffer_paths": []}}, "buffers": []})


def ready(view) -> None:
    """What the frame viewer's script sends once it has drawn, through the 7.7 comm handler."""
    view._handle_msg({"content": {"data": {"method": "custom", "content": {"type": "ready"}}},
                      "buffers": []})


@pytest.fixture()
def sent(monkeypatch):
    """Every message the kernel sends to the browser on ipywidgets 7.7, as it goes on the wire:
    (widget, message, binary buffers). The widgets' comms get an in-process kernel."""
    from ipykernel.inprocess.manager import InProcessKernelManager

    manager = InProcessKernelManager()
    manager.start_kernel()
    log = []
    original_open, original_send = ipywidgets.Widget.open, ipywidgets.Widget._send

    def open_(self):
        original_open(self)
        self.comm.kernel = manager.kernel

    def send(self, msg, buffers=None):
        log.append((self, msg, buffers or []))
        return original_send(self, msg, buffers)

    monkeypatch.setattr(ipywidgets.Widget, "open", open_)
    monkeypatch.setattr(ipywidgets.Widget, "_send", send)
    yield log
    manager.shutdown_kernel()


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorer_switches_frames_in_the_browser_on_7_7(name, sent):
    explorer = EXPLORERS[name]()
    frames = explorer.frames
    view = frames.pictures
    assert frames.stacked and isinstance(view, FrameView) and frames.path == "kernel"
    state, _, _ = _remove_buffers(view.get_state())  # the state as it goes on the wire
    assert state["slider"] == f"IPY_MODEL_{frames.slider.model_id}"
    assert state["_model_module"] == "anywidget" and "export default" in state["_esm"]
    assert state["frames"] == [f"IPY_MODEL_{f.model_id}" for f in view.frames]
    assert state["key"] in ("index", "value") and state["kind"] == "image"
    del sent[:]
    ready(view)
    if frames.texts is not None:
        ready(frames.texts)
    assert frames.path == "browser" and view.pending == []
    pngs = [(w, buffers) for w, msg, buffers in sent
            if w in view.frames and ["value"] in msg["buffer_paths"]]
    assert {w for w, _ in pngs} == set(view.frames), "every frame went to the browser"
    assert all(b and bytes(b[0])[:4] == b"\x89PNG" for _, b in pngs), "as binary buffers"
    del sent[:]
    before = frames.index
    browser_moves(frames.slider)
    assert frames.index != before
    assert sent == [], "a move of the slider sends the browser nothing: the frames are there"
    assert frames.image is view.frames[frames.index] and frames.image.value[:4] == b"\x89PNG"


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorer_takes_the_kernel_path_for_real_until_the_viewer_says_ready(name):
    explorer = EXPLORERS[name]()
    frames = explorer.frames
    assert frames.path == "kernel"
    picture, before = frames.image, frames.image.value
    assert isinstance(picture, ipywidgets.Image) and before[:4] == b"\x89PNG"
    assert picture in frames.view.children, "the kernel path's picture is in the layout"
    move(frames.slider)
    assert frames.image is picture and picture.value != before, "the kernel redraws in place"
    assert ipywidgets.Widget.widgets, "no widget was built"


def test_the_colab_install_keeps_7_7_and_prints_no_resolver_error(tmp_path):
    # This environment's packages (ipywidgets 7.7.1 first), as Colab's are to its kernel.
    paths = [p for p in sys.path if p.endswith("site-packages")] or [
        sysconfig.get_paths()["purelib"]]
    ran = run_install_cell(hosted_kernel(tmp_path, paths),
                           then="import ipywidgets\nprint('ipywidgets', ipywidgets.__version__)")
    said = ran.stdout + ran.stderr
    assert ran.returncode == 0, said[-3000:]
    assert "dependency resolver" not in said and "ERROR" not in said, said[-3000:]
    assert f"ipywidgets {OLDEST['ipywidgets']}" in ran.stdout
