"""The figures of 07_transfer_learning draw and check their input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from course_utils.plots import (  # noqa: E402
    plot_accuracy_bars,
    plot_accuracy_curves,
    plot_top_predictions,
)


def test_top_predictions():
    probs = torch.tensor([0.1, 0.6, 0.3])
    fig = plot_top_predictions(torch.zeros(3, 8, 8, dtype=torch.uint8), probs, ["a", "b", "c"],
                               k=2)
    assert sorted(t.get_text() for t in fig.axes[1].get_yticklabels()) == ["b", "c"]
    plt.close(fig)
    with pytest.raises(ValueError, match="len\\(labels\\)"):
        plot_top_predictions(torch.zeros(3, 8, 8), probs, ["a", "b"])
    with pytest.raises(ValueError, match="k must be"):
        plot_top_predictions(torch.zeros(3, 8, 8), probs, ["a", "b", "c"], k=4)


def test_accuracy_curves():
    fig = plot_accuracy_curves([10, 20], {"x": [0.5, 0.9], "y": [0.6, 0.7]}, baseline=0.6)
    assert len(fig.axes[0].lines) == 3
    assert fig.axes[0].get_ylabel() == "validation accuracy"  # never the test set by default
    plt.close(fig)
    with pytest.raises(ValueError, match="2 sizes"):
        plot_accuracy_curves([10, 20], {"x": [0.5]})
    with pytest.raises(ValueError, match="empty"):
        plot_accuracy_curves([10], {})


def test_accuracy_bars():
    fig = plot_accuracy_bars({"clean": {"p": 1.0, "z": 0.9}, "blur": {"p": 0.8, "z": 0.7}})
    assert len(fig.axes[0].patches) == 4
    plt.close(fig)
    with pytest.raises(ValueError, match="empty"):
        plot_accuracy_bars({})
