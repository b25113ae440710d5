"""plots.graph draws the chain of operations autograd records, and refuses what is not one."""

import matplotlib.pyplot as plt
import pytest

from course_utils.plots.graph import plot_autograd_chain
from course_utils.validation import InputError

CHAIN = [("Convolution", ["w1", "b1"]), ("Relu", []), ("Addmm", ["b2", "w2ᵀ"]), ("NllLoss", [])]


def test_draws_every_operation_weight_and_rule():
    fig = plot_autograd_chain(CHAIN, backward_rules={"Relu": "dout · [x > 0]"}, title="tiny")
    texts = [t.get_text() for t in fig.axes[0].texts]
    for op, weights in CHAIN:
        assert op in texts
        assert all(w in texts for w in weights)
    assert "dout · [x > 0]" in texts and "L" in texts
    assert fig.axes[0].get_title() == "tiny"
    plt.close(fig)


def test_max_pool_name_is_shortened():
    fig = plot_autograd_chain([("MaxPool2DWithIndices", [])])
    assert "MaxPool2d" in [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)


@pytest.mark.parametrize("bad", [[], "Convolution", [("Relu",)], [("Relu", "w1")], [(3, [])],
                                 [("Relu", [1])]])
def test_rejects_what_is_not_a_chain(bad):
    with pytest.raises(InputError, match="chain"):
        plot_autograd_chain(bad)


def test_rejects_rules_that_are_not_text():
    with pytest.raises(InputError, match="backward_rules"):
        plot_autograd_chain(CHAIN, backward_rules={"Relu": 1})
