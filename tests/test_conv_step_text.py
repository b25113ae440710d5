"""Numbers written on the cells of the convolution step figure contrast with their cells."""

import matplotlib
import pytest
import torch

from course_utils.explorers.conv_step import contrasting_text_colour, show_conv_step
from course_utils.validation import InputError


def test_dark_cells_get_white_text_and_light_cells_black():
    assert contrasting_text_colour((0.0, 0.0, 0.0)) == "white"
    assert contrasting_text_colour((1.0, 1.0, 1.0, 1.0)) == "black"
    rdbu = matplotlib.colormaps["RdBu_r"]
    assert contrasting_text_colour(rdbu(0.0)) == "white"   # darkest blue
    assert contrasting_text_colour(rdbu(1.0)) == "white"   # darkest red
    assert contrasting_text_colour(rdbu(0.5)) == "black"   # the white middle
    assert contrasting_text_colour(matplotlib.colormaps["viridis"](0.0)) == "white"
    assert contrasting_text_colour(matplotlib.colormaps["viridis"](1.0)) == "black"


@pytest.mark.parametrize("bad", [(0.5, 0.5), (0.1, 0.2, 1.5), (0, 0, 0, 0, 0)])
def test_rejects_what_is_not_a_colour(bad):
    with pytest.raises(InputError, match="cell_rgba"):
        contrasting_text_colour(bad)


def test_sobel_kernel_extremes_are_written_in_white():
    x = torch.arange(36.0).reshape(6, 6) % 10
    sobel_x = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    fig = show_conv_step(x, sobel_x, position=3, stride=1, padding=1)
    kernel_ax = fig.axes[1]
    colours = {t.get_text(): t.get_color() for t in kernel_ax.texts}
    assert colours["-2"] == colours["2"] == "white"  # the darkest cells of RdBu_r
    assert colours["0"] == "black"                   # the white middle of RdBu_r
