"""The figures of 08_evaluating_classifiers draw what they are given and check their input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from course_utils.plots import (  # noqa: E402
    plot_ci_width,
    plot_confident_mistakes,
    plot_per_class_accuracy,
)

CLASSES = ("a", "b", "c")


def test_confident_mistakes_shows_the_surest_wrong_answers_first():
    images = torch.zeros(5, 1, 8, 8, dtype=torch.uint8)
    y_true = torch.tensor([0, 1, 2, 0, 1])
    probs = torch.tensor([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.1, 0.3, 0.6],
                          [0.3, 0.7, 0.0], [0.05, 0.05, 0.9]])
    fig = plot_confident_mistakes(images, y_true, probs, classes=CLASSES, n=16)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["✗ c 90%\n(is b)", "✗ a 80%\n(is b)", "✗ b 70%\n(is a)"]
    plt.close(fig)


def test_confident_mistakes_errors():
    images = torch.zeros(2, 1, 8, 8)
    right = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    with pytest.raises(ValueError, match="no mistakes"):
        plot_confident_mistakes(images, [0, 1], right, classes=CLASSES)
    with pytest.raises(ValueError, match="one image per label"):
        plot_confident_mistakes(images[:1], [0, 1], right, classes=CLASSES)
    with pytest.raises(ValueError, match=r"K = len\(classes\) = 2"):
        plot_confident_mistakes(images, [0, 1], right, classes=("a", "b"))
    with pytest.raises(ValueError, match="NaN"):
        plot_confident_mistakes(images, [0, 1], right * float("nan"), classes=CLASSES)


def test_per_class_accuracy_draws_one_bar_per_class():
    fig = plot_per_class_accuracy(CLASSES, [0.9, 0.8, 0.7], [0.85, 0.7, 0.6], [0.95, 0.9, 0.8],
                                  overall=0.8)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(CLASSES)
    assert len(ax.lines) >= 2  # the dots and the overall line
    plt.close(fig)
    with pytest.raises(ValueError, match="one value per class"):
        plot_per_class_accuracy(CLASSES, [0.9, 0.8], [0.8, 0.7], [1.0, 0.9])
    with pytest.raises(ValueError, match="contain its estimate"):
        plot_per_class_accuracy(CLASSES, [0.9, 0.8, 0.7], [0.95, 0.7, 0.6], [1.0, 0.9, 0.8])


def test_ci_width_in_points_on_log_axes():
    sizes = np.array([50, 200, 800])
    widths = 2 * 1.96 * np.sqrt(0.2 / sizes)
    fig = plot_ci_width(sizes, widths, reference=widths, marks={"ours": 888})
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), widths * 100)
    plt.close(fig)
    with pytest.raises(ValueError, match="same length"):
        plot_ci_width([50, 100], [0.1])
    with pytest.raises(ValueError, match="> 0"):
        plot_ci_width([0, 100], [0.1, 0.05])
    with pytest.raises(ValueError, match="one width per size"):
        plot_ci_width([50, 100], [0.1, 0.05], reference=[0.1])
