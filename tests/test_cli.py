"""python -m course_utils: the readiness check and the offline prefetch."""

import subprocess
import sys


def run(*args, **env):
    import os
    return subprocess.run([sys.executable, "-m", "course_utils", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **env})


def test_check_reports_ready():
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "526/526 files verified" in result.stdout and "ready  yes" in result.stdout


def test_check_fails_on_a_corrupted_file(tmp_path):
    import shutil

    from course_utils.data import data_dir
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    (copy / "imagenet-mobilenet-v2" / "imagenet_labels.txt").write_text("tampered\n")
    result = run("check", COURSE_DATA_DIR=str(copy))
    assert result.returncode == 1
    assert "BAD FILE  imagenet-mobilenet-v2/imagenet_labels.txt" in result.stdout


def test_prefetch_offline_says_what_to_do(tmp_path):
    result = run("prefetch", "fashion", COURSE_CACHE_DIR=str(tmp_path))
    assert result.returncode == 1
    assert "prefetch fashion" in result.stderr
