// The browser side of course_utils/explorers/frame_view.py (an anywidget ES module).
//
// It holds one <img> (or one readout <div>) per setting of an explorer's main slider, all in the
// page and decoded, and shows the one for the slider's setting as soon as the slider's model
// changes in the browser: no message to the kernel and back. The frames are ipywidgets Image or
// HTML models (their PNGs travel as binary buffers); the slider is the explorer's own ipywidgets
// slider, found through the widget manager. Frames the kernel has not rendered yet for the
// current settings are listed in `pending`: one of them is shown dimmed under "updating…" until
// it arrives, never as if it were up to date.

const PREFIX = "IPY_MODEL_";

async function modelOf(manager, ref) {
  if (ref && typeof ref === "object") return ref; // a manager that deserialized the reference
  if (typeof ref !== "string" || !ref.startsWith(PREFIX)) return undefined;
  return await manager.get_model(ref.slice(PREFIX.length)); // a Promise in ipywidgets 7 and 8
}

function bytesOf(value) {
  if (!value) return null;
  if (value instanceof DataView || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return value.byteLength > 0 ? value : null;
  }
  return null;
}

// ipywidgets draws a slider's description as a <label> not tied to its handle, so a screen reader
// announces an unnamed slider: name the handles of the slider's views after its description.
async function labelSlider(slider) {
  const views = await Promise.all(Object.values(slider.views || {}));
  for (const view of views) {
    for (const handle of view.el.querySelectorAll('[role="slider"]')) {
      if (!handle.hasAttribute("aria-label")) {
        handle.setAttribute("aria-label", slider.get("description") || "frame");
      }
    }
  }
}

function render({ model, el }) {
  const manager = model.widget_manager;
  const context = {}; // our listeners on other models, removed together on cleanup
  const root = document.createElement("div");
  root.className = "course-frame-view";
  root.dataset.path = "browser";
  root.title = "Frames switched in the browser: the slider does not wait for the kernel.";
  const note = document.createElement("div");
  note.className = "course-frame-note";
  note.textContent = "updating…";
  note.hidden = true;
  el.appendChild(root);
  let nodes = []; // one element per frame, in slider order
  let frameModels = [];
  let slider = null;
  let shown = -1;

  const classes = () => model.get("classes") || [];
  const isText = () => model.get("kind") === "text";

  function current() {
    if (!slider) return 0;
    const key = model.get("key");
    const value = Number(slider.get(key));
    return Number.isFinite(value) ? value : 0;
  }

  function show() {
    const wanted = current();
    const pending = new Set(model.get("pending") || []);
    const ready = nodes[wanted] && nodes[wanted].dataset.filled === "1";
    const next = ready || shown < 0 || !nodes[shown] ? wanted : shown;
    nodes.forEach((node, i) => { node.hidden = i !== next; });
    shown = next;
    const stale = pending.has(wanted) || next !== wanted;
    root.classList.toggle("course-frame-stale", stale);
    note.hidden = !stale;
    root.dataset.index = String(wanted);
    root.dataset.pending = String(pending.size);
  }

  function fill(i) {
    const node = nodes[i];
    const frame = frameModels[i];
    if (!node || !frame) return;
    if (isText()) {
      node.innerHTML = frame.get("value") || "";
      node.dataset.filled = "1";
      return;
    }
    const bytes = bytesOf(frame.get("value"));
    if (!bytes) {
      node.dataset.filled = "0";
      return;
    }
    const old = node.dataset.url;
    const url = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
    node.dataset.url = url;
    const width = frame.get("width");
    if (width) node.setAttribute("width", width);
    node.src = url;
    node.dataset.filled = "1";
    // Decode now, while hidden, so showing it later costs one paint.
    node.decode().catch(() => {}).finally(() => { if (old) URL.revokeObjectURL(old); });
  }

  let builds = 0;
  async function build() {
    const token = ++builds;
    const refs = model.get("frames") || [];
    const models = await Promise.all(refs.map((ref) => modelOf(manager, ref)));
    if (token !== builds) return; // a newer list of frames arrived meanwhile
    frameModels.forEach((m) => m && m.off(null, null, context));
    frameModels = models;
    nodes.forEach((node) => node.dataset.url && URL.revokeObjectURL(node.dataset.url));
    root.replaceChildren();
    nodes = models.map((frame, i) => {
      const node = document.createElement(isText() ? "div" : "img");
      node.classList.add(...classes());
      node.hidden = true;
      root.appendChild(node);
      if (frame) frame.on("change", () => { fill(i); show(); }, context);
      return node;
    });
    root.appendChild(note);
    shown = -1;
    nodes.forEach((_, i) => fill(i));
    show();
  }

  async function follow() {
    if (slider) slider.off(null, null, context);
    slider = (await modelOf(manager, model.get("slider"))) || null;
    if (slider) slider.on(`change:${model.get("key")}`, show, context);
    show();
    if (slider) await labelSlider(slider);
  }

  model.on("change:frames", build);
  model.on("change:pending", show);
  model.on("change:slider", follow);
  Promise.all([follow(), build()]).then(() => {
    root.dataset.ready = "1";
    model.send({ type: "ready" });
  });
  return () => {
    if (slider) slider.off(null, null, context);
    frameModels.forEach((m) => m && m.off(null, null, context));
    nodes.forEach((node) => node.dataset.url && URL.revokeObjectURL(node.dataset.url));
  };
}

export default { render };
