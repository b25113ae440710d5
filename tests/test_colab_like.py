"""The Colab-like environment: ipywidgets 7.7.1 (as Colab ships it) and the oldest numpy,
matplotlib and scikit-learn the ranges admit, installed for real, not simulated.

`python course.py test` builds that environment (``constraints-oldest.txt`` in front of the
course's own) and runs this file there, with notebooks 00, 02 and 09. In the course's own
environment (ipywidgets 8) the whole module is skipped, with that reason.
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


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorer_takes_the_kernel_path_for_real(name):
    explorer = EXPLORERS[name]()
    frames = explorer.frames
    assert frames.stacked is False and frames.links == []
    picture, before = frames.view, frames.view.value
    assert isinstance(picture, ipywidgets.Image) and before[:4] == b"\x89PNG"
    move(frames.slider)
    assert frames.view is picture and picture.value != before, "the kernel redraws in place"
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
