"""Milliseconds from a key press on an explorer's slider to its new image painted, in a real
browser.

JupyterLab (on 127.0.0.1) runs a small notebook that builds every explorer of the course as the
lessons do (notebooks 02, 03, 09 and 12), in headless Debian Chromium. For each explorer the
handle of its main slider gets the focus and the arrow keys move it ``--steps`` times (bouncing
between its ends, each press once the previous image is on screen). A step is timed in the page,
from the ``keydown`` event to the frame after the new image's ``load`` event: the explorers show
pre-rendered frames in an ``ipywidgets.Stack`` linked to the slider in the browser, so a step
puts a new ``<img>`` in the picture's container (a MutationObserver on its subtree sees it; on
the kernel path the one ``<img>`` changes its ``src`` instead). Printed per explorer:

- ``NAME.browser_slider_ms_median`` / ``NAME.browser_slider_ms_p90``: what the learner feels;
- ``NAME.kernel_update_ms_median``: what the kernel does on a main-slider step, timed around its
  handling of the slider's message (``set_state``: the new value and every observer); about 0
  with frames, since nothing waits for it;
- ``NAME.frames_build_ms``: rendering every frame again (``update()``, median of 3), which is what
  a change of any other control costs; ``NAME.frames``: how many; ``NAME.frames_kb``: their PNGs
  together, which all go to the browser on such a change;

With ``--kernel-path`` the same explorers also run as they do where ``ipywidgets.Stack`` is missing
(ipywidgets 7, Google Colab: one ``Image`` that the kernel updates on every step, as all of them
did before frames), in a second notebook of the same server and browser, as the baseline:
``NAME.kernel_path.browser_slider_ms_median`` / ``_p90`` / ``kernel_update_ms_median``, where the
time goes on that path (``keydown_to_send``, ``send_to_image_reply``, ``reply_to_load``,
``load_to_next_frame``, ``png_kb``), and ``NAME.kernel_path_over_frames_ratio``. Then the
kernel-side figures of ``benchmarks/slider_latency.py``, run in the same invocation, and the
load average before and after (the machine is shared: read the figures beside it).

``--compress-level N`` encodes the frames at zlib level N instead of the course's
(:data:`course_utils.explorers.frames.STACKED_COMPRESS_LEVEL`), to see what their size costs.

    python benchmarks/browser_latency.py [--steps 30] [--only kernel,cam] [--kernel-path]
                                         [--compress-level N] [--no-kernel-side]
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


def mark(name, explorer, slider):
    """CSS classes the benchmark finds; timers around the slider's messages and the frames."""
    explorer.widget.add_class(f"bench-{name}")
    slider.add_class(f"bench-{name}-slider")
    explorer.frames.view.add_class(f"bench-{name}-image")  # the Stack, or the one Image
    builds = []
    for _ in range(3):
        start = time.perf_counter()
        explorer.update()  # every frame (the kernel path: the one shown)
        builds.append((time.perf_counter() - start) * 1000)
    stack = explorer.frames.view
    pngs = [c.value for c in stack.children] if explorer.frames.stacked else [stack.value]
    with LOG.open("a") as log:
        log.write(json.dumps({"name": name, "build_ms": sorted(builds)[1], "frames": len(pngs),
                              "bytes": sum(len(p) for p in pngs)}) + "\\n")
    set_state = slider.set_state

    def timed(state):
        start = time.perf_counter()
        set_state(state)
        ms = (time.perf_counter() - start) * 1000
        if "value" in state or "index" in state:
            with LOG.open("a") as log:
                log.write(json.dumps({"name": name, "ms": ms,
                                      "bytes": len(explorer.frames.image.value)}) + "\\n")

    slider.set_state = timed
    return explorer


photo = sample_photo("chelsea")
digits = load_dataset("mnist", "test").images[:50].float() / 255
net = load_mobilenet_v2()
pets = torch.stack([read_photo(pet_files()[i]) for i in (0, 200)])
'''

EXPLORERS = {
    "kernel": 'ex = KernelExplorer(photo[:, ::2, ::2], "sobel_x", zoom=2)\n'
              'mark("kernel", ex, ex.stride_slider)',
    "conv_step": 'digit = load_dataset("mnist", "train").images[0, 0]\n'
                 'x_small = (digit[12:20, 5:13].float() / 255 * 9).round()\n'
                 'ex = ConvStepExplorer(x_small, kernel_preset("sobel_x", 3), stride=1, '
                 'padding=1)\n'
                 'mark("conv_step", ex, ex.position)',
    "pooling": 'ex = PoolingExplorer(photo[:, ::2, ::2], kernel_size=2, stride=2, zoom=2)\n'
               'mark("pooling", ex, ex.stride_slider)',
    "feature_maps": 'torch.manual_seed(0)\n'
                    'cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), '
                    'nn.MaxPool2d(2),\n'
                    '                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU()).eval()\n'
                    'ex = FeatureMapExplorer(cnn, digits, layer="0", n_maps=8, zoom=4)\n'
                    'mark("feature_maps", ex, ex.image_slider)',
    "layer_maps": "ex = LayerMapExplorer(net, pets, prepare=tflite_preprocess,\n"
                  "                      layers=[f'features.{i}' for i in range(19)])\n"
                  'mark("layer_maps", ex, ex.channel_slider)',
    "cam": "ex = CamExplorer(net, pets, prepare=tflite_preprocess,\n"
           "                 layers=['features.13', 'features.18'], classifier='classifier.1',\n"
           "                 class_names=imagenet_labels())\n"
           'mark("cam", ex, ex.opacity)',
    "epsilon": "imagenet = nn.Sequential(Normalize([128 / 255] * 3, [128 / 255] * 3), "
               "net).eval()\n"
               "x = pets[0].float() / 255\n"
               "with torch.no_grad():\n"
               "    label = int(imagenet(x[None]).argmax())\n"
               "ex = EpsilonExplorer(imagenet, x, label, imagenet_labels())\n"
               'mark("epsilon", ex, ex.slider)',
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
  // The picture's container is a Stack (a step puts a new <img> in it) or, on the kernel path,
  // the one <img> (a step changes its src). Either way: the new picture's load, then a frame.
  const box = document.querySelector(`.bench-${name}-image`);
  const current = () => (box.tagName === 'IMG' ? box : box.querySelector('img'));
  window.__wire.length = 0;
  window.__step = new Promise((resolve, reject) => {
    const old = current(), oldSrc = old && old.src;
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
      const img = current();
      if (!img || (img === old && img.src === oldSrc)) return;
      observer.disconnect();
      if (img !== old && img.complete && img.naturalWidth) loaded();
      else img.addEventListener('load', loaded, {once: true});
    });
    observer.observe(box, {attributes: true, attributeFilter: ['src'], childList: true,
                           subtree: true});
  });
}"""
KEYDOWN = ("() => document.addEventListener('keydown', () => { window.__keydown = "
           "performance.now(); }, true)")


def notebook(names: list[str], setup: str = "") -> dict:
    """A notebook of the named explorers' cells (``setup`` first), as a dict."""
    cells = [SETUP + setup] + [f"{EXPLORERS[n]}\nex" for n in names]
    return {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                       "source": s} for s in cells],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def move(page, name: str, steps: int, warmup: int = 3) -> list[dict]:
    """Press arrow keys on ``name``'s slider; return per step the milliseconds from keydown to
    the first websocket send (``send``), the image's reply frame (``reply``), the image's
    ``load`` event (``load``) and the next animation frame (``frame``).
    """
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
    """The 90th percentile of ``values``."""
    return statistics.quantiles(values, n=10)[-1]


def kernel_side(steps: int) -> list[str]:
    """The lines ``benchmarks/slider_latency.py`` prints, run now."""
    run = subprocess.run([sys.executable, str(HERE / "slider_latency.py"), "--steps", str(steps)],
                         capture_output=True, text=True, timeout=900)
    if run.returncode:
        raise RuntimeError(run.stderr[-2000:])
    return [f"slider_latency.{line}" for line in run.stdout.splitlines() if ": " in line]


KERNEL_PATH = """
import ipywidgets
del ipywidgets.Stack  # as ipywidgets 7 (Colab): every explorer takes the kernel path
LOG = Path("kernel_steps_kernel_path.jsonl")
"""


def run(context, url: str, work: Path, names: list[str], steps: int, stem: str,
        setup: str = "") -> tuple[dict, list[dict]]:
    """Build the explorers in notebook ``stem`` and move each; returns the page's step timings
    per explorer and the kernel's log (steps and frame builds).
    """
    (work / f"{stem}.ipynb").write_text(json.dumps(notebook(names, setup)))
    page = open_and_run(context, url, f"{stem}.ipynb", width=1500, height=1000)
    page.evaluate(KEYDOWN)
    measured = {name: move(page, name, steps) for name in names}
    page.screenshot(path=str(ARTIFACTS / f"{stem}.png"))
    page.close()
    time.sleep(0.5)
    log = "kernel_steps_kernel_path.jsonl" if setup == KERNEL_PATH else "kernel_steps.jsonl"
    return measured, [json.loads(line) for line in (work / log).read_text().splitlines()]


def figures(name: str, browser: list[dict], kernel: list[dict], steps: int, prefix: str,
            split: bool) -> list[str]:
    """The printed lines of one explorer on one path."""
    stepped = [k for k in kernel if k["name"] == name and "ms" in k][-steps:]
    load = [t["load"] for t in browser]
    median = {key: statistics.median(t[key] for t in browser)
              for key in ("send", "reply", "load", "frame")}
    lines = [f"{prefix}browser_slider_ms_median: {median['load']:.1f}",
             f"{prefix}browser_slider_ms_p90: {p90(load):.1f}",
             f"{prefix}kernel_update_ms_median: "
             f"{statistics.median(k['ms'] for k in stepped) if stepped else float('nan'):.2f}"]
    built = [k for k in kernel if k["name"] == name and "build_ms" in k]
    if built and not split:
        lines += [f"{prefix}frames_build_ms: {built[-1]['build_ms']:.1f}",
                  f"{prefix}frames: {built[-1]['frames']}",
                  f"{prefix}frames_kb: {built[-1]['bytes'] / 1024:.0f}"]
    if split:  # where the time of a round trip goes
        lines += [f"{prefix}keydown_to_send_ms_median: {median['send']:.1f}",
                  f"{prefix}send_to_image_reply_ms_median: {median['reply'] - median['send']:.1f}",
                  f"{prefix}reply_to_load_ms_median: {median['load'] - median['reply']:.1f}",
                  f"{prefix}load_to_next_frame_ms_median: {median['frame'] - median['load']:.1f}",
                  f"{prefix}update_ms: {built[-1]['build_ms']:.1f}" if built else "",
                  f"{prefix}png_kb: "
                  f"{statistics.median(k['bytes'] for k in stepped) / 1024 if stepped else 0:.1f}"]
    return [line for line in lines if line]


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--only", default=",".join(EXPLORERS))
    parser.add_argument("--kernel-path", action="store_true",
                        help="also measure the kernel path (no ipywidgets.Stack) as the baseline")
    parser.add_argument("--compress-level", type=int, default=None,
                        help="zlib level of the stacked frames (default: the course's)")
    parser.add_argument("--no-kernel-side", action="store_true")
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        sys.exit(reason)
    names = args.only.split(",")
    print(f"load_average_1min_before: {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="browser-latency-") as scratch:
        work = Path(scratch) / "work"
        work.mkdir()
        with jupyter_lab(work, Path(scratch)) as url, chromium() as context:
            context.add_init_script(WIRE)
            level = "" if args.compress_level is None else (
                "import course_utils.explorers.frames\n"
                f"course_utils.explorers.frames.STACKED_COMPRESS_LEVEL = {args.compress_level}\n")
            frames = run(context, url, work, names, args.steps, "browser_latency", level)
            baseline = (run(context, url, work, names, args.steps, "browser_latency_kernel_path",
                            KERNEL_PATH) if args.kernel_path else None)
    lines = []
    for name in names:
        lines += figures(name, frames[0][name], frames[1], args.steps, f"{name}.", split=False)
        if baseline:
            lines += figures(name, baseline[0][name], baseline[1], args.steps,
                             f"{name}.kernel_path.", split=True)
            ratio = (statistics.median(t["load"] for t in baseline[0][name])
                     / statistics.median(t["load"] for t in frames[0][name]))
            lines.append(f"{name}.kernel_path_over_frames_ratio: {ratio:.2f}")
    print("\n".join(lines), flush=True)
    if not args.no_kernel_side:
        print("\n".join(kernel_side(args.steps)))
    print(f"load_average_1min_after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
