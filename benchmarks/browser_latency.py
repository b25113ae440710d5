"""Milliseconds from a change on an explorer to its new picture on screen, in a real browser.

JupyterLab (on 127.0.0.1) runs a small notebook that builds every explorer of the course as the
lessons do (notebooks 02, 03, 09 and 12), in headless Debian Chromium. For each explorer:

- its **main slider**: the handle gets the focus and the arrow keys move it ``--steps`` times
  (bouncing between its ends, each press once the previous picture is on screen);
- every **other control** (menus, sliders, buttons, a kernel weight) is changed
  ``--control-steps`` times (the next option, the next position, another button, another
  number), each once the previous picture is on screen and every frame has arrived.

A step is timed in the page, from the first ``keydown``/``mousedown``/``change`` event to the first
animation frame after the new picture is shown, loaded and no longer marked as updating. Two paths
run in the same server and browser, one notebook each:

- the **browser path** (the course's: ``explorers.frame_view.FrameView`` switches the frames in
  the page): ``NAME.browser_slider_ms_median`` / ``_p90`` and
  ``NAME.CONTROL.browser_change_ms_median`` / ``_p90``;
- the **kernel path** as the baseline (where the frame viewer does not load: one ``Image`` that the
  kernel redraws at each step; forced here with ``frames.MAX_FRAMES = 0``):
  ``NAME.kernel.browser_slider_ms_median`` / ``_p90``, ``NAME.CONTROL.kernel.browser_change_ms_*``,
  where a slider step's time goes (``keydown_to_send``, ``send_to_image_reply``,
  ``reply_to_load``, ``load_to_next_frame``, ``png_kb``), and
  ``NAME.kernel_over_browser_ratio`` (main slider medians).

Also ``NAME.kernel_update_ms_median`` (the kernel's handling of a main-slider message: about 0 on
the browser path), the kernel-side figures of ``benchmarks/slider_latency.py`` unless
``--no-kernel-side``, and the load average before and after (read the figures beside it).

``--compress-level N`` encodes the frames at zlib level N instead of the course's
(:data:`course_utils.explorers.frames.STACKED_COMPRESS_LEVEL`).

    python benchmarks/browser_latency.py [--steps 30] [--control-steps 10] [--only kernel,cam]
                                         [--no-baseline] [--compress-level N] [--no-kernel-side]
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

SETUP = """\
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


def mark(name, explorer, slider, **controls):
    \"\"\"CSS classes the benchmark finds; a timer around the main slider's messages.\"\"\"
    explorer.widget.add_class(f"bench-{name}")
    slider.add_class(f"bench-{name}-slider")
    explorer.frames.view.add_class(f"bench-{name}-image")
    for control, widget in controls.items():
        widget.add_class(f"bench-{name}-control-{control}")
    with LOG.open("a") as log:
        log.write(json.dumps({"name": name, "controls": list(controls)}) + "\\n")
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
"""

EXPLORERS = {
    "kernel": 'ex = KernelExplorer(photo[:, ::2, ::2], "sobel_x", zoom=2)\n'
              'mark("kernel", ex, ex.stride_slider, weight=ex.weights_box, preset=ex.preset,\n'
              '     size=ex.size_slider, padding=ex.padding_slider, dilation=ex.dilation_slider)',
    "conv_step": 'digit = load_dataset("mnist", "train").images[0, 0]\n'
                 'x_small = (digit[12:20, 5:13].float() / 255 * 9).round()\n'
                 'ex = ConvStepExplorer(x_small, kernel_preset("sobel_x", 3), stride=1, '
                 'padding=1)\n'
                 'mark("conv_step", ex, ex.position)',
    "pooling": 'ex = PoolingExplorer(photo[:, ::2, ::2], kernel_size=2, stride=2, zoom=2)\n'
               'mark("pooling", ex, ex.stride_slider, size=ex.size_slider)',
    "feature_maps": 'torch.manual_seed(0)\n'
                    'cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), '
                    'nn.MaxPool2d(2),\n'
                    '                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU()).eval()\n'
                    'ex = FeatureMapExplorer(cnn, digits, layer="0", n_maps=8, zoom=4)\n'
                    'mark("feature_maps", ex, ex.image_slider, layer=ex.layer_menu,\n'
                    '     channels=ex.channel_slider)',
    "layer_maps": "ex = LayerMapExplorer(net, pets, prepare=tflite_preprocess,\n"
                  "                      layers=[f'features.{i}' for i in range(19)])\n"
                  'mark("layer_maps", ex, ex.channel_slider, layer=ex.layer_slider,\n'
                  '     image=ex.picker)',
    "cam": "ex = CamExplorer(net, pets, prepare=tflite_preprocess,\n"
           "                 layers=['features.13', 'features.18'], classifier='classifier.1',\n"
           "                 class_names=imagenet_labels())\n"
           'mark("cam", ex, ex.opacity, target=ex.class_menu, layer=ex.layer_slider,\n'
           '     image=ex.picker, method=ex.method)',
    "epsilon": "imagenet = nn.Sequential(Normalize([128 / 255] * 3, [128 / 255] * 3), "
               "net).eval()\n"
               "x = pets[0].float() / 255\n"
               "with torch.no_grad():\n"
               "    label = int(imagenet(x[None]).argmax())\n"
               "ex = EpsilonExplorer(imagenet, x, label, imagenet_labels())\n"
               'mark("epsilon", ex, ex.slider)',
}
"""Each explorer's cell: built as its lesson does, its main slider and its other controls
marked (``mark(name, explorer, slider, CONTROL=widget, ...)``, in the order they are timed)."""

KERNEL_PATH = """
import course_utils.explorers.frames
course_utils.explorers.frames.MAX_FRAMES = 0  # no frame viewer: the kernel draws every step
LOG = Path("kernel_steps_kernel_path.jsonl")
"""

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
  // A step starts with the first key, click or change event after the benchmark armed it
  // (typing into a box starts with its Enter key: the kernel hears of it then).
  const start = () => { if (window.__t0 === null) window.__t0 = performance.now(); };
  for (const type of ['keydown', 'change', 'mousedown']) {
    document.addEventListener(type, start, true);
  }
})();"""
SHOWN = """(box) => {
  // The picture on screen: the frame viewer's visible <img> (browser path) or the one <img>
  // (kernel path); null while the viewer marks it as updating.
  if (box.tagName === 'IMG') return box;
  const view = box.querySelector('.course-frame-view');
  if (!view) return box.querySelector('img');
  if (view.classList.contains('course-frame-stale')) return null;
  return view.querySelector(':scope > img:not([hidden])');
}"""
ARM = """(name) => {
  // Resolve with the step's times once another picture is on screen: loaded, then a frame.
  const shown = %s;
  const box = document.querySelector(`.bench-${name}-image`);
  const old = shown(box), oldSrc = old && old.src;
  window.__wire.length = 0;
  window.__t0 = null;
  window.__step = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no new picture for ${name} in 10 s`)),
                             10000);
    const painted = () => {
      const load = performance.now();
      requestAnimationFrame(() => {
        clearTimeout(timer);
        const t0 = window.__t0, wire = window.__wire.filter(w => w[1] >= t0);
        const send = wire.find(w => w[0] === 'send');
        const image = wire.filter(w => w[0] === 'recv').reduce((a, b) => (b[2] > a[2] ? b : a),
                                                              ['recv', load, 0]);
        resolve({load: load - t0, frame: performance.now() - t0,
                 send: send ? send[1] - t0 : NaN, reply: image[1] - t0});
      });
    };
    const observer = new MutationObserver(() => {
      const img = shown(box);
      if (!img || (img === old && img.src === oldSrc) || window.__t0 === null) return;
      observer.disconnect();
      if (img.complete && img.naturalWidth) painted();
      else img.addEventListener('load', painted, {once: true});
    });
    observer.observe(box, {attributes: true, attributeFilter: ['src', 'hidden', 'class'],
                           childList: true, subtree: true});
  });
}""" % SHOWN
SETTLED = """(name) => [...document.querySelectorAll(`.bench-${name} .course-frame-view`)]
  .every(v => v.dataset.ready === '1' && v.dataset.pending === '0')"""


def notebook(names: list[str], setup: str = "") -> dict:
    """A notebook of the named explorers' cells (``setup`` first), as a dict."""
    cells = [SETUP + setup] + [f"{EXPLORERS[n]}\nex" for n in names]
    return {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                       "source": s} for s in cells],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def settle(page, name: str) -> None:
    """Wait until every frame of ``name`` is in the page (browser path; at once otherwise)."""
    page.wait_for_function(SETTLED, arg=name, timeout=30_000, polling=20)


def slider_key(handle) -> str:
    """The arrow key that moves a noUiSlider handle, bouncing between its ends."""
    now, high = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
    return "ArrowLeft" if now >= high else "ArrowRight"


def change(page, control) -> None:
    """Change one control as a learner would: the next slider position or menu option, another
    toggle button, another number in a text box.
    """
    handle = control.locator(".noUi-handle")
    if handle.count():
        handle.first.focus()
        page.keyboard.press(slider_key(handle.first))
        return
    select = control.locator("select")
    if select.count():
        options = select.first.locator("option").all_inner_texts()
        current = select.first.evaluate("s => s.selectedIndex")
        following = (current + 1) % len(options)
        if options[following] == "custom":  # the kernel as it is: nothing to redraw
            following = (following + 1) % len(options)
        select.first.select_option(index=following)
        return
    buttons = control.locator("button:not(.mod-active)")
    if buttons.count():
        buttons.first.click()
        return
    box = control.locator("input").first
    value = float(box.input_value() or 0)
    box.fill(str(value + 1 if value < 2 else value - 3))
    box.press("Enter")


def timed(page, name: str, act, steps: int, warmup: int) -> list[dict]:
    """Run ``act()`` ``warmup + steps`` times, each once the picture has settled; return the
    timings of the last ``steps`` (failed steps as NaN).
    """
    times = []
    for step in range(warmup + steps):
        settle(page, name)
        page.evaluate(ARM, name)
        act()
        try:
            timing = page.evaluate("() => window.__step")
        except Exception as error:  # a step that showed nothing new: say so, go on
            print(f"# {name}: {str(error).splitlines()[0]}", file=sys.stderr)
            timing = dict.fromkeys(("load", "frame", "send", "reply"), float("nan"))
        if step >= warmup:
            times.append(timing)
        page.wait_for_timeout(60)  # a learner's next change comes later than this
    return times


def measure(page, name: str, controls: list[str], steps: int, control_steps: int) -> dict:
    """The main slider's steps and each other control's, for one explorer."""
    handle = page.locator(f".bench-{name}-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()

    def slide() -> None:
        handle.focus()
        page.keyboard.press(slider_key(handle))

    result = {"slider": timed(page, name, slide, steps, warmup=3)}
    for control in controls:
        widget = page.locator(f".bench-{name}-control-{control}").first
        result[control] = timed(page, name, lambda w=widget: change(page, w), control_steps,
                                warmup=1)
    return result


def run(context, url: str, work: Path, names: list[str], steps: int, control_steps: int,
        stem: str, setup: str = "") -> tuple[dict, list[dict]]:
    """Build the explorers in notebook ``stem`` and time them; returns the page's timings per
    explorer and the kernel's log.
    """
    (work / f"{stem}.ipynb").write_text(json.dumps(notebook(names, setup)))
    page = open_and_run(context, url, f"{stem}.ipynb", width=1500, height=1000)
    log_name = "kernel_steps_kernel_path.jsonl" if setup == KERNEL_PATH else "kernel_steps.jsonl"
    log = [json.loads(line) for line in (work / log_name).read_text().splitlines()]
    controls = {k["name"]: k["controls"] for k in log if "controls" in k}
    measured = {name: measure(page, name, controls[name], steps, control_steps)
                for name in names}
    page.screenshot(path=str(ARTIFACTS / f"{stem}.png"))
    page.close()
    time.sleep(0.5)
    return measured, [json.loads(line) for line in (work / log_name).read_text().splitlines()]


def p90(values: list[float]) -> float:
    """The 90th percentile of ``values`` (NaN with fewer than 2)."""
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else float("nan")


def median(values) -> float:
    """The median of ``values`` (NaN when empty)."""
    values = list(values)
    return statistics.median(values) if values else float("nan")


def figures(name: str, measured: dict, kernel: list[dict], steps: int, path: str) -> list[str]:
    """The printed lines of one explorer on one path (``path``: "" or "kernel.")."""
    slider = [t for t in measured["slider"] if t["frame"] == t["frame"]]
    frame = [t["frame"] for t in slider]
    stepped = [k for k in kernel if k["name"] == name and "ms" in k][-steps:]
    lines = [f"{name}.{path}browser_slider_ms_median: {median(frame):.1f}",
             f"{name}.{path}browser_slider_ms_p90: {p90(frame):.1f}",
             f"{name}.{path}browser_slider_failed_steps: {len(measured['slider']) - len(slider)}",
             f"{name}.{path}kernel_update_ms_median: {median(k['ms'] for k in stepped):.2f}"]
    if path:  # where the time of a round trip goes
        part = {key: median(t[key] for t in slider) for key in ("send", "reply", "load")}
        lines += [f"{name}.{path}keydown_to_send_ms_median: {part['send']:.1f}",
                  f"{name}.{path}send_to_image_reply_ms_median: "
                  f"{part['reply'] - part['send']:.1f}",
                  f"{name}.{path}reply_to_load_ms_median: {part['load'] - part['reply']:.1f}",
                  f"{name}.{path}load_to_next_frame_ms_median: "
                  f"{median(frame) - part['load']:.1f}",
                  f"{name}.{path}png_kb: {median(k['bytes'] for k in stepped) / 1024:.1f}"]
    for control, times in measured.items():
        if control == "slider":
            continue
        done = [t["frame"] for t in times if t["frame"] == t["frame"]]
        lines += [f"{name}.{control}.{path}browser_change_ms_median: {median(done):.1f}",
                  f"{name}.{control}.{path}browser_change_ms_p90: {p90(done):.1f}",
                  f"{name}.{control}.{path}browser_change_failed_steps: "
                  f"{len(times) - len(done)}"]
    return lines


def kernel_side(steps: int) -> list[str]:
    """The lines ``benchmarks/slider_latency.py`` prints, run now."""
    run_ = subprocess.run([sys.executable, str(HERE / "slider_latency.py"), "--steps", str(steps)],
                          capture_output=True, text=True, timeout=900)
    if run_.returncode:
        raise RuntimeError(run_.stderr[-2000:])
    return [f"slider_latency.{line}" for line in run_.stdout.splitlines() if ": " in line]


def main() -> None:
    """Run the benchmark; print one ``name: value`` line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--control-steps", type=int, default=10)
    parser.add_argument("--only", default=",".join(EXPLORERS))
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the kernel path (the baseline)")
    parser.add_argument("--compress-level", type=int, default=None,
                        help="zlib level of the frames (default: the course's)")
    parser.add_argument("--no-kernel-side", action="store_true")
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        sys.exit(reason)
    names = args.only.split(",")
    unknown = sorted(set(names) - set(EXPLORERS))
    if unknown:
        sys.exit(f"--only: unknown explorers {unknown}; choose among {sorted(EXPLORERS)}")
    print(f"load_average_1min_before: {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="browser-latency-") as scratch:
        work = Path(scratch) / "work"
        work.mkdir()
        with jupyter_lab(work, Path(scratch)) as url, chromium() as context:
            context.add_init_script(WIRE)
            level = "" if args.compress_level is None else (
                "import course_utils.explorers.frames\n"
                f"course_utils.explorers.frames.STACKED_COMPRESS_LEVEL = {args.compress_level}\n")
            browser = run(context, url, work, names, args.steps, args.control_steps,
                          "browser_latency", level)
            baseline = None if args.no_baseline else run(
                context, url, work, names, args.steps, args.control_steps,
                "browser_latency_kernel_path", KERNEL_PATH)
    lines = []
    for name in names:
        lines += figures(name, browser[0][name], browser[1], args.steps, "")
        if baseline:
            lines += figures(name, baseline[0][name], baseline[1], args.steps, "kernel.")
            ratio = (median(t["frame"] for t in baseline[0][name]["slider"])
                     / median(t["frame"] for t in browser[0][name]["slider"]))
            lines.append(f"{name}.kernel_over_browser_ratio: {ratio:.2f}")
    print("\n".join(lines), flush=True)
    if not args.no_kernel_side:
        print("\n".join(kernel_side(args.steps)))
    print(f"load_average_1min_after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
