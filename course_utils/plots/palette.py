"""The course's colours: one place for every colour map and every class or status colour.

Every figure and explorer takes its colours from here, so that all of them stay readable for
learners with colour-vision deficiency (about one man in twelve) and in greyscale print:

- magnitudes (a heat map, a CAM, a saliency map) use a perceptually uniform map whose lightness
  grows with the value, so brighter always means more;
- signed values (a kernel, a layer's map, a difference) use a diverging map, white at zero;
- categories (classes, methods, curves) use the Okabe–Ito colours, chosen to stay apart under
  the common colour-vision deficiencies;
- right and wrong are never told by colour alone: :data:`RIGHT_MARK` and :data:`WRONG_MARK` go
  into the text as well.

Rainbow maps ("jet", "rainbow", "hsv" and their kin) are not used anywhere: their bright bands
invent edges that the data does not have, and their reds and greens merge for many readers
(``tests/test_palette.py`` fails if one appears in the code or the notebooks).
"""

from __future__ import annotations

from course_utils.validation import InputError

MAGNITUDE_CMAP = "viridis"
"""Non-negative values shown on their own: dark = low, bright = high."""

HEAT_CMAP = "inferno"
"""Heat maps laid over a photo (CAM, Grad-CAM, saliency): black = nothing, bright yellow =
where the network looked. Dark regions let the photo show through."""

SIGNED_CMAP = "RdBu_r"
"""Signed values, centred on zero: blue below, white at zero, red above."""

GREY_CMAP = "gray"
"""Pictures that are intensities (digits, one channel of a photo)."""

COUNT_CMAP = "Blues"
"""Counts in a table (a confusion matrix): white = none, dark blue = many."""

FORBIDDEN_CMAPS = ("jet", "rainbow", "hsv", "gist_rainbow", "nipy_spectral", "gist_ncar",
                   "turbo", "prism", "flag")
"""Colour maps the course never uses (``tests/test_palette.py`` checks the code for them)."""

CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                 "#F0E442", "#000000")
"""Okabe–Ito's eight colours, in the order the course gives them to classes or curves."""

RIGHT_COLOUR = "#0072B2"
"""A right prediction: blue, always with :data:`RIGHT_MARK`."""

WRONG_COLOUR = "#D55E00"
"""A wrong prediction: vermilion, always with :data:`WRONG_MARK`."""

NEUTRAL_COLOUR = "#8C959F"
"""Everything not singled out (other bars, background marks)."""

RIGHT_MARK = "✓"
"""Written beside a right prediction, so colour is never the only cue."""

WRONG_MARK = "✗"
"""Written beside a wrong prediction."""


def class_colour(index: int) -> str:
    """The colour of class or curve number ``index`` (0-based), cycling after eight.

    Parameters
    ----------
    index : int
        A non-negative class or series number.

    Returns
    -------
    str
        A ``#RRGGBB`` colour from :data:`CLASS_COLOURS`.
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InputError(f"class_colour takes a class number >= 0, got {index!r}; "
                         "pass the class's index, e.g. class_colour(2).")
    return CLASS_COLOURS[index % len(CLASS_COLOURS)]
