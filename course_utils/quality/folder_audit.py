"""What to look at in a learner's folder before training: duplicates, tiny images, imbalance.

Introduced in ``18_your_own_images.ipynb``. :func:`audit_folder` takes the set that
:func:`course_utils.data.folder.load_image_folder` returns and flags, without removing anything:

- duplicates: files with the same content, and near duplicates (the fingerprints of
  :func:`~course_utils.quality.near_duplicates`), within a class (the same photo would count
  twice, and may land in training and test) and across classes (one photo with two labels);
- very small images: shorter side under ``small_side`` pixels before resizing (they are blown
  up to the model's size and look blurred to it);
- strong imbalance: the largest class ``imbalance_ratio`` times the smallest or more
  (notebook 10's remedies apply).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course_utils.quality.duplicates import THRESHOLD, near_duplicates
from course_utils.validation import InputError, check_number, check_positive_int

SMALL_SIDE = 100
"""Images whose shorter side is under this many pixels are flagged as very small."""
IMBALANCE_RATIO = 3.0
"""A largest class this many times the smallest, or more, is flagged as strong imbalance."""


@dataclass
class FolderAudit:
    """What :func:`audit_folder` found.

    Attributes
    ----------
    counts : dict
        ``{class: number of images}``.
    duplicates : list of dict
        One per pair: ``first``, ``second`` (files), ``classes`` (their two classes),
        ``similarity`` and ``exact`` (same file content).
    small : dict
        ``{file: (height, width)}`` of the very small images.
    imbalance : float
        Largest class size over smallest.
    imbalanced : bool
    """

    counts: dict[str, int]
    duplicates: list[dict] = field(default_factory=list)
    small: dict[str, tuple[int, int]] = field(default_factory=dict)
    imbalance: float = 1.0
    imbalanced: bool = False

    @property
    def across_classes(self) -> list[dict]:
        """The duplicate pairs whose two files sit in different classes."""
        return [pair for pair in self.duplicates if pair["classes"][0] != pair["classes"][1]]

    def warnings(self) -> list[str]:
        """One sentence per problem, for a person: what was found and what to do."""
        lines = []
        for pair in self.duplicates:
            kind = "identical files" if pair["exact"] else \
                f"near duplicates (similarity {pair['similarity']:.3f})"
            where = ("in two classes, " + " and ".join(pair["classes"]) + ": one of the labels is "
                     "wrong" if pair["classes"][0] != pair["classes"][1] else "in one class: the "
                     "photo counts twice and may be in training and test")
            lines.append(f"{pair['first']} and {pair['second']} are {kind}, {where}; keep one.")
        for name, (height, width) in self.small.items():
            lines.append(f"{name} is very small ({width} x {height} px): it is blown up to the "
                         "model's size; use a larger photo if you have one.")
        if self.imbalanced:
            lines.append(f"the classes are imbalanced: the largest has {self.imbalance:.1f} times "
                         f"the images of the smallest ({self.counts}); add images to the small "
                         "classes, or see notebook 10 (weights, resampling).")
        return lines


def audit_folder(dataset, *, small_side: int = SMALL_SIDE,
                 imbalance_ratio: float = IMBALANCE_RATIO,
                 threshold: float = THRESHOLD) -> FolderAudit:
    """Flag duplicates, very small images and strong imbalance in a loaded folder.

    Introduced in ``18_your_own_images.ipynb``.

    Parameters
    ----------
    dataset : ImageSet
        From :func:`~course_utils.data.folder.load_image_folder` (its extras ``"file"``,
        ``"digest"`` and ``"original_size"`` are used).
    small_side : int
    imbalance_ratio : float, > 1
    threshold : float
        Fingerprint similarity from which two images count as near duplicates.

    Returns
    -------
    FolderAudit
    """
    extras = getattr(dataset, "extras", None)
    if not isinstance(extras, dict) or not {"file", "digest", "original_size"} <= extras.keys():
        raise InputError("dataset must be a set from load_image_folder (with extras 'file', "
                         f"'digest' and 'original_size'), got {type(dataset).__name__}.")
    small_side = check_positive_int(small_side, "small_side")
    imbalance_ratio = check_number(imbalance_ratio, "imbalance_ratio", 1.0, None, low_open=True)
    files, digests = extras["file"], extras["digest"]
    classes = [dataset.classes[k] for k in dataset.labels.tolist()]
    pairs: dict[tuple[int, int], float] = {}
    first_of: dict[str, int] = {}
    for j, digest in enumerate(digests):
        if digest in first_of:
            pairs[(first_of[digest], j)] = 1.0
        else:
            first_of[digest] = j
    found = near_duplicates(dataset.images, threshold=threshold)
    for (i, j), similarity in zip(found.pairs.tolist(), found.similarity.tolist()):
        pairs.setdefault((min(i, j), max(i, j)), similarity)
    duplicates = [{"first": files[i], "second": files[j], "classes": (classes[i], classes[j]),
                   "similarity": round(similarity, 4), "exact": digests[i] == digests[j]}
                  for (i, j), similarity in sorted(pairs.items())]
    small = {files[k]: (int(h), int(w)) for k, (h, w) in
             enumerate(extras["original_size"].tolist()) if min(h, w) < small_side}
    counts = dataset.class_counts()
    ratio = max(counts.values()) / max(1, min(counts.values()))
    return FolderAudit(counts, duplicates, small, ratio, ratio >= imbalance_ratio)
