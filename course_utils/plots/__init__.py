"""Figures shared by the lessons, one module per topic. Each function draws and returns a
matplotlib Figure and never calls ``plt.show()``, so notebooks display the figure and scripts can
save it.

- ``images``: :func:`show_images` (labels and predictions), :func:`plot_class_counts` (notebook
01);
- ``training``: :func:`plot_history`, :func:`plot_lr_range`, :func:`plot_heatmap` (notebook 05);
- ``architectures``: :func:`plot_block_diagrams`, :func:`plot_tradeoffs` (notebook 06);
- ``transfer``: :func:`plot_top_predictions`, :func:`plot_accuracy_curves`,
  :func:`plot_accuracy_bars` (notebook 07);
- ``evaluation``: :func:`plot_confident_mistakes`, :func:`plot_per_class_accuracy`,
  :func:`plot_ci_width` (notebook 08);
- ``explain``: :func:`plot_filters`, :func:`plot_overlays`, :func:`plot_channel`,
  :func:`plot_curves`, :func:`plot_randomization`, :func:`plot_embedding` (notebook 09);
- ``adversarial``: :func:`plot_perturbations`, :func:`plot_robustness_curves`,
  :func:`plot_epoch_accuracies`, :func:`format_table` (notebook 12);
- ``imbalance``: :func:`plot_class_shares`, :func:`plot_intervals` (notebook 10);
- ``quality``: :func:`plot_corruptions`, :func:`plot_precision_at_k`,
  :func:`plot_problem_files` (notebook 11).
"""

from course_utils.plots.adversarial import (
    format_table,
    plot_epoch_accuracies,
    plot_perturbations,
    plot_robustness_curves,
)
from course_utils.plots.architectures import plot_block_diagrams, plot_tradeoffs
from course_utils.plots.evaluation import (
    plot_ci_width,
    plot_confident_mistakes,
    plot_per_class_accuracy,
)
from course_utils.plots.explain import (
    plot_channel,
    plot_curves,
    plot_embedding,
    plot_filters,
    plot_overlays,
    plot_randomization,
)
from course_utils.plots.images import plot_class_counts, show_images
from course_utils.plots.imbalance import plot_class_shares, plot_intervals
from course_utils.plots.quality import (
    plot_corruptions,
    plot_precision_at_k,
    plot_problem_files,
)
from course_utils.plots.text import (
    plot_accuracy_intervals,
    plot_filter_ngrams,
    plot_token_vectors,
    plot_window_scores,
)
from course_utils.plots.training import plot_heatmap, plot_history, plot_lr_range
from course_utils.plots.transfer import (
    plot_accuracy_bars,
    plot_accuracy_curves,
    plot_top_predictions,
)
