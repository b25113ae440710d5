"""The course's colours: one place for every colour map and every class or status colour.

Every figure and explorer takes its colours from here, so that all of them stay readable for
learners with colour-vision deficiency (about one man in twelve) and in greyscale print:

- magnitudes (a heat map, a CAM, a saliency map) use a perceptually uniform map whose lightness
  grows with the value, so brighter always means more;
- signed values (a kernel, a layer's map, a difference) use a diverging map, white at zero
  (:data:`GAIN_CMAP` where above zero is better);
- categories (classes, methods, curves) use the Okabe–Ito colours, chosen to stay apart under
  the common colour-vision deficiencies, each with a marker or a hatch of its own
  (:func:`series_style`);
- right and wrong are never told by colour alone: :data:`RIGHT_MARK` and :data:`WRONG_MARK` go
  into the text as well (:func:`verdict`), and a highlighted bar is hatched and labelled.

Rainbow maps ("jet", "rainbow", "hsv" and their kin) are not used anywhere: their bright bands
invent edges that the data does not have, and their reds and greens merge for many readers
(``tests/test_palette.py`` fails if one appears in the code or the notebooks).
"""

from __future__ import annotations

from course_utils.validation import check_bool, check_int_range

MAGNITUDE_CMAP = "viridis"
"""Non-negative values shown on their own: dark = low, bright = high."""

HEAT_CMAP = "inferno"
"""Heat maps laid over a photo (CAM, Grad-CAM, saliency): black = nothing, bright yellow =
where the network looked. Dark regions let the photo show through."""

SIGNED_CMAP = "RdBu_r"
"""Signed values, centred on zero: blue below, white at zero, red above."""

GAIN_CMAP = "RdBu"
"""Signed changes where above zero is better (an accuracy gain): red = a loss, white = no
change, blue = a gain. The same map as :data:`SIGNED_CMAP`, reversed, so that red stays the
colour of what went worse."""

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

REFERENCE_COLOUR = "#595959"
"""Reference lines (chance, a baseline, an overall value): dark grey, always dashed or dotted
and named in the legend or beside the line."""

HIGHLIGHT_COLOUR = "#E69F00"
"""The one thing a figure singles out among :data:`NEUTRAL_COLOUR` ones (the best window, a
marked size): Okabe–Ito orange, always with a word beside it or :data:`HIGHLIGHT_HATCH`."""

HIGHLIGHT_HATCH = "//"
"""The hatch of a highlighted bar, so that it stands out in greyscale too."""

SERIES_MARKERS = ("o", "s", "^", "D", "v", "P", "h", "*", "<", ">")
"""Marker shapes given to series in turn, so that curves and point clouds differ by shape as
well as colour. Ten shapes against eight colours: the (colour, shape) pairs of the first 40
series are all different. No cross among them: a black ``"x"`` marks mistakes."""

SERIES_HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++")
"""Hatches given to the bars of each series in turn (the first series plain)."""

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
    index = check_int_range(index, "index", low=0,
                            hint="Pass the class's index, e.g. class_colour(2).")
    return CLASS_COLOURS[index % len(CLASS_COLOURS)]


def series_style(index: int, *, bars: bool = False) -> dict[str, str]:
    """Matplotlib keyword arguments for series number ``index``: its colour and its marker, or
    its hatch for bars.

    Parameters
    ----------
    index : int
        A non-negative series number (0 for the first line or bar series).
    bars : bool
        Give a ``hatch`` (for ``ax.bar``) instead of a ``marker`` (for ``ax.plot``).

    Returns
    -------
    dict
        ``{"color": ..., "marker": ...}`` or ``{"color": ..., "hatch": ...}``, e.g.
        ``ax.plot(x, y, **series_style(1))``.
    """
    index = check_int_range(index, "index", low=0,
                            hint="Pass the series' number, e.g. series_style(2).")
    if check_bool(bars, "bars"):
        return {"color": class_colour(index),
                "hatch": SERIES_HATCHES[index % len(SERIES_HATCHES)]}
    return {"color": class_colour(index), "marker": SERIES_MARKERS[index % len(SERIES_MARKERS)]}


def verdict(right: bool) -> tuple[str, str]:
    """The mark and the colour of a right or a wrong prediction.

    Parameters
    ----------
    right : bool
        Whether the prediction is right (NumPy booleans are accepted).

    Returns
    -------
    (mark, colour) : (str, str)
        ``(RIGHT_MARK, RIGHT_COLOUR)`` or ``(WRONG_MARK, WRONG_COLOUR)``; put the mark in the
        text and draw the text in the colour, e.g. ``ax.set_title(f"{mark} cat", color=colour)``.
    """
    if check_bool(right, "right"):
        return RIGHT_MARK, RIGHT_COLOUR
    return WRONG_MARK, WRONG_COLOUR
