"""The README's first command, `python course.py lab`, serves notebooks/ on 127.0.0.1."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_course_lab_serves_the_notebooks(tmp_path):
    port = free_port()
    env = {**os.environ, "COURSE_PORT": str(port), "COURSE_NO_BROWSER": "1",
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        lab = subprocess.Popen([sys.executable, str(ROOT / "course.py"), "lab"], stdout=out,
                               stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        url = None
        for _ in range(240):
            found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", log.read_text())
            if found:
                url, token = found.group(0), found.group(1)
                break
            assert lab.poll() is None, f"python course.py lab exited early:\n{log.read_text()}"
            time.sleep(0.5)
        assert url, f"JupyterLab never printed its address:\n{log.read_text()}"
        listing = urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=30).read().decode()
        for notebook in ("00_setup.ipynb", "01_images_as_tensors.ipynb"):
            assert f'"name": "{notebook}"' in listing or f'"name":"{notebook}"' in listing
        page = urllib.request.urlopen(url, timeout=30).read().decode()
        assert "JupyterLab" in page
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)
