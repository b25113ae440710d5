"""The lesson header's time line, written from :func:`course_utils.readiness.time_line`."""

from __future__ import annotations

from course_utils.readiness import TIME_LINE_START, time_line


def write_time_line(nb, name: str) -> None:
    """Replace the ``**Time**`` line of notebook ``nb``'s header with the one for lesson ``name``.

    The header is the first markdown cell holding such a line; there must be exactly one line.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Changed in place.
    name : str
        The notebook's file name, e.g. ``"09_looking_inside_cnns.ipynb"``.
    """
    line = time_line(name[:2])
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.split("\n")
        found = [i for i, text in enumerate(lines) if text.startswith(TIME_LINE_START)]
        if not found:
            continue
        if len(found) > 1:
            raise ValueError(f"{name}: {len(found)} lines start with {TIME_LINE_START!r} in one "
                             "cell; keep one.")
        i = found[0]
        end = i + 1   # a time line folded over several lines ends at a blank line
        while end < len(lines) and lines[end].strip() and not lines[end].startswith("**"):
            end += 1
        cell.source = "\n".join(lines[:i] + [line] + lines[end:])
        return
    raise ValueError(f"{name}: no markdown line starts with {TIME_LINE_START!r}; add one to the "
                     "header (its text is written by `python -m course_utils.publish prepare`).")
