"""The caption check that runs with the notebooks (``tests/nbval_captions.py``) catches a figure
without a caption line, a caption without a figure and a miscount, and counts explorers and
``interact`` as one figure each and progress bars as none.

Two small notebooks are run by nbval in a real kernel, with the plugin, in a pytest of their own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as markdown
from nbformat.v4 import new_notebook

ROOT = Path(__file__).resolve().parents[1]
CAPTIONED = new_notebook(cells=[
    code("import matplotlib.pyplot as plt\nplt.plot([0, 1]); plt.show()"),
    markdown("*Figure:* A line."),
    code("from course_utils.data import sample_photo\n"
         "from course_utils.explorers import KernelExplorer\n"
         "KernelExplorer(sample_photo('chelsea')[:, ::4, ::4], 'sobel_x')"),
    markdown("<details><summary>Teaching notes</summary>\n\n- notes\n\n</details>",
             metadata={"tags": ["notes"]}),
    markdown("*Figure:* The kernel explorer."),
    code("import ipywidgets as widgets\ndef show(i=0):\n    plt.imshow([[i, 1]]); plt.show()\n"
         "widgets.interact(show, i=widgets.IntSlider(0, 0, 3));"),
    markdown("*Figure:* One picture per slider value."),
    code("from tqdm.auto import tqdm\nfor _ in tqdm(range(3)):\n    pass"),
    code("print('no figure')"),
])
MISCAPTIONED = new_notebook(cells=[
    code("import matplotlib.pyplot as plt\nplt.plot([0, 1]); plt.show()"),
    markdown("No caption here."),
    code("print('x')"),
    markdown("*Figure:* An orphan caption."),
    code("plt.plot([0, 1]); plt.show()\nplt.plot([1, 0]); plt.show()"),
    markdown("*Figure:* Only one of two."),
])


def test_nbval_fails_each_cell_whose_figures_and_captions_disagree(tmp_path):
    nbformat.write(CAPTIONED, tmp_path / "captioned.ipynb")
    nbformat.write(MISCAPTIONED, tmp_path / "miscaptioned.ipynb")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT),
                                                        os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p",
                          "nbval_captions", "--nbval-lax", "--nbval-current-env", "-q", "-rf",
                          "--color=no", "captioned.ipynb", "miscaptioned.ipynb"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    report = run.stdout + run.stderr
    failed = sorted(re.findall(r"^FAILED (\S+::Cell \d+)", report, re.MULTILINE))
    assert failed == ["miscaptioned.ipynb::Cell 0", "miscaptioned.ipynb::Cell 1",
                      "miscaptioned.ipynb::Cell 2"], report
    assert "5 passed" in report, report
    for cell, cell_number, figures, captions in ((0, 0, 1, 0), (2, 1, 0, 1), (4, 2, 2, 1)):
        assert (f"miscaptioned.ipynb: cell {cell} (nbval's Cell {cell_number}, " in report
                and f"draws {figures} figure(s) but the markdown cell after it has {captions} "
                    "caption line(s)" in report), report
