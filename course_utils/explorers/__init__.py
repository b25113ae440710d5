"""Interactive explorers (ipywidgets), each with a static twin that draws the same picture.

Introduced in ``02_convolution.ipynb`` and ``03_pooling_activations_dense.ipynb``:

- ``kernel``: :class:`KernelExplorer` / :func:`show_kernel`, kernel presets and
  size/stride/padding/dilation sliders;
- ``conv_step``: :class:`ConvStepExplorer` / :func:`show_conv_step`, one output cell at a time;
- ``pooling``: :class:`PoolingExplorer` / :func:`show_pooling`, max versus average pooling;
- ``feature_maps``: :class:`FeatureMapExplorer` / :func:`show_feature_maps`, a grid of a
  network's maps;
- ``epsilon``: :class:`EpsilonExplorer` / :func:`show_epsilon`, an FGSM perturbation and the top
  predictions as ε grows (notebook 12);
- ``render``: arrays to PNG bytes without matplotlib (what makes a slider step fast).

Widgets update one ``ipywidgets.Image`` in place; ipywidgets is imported only when a widget is
built, so the static functions work without it.
"""

from course_utils.explorers.conv_step import ConvStepExplorer, show_conv_step
from course_utils.explorers.epsilon import EpsilonExplorer, show_epsilon
from course_utils.explorers.feature_maps import FeatureMapExplorer, show_feature_maps
from course_utils.explorers.kernel import KernelExplorer, kernel_preset, show_kernel
from course_utils.explorers.pooling import PoolingExplorer, show_pooling

__all__ = [
    "ConvStepExplorer", "EpsilonExplorer", "FeatureMapExplorer", "KernelExplorer",
    "PoolingExplorer", "kernel_preset", "show_conv_step", "show_epsilon", "show_feature_maps",
    "show_kernel", "show_pooling",
]
