"""Milliseconds from a key press on an explorer's slider to its new image painted, in a real browser.

JupyterLab (on 127.0.0.1) runs a small notebook that builds every explorer of the course as the
lessons do (notebooks 02, 03, 09 and 12), in headless Debian Chromium. For each explorer the
slider handle gets the focus and the arrow keys move it ``--steps`` times (bouncing between its
ends, each press once the previous image is on screen). A step is timed in the page, from the
``keydown`` event to the frame after the new image's ``load`` event (the image's ``src`` changes
for every new PNG; two animation frames later it has been painted). Printed per explorer:

- ``NAME.browser_slider_ms_median`` / ``NAME.browser_slider_ms_p90``: what the learner feels;
- ``NAME.kernel_update_ms_median``: the explorer's own ``update`` in the kernel (compute, colour,
  PNG encode), timed in the same steps;
- ``NAME.png_kb``: the size of the PNG each step sends;

then the kernel-side figures of ``benchmarks/slider_latency.py`` run in the same invocation, and
the load average before and after (the machine is shared: read the figures beside it).

    python benchmarks/browser_latency.py [--steps 30] [--only kernel,cam] [--no-kernel-side]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from browser_support import ARTIFACTS, chromium, jupyter_lab, missing_browser, open_and_run  # noqa: E402

SETUP = '''\
import json, time
from pathlib import Path
import torch
from torch import nn
from course_utils.data import load_dataset, pet_files, read_photo, sample_photo
from course_utils.explorers import (CamExplorer, ConvStepExplorer, EpsilonExplorer,
    FeatureMapExplorer, KernelExplorer, LayerMapExplorer, PoolingExplorer, kernel_preset)
from course_utils.models import Normalize
from course_utils.pretrained import imagenet_labels, load_mobilenet_v2, tflite_preprocess

LOG = Path("kernel_steps.jsonl")


def mark(name, explorer, slider, image):
    """CSS classes the benchmark finds, and a timer around the explorer's update."""
    explorer.widget.add_class(f"bench-{name}")
    slider.add_class(f"bench-{name}-slider")
    image.add_class(f"bench-{name}-image")
    update = explorer.update

    def timed(*args, **kwargs):
        start = time.perf_counter()
        update(*args, **kwargs)
        ms = (time.perf_counter() - start) * 1000
        with LOG.open("a") as log:
            log.write(json.dumps({"name": name, "ms": ms, "bytes": len(image.value)}) + "\\n")

    explorer.update = timed
    return explorer


photo = sample_photo("chelsea")
digits = load_dataset("mnist", "test").images[:50].float() / 255
net = load_mobilenet_v2()
pets = torch.stack([read_photo(pet_files()[i]) for i in (0, 200)])
'''

EXPLORERS = {
    "kernel": 'ex = KernelExplorer(photo[:, ::2, ::2], "sobel_x", zoom=2)\n'
              'mark("kernel", ex, ex.stride_slider, ex.image)',
    "conv_step": 'digit = load_dataset("mnist", "train").images[0, 0]\n'
                 'x_small = (digit[12:20, 5:13].float() / 255 * 9).round()\n'
                 'ex = ConvStepExplorer(x_small, kernel_preset("sobel_x", 3), stride=1, padding=1)\n'
                 'mark("conv_step", ex, ex.position, ex.image)',
    "pooling": 'ex = PoolingExplorer(photo[:, ::2, ::2], kernel_size=2, stride=2, zoom=2)\n'
               'mark("pooling", ex, ex.stride_slider, ex.image)',
    "feature_maps": 'torch.manual_seed(0)\n'
                    'cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),\n'
                    '                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU()).eval()\n'
                    'ex = FeatureMapExplorer(cnn, digits, layer="0", n_maps=8, zoom=4)\n'
                    'mark("feature_maps", ex, ex.image_slider, ex.image)',
    "layer_maps": "ex = LayerMapExplorer(net, pets, prepare=tflite_preprocess,\n"
                  "                      layers=[f'features.{i}' for i in range(19)])\n"
                  'mark("layer_maps", ex, ex.channel_slider, ex.image)',
    "cam": "ex = CamExplorer(net, pets, prepare=tflite_preprocess,\n"
           "                 layers=['features.13', 'features.18'], classifier='classifier.1',\n"
           "                 class_names=imagenet_labels())\n"
           'mark("cam", ex, ex.opacity, ex.image)',
    "epsilon": "imagenet = nn.Sequential(Normalize([128 / 255] * 3, [128 / 255] * 3), net).eval()\n"
               "x = pets[0].float() / 255\n"
               "with torch.no_grad():\n"
               "    label = int(imagenet(x[None]).argmax())\n"
               "ex = EpsilonExplorer(imagenet, x, label, imagenet_labels())\n"
               'mark("epsilon", ex, ex.slider, ex.image_widget)',
}

WIRE = """(() => {
  // Time every websocket frame, to split a step into browser -> kernel -> browser.
  window.__wire = [];
  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const d = event.data;
        window.__wire.push(['recv', performance.now(), d.byteLength || d.size || d.length || 0]);
      });
    }
    send(data) { window.__wire.push(['send', performance.now(), 0]); super.send(data); }
  };
})();"""
ARM = """(name) => {
  const image = document.querySelector(`.bench-${name}-image`);
  window.__wire.length = 0;
  window.__step = new Promise((resolve, reject) => {
    const old = image.src;
    const timer = setTimeout(() => reject(new Error(`no new image for ${name} in 10 s`)), 10000);
    const loaded = () => {
      const load = performance.now();
      requestAnimationFrame(() => {
        clearTimeout(timer);
        const t0 = window.__keydown, wire = window.__wire.filter(w => w[1] >= t0);
        const send = wire.find(w => w[0] === 'send');
        const image = wire.filter(w => w[0] === 'recv').reduce((a, b) => (b[2] > a[2] ? b : a),
                                                              ['recv', load, 0]);
        resolve({load: load - t0, frame: performance.now() - t0,
                 send: send ? send[1] - t0 : NaN, reply: image[1] - t0});
      });
    };
    const observer = new MutationObserver(() => {
      if (image.src === old) return;
      observer.disconnect();
      image.addEventListener('load', loaded, {once: true});
    });
    observer.observe(image, {attributes: true, attributeFilter: ['src']});
  });
}"""
KEYDOWN = ("() => document.addEventListener('keydown', () => { window.__keydown = "
           "performance.now(); }, true)")


def notebook(names: list[str], setup: str = "") -> dict:
    cells = [SETUP + setup] + [f"{EXPLORERS[n]}\nex" for n in names]
    return {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                       "source": s} for s in cells],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def move(page, name: str, steps: int, warmup: int = 3) -> list[dict]:
    """Press arrow keys on ``name``'s slider; return per step the milliseconds from keydown to
    the first websocket send (``send``), the image's reply frame (``reply``), the image's
    ``load`` event (``load``) and the next animation frame (``frame``)."""
    handle = page.locator(f".bench-{name}-slider .noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    direction = "ArrowRight"
    times = []
    for step in range(warmup + steps):
        now, low, high = (float(handle.get_attribute(a)) for a in
                          ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
        if direction == "ArrowRight" and now >= high or direction == "ArrowLeft" and now <= low:
            direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"
        page.evaluate(ARM, name)
        page.keyboard.press(direction)
        timing = page.evaluate("() => window.__step")
        if step >= warmup:
            times.append(timing)
        page.wait_for_timeout(60)  # a learner's next key press comes later than this
    return times


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def kernel_side(steps: int) -> list[str]:
    """The lines ``benchmarks/slider_latency.py`` prints, run now."""
    run = subprocess.run([sys.executable, str(HERE / "slider_latency.py"), "--steps", str(steps)],
                         capture_output=True, text=True, timeout=900)
    if run.returncode:
        raise RuntimeError(run.stderr[-2000:])
    return [f"slider_latency.{line}" for line in run.stdout.splitlines() if ": " in line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--only", default=",".join(EXPLORERS))
    parser.add_argument("--no-kernel-side", action="store_true")
    parser.add_argument("--compress-level", type=int, default=None,
                        help="zlib level of the explorers' PNGs (default: the course's)")
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        sys.exit(reason)
    names = args.only.split(",")
    print(f"load_average_1min_before: {os.getloadavg()[0]:.2f}", flush=True)
    lines = []
    with tempfile.TemporaryDirectory(prefix="browser-latency-") as scratch:
        work = Path(scratch) / "work"
        work.mkdir()
        setup = "" if args.compress_level is None else (  # every explorer's PNGs at that level
            "import functools\nimport course_utils.explorers.render as render\n"
            "for module in ('cam', 'conv_step', 'epsilon', 'feature_maps', 'kernel', "
            "'layer_maps', 'pooling'):\n"
            "    module = __import__(f'course_utils.explorers.{module}', fromlist=['x'])\n"
            "    module.png_bytes = functools.partial(render.png_bytes, "
            f"compress_level={args.compress_level})\n")
        (work / "explorers.ipynb").write_text(json.dumps(notebook(names, setup)))
        with jupyter_lab(work, Path(scratch)) as url, chromium() as context:
            context.add_init_script(WIRE)
            page = open_and_run(context, url, "explorers.ipynb", width=1500, height=1000)
            page.evaluate(KEYDOWN)
            measured = {name: move(page, name, args.steps) for name in names}
            page.screenshot(path=str(ARTIFACTS / "browser_latency.png"))
            time.sleep(0.5)
            kernel = [json.loads(line) for line in
                      (work / "kernel_steps.jsonl").read_text().splitlines()]
    for name in names:
        steps = [k for k in kernel if k["name"] == name][-args.steps:]
        browser = measured[name]
        load = [t["load"] for t in browser]
        median = {key: statistics.median(t[key] for t in browser)
                  for key in ("send", "reply", "load", "frame")}
        lines += [f"{name}.browser_slider_ms_median: {median['load']:.1f}",
                  f"{name}.browser_slider_ms_p90: {p90(load):.1f}",
                  f"{name}.kernel_update_ms_median: {statistics.median(k['ms'] for k in steps):.1f}",
                  f"{name}.keydown_to_send_ms_median: {median['send']:.1f}",
                  f"{name}.send_to_image_reply_ms_median: {median['reply'] - median['send']:.1f}",
                  f"{name}.reply_to_load_ms_median: {median['load'] - median['reply']:.1f}",
                  f"{name}.load_to_next_frame_ms_median: {median['frame'] - median['load']:.1f}",
                  f"{name}.png_kb: {statistics.median(k['bytes'] for k in steps) / 1024:.1f}"]
    print("\n".join(lines), flush=True)
    if not args.no_kernel_side:
        print("\n".join(kernel_side(args.steps)))
    print(f"load_average_1min_after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
