"""pytest plugin: as nbval runs each notebook cell, its figures must match its caption lines.

Loaded by the repository's ``conftest.py`` (``pytest_plugins``), so ``pytest --nbval-lax
notebooks/`` checks every cell of every lesson while it runs. nbval reads the kernel's messages
for a cell but keeps only its top-level outputs; this plugin records every message of the cell
(nbval's ``IPyNbFile.get_kernel_message``, wrapped while the cell runs) and replays them through
nbclient's own message handling, which routes output into ``Output`` widgets and keeps the
widgets' state exactly as ``python course.py build`` does. The figures are then counted as the
site counts them (:func:`course_utils.publish.captions.output_figures`: images, and explorers
one each) and compared with the ``*Figure:*`` lines of the markdown cell after the code cell.
"""

from __future__ import annotations

import types

import nbformat
import pytest

from course_utils.publish.captions import mismatch, output_figures
from course_utils.publish.snapshot import widget_state


def _silent_kernel_client():
    """What nbclient's Output-widget mimic sends to the kernel goes nowhere: only count."""
    return types.SimpleNamespace(session=types.SimpleNamespace(msg=lambda *a, **k: {}),
                                 shell_channel=types.SimpleNamespace(send=lambda msg: None))


def _replayer(notebook_file):
    """The nbclient that replays one notebook's messages (widget state across its cells)."""
    client = getattr(notebook_file, "_course_replay", None)
    if client is None:
        from nbclient import NotebookClient

        client = NotebookClient(nbformat.v4.new_notebook(), store_widget_state=True,
                                record_timing=False)
        client.kc = _silent_kernel_client()
        notebook_file._course_replay = client
    return client


def replay(client, messages: list[dict], cell_index: int):
    """The outputs and widget state nbclient would store for a cell that sent ``messages``.

    Parameters
    ----------
    client : nbclient.NotebookClient
        Not connected to any kernel; keeps the widget state of the cells before.
    messages : list of dict
        Every iopub message read while the cell ran.
    cell_index : int

    Returns
    -------
    outputs : list
    state : dict
        Widget state in the executed-notebook format.
    """
    from nbclient.exceptions import CellExecutionComplete

    request = next((m["parent_header"].get("msg_id") for m in messages
                    if m.get("msg_type") == "execute_input"), None)
    cell = nbformat.v4.new_code_cell()
    client.clear_before_next_output = False  # what nbclient resets before each cell
    for message in messages:
        if message["parent_header"].get("msg_id") != request:
            continue
        try:
            client.process_message(message, cell, cell_index)
        except CellExecutionComplete:
            break
    client.nb = nbformat.v4.new_notebook()
    client.set_widgets_metadata()
    return cell.outputs, widget_state(client.nb)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    if type(item).__name__ != "IPyNbCell":
        return (yield)
    notebook_file = item.parent
    messages: list[dict] = []
    read = notebook_file.get_kernel_message

    def recording(*args, **kwargs):
        message = read(*args, **kwargs)
        messages.append(message)
        return message

    notebook_file.get_kernel_message = recording
    try:
        result = yield
    finally:
        del notebook_file.get_kernel_message  # nbval's method again
    cells = notebook_file.nb.cells
    index = next(i for i, cell in enumerate(cells) if cell is item.cell)
    outputs, state = replay(_replayer(notebook_file), messages, index)
    problem = mismatch(cells, index, output_figures(outputs, state),
                       notebook_file.path.name)
    if problem:
        item.raise_cell_error(problem)  # nbval's report: the cell's number and source
    return result
