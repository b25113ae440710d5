"""The checkers of 04_backprop_and_sgd.ipynb: solutions pass, typical mistakes in a backward pass
get the right diagnosis (never an exception), and autograd or the course's code do not pass."""

import pytest
import torch
import torch.nn.functional as F
from exercises_support import diagnosis

from course_utils.exercises import ch04
from course_utils.exercises.solutions import ch04 as solutions
from course_utils.layers import (
    linear_backward,
    maxpool2d_backward,
    numerical_gradient,
    relu_backward,
)

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_relu_backward():
    assert ch04.check_relu_backward(solutions.relu_backward)
    assert ch04.check_relu_backward(lambda d, x: (d * (x > 0)).float())   # float32 is fine
    assert ch04.check_relu_backward(lambda d, x: (d * (x > 0)).numpy())   # so is NumPy
    assert "not your own code" in diagnosis(ch04.check_relu_backward, relu_backward)


def test_relu_backward_mistakes():
    mask_alone = diagnosis(ch04.check_relu_backward, lambda d, x: x > 0)   # a bool tensor
    assert "mask alone" in mask_alone
    assert "mask alone" in diagnosis(ch04.check_relu_backward, lambda d, x: (x > 0).double())
    assert "everywhere" in diagnosis(ch04.check_relu_backward, lambda d, x: d)
    assert "x < 0" in diagnosis(ch04.check_relu_backward, lambda d, x: d * (x < 0))
    assert "ZeroDivisionError" in diagnosis(ch04.check_relu_backward, lambda d, x: 1 / 0)
    assert "Expected a function" in diagnosis(ch04.check_relu_backward, [1.0, 0.0])


def test_maxpool_backward():
    assert ch04.check_maxpool_backward(solutions.maxpool_backward)
    assert "not your own code" in diagnosis(ch04.check_maxpool_backward, maxpool2d_backward)
    spread = diagnosis(ch04.check_maxpool_backward, lambda d, x, k:
                       F.interpolate(d, scale_factor=k) / k ** 2)
    assert "average pooling" in spread
    everywhere = diagnosis(ch04.check_maxpool_backward, lambda d, x, k:
                           F.interpolate(d, scale_factor=k))
    assert "only the position of the maximum" in everywhere
    assert "shape of dout" in diagnosis(ch04.check_maxpool_backward, lambda d, x, k: d)
    argmin = diagnosis(ch04.check_maxpool_backward,
                       lambda d, x, k: solutions.maxpool_backward(d, -x, k))
    assert "off by" in argmin


def test_linear_backward():
    assert ch04.check_linear_backward(solutions.linear_backward)
    assert ch04.check_linear_backward(lambda d, x, w: [t.tolist() for t in
                                                       solutions.linear_backward(d, x, w)])
    assert "not your own code" in diagnosis(ch04.check_linear_backward, linear_backward)
    transposed = diagnosis(ch04.check_linear_backward, lambda d, x, w: (d @ w, x.T @ d, d.sum(0)))
    assert "transposed" in transposed
    no_sum = diagnosis(ch04.check_linear_backward, lambda d, x, w: (d @ w, d.T @ x, d))
    assert "sum over the batch" in no_sum
    assert "three tensors" in diagnosis(ch04.check_linear_backward, lambda d, x,
                                        w: (d @ w, d.T @ x))
    doubled = diagnosis(ch04.check_linear_backward, lambda d, x, w: (d @ w * 2, d.T @ x, d.sum(0)))
    assert "gradient dx" in doubled


def test_numerical_gradient():
    assert ch04.check_numerical_gradient(solutions.numerical_gradient)
    assert "not your own code" in diagnosis(ch04.check_numerical_gradient, numerical_gradient)
    assert "not your own code" in diagnosis(ch04.check_numerical_gradient, torch.autograd.grad)

    def forward_difference(f, x, eps):
        grad = torch.zeros_like(x)
        for i in range(x.numel()):
            nudged = x.clone()
            nudged.view(-1)[i] += eps
            grad.view(-1)[i] = (f(nudged) - f(x)) / eps
        return grad

    def leaves_x_changed(f, x, eps):
        grad = torch.zeros_like(x)
        for i in range(x.numel()):
            x.view(-1)[i] += eps
            up = f(x)
            x.view(-1)[i] -= 2 * eps
            grad.view(-1)[i] = (up - f(x)) / (2 * eps)
        return grad

    def autograd_inside(f, x, eps):  # not numerical at all, but right: allowed
        x = x.clone().requires_grad_(True)
        f(x).backward()
        return x.grad

    assert "one-sided" in diagnosis(ch04.check_numerical_gradient, forward_difference)
    assert "left x changed" in diagnosis(ch04.check_numerical_gradient, leaves_x_changed)
    assert "shape" in diagnosis(ch04.check_numerical_gradient, lambda f, x, eps: torch.zeros(1))
    assert ch04.check_numerical_gradient(autograd_inside)


def test_momentum_step():
    assert ch04.check_momentum_step(solutions.momentum_step)
    uphill = diagnosis(ch04.check_momentum_step,
                       lambda p, g, v, lr, m: (p + lr * (m * v + g), m * v + g))
    assert "uphill" in uphill
    plain = diagnosis(ch04.check_momentum_step, lambda p, g, v, lr, m: (p - lr * g, v))
    assert "plain SGD" in plain
    assert "two tensors" in diagnosis(ch04.check_momentum_step, lambda p, g, v, lr, m: p - lr * g)


def test_gradient_check():
    assert ch04.check_gradient_check(solutions.check_linear)

    def dx_only(linear_backward, numerical_gradient):
        x, w, dout = torch.randn(3, 2).double(), torch.randn(4, 2).double(), torch.randn(3,
                                                                                         4).double()
        dx, _, _ = linear_backward(dout, x, w)
        numeric = numerical_gradient(lambda t: ((t @ w.T) * dout).sum(), x, 1e-6)
        return ((dx - numeric).norm() / (dx.norm() + numeric.norm())).item()

    def in_float32(linear_backward, numerical_gradient):  # rounding swamps the check
        gen = torch.Generator().manual_seed(0)
        x, w, b, dout = (torch.randn(*shape, generator=gen) for shape in ((4, 3), (2, 3), (2,),
                                                                          (4, 2)))
        dx, _, _ = linear_backward(dout, x, w)
        numeric = numerical_gradient(lambda t: ((t @ w.T + b) * dout).sum(), x, 1e-6)
        return ((dx - numeric).norm() / (dx.norm() + numeric.norm())).item()

    assert "does not look at dw" in diagnosis(ch04.check_gradient_check, dx_only)
    assert "float64" in diagnosis(ch04.check_gradient_check, in_float32)
    assert "does not look at dx" in diagnosis(ch04.check_gradient_check, lambda lb, ng: 0.0)
    assert "relative error" in diagnosis(ch04.check_gradient_check, lambda lb, ng: "small")
