"""The from-scratch layers match PyTorch, forward and backward, and reject bad input clearly."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

from course_utils.layers import (
    conv2d,
    conv2d_backward,
    conv2d_forward,
    conv2d_loops,
    conv_output_size,
    gradient_check,
    linear_backward,
    linear_forward,
    maxpool2d_backward,
    maxpool2d_forward,
    numerical_gradient,
    pool2d,
    receptive_field,
    relative_error,
    relu_backward,
    relu_forward,
    softmax,
    softmax_cross_entropy_backward,
    softmax_cross_entropy_forward,
)


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(0)


@pytest.mark.parametrize("stride,padding,dilation", [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 1, 2)])
def test_conv_forward_matches_torch(gen, stride, padding, dilation):
    x = torch.randn(2, 3, 11, 9, generator=gen)
    w = torch.randn(4, 3, 3, 3, generator=gen)
    b = torch.randn(4, generator=gen)
    expected = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    for impl in (conv2d, conv2d_loops):
        got = impl(x, w, b, stride, padding, dilation)
        assert got.shape == expected.shape
        assert (got - expected).abs().max() <= 1e-5


def test_output_size_formula_matches_torch():
    x = torch.zeros(1, 1, 13, 10)
    for k, s, p, d in itertools.product([1, 2, 3, 5], [1, 2, 3], [0, 1, 2], [1, 2]):
        if d * (k - 1) + 1 > 10 + 2 * p:
            continue
        shape = F.conv2d(x, torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d).shape
        assert (conv_output_size(13, k, s, p, d), conv_output_size(10, k, s, p, d)) == shape[2:]


def test_backward_passes_match_autograd(gen):
    x = torch.randn(2, 2, 7, 7, generator=gen, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, generator=gen, dtype=torch.float64, requires_grad=True)
    out, cache = conv2d_forward(x.detach(), w.detach(), b.detach(), stride=2, padding=1,
                                dilation=1)
    dout = torch.randn(out.shape, generator=gen, dtype=torch.float64)
    F.conv2d(x, w, b, stride=2, padding=1).backward(dout)
    dx, dw, db = conv2d_backward(dout, cache)
    for mine, ref in ((dx, x.grad), (dw, w.grad), (db, b.grad)):
        assert relative_error(mine, ref) < 1e-12

    xp = torch.randn(2, 3, 8, 8, generator=gen, dtype=torch.float64, requires_grad=True)
    for k, s in ((2, 2), (3, 1)):
        xp.grad = None
        out, cache = maxpool2d_forward(xp.detach(), k, s)
        assert torch.equal(out, F.max_pool2d(xp, k, s))
        dout = torch.randn(out.shape, generator=gen, dtype=torch.float64)
        F.max_pool2d(xp, k, s).backward(dout)
        assert relative_error(maxpool2d_backward(dout, cache), xp.grad) < 1e-12


def test_gradient_check_of_a_small_network(gen):
    x = torch.randn(3, 1, 6, 6, generator=gen, dtype=torch.float64)
    y = torch.tensor([0, 2, 1])
    p = {"w1": torch.randn(2, 1, 3, 3, generator=gen, dtype=torch.float64),
         "b1": torch.randn(2, generator=gen, dtype=torch.float64),
         "w2": torch.randn(3, 8, generator=gen, dtype=torch.float64),
         "b2": torch.randn(3, generator=gen, dtype=torch.float64)}

    def forward():
        h, c1 = conv2d_forward(x, p["w1"], p["b1"])
        r, c2 = relu_forward(h)
        m, c3 = maxpool2d_forward(r, 2)
        z, c4 = linear_forward(m.reshape(3, -1), p["w2"], p["b2"])
        loss, c5 = softmax_cross_entropy_forward(z, y)
        return loss, (c1, c2, c3, c4, c5, m.shape)

    loss, (c1, c2, c3, c4, c5, mshape) = forward()
    dz = softmax_cross_entropy_backward(c5)
    dm, dw2, db2 = linear_backward(dz, c4)
    dr = maxpool2d_backward(dm.reshape(mshape), c3)
    dx, dw1, db1 = conv2d_backward(relu_backward(dr, c2), c1)
    errors = gradient_check(lambda: forward()[0], p, {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2})
    assert max(errors.values()) < 1e-6, errors


def test_softmax_is_stable_and_matches_torch():
    logits = torch.tensor([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    assert torch.allclose(softmax(logits), torch.softmax(logits, dim=1))
    loss, _ = softmax_cross_entropy_forward(logits, torch.tensor([0, 2]))
    assert torch.isclose(loss, F.cross_entropy(logits, torch.tensor([0, 2])))


def test_pool2d_avg_and_receptive_field():
    x = torch.arange(16.0).view(1, 1, 4, 4)
    assert torch.equal(pool2d(x, 2, mode="avg"), F.avg_pool2d(x, 2))
    assert receptive_field([(3, 1), (3, 1)]) == 5
    assert receptive_field([(3, 1), (2, 2), (3, 1)]) == 8
    assert receptive_field([(3, 1, 2)]) == 5


@pytest.mark.parametrize("call,match", [
    (lambda: conv_output_size(10, 3, stride=0), "stride must be an int >= 1, got 0"),
    (lambda: conv_output_size(4, 7), "kernel spans 7 pixels"),
    (lambda: conv2d(torch.zeros(1, 1, 5, 5), torch.zeros(1, 1, 3, 2)), "must be square"),
    (lambda: conv2d(torch.zeros(1, 5, 5), torch.zeros(1, 1, 3, 3)), "x.unsqueeze"),
    (lambda: conv2d(torch.zeros(1, 2, 5, 5), torch.zeros(1, 1, 3, 3)), "input channels"),
    (lambda: conv2d(torch.zeros(1, 1, 5, 5, dtype=torch.uint8), torch.zeros(1, 1, 3, 3)), "float"),
    (lambda: pool2d(torch.zeros(1, 1, 4, 4), 2, mode="min"), "'max' or 'avg'"),
    (lambda: pool2d(torch.zeros(1, 1, 4, 4), 2, stride=0), "stride"),
    (lambda: numerical_gradient(lambda: torch.tensor(0.0), torch.zeros(2)), "float64"),
    (lambda: softmax_cross_entropy_forward(torch.zeros(2, 3), torch.tensor([0, 3])), "0..2"),
])
def test_bad_input_is_rejected_with_a_clear_message(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
