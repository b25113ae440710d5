"""Data for the course: the shipped, checksummed datasets and, online, the full ones.

Introduced in ``01_images_as_tensors.ipynb``. Layout, one concept per module:

- ``registry``: :func:`load_dataset` and :func:`list_datasets` for the shipped data;
- ``imageset``: :class:`ImageSet`, the in-memory labelled set every image loader returns;
- ``textset``: :class:`TextSet`, its twin for sentences (notebook 15);
- ``manifest``: SHA-256 checks against ``data/SHA256SUMS`` (:class:`ChecksumError`);
- ``splits``: :func:`stratified_split`;
- ``shipped``: the readers behind the registry; :func:`pet_files` and :func:`read_photo`;
- ``sentiment``: :func:`read_labelled_sentences`, the review sentences' reader (notebook 15);
- ``samples``: :func:`sample_photo` from scikit-image;
- ``online``: :func:`load_full_dataset` through torchvision (:class:`OfflineError`);
- ``paths``: where the data and the cache live;
- ``folder``: :func:`load_image_folder`, a learner's own ``root/<class>/*`` photos with a
  report of every file, :func:`split_three_ways`, :func:`example_folder` (notebook 18).
"""

from course_utils.data.folder import (
    FolderError,
    example_folder,
    load_image_folder,
    split_three_ways,
)
from course_utils.data.imageset import ImageSet
from course_utils.data.manifest import ChecksumError, verified_path, verify_all
from course_utils.data.online import OfflineError, load_full_dataset
from course_utils.data.paths import cache_dir, data_dir
from course_utils.data.registry import DATASETS, list_datasets, load_dataset
from course_utils.data.samples import sample_photo
from course_utils.data.sentiment import read_labelled_sentences
from course_utils.data.shipped import pet_files, read_photo
from course_utils.data.splits import stratified_split
from course_utils.data.textset import TextSet
