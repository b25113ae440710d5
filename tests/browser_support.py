"""Driving JupyterLab and pages in headless Debian Chromium (``playwright``, never ``playwright
install``).

Shared by ``tests/test_browser.py``, ``tests/test_slides.py`` and
``benchmarks/browser_latency.py``:

- :func:`jupyter_lab`: a JupyterLab server on 127.0.0.1 (free port, no token, temporary Jupyter
  config/data/runtime dirs with news, update checks and autosave off) serving a work folder;
- :func:`chromium`: the browser, with every request that leaves 127.0.0.1 (or ``file:``) recorded;
- :func:`open_and_run`: open a notebook, wait for its kernel, Restart Kernel and Run All Cells,
  wait until every cell has run.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("COURSE_CHROMIUM") or "/usr/bin/chromium"
"""The browser: what `python course.py test` found (Chromium, Chrome or Edge), else Debian's."""
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-quic", "--no-first-run",
                  "--disable-sync"]
RUN_ALL_TIMEOUT_MS = 240_000
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
"""The notebook on show (other tabs stay in the page, hidden)."""
IDLE = f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']"


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return (f"{CHROMIUM} is missing: the browser tests need Chromium, Chrome or Edge. Install "
                "one (Debian: `apt-get install -y chromium`, which `python course.py test` does "
                "when run as root) or set COURSE_CHROMIUM to its path.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("the playwright Python package is missing: pip install playwright (the system "
                "Chromium is used; do not run `playwright install`).")
    return None


def need_browser() -> None:
    """Skip the calling test when no browser is here, with the reason; in CI (``CI`` set), fail."""
    import pytest

    reason = missing_browser()
    if reason and os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests)")
    if reason:
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(config_dir: Path) -> None:
    """User settings: no news toast, no update check, no autosave (it would rewrite the file)."""
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    files = {
        "apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
        "docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    }
    for name, content in files.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


@contextmanager
def jupyter_lab(work: Path, scratch: Path) -> Iterator[str]:
    """Serve ``work`` with JupyterLab (its settings in ``scratch``); yields the base URL."""
    env = dict(os.environ)
    for name in ("config", "data", "runtime"):
        (scratch / name).mkdir(parents=True, exist_ok=True)
        env[f"JUPYTER_{name.upper()}_DIR"] = str(scratch / name)
    env.pop("JUPYTER_PATH", None)
    write_settings(scratch / "config")
    port = free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip", "127.0.0.1",
               "--port", str(port), "--ServerApp.token=", "--ServerApp.password=",
               "--ServerApp.port_retries=0", f"--ServerApp.root_dir={work}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = scratch / "jupyter.log"
    log = open(log_path, "wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = log_path.read_text()[-3000:]
                    raise RuntimeError("JupyterLab did not start:\n" + tail) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def is_local(url: str) -> bool:
    """True for addresses that stay on this machine (127.0.0.1, localhost, file:, data:)."""
    parsed = urlparse(url)
    return parsed.scheme in ("file", "data", "blob", "about") or parsed.hostname in (
        "127.0.0.1", "localhost", "::1")


@contextmanager
def chromium(outside: list[str] | None = None):
    """Headless Chromium; every request to a non-local address is refused and appended to
    ``outside``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            def guard(route):
                if is_local(route.request.url):
                    route.continue_()
                else:
                    if outside is not None:
                        outside.append(route.request.url)
                    route.abort()

            context = browser.new_context()
            context.route("**/*", guard)
            yield context
        finally:
            browser.close()


def restart_and_run_all(page, attempts: int = 3) -> None:
    """Kernel > Restart Kernel and Run All Cells, accept the dialog, and see cells start.

    A click that lands while JupyterLab is still connecting the kernel can be lost; then the
    prompts stay ``[ ]`` and the menu is used again.
    """
    started = (f"() => [...document.querySelectorAll(\"{PANEL} .jp-InputArea-prompt\")]"
               ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))")
    for _ in range(attempts):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Kernel$")).click()
        page.locator(".lm-Menu-itemLabel",
                     has_text=re.compile(r"^Restart Kernel and Run All Cells")).click()
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        accept.wait_for(timeout=15_000)
        accept.click()
        try:
            page.wait_for_function(started, timeout=20_000)
            return
        except Exception:  # playwright's TimeoutError: try the menu again
            page.keyboard.press("Escape")
    page.screenshot(path=str(ARTIFACTS / "browser_failure.png"))
    raise AssertionError(f"Restart Kernel and Run All Cells did not start any cell in {attempts} "
                         "tries; see test-artifacts/browser_failure.png")


def open_and_run(context, url: str, notebook: str, width: int = 1280, height: int = 800):
    """Open ``notebook`` in a new page, restart its kernel, run all cells and wait for the end.

    Returns the page. Fails with a screenshot in ``test-artifacts/`` when a cell raised.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    # A workspace of its own, reset: no tab of an earlier page is restored beside it.
    page.goto(f"{url}/lab/workspaces/{Path(notebook).stem}/tree/{notebook}?reset")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle")).first.wait_for(
        timeout=60_000)
    restart_and_run_all(page)
    done = (f"() => {{ const p = [...document.querySelectorAll(\"{PANEL} .jp-CodeCell "
            ".jp-InputArea-prompt\")]; return p.length > 0 && "
            "p.every(x => /\\[\\d+\\]/.test(x.textContent)); }")
    stem = Path(notebook).stem
    try:
        page.wait_for_function(done, timeout=RUN_ALL_TIMEOUT_MS, polling=500)
        page.wait_for_selector(IDLE, timeout=RUN_ALL_TIMEOUT_MS)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / f"browser_failure_{stem}.png"))
        raise
    error = page.locator(f"{PANEL} [data-mime-type='application/vnd.jupyter.error']")
    if error.count():
        page.screenshot(path=str(ARTIFACTS / f"browser_failure_{stem}.png"))
        shown = error.first.inner_text()[:2000]
        raise AssertionError(f"{notebook} raised in the browser: {shown}")
    return page
