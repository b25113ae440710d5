"""plot_history: what the learner reads off a training curve."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from course_utils.plots import plot_history  # noqa: E402
from course_utils.train import History  # noqa: E402


def test_the_epoch_axis_shows_whole_epochs_only():
    h = History(epoch=[1, 2, 3], train_loss=[1.0, 0.5, 0.3], train_acc=[0.5, 0.7, 0.8],
                val_loss=[1.1, 0.6, 0.5], val_acc=[0.4, 0.6, 0.7])
    fig = plot_history({"one run": h})
    for ax in fig.axes:
        if ax.get_xlabel() == "epoch":
            ticks = ax.get_xticks()
            assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks
