"""The launcher (`python course.py ...`): per-system paths, locks, rebuilds, the network cut and
the browser, simulated where this Linux machine cannot be macOS or Windows."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course  # noqa: E402
import course_launcher as launcher  # noqa: E402


def release(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


OLD_PYTHONS = [python for python in sorted(Path.home().glob(".pyenv/versions/*/bin/python"))
               if release(python.parent.parent.name)[:2] < (3, 10)]
"""Real interpreters older than 3.10 on this machine (pyenv's), to run the launcher with."""


# --- Python older than 3.10 ---

@pytest.mark.parametrize("version", [(2, 7, 18), (3, 8, 18), (3, 9, 18)])
def test_an_old_python_is_refused_with_a_message(version):
    message = course.too_old(version)
    assert "needs Python 3.10 or newer" in message and ".".join(map(str, version)) in message
    assert "python3.11 course.py lab" in message


def test_a_new_python_is_accepted():
    assert course.too_old((3, 10, 0)) is None and course.too_old((3, 13, 1)) is None


@pytest.mark.parametrize("python", OLD_PYTHONS, ids=lambda p: p.parent.parent.name)
def test_a_real_old_python_gets_the_message_not_a_syntax_error(python):
    ran = subprocess.run([str(python), str(ROOT / "course.py"), "test"], capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode == 1, ran.stderr
    assert "The course needs Python 3.10 or newer" in ran.stderr, ran.stderr


# --- paths per system ---

def test_windows_paths():
    env = {"LOCALAPPDATA": r"C:\Users\ada\AppData\Local"}
    assert launcher.cache_base("win32", env) == Path(r"C:\Users\ada\AppData\Local") / "cnn-course"
    home = Path("/home/ada")
    assert launcher.cache_base("win32", {}, home) == home / "AppData" / "Local" / "cnn-course"
    venv = Path("venv-abc")
    assert launcher.venv_python(venv, "win32") == venv / "Scripts" / "python.exe"


def test_macos_and_linux_paths():
    home = Path("/Users/ada")
    assert launcher.cache_base("darwin", {}, home) == home / "Library" / "Caches" / "cnn-course"
    assert launcher.cache_base("linux", {}, home) == home / ".cache" / "cnn-course"
    assert launcher.cache_base("linux", {"XDG_CACHE_HOME": "/c"}, home) == Path("/c/cnn-course")
    assert launcher.venv_python(Path("v"), "darwin") == Path("v") / "bin" / "python"


def test_a_windows_environment_layout_is_found_and_completed(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    venv = tmp_path / "venv-win"

    def build(folder: Path) -> None:
        (folder / "Scripts").mkdir(parents=True)
        (folder / "Scripts" / "python.exe").write_text("")

    assert launcher.ensure_environment(venv, build) is True
    assert launcher.ensure_environment(venv, build) is False  # complete: reused


# --- half-built environments and two launchers at once ---

def fake_build(log: Path):
    def build(folder: Path) -> None:
        folder.mkdir(parents=True)
        (folder / "bin").mkdir()
        (folder / "bin" / "python").write_text("")
        with open(log, "a") as out:
            out.write("built\n")
    return build


def test_a_half_built_environment_is_rebuilt(tmp_path):
    venv = tmp_path / "venv-x"
    (venv / "lib").mkdir(parents=True)
    (venv / "lib" / "half-installed").write_text("pip was interrupted here")
    log = tmp_path / "log"
    assert launcher.ensure_environment(venv, fake_build(log)) is True
    assert not (venv / "lib").exists() and (venv / ".ready").is_file()
    (venv / "bin" / "python").unlink()  # marker left, interpreter gone: also unfinished
    assert launcher.ensure_environment(venv, fake_build(log)) is True
    assert log.read_text().count("built") == 2


@pytest.mark.parametrize("os_lock", [True, False], ids=["os-lock", "no-flock-lock-file"])
def test_two_launchers_at_once_build_once(tmp_path, os_lock):
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        import course_launcher as launcher
        venv, log = Path(sys.argv[1]), Path(sys.argv[2])
        if not {os_lock}:
            real = launcher.file_lock
            launcher.file_lock = lambda path: real(path, use_os_lock=False)
        def build(folder):
            (folder / "bin").mkdir(parents=True)
            time.sleep(1.5)  # long enough for the other launcher to arrive
            (folder / "bin" / "python").write_text("")
            with open(log, "a") as out:
                out.write("built\\n")
        print(launcher.ensure_environment(venv, build))
    """)
    venv, log = tmp_path / "venv-shared", tmp_path / "log"
    runs = [subprocess.Popen([sys.executable, "-c", script, str(venv), str(log)],
                             stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = sorted(run.communicate(timeout=60)[0].strip() for run in runs)
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs == ["False", "True"], "exactly one launcher builds, the other reuses"
    assert log.read_text() == "built\n"


def test_the_windows_lock_waits_then_locks_and_unlocks(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("msvcrt")
    fake.LK_NBLCK, fake.LK_UNLCK = 2, 0

    def locking(fd, mode, nbytes):
        calls.append(mode)
        if calls.count(fake.LK_NBLCK) == 1 and mode == fake.LK_NBLCK:
            raise OSError("locked by another launcher")  # the first try finds it taken

    fake.locking = locking
    monkeypatch.setitem(sys.modules, "fcntl", None)  # as on Windows: no fcntl
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    with launcher.file_lock(tmp_path / "venv.lock", poll=0.01):
        assert calls == [fake.LK_NBLCK, fake.LK_NBLCK]
    assert calls[-1] == fake.LK_UNLCK


def test_a_lock_file_left_by_a_dead_launcher_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    lock = tmp_path / "venv.lock"
    Path(f"{lock}.pid").write_text(dead)
    with launcher.file_lock(lock, use_os_lock=False):
        assert Path(f"{lock}.pid").read_text() == str(os.getpid())
    assert not Path(f"{lock}.pid").exists()


# --- the network cut and the browser ---

def test_without_unshare_the_command_runs_as_it_is(capsys):
    command = ["python", "-m", "pytest"]
    assert launcher.offline_command(command, "linux", which=lambda name: None) == command
    assert launcher.offline_command(command, "darwin") == command
    assert launcher.offline_command(command, "win32") == command
    assert "in-process network guard" in capsys.readouterr().err


def test_with_unshare_the_command_runs_without_network():
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:
        pytest.fail("this Linux machine cannot make a network namespace; the test needs one")
    wrapped = launcher.offline_command([sys.executable, "-c", "import socket; "
                                        "socket.create_connection(('1.1.1.1', 53), timeout=3)"])
    assert wrapped[:2] == ["unshare", "-rn"]
    # Without the course's guard, so that the refusal seen is the operating system's.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    ran = subprocess.run(wrapped, capture_output=True, text=True, timeout=60, env=env)
    assert ran.returncode != 0 and "unreachable" in ran.stderr.lower(), ran.stderr


def test_no_chromium_found_says_how_to_get_it(capsys, monkeypatch):
    monkeypatch.setattr(launcher, "_may_apt_get", lambda: False)
    monkeypatch.setattr(launcher, "find_chromium", lambda env: None)
    assert launcher.ensure_browser({}) is None
    said = capsys.readouterr().err
    assert "COURSE_CHROMIUM" in said and "browser tests are skipped" in said
    assert launcher.ensure_browser({"CI": "true"}) is None
    assert "CI: the browser tests will fail" in capsys.readouterr().err


def test_chromium_is_found_by_variable_name_or_usual_place(tmp_path):
    chrome = tmp_path / "chrome.exe"
    chrome.write_text("")
    assert launcher.find_chromium({"COURSE_CHROMIUM": str(chrome)}) == str(chrome)
    assert launcher.find_chromium({"COURSE_CHROMIUM": str(tmp_path / "no")}) is None
    assert launcher.find_chromium({}, "linux", which=lambda n: None) is None
    assert launcher.find_chromium({}, "linux", which=lambda n: f"/opt/{n}") == "/opt/chromium"


def test_browser_tests_skip_with_the_reason_outside_ci_and_fail_in_ci(tmp_path):
    test = tmp_path / "test_needs_browser.py"
    test.write_text(f"import sys\nsys.path.insert(0, {str(ROOT / 'tests')!r})\n"
                    "from browser_support import need_browser\n"
                    "def test_it():\n    need_browser()\n")
    env = {**os.environ, "COURSE_CHROMIUM": str(tmp_path / "absent")}
    env.pop("CI", None)
    command = [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", str(test)]
    outside = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert outside.returncode == 0 and "SKIPPED" in outside.stdout
    assert "COURSE_CHROMIUM" in outside.stdout
    inside = subprocess.run(command, capture_output=True, text=True, env={**env, "CI": "true"},
                            cwd=tmp_path)
    assert inside.returncode == 1 and "CI must run the browser tests" in inside.stdout


# --- what gets installed ---

def test_the_tested_versions_are_installed_by_default_and_latest_on_request(monkeypatch):
    _, recorded = launcher.read_constraints(launcher.CONSTRAINTS)
    pinned = launcher.plan({}, recorded, None)
    assert pinned["constraints"] and any(line.startswith("torch==")
                                         for line in pinned["constraints"])
    assert pinned["system_site"] is False
    assert launcher.plan({"COURSE_LATEST": "1"}, recorded, None)["constraints"] is None
    other = launcher.plan({}, "3.99", None)
    assert other["constraints"] is None and "recorded on Python" in other["why"]


def test_a_torch_already_installed_is_kept():
    _, recorded = launcher.read_constraints(launcher.CONSTRAINTS)
    kept = launcher.plan({}, recorded, "2.5.1+cpu")
    assert kept["system_site"] is True and "keeping the torch 2.5.1+cpu" in kept["why"]
    names = [launcher.normalise(line.partition("==")[0]) for line in kept["constraints"]]
    assert not [n for n in names if n in ("torch", "torchvision") or n.startswith("nvidia-")]
    assert launcher.environment_key(recorded, kept) != launcher.environment_key(
        recorded, launcher.plan({}, recorded, None))


def test_a_cpu_only_torch_index_is_installed_before_the_course(monkeypatch, tmp_path):
    _, recorded = launcher.read_constraints(launcher.CONSTRAINTS)
    index = "https://download.pytorch.org/whl/cpu"
    install = launcher.plan({"COURSE_TORCH_INDEX": index}, recorded, None)
    assert install["torch_index"] == index and index in install["why"]
    assert launcher.environment_key(recorded, install) != launcher.environment_key(
        recorded, launcher.plan({}, recorded, None))
    calls = []
    monkeypatch.setattr(launcher, "pip", lambda python, *args: calls.append(args))
    monkeypatch.setattr(launcher.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(
        a, 0))
    (tmp_path / "venv").mkdir()
    launcher.build_main(tmp_path / "venv", install)
    torch_call = next(i for i, args in enumerate(calls) if "--index-url" in args)
    course_call = next(i for i, args in enumerate(calls) if "--editable" in args)
    assert torch_call < course_call and calls[torch_call][-2:] == ("torch", "torchvision")
    assert "--constraint" in calls[course_call]  # torch==X also admits the X+cpu build
    assert launcher.plan({"COURSE_TORCH_INDEX": index}, recorded, "2.5.1")["torch_index"] is None


def test_constraints_pin_without_local_labels_and_record_the_python():
    pins, recorded = launcher.read_constraints(launcher.CONSTRAINTS)
    assert recorded == "{}.{}".format(*sys.version_info[:2])
    assert pins["torch"] and "+" not in "".join(pins.values())
    for name in ("numpy", "ipywidgets", "matplotlib", "scikit-learn", "jupyterlab"):
        assert name in pins, f"{name} is not pinned in constraints.txt"


def test_freeze_writes_sorted_pins(tmp_path, monkeypatch):
    target = tmp_path / "constraints.txt"
    monkeypatch.setattr(launcher, "CONSTRAINTS", target)
    assert launcher.command_freeze(Path(sys.executable), []) == 0
    pins, recorded = launcher.read_constraints(target)
    assert recorded == "{}.{}".format(*sys.version_info[:2]) and "course-utils" not in pins
    lines = [line for line in target.read_text().splitlines() if not line.startswith("#")]
    assert lines == sorted(lines, key=lambda line: launcher.normalise(line.split("==")[0]))


def test_the_conda_route_installs_what_the_launcher_does_but_the_tests():
    pip_line = (ROOT / "environment.yml").read_text().split('"-e .[')[1].split("]")[0]
    assert set(pip_line.split(",")) == set(launcher.EXTRAS.split(",")) - {"test"}


def test_setup_reuses_a_ready_environment(tmp_path):
    env = {**os.environ, "COURSE_VENV": sys.prefix}
    ran = subprocess.run([sys.executable, str(ROOT / "course.py"), "setup"], env=env,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert Path(ran.stdout.strip()) == Path(sys.prefix).resolve()
    assert "reusing the environment" in ran.stderr


def test_an_unknown_command_prints_the_usage():
    ran = subprocess.run([sys.executable, str(ROOT / "course.py"), "nonsense"],
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2 and "python course.py test" in ran.stdout
