"""Hyperparameter search: the strategies of ``16_hyperparameter_search.ipynb``, kept for later use.

One concept per module:

- ``halving``: :func:`successive_halving`, the early-stopping search written on the page in
  section 3 of the notebook, with its result types :class:`HalvingResult` and :class:`Rung`;
- ``trace``: :func:`best_so_far`, the best score found against the budget spent, for the plot
  that compares strategies (section 7).

Grid and random search are three lines each in the notebook; Hyperband, ASHA and TPE come from
Optuna (the ``search`` extra), called from the notebook. Floor 3: imports only the standard
library, NumPy and :mod:`course_utils.validation`.
"""

from course_utils.search.halving import HalvingResult, Rung, successive_halving
from course_utils.search.trace import best_so_far
