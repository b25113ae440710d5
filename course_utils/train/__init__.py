"""Training: ``fit`` and the pieces it is made of, one concept per module.

Introduced in ``05_training_from_scratch.ipynb``:

- ``fit``: :func:`fit`, the loop with progress, checkpoints, resume, early stopping, Ctrl-C;
- ``data``: :class:`InMemoryBatches`, the in-memory fast path, and :func:`as_tensors`;
- ``evaluate``: :func:`evaluate` (loss and accuracy) and :func:`predict_logits`;
- ``history``: :class:`History`;
- ``checkpoint``: :func:`save_checkpoint` (atomic) and :func:`load_checkpoint` (weights only);
- ``schedule``: :func:`learning_rate` (one-cycle, cosine, constant);
- ``optim``: :func:`make_optimizer`;
- :func:`check_model_fits` (from :mod:`course_utils.validation`);
- ``lr_range``: :func:`lr_range_test`.
"""

from course_utils.train.checkpoint import load_checkpoint, save_checkpoint
from course_utils.train.data import InMemoryBatches, as_tensors
from course_utils.train.evaluate import evaluate, predict_logits
from course_utils.train.fit import TrainingDiverged, fit
from course_utils.train.history import History
from course_utils.train.lr_range import lr_range_test
from course_utils.train.optim import make_optimizer
from course_utils.train.schedule import learning_rate
from course_utils.validation import check_model_fits
