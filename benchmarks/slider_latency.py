"""Median milliseconds per slider step of the explorers, against a naive redraw in the same run.

A step is what happens between a slider move and the PNG bytes the notebook front end receives:
compute (convolution or a forward pass) plus rendering and PNG encoding. The explorers run on
the kernel path here (no front end ever reports the in-browser viewer ready), so a step renders
one frame: that is also what each pre-rendered frame costs when a control other than
the main slider changes (``benchmarks/browser_latency.py`` times what the learner sees). The
kernel path keeps each frame it rendered until another control changes; every step here first
forgets them (:func:`uncached`), so each step renders. Measured:

- ``kernel_step_ms``: :class:`KernelExplorer` on the cat photo at half size (150 x 226) as
  ``02_convolution.ipynb`` shows it, cycling stride and kernel size;
- ``feature_maps_step_ms``: :class:`FeatureMapExplorer` with 16 maps (a 4 x 4 grid) of a small
  CNN on MNIST digits, moving the image slider (so each step runs the network again);
- ``naive_feature_maps_step_ms``: the same 16 maps drawn the naive way, a new matplotlib figure
  with 16 axes per step, saved to PNG as the inline backend does (``bbox_inches="tight"``);
- ``pretrained_feature_maps_step_ms``: :class:`LayerMapExplorer` on the shipped MobileNetV2 and
  two pet photos as ``09_looking_inside_cnns.ipynb`` shows it, moving the layer slider through
  ``features.0`` .. ``features.18`` and the channel slider (16 maps on one colour scale, a
  colour bar, PNG). Every layer of a photo is recorded by one forward pass when the photo is
  first shown, so a step is colouring and encoding; that first pass is
  ``pretrained_feature_maps_new_image_ms``;
- ``naive_pretrained_feature_maps_step_ms``: the same maps drawn as a new 16-axes matplotlib
  figure with a colour bar per step;
- ``cam_step_ms``: :class:`CamExplorer` on the same photos, cycling opacity, layer and class
  (Grad-CAM and CAM maps of every offered layer and class are computed when a photo is first
  shown: ``cam_new_image_ms``), blending and PNG encoding.

The network is randomly initialised: its weights do not change the cost of a step. Both
feature-map cases run the network on one thread, so the ratio compares drawing only. The
explorer sends each map at its own resolution (a 4 x 4 grid of 28 x 28 maps is a 115 x 115 PNG)
and lets the browser enlarge it; the naive figure is a 4 x 4 inch, 100 dpi PNG.

    python benchmarks/slider_latency.py [--steps 60]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from course_utils.data import load_dataset, sample_photo  # noqa: E402
from course_utils.env import torch_threads  # noqa: E402
from course_utils.explorers import (  # noqa: E402
    CamExplorer,
    FeatureMapExplorer,
    KernelExplorer,
    LayerMapExplorer,
)
from course_utils.explorers.feature_maps import layer_activations  # noqa: E402
from course_utils.pretrained import imagenet_labels, load_mobilenet_v2, tflite_preprocess  # noqa: E402

MOBILENET_LAYERS = [f"features.{i}" for i in range(19)]


def uncached(explorer) -> None:
    """Forget the frames ``explorer`` rendered, so the next step renders its frame again."""
    explorer.frames._encoded.clear()  # the kernel path's cache of rendered frames


def small_cnn() -> nn.Module:
    """Two convolution blocks like the one trained in 03_pooling_activations_dense.ipynb."""
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    ).eval()


def median_ms(step, n: int) -> float:
    """Median wall time of ``step(i)`` for i in range(n), in milliseconds (after 3 warm-ups)."""
    for i in range(3):
        step(i)
    times = []
    for i in range(n):
        start = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def naive_feature_maps_step(model: nn.Module, images: torch.Tensor, layer: str, i: int) -> bytes:
    """New 4 x 4 figure per step, one imshow per map, encoded like the inline backend does."""
    with torch_threads(1):  # the same compute settings as the explorer: only drawing differs
        maps = layer_activations(model, images[i % len(images)], layer)
    fig, axes = plt.subplots(4, 4, figsize=(4, 4))
    for channel, ax in enumerate(axes.flat):
        ax.imshow(maps[channel].numpy(), cmap="viridis")
        ax.set_axis_off()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def naive_layer_maps_step(maps: torch.Tensor) -> bytes:
    """New 4 x 4 figure with one colour scale and a colour bar per step, like the inline
    backend.
    """
    m = float(maps[:16].abs().max()) or 1.0
    fig, axes = plt.subplots(4, 4, figsize=(5, 4.4))
    for channel, ax in enumerate(axes.flat):
        shown = ax.imshow(maps[channel].numpy(), cmap="RdBu_r", vmin=-m, vmax=m)
        ax.set_axis_off()
    fig.colorbar(shown, ax=axes)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def pretrained_cases(steps: int) -> dict[str, float]:
    """The notebook 09 explorers on the shipped MobileNetV2 and two pet photos."""
    net = load_mobilenet_v2()
    photos = load_dataset("pets", "train").images[[0, 150]]
    start = time.perf_counter()
    maps = LayerMapExplorer(net, photos, prepare=tflite_preprocess, layers=MOBILENET_LAYERS)
    new_image_ms = (time.perf_counter() - start) * 1000
    maps.picker.value = 1  # both photos recorded: the steps below only colour and encode

    def maps_step(i: int) -> None:  # one slider move per step: the layer, then the channels
        uncached(maps)
        if i % 2 == 0:
            maps.layer_slider.value = MOBILENET_LAYERS[(i // 2 + 1) % len(MOBILENET_LAYERS)]
        else:
            last = len(maps.channel_slider.options) - 1
            maps.channel_slider.index = 0 if maps.channel_slider.index else last
        assert maps.image.value[:4] == b"\x89PNG"

    start = time.perf_counter()
    cam = CamExplorer(net, photos, prepare=tflite_preprocess,
                      layers=["features.6", "features.13", "features.16", "features.18"],
                      classifier="classifier.1", class_names=imagenet_labels())
    cam_new_ms = (time.perf_counter() - start) * 1000
    classes = [c for _, c in cam.class_menu.options]

    def cam_step(i: int) -> None:  # one control per step: opacity, layer, class in turn
        uncached(cam)
        if i % 3 == 0:
            cam.opacity.value = round(0.1 * ((i // 3) % 11), 1)
        elif i % 3 == 1:
            cam.layer_slider.value = cam.layers[(i // 3 + 1) % len(cam.layers)]
        else:
            cam.class_menu.value = classes[(i // 3 + 1) % len(classes)]
        assert cam.image.value[:4] == b"\x89PNG"

    layer_maps = {layer: torch.from_numpy(out) for layer, out in maps.outputs(0).items()}
    return {
        "pretrained_feature_maps_step_ms": median_ms(maps_step, steps),
        "naive_pretrained_feature_maps_step_ms": median_ms(
            lambda i: naive_layer_maps_step(layer_maps[MOBILENET_LAYERS[i % 19]]),
            max(10, steps // 3)),
        "pretrained_feature_maps_new_image_ms": new_image_ms,
        "cam_step_ms": median_ms(cam_step, steps),
        "cam_new_image_ms": cam_new_ms,
    }


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="slider steps per case")
    args = parser.parse_args()

    photo = sample_photo("chelsea")[:, ::2, ::2]
    kernel = KernelExplorer(photo, "sobel_x", zoom=2)
    settings = [(s, k) for k in (3, 5) for s in (1, 2, 3, 4)]

    def kernel_step(i: int) -> None:
        stride, size = settings[i % len(settings)]
        uncached(kernel)
        if kernel.size_slider.value != size:
            kernel.size_slider.value = size
        kernel.stride_slider.value = stride
        assert kernel.image.value[:4] == b"\x89PNG"

    digits = load_dataset("mnist", "test").images[:64].float() / 255
    model = small_cnn()
    maps = FeatureMapExplorer(model, digits, layer="1", n_maps=16)

    def feature_maps_step(i: int) -> None:
        uncached(maps)
        maps.image_slider.value = (i + 1) % len(digits)  # a new image: runs the network again
        assert maps.image.value[:4] == b"\x89PNG"

    feature_ms = median_ms(feature_maps_step, args.steps)
    kernel_ms = median_ms(kernel_step, args.steps)
    naive_ms = median_ms(lambda i: naive_feature_maps_step(model, digits, "1", i),
                         max(10, args.steps // 3))
    pretrained = pretrained_cases(args.steps)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"feature_maps_step_ms: {feature_ms:.2f}")
    print(f"kernel_step_ms: {kernel_ms:.2f}")
    print(f"naive_feature_maps_step_ms: {naive_ms:.2f}")
    print(f"naive_over_feature_maps_ratio: {naive_ms / feature_ms:.1f}")
    for name, value in pretrained.items():
        print(f"{name}: {value:.2f}")
    ratio = (pretrained["naive_pretrained_feature_maps_step_ms"]
             / pretrained["pretrained_feature_maps_step_ms"])
    print(f"naive_over_pretrained_feature_maps_ratio: {ratio:.1f}")
    print(f"load_average_1min: {load:.2f}")


if __name__ == "__main__":
    main()
