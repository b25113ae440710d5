"""The course's one entry point, the same on Linux, macOS and Windows.

    python course.py lab      set up, then open the course in JupyterLab (http://127.0.0.1:8888)
    python course.py test     set up, then run every test: unit tests, every notebook (nbval),
                              the browser tests, and the Colab-like ipywidgets 7.7 environment;
                              network cut where the system allows it; fast mode unless
                              COURSE_FAST is set
    python course.py build    set up, then execute every notebook headless (build/executed/) and
                              write the course site (build/site/) and the decks (build/slides/)
    python course.py slides   set up, then write one reveal.js deck per lesson (build/slides/)
    python course.py setup    only set up, and print the environment's path
    python course.py check    set up, then print the readiness report (versions, data, widgets)
    python course.py freeze   write constraints.txt from the environment (after a passing test)

Environment variables: COURSE_VENV (use this environment folder), COURSE_LATEST=1 (newest
versions within pyproject.toml's ranges instead of the tested ones in constraints.txt),
COURSE_TORCH_INDEX (install torch from this index first, e.g. PyTorch's CPU-only wheels
https://download.pytorch.org/whl/cpu),
COURSE_FAST (1 = fast mode), COURSE_PORT (JupyterLab's port), COURSE_NO_BROWSER=1 (do not open
a browser window), COURSE_CHROMIUM (the Chromium or Chrome the browser tests drive).

This file only checks the Python version, in syntax every Python can read, so that an old
Python gets a message instead of a syntax error; the work is in course_launcher.py, which uses
the standard library only (it runs before anything is installed).
"""

import sys

MINIMUM = (3, 10)


def too_old(version_info):
    """The message for a Python older than MINIMUM, or None when this one will do."""
    if tuple(version_info[:2]) >= MINIMUM:
        return None
    found = ".".join(str(part) for part in version_info[:3])
    return ("The course needs Python %d.%d or newer; this is Python %s (%s).\n"
            "Install a newer Python (https://www.python.org/downloads/), then run this command "
            "with it, for example: python3.11 course.py lab" % (MINIMUM + (found, sys.executable)))


if __name__ == "__main__":
    message = too_old(sys.version_info)
    if message:
        sys.stderr.write(message + "\n")
        sys.exit(1)
    import course_launcher

    sys.exit(course_launcher.main(sys.argv[1:]))
