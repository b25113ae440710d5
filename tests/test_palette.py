"""The course's colours (``course_utils.plots.palette``) stay readable for everyone.

- No rainbow colour map (:data:`palette.FORBIDDEN_CMAPS`) is named in ``course_utils/``,
  ``benchmarks/`` or the notebooks' code cells.
- The class colours, right against wrong and the highlight against the neutral grey stay apart
  under simulated deuteranopia, protanopia and tritanopia.
- The magnitude maps grow steadily in lightness; the signed maps are centred on a light neutral.
- The figures of ``course_utils.plots`` draw with the palette and never tell right from wrong
  by colour alone.

Why ``colorspacious`` (and not ``daltonlens``): one small NumPy-only library gives both what
the test needs, the simulation of colour-vision deficiency (Machado, Oliveira and Fernandes,
2009, in its ``"sRGB1+CVD"`` space, at any severity) and a perceptual distance (CAM02-UCS,
Luo, Cui and Li, 2006, the space ``viscm`` used to design viridis). ``daltonlens`` has more
simulation models (Brettel 1997, Viénot 1999, Machado 2009) but no perceptual distance, so it
would need a second colour library beside it. Both are real: where daltonlens is installed,
its Machado simulation is checked against colorspacious'
(:func:`test_both_simulation_libraries_are_real_and_agree`); colorspacious is the one in the
test extra.
"""

from __future__ import annotations

import ast
import itertools
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from colorspacious import cspace_convert, deltaE  # noqa: E402
from matplotlib import colormaps  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402
from notebook_runs import all_notebooks, python_source  # noqa: E402

from course_utils.plots import (  # noqa: E402
    palette,
    plot_confident_mistakes,
    plot_overlays,
    plot_robustness_curves,
    plot_window_scores,
    show_images,
)

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("course_utils", "benchmarks")
"""Folders whose Python files may not name a forbidden colour map (besides the notebooks)."""
ALLOWED = {ROOT / "course_utils" / "plots" / "palette.py"}
"""Files that name the forbidden maps on purpose: the palette's own list."""
COLOUR_MAP_OWNERS = {"plt", "pyplot", "cm", "colormaps"}
"""Names whose attributes are colour maps or set one: ``plt.cm.jet``, ``plt.jet()``."""

DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")
"""colorspacious' names; at severity 100 they are deuteranopia, protanopia and tritanopia."""

MIN_DELTA_E = 10.0
"""The smallest CAM02-UCS distance two colours that must be told apart may have, for every
reader (normal vision and each simulated deficiency at full severity).

CAM02-UCS is scaled so that a distance of about 1 is just noticeable for two large patches
side by side; the marks of a chart are small, thin and apart, and the difference they need
grows as they shrink (Stone, Szafir and Setlur, 2014), so we ask for ten times that. 10 is
also the smallest minimum distance that Petroff's colour-cycle picker (CAM02-UCS with the same
Machado simulation) lets a designer choose; its default of 20 is for 50% severity. At full
severity Okabe-Ito's eight colours clear 10 (closest pairs: protanopia blue #0072B2 against
reddish purple #CC79A7, 14.0; deuteranopia bluish green #009E73 against reddish purple, 14.8;
tritanopia orange #E69F00 against reddish purple, 11.0) but not 20, and no order of them
would: the bar was not lowered to let them pass. The course's former right/wrong pair (green
#1a7f37 against red #cf222e) falls to 8.8 under deuteranopia and fails it
(:func:`test_the_bar_rejects_a_red_green_pair`).
"""

LIGHT_NEUTRAL = (90.0, 5.0)
"""The middle of a signed map: lightness J' at least 90 and chroma sqrt(a'^2 + b'^2) at most 5
in CAM02-UCS (white is J' = 100, chroma 0)."""


# --- the scanner: colour-map names in Python source --------------------------------------------

def _forbidden(name: str) -> bool:
    return name.removesuffix("_r") in palette.FORBIDDEN_CMAPS


def _owner(node: ast.expr) -> str:
    """``plt`` for ``plt``, ``cm`` for ``matplotlib.cm``: the last name of a dotted value."""
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def forbidden_cmap_uses(source: str) -> list[tuple[int, str]]:
    """``(line, name)`` for every forbidden colour map that ``source`` names.

    A string literal that is a forbidden name (``"jet"``, ``"hsv_r"``), or a colour map taken as
    an attribute (``plt.cm.jet``, ``matplotlib.cm.rainbow``, ``plt.hsv()``). Words in a longer
    string (a docstring that explains why jet is banned) and unrelated names (a variable
    ``flag``) are not uses.

    Parameters
    ----------
    source : str
        Python source (a module, or a notebook cell with its magics blanked).
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _forbidden(node.value.strip()):
                found.append((node.lineno, node.value.strip()))
        elif isinstance(node, ast.Attribute) and _forbidden(node.attr) \
                and _owner(node.value) in COLOUR_MAP_OWNERS:
            found.append((node.lineno, node.attr))
    return found


def _sources() -> list[tuple[str, str]]:
    """``(where, source)`` for every scanned Python file and notebook code cell."""
    sources = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path not in ALLOWED:
                sources.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for notebook in all_notebooks():
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                sources.append((f"{notebook.relative_to(ROOT)} cell {number}",
                                python_source("".join(cell["source"]))))
    return sources


@pytest.mark.parametrize("snippet, names", [
    ('plt.imshow(x, cmap="jet")', ["jet"]),
    ("colour = plt.get_cmap('rainbow_r')(heat)", ["rainbow_r"]),
    ("ax.imshow(x, cmap=plt.cm.hsv)", ["hsv"]),
    ("import matplotlib.cm\nm = matplotlib.cm.nipy_spectral", ["nipy_spectral"]),
    ("plt.jet()", ["jet"]),
    ('HEAT = "turbo"\nCMAPS = {"a": "gist_rainbow"}', ["turbo", "gist_rainbow"]),
    ('plt.imshow(x, cmap="viridis")', []),
    ('"""Rainbow maps such as "jet" invent edges."""', []),
    ("flag = True\nif args.flag:\n    hsv = to_hsv(rgb)", []),
])
def test_the_scanner_finds_forbidden_colour_maps(snippet, names):
    assert [name for _, name in forbidden_cmap_uses(snippet)] == names


def test_the_scanner_gives_the_line():
    assert forbidden_cmap_uses('a = 1\n\nb = "jet"\n') == [(3, "jet")]


def test_no_forbidden_colour_map_in_the_code_or_the_notebooks():
    sources = _sources()
    assert any(where.startswith("notebooks/") for where, _ in sources)   # the cells were read
    assert any(where.startswith("benchmarks/") for where, _ in sources)
    uses = [f"{where}, line {line}: {name!r}"
            for where, source in sources for line, name in forbidden_cmap_uses(source)]
    assert not uses, ("rainbow colour maps mislead about magnitude and lose their reds and "
                      "greens for many readers; use palette.MAGNITUDE_CMAP, HEAT_CMAP or "
                      "SIGNED_CMAP instead:\n" + "\n".join(uses))


# --- colour-vision deficiency --------------------------------------------------------------------

def _space(deficiency: str | None) -> str | dict:
    if deficiency is None:
        return "sRGB1"
    return {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}


def distance(first: str, second: str, deficiency: str | None = None) -> float:
    """CAM02-UCS distance between two colours as a reader with ``deficiency`` sees them.

    Parameters
    ----------
    first, second : str
        Matplotlib colours.
    deficiency : str, optional
        One of :data:`DEFICIENCIES` (full severity); None for normal vision.
    """
    return float(deltaE(to_rgb(first), to_rgb(second), input_space=_space(deficiency),
                        uniform_space="CAM02-UCS"))


def closest_pair(colours: tuple[str, ...], deficiency: str | None) -> tuple[float, str, str]:
    """The smallest distance between two of ``colours`` and the pair at that distance.

    Parameters
    ----------
    colours : tuple of str
    deficiency : str, optional
    """
    return min((distance(a, b, deficiency), a, b) for a, b in itertools.combinations(colours, 2))


@pytest.mark.parametrize("deficiency", (None, *DEFICIENCIES))
def test_class_colours_stay_apart(deficiency):
    gap, first, second = closest_pair(palette.CLASS_COLOURS, deficiency)
    assert gap >= MIN_DELTA_E, (f"{first} and {second} are only {gap:.1f} apart in CAM02-UCS "
                                f"for {deficiency or 'normal vision'}")


@pytest.mark.parametrize("deficiency", (None, *DEFICIENCIES))
@pytest.mark.parametrize("first, second", [
    (palette.RIGHT_COLOUR, palette.WRONG_COLOUR),
    (palette.HIGHLIGHT_COLOUR, palette.NEUTRAL_COLOUR),
])
def test_right_and_wrong_and_the_highlight_stay_apart(first, second, deficiency):
    assert distance(first, second, deficiency) >= MIN_DELTA_E


def test_the_bar_rejects_a_red_green_pair():
    """The check can fail: the former right/wrong pair merges under deuteranopia."""
    assert distance("#1a7f37", "#cf222e") > 3 * MIN_DELTA_E        # clear with normal vision
    assert distance("#1a7f37", "#cf222e", "deuteranomaly") < MIN_DELTA_E
    assert closest_pair(("#0072B2", "#1a7f37", "#cf222e"), "deuteranomaly")[1:] == (
        "#1a7f37", "#cf222e")


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_both_simulation_libraries_are_real_and_agree(deficiency):
    """daltonlens' own implementation of Machado 2009 sees the class colours as colorspacious
    does, to within one just-noticeable difference: the simulation the bar rests on is not
    one library's quirk."""
    simulate = pytest.importorskip("daltonlens.simulate", reason="daltonlens is the cross-check "
                                   "(pip install daltonlens); the checks above do not need it")
    kinds = {"deuteranomaly": simulate.Deficiency.DEUTAN,
             "protanomaly": simulate.Deficiency.PROTAN,
             "tritanomaly": simulate.Deficiency.TRITAN}
    rgb = np.array([to_rgb(c) for c in palette.CLASS_COLOURS])
    pixels = (rgb * 255).round().astype(np.uint8)[None]              # a 1 x 8 image
    theirs = simulate.Simulator_Machado2009().simulate_cvd(pixels, kinds[deficiency],
                                                           severity=1.0)[0] / 255
    ours = np.clip(cspace_convert(rgb, _space(deficiency), "sRGB1"), 0, 1)
    assert deltaE(theirs, ours, input_space="sRGB1", uniform_space="CAM02-UCS").max() < 1.0
    grey = cspace_convert([0.5, 0.5, 0.5], _space(deficiency), "sRGB1")
    assert np.allclose(grey, 0.5, atol=1e-3)                         # greys stay grey


# --- colour maps ---------------------------------------------------------------------------------

def lightness(cmap: str, samples: int = 256) -> np.ndarray:
    """J' (CAM02-UCS lightness, 0 black to 100 white) along a colour map.

    Parameters
    ----------
    cmap : str
    samples : int
    """
    rgb = colormaps[cmap](np.linspace(0, 1, samples))[:, :3]
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")[:, 0]


@pytest.mark.parametrize("cmap, direction", [
    (palette.MAGNITUDE_CMAP, 1), (palette.HEAT_CMAP, 1), (palette.GREY_CMAP, 1),
    (palette.COUNT_CMAP, -1),   # white = no count, darker = more
])
def test_sequential_maps_change_lightness_steadily(cmap, direction):
    steps = direction * np.diff(lightness(cmap))
    assert (steps > 0).all(), f"{cmap} turns back in lightness"
    assert direction * (lightness(cmap)[-1] - lightness(cmap)[0]) > 60   # dark to light


@pytest.mark.parametrize("cmap", palette.FORBIDDEN_CMAPS)
def test_rainbow_maps_fail_the_lightness_check(cmap):
    steps = np.diff(lightness(cmap))
    assert not (steps > 0).all() and not (steps < 0).all()


@pytest.mark.parametrize("cmap", [palette.SIGNED_CMAP, palette.GAIN_CMAP])
def test_signed_maps_are_centred_on_a_light_neutral(cmap):
    ends_and_middle = cspace_convert(colormaps[cmap]([0.0, 0.5, 1.0])[:, :3], "sRGB1",
                                     "CAM02-UCS")
    light, chroma = ends_and_middle[1, 0], np.hypot(*ends_and_middle[1, 1:])
    assert light >= LIGHT_NEUTRAL[0] and chroma <= LIGHT_NEUTRAL[1]
    assert abs(ends_and_middle[0, 0] - ends_and_middle[2, 0]) < 10   # both ends as dark
    j = lightness(cmap, 255)
    assert (np.diff(j[:128]) > 0).all() and (np.diff(j[127:]) < 0).all()   # lightest at 0


def test_the_gain_map_is_the_signed_map_reversed():
    entries = np.arange(256)                         # integers index the 256 colours exactly
    assert np.allclose(colormaps[palette.GAIN_CMAP](entries),
                       colormaps[palette.SIGNED_CMAP](entries[::-1]), atol=1 / 255)


# --- the palette's helpers -----------------------------------------------------------------------

def test_class_colour_cycles_after_eight():
    assert [palette.class_colour(i) for i in range(9)] == [*palette.CLASS_COLOURS,
                                                           palette.CLASS_COLOURS[0]]
    assert palette.class_colour(np.int64(2)) == palette.CLASS_COLOURS[2]


def test_series_styles_differ_in_colour_and_shape():
    lines = [palette.series_style(i) for i in range(40)]
    assert len({(s["color"], s["marker"]) for s in lines}) == 40
    assert lines[0] == {"color": palette.CLASS_COLOURS[0], "marker": "o"}
    bars = [palette.series_style(i, bars=True) for i in range(8)]
    assert len({s["hatch"] for s in bars}) == 8 and bars[0]["hatch"] == ""


def test_verdict_gives_a_mark_and_a_colour():
    assert palette.verdict(True) == (palette.RIGHT_MARK, palette.RIGHT_COLOUR)
    assert palette.verdict(np.bool_(False)) == (palette.WRONG_MARK, palette.WRONG_COLOUR)
    assert palette.RIGHT_MARK != palette.WRONG_MARK


@pytest.mark.parametrize("call, message", [
    (lambda: palette.class_colour(-1), r"index must be an int >= 0, got -1\. Pass the class"),
    (lambda: palette.class_colour(2.0), r"index must be an int >= 0, got .*2\.0.* Use int"),
    (lambda: palette.class_colour(True), "index must be an int >= 0"),
    (lambda: palette.series_style("1"), r"index must be an int >= 0.*series_style\(2\)"),
    (lambda: palette.series_style(1, bars="yes"), "bars must be True or False"),
    (lambda: palette.verdict(1), "right must be True or False"),
])
def test_palette_helpers_refuse_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the figures draw with the palette -----------------------------------------------------------

def test_show_images_marks_right_and_wrong_in_the_text():
    images = torch.zeros(3, 1, 8, 8, dtype=torch.uint8)
    fig = show_images(images, [0, 1, 1], preds=[0, 0, 1], classes=("cat", "dog"))
    titles = [(ax.get_title(), to_hex(ax.title.get_color()).upper()) for ax in fig.axes]
    assert titles == [(f"{palette.RIGHT_MARK} cat (cat)", palette.RIGHT_COLOUR),
                      (f"{palette.WRONG_MARK} cat (dog)", palette.WRONG_COLOUR),
                      (f"{palette.RIGHT_MARK} dog (dog)", palette.RIGHT_COLOUR)]
    plt.close(fig)


def test_confident_mistakes_carry_the_wrong_mark():
    probs = torch.tensor([[0.9, 0.1], [0.2, 0.8]])
    fig = plot_confident_mistakes(torch.zeros(2, 1, 8, 8), [1, 1], probs, classes=("a", "b"))
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [f"{palette.WRONG_MARK} a 90%\n(is b)"]
    assert to_hex(fig.axes[0].title.get_color()).upper() == palette.WRONG_COLOUR
    plt.close(fig)


def test_the_best_window_is_hatched_and_labelled_not_only_coloured():
    fig = plot_window_scores(["a", "b", "c", "d"], np.array([0.1, 0.7, -0.2]), width=2)
    ax = fig.axes[0]
    bars = ax.patches
    assert [bar.get_hatch() for bar in bars] == [None, palette.HIGHLIGHT_HATCH, None]
    assert to_hex(bars[1].get_facecolor()).upper() == palette.HIGHLIGHT_COLOUR
    assert [t.get_text() for t in ax.texts] == ["", "max", ""]
    plt.close(fig)


def test_curves_differ_in_colour_and_marker():
    fig = plot_robustness_curves([0, 0.1], {"a": [0.9, 0.5], "b": [0.8, 0.6], "c": [0.7, 0.7]},
                                 chance=0.1)
    lines = [line for line in fig.axes[0].lines if line.get_label() in "abc"]
    assert [to_hex(line.get_color()).upper() for line in lines] == list(
        palette.CLASS_COLOURS[:3])
    assert len({line.get_marker() for line in lines}) == 3
    plt.close(fig)


def test_overlays_use_the_heat_map_and_show_its_scale():
    photo = torch.ones(1, 3, 4, 4)                   # white
    heat = torch.linspace(0, 1, 16).reshape(1, 4, 4)
    fig = plot_overlays(photo, {"map": heat}, alpha=1.0, show_input=False)
    drawn = fig.axes[0].images[0].get_array()
    expected = colormaps[palette.HEAT_CMAP](heat[0].numpy())[..., :3]
    assert np.allclose(drawn, expected)
    bar = fig.axes[-1]
    assert bar.images or bar.collections              # the colour bar is drawn
    assert [t.get_text() for t in bar.get_xticklabels()] == ["0: none", "0.5", "1: strongest"]
    plt.close(fig)
