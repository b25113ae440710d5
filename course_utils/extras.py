"""Optional extras: libraries that serve one lesson, and the one-line message when one is missing.

``python course.py setup`` installs every extra, and so does the Colab and Kaggle install cell.
A lighter install (``pip install course_utils``) leaves them out; ``import course_utils`` still
works, and the section that needs an extra starts with ``require("name")``, which says what to
install instead of failing somewhere inside a library call. Introduced in ``00_setup.ipynb``.
"""

from __future__ import annotations

import importlib.util
import platform
import sys

EXTRAS: dict[str, tuple[str, ...]] = {
    "deploy": ("onnx", "onnxruntime", "fastapi", "uvicorn"),
    "litert": ("ai_edge_litert",),
    "imbalance": ("imblearn",),
    "quality": ("cleanlab",),
    "keras": ("keras",),
    "search": ("optuna",),
}
"""Extra (as named in ``pyproject.toml``) -> the modules it provides."""
LESSONS = {"deploy": "13", "litert": "13", "imbalance": "10", "quality": "11", "keras": "17",
           "search": "16"}
"""Extra -> the notebook that needs it."""


class MissingExtraError(ImportError):
    """An optional extra is not installed; the message is the line that installs it."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: the fix is all a learner needs.
        return [f"MissingExtraError: {self}"]


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that are not installed here.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`.

    Returns
    -------
    list of str
        Empty when the extra is installed.
    """
    if extra not in EXTRAS:
        from course_utils.validation import InputError

        raise InputError(f"extra must be one of {sorted(EXTRAS)}, got {extra!r}.")
    # Found, not imported: importing has side effects for some (Keras picks its backend then).
    return [module for module in EXTRAS[extra] if importlib.util.find_spec(module) is None]


def install_line(extra: str) -> str:
    """The pip command that installs ``extra`` into the running Python.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`.
    """
    return f'{sys.executable} -m pip install "course_utils[{extra}]"'


def require(extra: str) -> None:
    """Raise :class:`MissingExtraError` with the install line when ``extra`` is missing.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`: ``"deploy"``, ``"litert"``, ``"imbalance"``, ``"quality"``,
        ``"search"``, ...

    Raises
    ------
    MissingExtraError
        Naming the missing modules and the command that installs them (in a notebook, run it
        with ``%pip install ...`` and restart the kernel).
    """
    missing = missing_modules(extra)
    if not missing:
        return
    message = (f"notebook {LESSONS[extra]}'s next section needs the '{extra}' extra, and "
               f"{', '.join(missing)} cannot be imported here. Install it with\n"
               f"    {install_line(extra)}\n"
               "(in a notebook: %pip install \"course_utils[" + extra + "]\"), then restart the "
               "kernel. `python course.py setup` installs every extra.")
    if extra == "litert" and sys.platform == "darwin" and platform.machine() == "x86_64":
        message += (" ai-edge-litert has no wheel for Intel Macs: read this section's results "
                    "instead of running it, and carry on with the next one.")
    raise MissingExtraError(message)
