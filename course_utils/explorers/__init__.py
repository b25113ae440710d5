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
- ``layer_maps``: :class:`LayerMapExplorer` / :func:`show_layer_maps`, any layer of a trained
  network (the shipped MobileNetV2, a Fashion-MNIST CNN) beside its input, with a colour bar
  (notebook 09);
- ``cam``: :class:`CamExplorer` / :func:`show_cam`, CAM and Grad-CAM over a photo (notebook 09);
- ``photo_upload``: :func:`decode_photo`, a learner's own photo for those two (notebook 09);
- ``course_utils.plots.canvas`` (not here): arrays to PNG bytes without matplotlib, what makes
  rendering a frame fast;
- ``frames``: :class:`~course_utils.explorers.frames.FrameStack`, one pre-rendered picture per
  setting of an explorer's main slider, switched in the browser without waiting for the kernel;
- ``frame_view``: :class:`~course_utils.explorers.frame_view.FrameView`, the small anywidget
  that holds those pictures in the page and follows the slider there;
- ``layout``: labels, tooltips and sizes the explorers share.

Each explorer's main slider (the kernel's stride, the output cell, the pooling stride, the image
of the feature maps, the block of channels, the CAM opacity, ε) switches between frames rendered
ahead of time, held by a ``FrameView`` that follows the slider's model in the browser (ipywidgets
8 and 7.7 alike); its other controls make the kernel render the frame on screen first and the
others after it. Until the viewer reports that it has drawn (or where it cannot load), one
``ipywidgets.Image`` is updated in place by the kernel instead, and the explorer says so.
ipywidgets is imported only when a widget is built, so the static functions work without it.
"""

from course_utils.explorers.cam import CamExplorer, show_cam
from course_utils.explorers.conv_step import ConvStepExplorer, show_conv_step
from course_utils.explorers.epsilon import EpsilonExplorer, show_epsilon
from course_utils.explorers.feature_maps import FeatureMapExplorer, show_feature_maps
from course_utils.explorers.kernel import KernelExplorer, show_kernel
from course_utils.explorers.kernels import kernel_preset
from course_utils.explorers.layer_maps import LayerMapExplorer, show_layer_maps
from course_utils.explorers.pooling import PoolingExplorer, show_pooling
