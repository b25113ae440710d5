"""What ``python course.py COMMAND`` does, with the standard library only, on every system.

Setting up means one virtual environment outside the checkout, in the system's cache folder and
named by a hash of what it is built from (``pyproject.toml``, ``constraints.txt``, the Python),
so a second run reuses it in seconds and a change of dependencies builds a fresh one. A file
lock lets one launcher build while a second one waits; an environment whose build did not finish
(no ``.ready`` marker) is removed and built again.

By default the environment gets the versions listed in ``constraints.txt``, the ones the test
suite passed with, so every learner of a workshop has the same ones. ``COURSE_LATEST=1`` takes
the newest versions that ``pyproject.toml`` admits instead. A torch that the launching Python
already has (for example PyTorch's small CPU-only build) is kept, not replaced.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

# The pin parsing of the package's version check (a module of the standard library only).
from course_utils.versions import normalise, read_pins

ROOT = Path(__file__).resolve().parent
RECIPE = 3
"""Bump to build fresh environments when the install steps below change."""
EXTRAS = "all,lab,test"
CONSTRAINTS = ROOT / "constraints.txt"
OLDEST = ROOT / "constraints-oldest.txt"
"""The oldest versions tested: Colab's ipywidgets 7.7.1 and the floors of numpy, matplotlib and
scikit-learn; ``python course.py test`` runs the Colab-like stage with them."""
TORCH_FAMILY = ("torch", "torchvision", "triton")
"""Kept from the launching Python when it has torch; ``nvidia-*`` packages go with them."""
COLAB_LIKE_TESTS = ["tests/test_colab_like.py", "notebooks/00_setup.ipynb",
                    "notebooks/02_convolution.ipynb", "notebooks/09_looking_inside_cnns.ipynb"]
PYTEST_OPTIONS = ["--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600",
                  "-p", "no:cacheprovider"]
LAB_SETTINGS = ('{"@jupyterlab/apputils-extension:notification": '
                '{"fetchNews": "false", "checkForUpdates": false}}\n')
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                  "chrome", "msedge")
CHROMIUM_PATHS = {
    "darwin": ["/Applications/Chromium.app/Contents/MacOS/Chromium",
               "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"],
    "win32": [r"C:\Program Files\Google\Chrome\Application\chrome.exe",
              r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"],
}


def log(message: str) -> None:
    """Print one line of the launcher's own output (to stderr, so stdout stays clean)."""
    print(f"[course] {message}", file=sys.stderr, flush=True)


class LauncherError(Exception):
    """A problem the learner can fix; its message says how."""


# --- where things go, per system ---

def cache_base(system: str | None = None, env: dict | None = None,
               home: Path | None = None) -> Path:
    r"""The folder for the course's environments on this system.

    Windows: ``%LOCALAPPDATA%\\cnn-course``; macOS: ``~/Library/Caches/cnn-course``; elsewhere
    ``$XDG_CACHE_HOME/cnn-course`` (default ``~/.cache/cnn-course``).
    """
    system = system or sys.platform
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    if system == "win32":
        local = env.get("LOCALAPPDATA")
        return (Path(local) if local else home / "AppData" / "Local") / "cnn-course"
    if system == "darwin":
        return home / "Library" / "Caches" / "cnn-course"
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else home / ".cache") / "cnn-course"


def venv_python(venv: Path, system: str | None = None) -> Path:
    r"""The interpreter inside ``venv``: ``Scripts\python.exe`` on Windows, else ``bin/python``."""
    if (system or sys.platform) == "win32":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def read_constraints(path: Path) -> tuple[dict[str, str], str | None]:
    """``({normalised name: version}, recorded Python "3.11" or None)`` of a constraints file."""
    recorded = [line.split()[2] for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("# python ")]
    return read_pins(path), (recorded[0] if recorded else None)


# --- the install plan ---

def kept_torch(python: str = sys.executable) -> str | None:
    """The torch version the launching Python already has (with torchvision), or None."""
    probe = ("import importlib.metadata as m; "
             "print(m.version('torch'), m.version('torchvision'))")
    try:
        found = subprocess.run([python, "-c", probe], capture_output=True, text=True,
                               timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.split()[0] if found.returncode == 0 and found.stdout.strip() else None


def plan(env: dict, python_version: str, torch_version: str | None) -> dict:
    """What to install, from the environment variables and what this Python has.

    Returns ``{"constraints": [lines] or None, "system_site": bool, "torch_index": str or None,
    "why": str}``: pinned to ``constraints.txt`` unless ``COURSE_LATEST=1`` or the file was
    recorded with another Python (its pins may not exist for this one); without the torch family
    when torch is kept; torch and torchvision from ``COURSE_TORCH_INDEX`` first when it is set
    (PyTorch's CPU-only wheels: https://download.pytorch.org/whl/cpu).
    """
    torch_index = None if torch_version else (env.get("COURSE_TORCH_INDEX") or None)
    if not CONSTRAINTS.is_file():
        return {"constraints": None, "system_site": bool(torch_version),
                "torch_index": torch_index,
                "why": "no constraints.txt: the newest versions within pyproject.toml's ranges"}
    lines = CONSTRAINTS.read_text(encoding="utf-8").splitlines()
    _, recorded = read_constraints(CONSTRAINTS)
    if env.get("COURSE_LATEST", "") not in ("", "0"):
        constraints, why = None, "COURSE_LATEST=1: the newest versions within the ranges"
    elif recorded and recorded != python_version:
        constraints = None
        why = (f"constraints.txt was recorded on Python {recorded}, this is {python_version}: "
               "the newest versions within the ranges (not the tested set)")
    else:
        constraints, why = lines, "the tested versions (constraints.txt)"
    if torch_version and constraints is not None:
        constraints = [line for line in constraints if not _torch_family(line)]
    if torch_version:
        why += f"; keeping the torch {torch_version} this Python already has"
    if torch_index:
        why += f"; torch and torchvision from {torch_index}"
    return {"constraints": constraints, "system_site": bool(torch_version),
            "torch_index": torch_index, "why": why}


def _torch_family(line: str) -> bool:
    name = normalise(line.partition("==")[0])
    return name in TORCH_FAMILY or name.startswith("nvidia-")


def environment_key(python_version: str, install: dict) -> str:
    """Twelve hex digits naming an environment by everything it is built from."""
    digest = hashlib.sha256()
    digest.update((ROOT / "pyproject.toml").read_bytes())
    digest.update(f"recipe={RECIPE} python={python_version} {sys.executable}".encode())
    digest.update(f"system_site={install['system_site']} {install['torch_index']}".encode())
    digest.update("\n".join(install["constraints"] or ["latest"]).encode())
    return digest.hexdigest()[:12]


# --- one builder at a time ---

@contextmanager
def file_lock(path: Path, poll: float = 0.5, use_os_lock: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` while the block runs; other holders wait.

    ``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows; where neither exists (or
    ``use_os_lock`` is False), a lock file created exclusively, taken over when the process that
    made it is gone. An OS lock is released by the system if the launcher is killed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if use_os_lock:
        try:
            import fcntl
        except ImportError:
            fcntl = None
        if fcntl is not None:
            with open(path, "a+") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return
        try:
            import msvcrt
        except ImportError:
            msvcrt = None
        if msvcrt is not None:
            with open(path, "a+") as handle:
                while True:
                    try:
                        handle.seek(0)
                        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                        break
                    except OSError:
                        time.sleep(poll)
                try:
                    yield
                finally:
                    handle.seek(0)
                    msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            return
    with _exclusive_file(path.with_suffix(path.suffix + ".pid"), poll):
        yield


@contextmanager
def _exclusive_file(path: Path, poll: float) -> Iterator[None]:
    while True:
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if not _holder_alive(path):
                path.unlink(missing_ok=True)
                continue
            time.sleep(poll)
            continue
        os.write(descriptor, str(os.getpid()).encode())
        os.close(descriptor)
        break
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _holder_alive(path: Path) -> bool:
    try:
        pid = int(path.read_text() or "0")
    except (OSError, ValueError):
        return True  # being written right now
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# --- building the environment ---

def ensure_environment(venv: Path, build: Callable[[Path], None]) -> bool:
    """Make sure ``venv`` is complete, building it with ``build(venv)`` under the lock.

    A folder without the ``.ready`` marker, or whose interpreter is missing, is a build that did
    not finish: it is removed and built again. Returns True when this call built it.
    """
    with file_lock(venv.parent / f"{venv.name}.lock"):
        if (venv / ".ready").is_file() and venv_python(venv).exists():
            return False
        if venv.exists():
            log(f"removing an unfinished environment in {venv}")
            shutil.rmtree(venv)
        build(venv)
        (venv / ".ready").write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))
        return True


def pip(python: Path, *args: str, into: Path | None = None) -> None:
    """``python -m pip install --quiet ARGS``; a failure stops the launcher with pip's message.

    ``into``: install into that interpreter's environment instead (one without a pip of its own).
    """
    target = ["--python", str(into)] if into else []
    command = [str(python), "-m", "pip", *target, "install", "--quiet",
               "--disable-pip-version-check", *args]
    result = subprocess.run(command)
    if result.returncode != 0:
        raise LauncherError(f"pip could not install {' '.join(args)} (exit {result.returncode});"
                            " see its messages above. Check the network, then run again.")


def build_main(venv: Path, install: dict) -> None:
    """Create the course's environment: the course (editable) with every extra."""
    start = time.monotonic()
    log(f"creating the environment in {venv} (first run: a few minutes)")
    log(f"installing {install['why']}")
    options = ["--system-site-packages"] if install["system_site"] else []
    subprocess.run([sys.executable, "-m", "venv", *options, str(venv)], check=True)
    python = venv_python(venv)
    pip(python, "--upgrade", "pip", "setuptools", "wheel")
    pinned = []
    if install["constraints"] is not None:
        lines = [line for line in install["constraints"]
                 if normalise(line.partition("==")[0]) not in ("pip", "setuptools", "wheel")]
        (venv / "constraints.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        pinned = ["--constraint", str(venv / "constraints.txt")]
    if install["torch_index"]:
        pip(python, *pinned, "--index-url", install["torch_index"], "torch", "torchvision")
    pip(python, *pinned, "--editable", f"{ROOT}[{EXTRAS}]")
    # torchattacks (a test-only reference) pins an old requests that breaks JupyterLab; it needs
    # only torch, which is already there, so it goes in without its dependencies.
    pip(python, *pinned, "--no-deps", "torchattacks>=3.5")
    check = subprocess.run([str(python), "-c", "import torch, torchvision, course_utils"])
    if check.returncode != 0:
        raise LauncherError("the install did not complete (torch, torchvision or course_utils "
                            "does not import); see the messages above")
    log(f"environment ready in {time.monotonic() - start:.0f} s")


def point_at_this_checkout(python: Path) -> None:
    """Re-point an environment shared by several checkouts at this one (editable install)."""
    probe = ("import course_utils, pathlib; "
             "print(pathlib.Path(course_utils.__file__).resolve().parents[1])")
    found = subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                           cwd=os.path.abspath(os.sep))
    if found.stdout.strip() != str(ROOT):
        pip(python, "--no-deps", "--no-build-isolation", "--editable", str(ROOT))


def write_lab_settings(venv: Path) -> None:
    """Offline-friendly JupyterLab: no news or update checks reaching for the internet."""
    folder = venv / "share" / "jupyter" / "lab" / "settings"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "overrides.json").write_text(LAB_SETTINGS)


def setup(env: dict | None = None) -> Path:
    """Make the course's environment ready and return its interpreter."""
    env = os.environ if env is None else env
    version = "{}.{}".format(*sys.version_info[:2])
    install = plan(env, version, kept_torch())
    if env.get("COURSE_VENV"):
        venv = Path(env["COURSE_VENV"]).expanduser().resolve()
    elif (Path(sys.prefix) / ".ready").is_file():
        venv = Path(sys.prefix)  # launched from inside a course environment: that one
    else:
        venv = cache_base(env=env) / f"venv-{environment_key(version, install)}"
    if not ensure_environment(venv, lambda folder: build_main(folder, install)):
        log(f"reusing the environment in {venv}")
    python = venv_python(venv)
    point_at_this_checkout(python)
    write_lab_settings(venv)
    return python


# --- the Colab-like environment ---

def purelib(python: Path) -> str:
    """The site-packages folder of ``python``."""
    return subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()


def setup_colab_like(main_python: Path) -> Path:
    """An environment like Colab's: ipywidgets 7.7.1 and the oldest numpy, matplotlib and
    scikit-learn the ranges admit (``constraints-oldest.txt``) in front of the course's own.

    Its own folder holds only those packages; a ``.pth`` line adds the course environment's
    site-packages behind them (as a site folder, so its own ``.pth`` files, the editable course
    among them, work too), and torch and the rest are not installed twice.
    """
    base = purelib(main_python)
    digest = hashlib.sha256(f"{RECIPE} {base}".encode() + OLDEST.read_bytes()).hexdigest()[:12]
    venv = cache_base() / f"colab-like-{digest}"

    def build(folder: Path) -> None:
        log(f"creating the Colab-like environment (ipywidgets 7.7) in {folder}")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
        python = venv_python(folder)
        # pip from the course environment installs into this one (it has no pip of its own).
        pip(main_python, "--no-deps", "--requirement", str(OLDEST), into=python)
        Path(purelib(python), "course_env.pth").write_text(
            f"import site; site.addsitedir({base!r})\n")

    ensure_environment(venv, build)
    return venv_python(venv)


# --- the browser and the network ---

def find_chromium(env: dict | None = None, system: str | None = None,
                  which: Callable[[str], str | None] = shutil.which) -> str | None:
    """Chromium, Chrome or Edge for the browser tests: ``COURSE_CHROMIUM``, PATH, usual places."""
    env = os.environ if env is None else env
    system = system or sys.platform
    if env.get("COURSE_CHROMIUM"):
        return env["COURSE_CHROMIUM"] if Path(env["COURSE_CHROMIUM"]).exists() else None
    for name in CHROMIUM_NAMES:
        found = which(name)
        if found:
            return found
    return next((p for p in CHROMIUM_PATHS.get(system, []) if Path(p).exists()), None)


def ensure_browser(env: dict) -> str | None:
    """Find the browser (installing Debian's chromium as root); None with a printed reason."""
    found = find_chromium(env)
    if found is None and _may_apt_get():
        log("installing Debian's chromium for the browser tests")
        subprocess.run("apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive "
                       "apt-get install -y -qq chromium >/dev/null", shell=True)
        found = find_chromium(env)
    if found is None:
        log("no Chromium, Chrome or Edge found. Install one (Linux: sudo apt-get install "
            "chromium; macOS and Windows: Google Chrome), or set COURSE_CHROMIUM to its path. "
            + ("CI: the browser tests will fail." if env.get("CI") else
               "The browser tests are skipped; everything else runs."))
    return found


def _may_apt_get() -> bool:
    return (sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0
            and shutil.which("apt-get") is not None)


def offline_command(command: list[str], system: str | None = None,
                    which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """``command`` in a new network namespace (loopback only) where Linux allows it.

    Elsewhere (macOS, Windows, or a Linux without user namespaces) it is returned as it is: the
    test suite's own guard (``tests/netguard``) refuses connections that leave the machine.
    """
    if (system or sys.platform).startswith("linux") and which("unshare"):
        probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
        if probe.returncode == 0:
            log("running with the network cut (network namespace, loopback only)")
            script = 'ip link set lo up 2>/dev/null || ifconfig lo up; exec "$@"'
            return ["unshare", "-rn", "sh", "-c", script, "sh", *command]
    log("no network namespace here; relying on the test suite's in-process network guard")
    return command


# --- the commands ---

def run(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> int:
    """Run ``command`` and return its exit status (Ctrl-C stops it and returns 130)."""
    process = subprocess.Popen(command, env=env, cwd=cwd)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
        return 130


def command_lab(python: Path, args: list[str]) -> int:
    """Serve the lessons in JupyterLab on 127.0.0.1 (``COURSE_PORT``, ``COURSE_NO_BROWSER``)."""
    port = os.environ.get("COURSE_PORT", "8888")
    options = ["--ip", "127.0.0.1", "--port", port, "--notebook-dir", str(ROOT / "notebooks")]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.append("--allow-root")
    if os.environ.get("COURSE_NO_BROWSER"):
        options.append("--no-browser")
    log(f"opening the course: http://127.0.0.1:{port}/lab/tree/00_setup.ipynb")
    return run([str(python), "-m", "jupyter", "lab", *options, *args])


def command_test(python: Path, args: list[str]) -> int:
    """Every test offline (or ``args``), then the Colab-like stage on a full run."""
    env = dict(os.environ)
    env.setdefault("COURSE_FAST", "1")
    chromium = ensure_browser(env)
    if chromium:
        env["COURSE_CHROMIUM"] = chromium
    colab_like = setup_colab_like(python) if not args else None  # online part, before the cut
    log(f"COURSE_FAST={env['COURSE_FAST']}")
    status = run(offline_command([str(python), "-m", "pytest", *PYTEST_OPTIONS, *args]), env)
    if colab_like is None:
        return status
    log("the Colab-like environment (ipywidgets 7.7.1, the oldest numpy, matplotlib and "
        "scikit-learn admitted): explorers, the Colab install, notebooks 00, 02 and 09")
    again = run(offline_command([str(colab_like), "-m", "pytest", *PYTEST_OPTIONS,
                                 *COLAB_LIKE_TESTS]), env)
    return status or again


def command_build(python: Path, args: list[str]) -> int:
    """Execute every notebook, then write the site and the decks from the executed ones."""
    log(f"executing every notebook into build/executed/ (COURSE_FAST="
        f"{os.environ.get('COURSE_FAST', '0')})")
    notebooks = [str(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    publish = [str(python), "-m", "course_utils.publish"]
    status = run(offline_command([*publish, "execute", *notebooks, "--out", "build/executed"]))
    if status:
        return status
    executed = [str(p) for p in sorted((ROOT / "build" / "executed").glob("*.ipynb"))]
    for what in ("slides", "site"):
        status = status or run([*publish, what, *executed, "--out", f"build/{what}"])
    log("the course site: build/site/index.html (opens from the file system); decks: "
        "build/slides/")
    return status


def command_slides(python: Path, args: list[str]) -> int:
    """One deck per lesson, from the executed notebook when ``build`` made a newer one."""
    decks = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        executed = ROOT / "build" / "executed" / notebook.name
        newer = executed.exists() and executed.stat().st_mtime > notebook.stat().st_mtime
        decks.append(str(executed if newer else notebook))
    status = run([str(python), "-m", "course_utils.publish", "slides", *decks, "--out",
                  "build/slides"])
    log(f"{len(decks)} decks in build/slides/ (reveal.js served from the local copy beside them)")
    return status


def command_freeze(python: Path, args: list[str]) -> int:
    """Write constraints.txt: the versions in the environment the tests just passed in."""
    frozen = subprocess.run([str(python), "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    pins = sorted((line.split("+")[0] for line in frozen
                   if "==" in line and not line.startswith("course")),
                  key=lambda line: normalise(line.partition("==")[0]))
    version = "{}.{}".format(*sys.version_info[:2])
    header = ["# The versions the whole test suite passed with: python course.py setup installs",
              "# these (COURSE_LATEST=1 takes the newest within pyproject.toml's ranges).",
              "# Refresh after a passing `python course.py test`: python course.py freeze",
              f"# python {version} {platform.system().lower()}"]
    CONSTRAINTS.write_text("\n".join(header + pins) + "\n", encoding="utf-8")
    log(f"wrote {len(pins)} pins to {CONSTRAINTS.name}")
    return 0


def command_check(python: Path, args: list[str]) -> int:
    """The readiness report (``python -m course_utils check``) inside the environment."""
    return run([str(python), "-m", "course_utils", "check", *args])


COMMANDS = {"lab": command_lab, "test": command_test, "build": command_build,
            "slides": command_slides, "check": command_check, "freeze": command_freeze}


def main(argv: list[str]) -> int:
    """Dispatch ``python course.py COMMAND [ARGS]``; returns the exit status."""
    command = argv[0] if argv else "help"
    if command not in (*COMMANDS, "setup"):
        print(sys.modules["__main__"].__doc__ or __doc__)
        return 0 if command in ("help", "-h", "--help") else 2
    try:
        python = setup()
    except LauncherError as error:
        log(str(error))
        return 1
    if command == "setup":
        print(python.parent.parent)
        return 0
    # What the commands start (jupyter, kernels, tests) finds the environment's tools first.
    os.environ["PATH"] = os.pathsep.join([str(python.parent), os.environ.get("PATH", "")])
    return COMMANDS[command](python, argv[1:])
