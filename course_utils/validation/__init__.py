"""Input checks for every public helper of the course, and the one error type they raise.

Met from ``01_images_as_tensors.ipynb`` on, whenever a helper is given something odd. Each
``check_*`` function is named after what it checks, takes the value first and the argument's
name second, and either returns the value in the form the helper works with (a tensor, an int,
a float, a path) or raises :class:`InputError` with a sentence that says what was given, what
was expected and the usual fix, e.g.::

    >>> check_images(torch.full((2, 1, 28, 28), 200.0), "images", value_range="unit")
    InputError: images must lie in [0, 1], got values in [200, 200]: they look like 0..255
    floats: divide by 255 or use course_utils.validation.to_float_images(images); keep any
    normalisation inside the model (course_utils.models.Normalize).

Use the checks at the boundary of a public helper (its first lines). Inside a training step
check shapes and dtypes only: a check that reads values (NaN, range) waits for the GPU. Import
them from this package (``from course_utils.validation import check_images``); one concept
per module:

- ``errors``: :class:`InputError`, :class:`MissingFileError`, :func:`describe` (what was given);
- ``scalars``: :func:`check_int_range`, :func:`check_positive_int`, :func:`check_number`,
  :func:`check_positive`, :func:`check_non_negative`, :func:`check_probability`,
  :func:`check_eps`, :func:`check_size`;
- ``options``: :func:`check_choice`, :func:`check_bool`, :func:`check_type`;
- ``tensors``: :data:`ArrayLike`, :func:`to_numpy`, :func:`as_tensor`, :func:`check_tensor`,
  :func:`check_finite`, :func:`check_same_device`, :func:`check_same_length`;
- ``images``: :func:`check_images`, :func:`check_rgb_images`, :func:`check_spatial_size`,
  :func:`check_unit_images`,
:func:`to_float_images`,
  :func:`range_problem`;
- ``labels``: :func:`check_labels`, :func:`check_batch_labels`, :func:`check_indices`;
- ``metrics``: :func:`check_curves`, :func:`check_label_array`, :func:`check_pair`,
  :func:`check_scores`, :func:`check_class_scores` (labels with their ``(N, K)`` scores),
  :func:`check_binary`;
- ``files``: :func:`check_file`, :func:`check_file_path`, :func:`check_output_file`;
- ``models``: :func:`check_model`, :func:`model_device`, :func:`check_logits`,
  :func:`check_model_fits`;
- ``explain``: :func:`check_explained`, :func:`check_targets`, :func:`check_target_range`,
  :func:`target_scores`,
  :func:`check_maps`;
- ``layers``: :func:`check_cache`, :func:`check_square_kernel`.

A helper that needs a check missing here adds one small function to the module of its topic
and re-exports it here; no module keeps a private copy of a check.

Floor 1: imports only torch and NumPy.
"""

from course_utils.validation.errors import InputError, MissingFileError, describe
from course_utils.validation.explain import (
    check_explained,
    check_maps,
    check_target_range,
    check_targets,
    target_scores,
)
from course_utils.validation.files import check_file, check_file_path, check_output_file
from course_utils.validation.images import (
    check_images,
    check_rgb_images,
    check_spatial_size,
    check_unit_images,
    range_problem,
    to_float_images,
)
from course_utils.validation.labels import check_batch_labels, check_indices, check_labels
from course_utils.validation.layers import check_cache, check_square_kernel
from course_utils.validation.metrics import (
    check_binary,
    check_class_scores,
    check_curves,
    check_label_array,
    check_pair,
    check_scores,
)
from course_utils.validation.models import (
    check_logits,
    check_model,
    check_model_fits,
    model_device,
)
from course_utils.validation.options import check_bool, check_choice, check_type
from course_utils.validation.scalars import (
    check_eps,
    check_int_range,
    check_non_negative,
    check_number,
    check_positive,
    check_positive_int,
    check_probability,
    check_size,
)
from course_utils.validation.tensors import (
    ArrayLike,
    as_tensor,
    check_finite,
    check_same_device,
    check_same_length,
    check_tensor,
    to_numpy,
)
