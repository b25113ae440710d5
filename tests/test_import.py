"""Importing any course_utils module has no side effects: no output, no seeding, no figures.

The libraries the course builds on are imported before the random states are read: their own
import-time behaviour is not the course's (scikit-learn 1.9's ``sklearn.metrics`` imports
``rich`` when it is installed, as the keras extra does, and importing ``rich`` draws from
Python's ``random``).
"""

import subprocess
import sys

PROBE = r"""
import importlib, pkgutil, random
import numpy as np, torch
import matplotlib.pyplot, scipy.stats, sklearn.metrics, torchvision  # the libraries, first
state = (random.getstate(), np.random.get_state()[1].tobytes(), torch.get_rng_state())
import course_utils
names = sorted(m.name for m in pkgutil.walk_packages(course_utils.__path__, "course_utils.")
               if not m.name.endswith("__main__"))
for name in names:
    importlib.import_module(name)
import matplotlib.pyplot as plt
after = (random.getstate(), np.random.get_state()[1].tobytes(), torch.get_rng_state())
assert state[0] == after[0] and state[1] == after[1] and torch.equal(state[2], after[2]), "seeded"
assert plt.get_fignums() == [], "a figure was drawn"
import sys
sys.stderr.write(f"imported {len(names)} modules\n")
"""


def test_importing_every_module_has_no_side_effects():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", f"importing printed: {result.stdout!r}"
    assert "imported" in result.stderr
