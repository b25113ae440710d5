"""Looking inside a CNN: activations, class activation maps, saliency, and tests of explanations.

Introduced in ``09_looking_inside_cnns.ipynb``. Computes, never draws (``course_utils.plots``
and ``course_utils.explorers`` draw). One concept per module:

- ``hooks``: :func:`record_activations` (forward hooks inside a ``with`` block),
  :func:`get_layer`, :func:`layer_names`;
- ``cam``: :func:`class_activation_map` (GAP + linear networks), :func:`grad_cam`;
- ``maps``: :func:`normalize_maps`, :func:`upsample_maps`, :func:`heatmaps`;
- ``saliency``: :func:`gradient_saliency`, :func:`smoothgrad`, :func:`integrated_gradients`,
  :func:`pixel_map`;
- ``occlusion``: :func:`occlusion`;
- ``faithfulness``: :func:`deletion_curve`, :func:`insertion_curve`, :func:`curve_area`,
  :func:`random_maps`;
- ``sanity``: :func:`cascading_randomization`, :func:`randomize_layers`,
  :func:`rank_correlation`;
- ``maximize``: :func:`maximize_channel`, :func:`top_patches`.

Every method takes a model in eval mode, ``(N, C, H, W)`` float images on the model's device
and one target class per image, and returns CPU tensors.
"""

from course_utils.explain.cam import class_activation_map, grad_cam, grad_cam_from
from course_utils.explain.faithfulness import (
    curve_area,
    deletion_curve,
    insertion_curve,
    random_maps,
)
from course_utils.explain.hooks import get_layer, layer_names, record_activations
from course_utils.explain.maps import heatmaps, normalize_maps, upsample_maps
from course_utils.explain.maximize import maximize_channel, top_patches, total_variation
from course_utils.explain.occlusion import occlusion
from course_utils.explain.saliency import (
    gradient_saliency,
    integrated_gradients,
    pixel_map,
    smoothgrad,
)
from course_utils.explain.sanity import cascading_randomization, randomize_layers, rank_correlation
