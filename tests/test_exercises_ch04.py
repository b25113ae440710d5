"""Each checker of 04_backprop_and_sgd.ipynb accepts its solution and rejects typical mistakes."""

from course_utils.exercises import ch04
from course_utils.exercises.solutions import ch04 as solutions


def test_solutions_pass():
    assert ch04.check_relu_backward(solutions.relu_backward)
    assert ch04.check_linear_backward(solutions.linear_backward)
    assert ch04.check_momentum_step(solutions.momentum_step)


def test_unanswered_is_not_an_error():
    for check in (ch04.check_relu_backward, ch04.check_linear_backward, ch04.check_momentum_step):
        assert not check(...) and check(...).hint


def test_relu_backward_mistakes():
    assert "everywhere" in ch04.check_relu_backward(lambda dout, x: dout).message
    assert "mask" in ch04.check_relu_backward(lambda dout, x: (x > 0).double()).message
    assert not ch04.check_relu_backward(lambda dout, x: dout * (x < 0))
    assert not ch04.check_relu_backward(lambda dout, x: 1 / 0)


def test_linear_backward_mistakes():
    transposed = ch04.check_linear_backward(lambda d, x, w: (d @ w, x.T @ d, d.sum(0)))
    assert not transposed and "transposed" in transposed.message
    no_sum = ch04.check_linear_backward(lambda d, x, w: (d @ w, d.T @ x, d))
    assert not no_sum and "Sum dout" in no_sum.message
    assert not ch04.check_linear_backward(lambda d, x, w: (d @ w, d.T @ x))


def test_momentum_mistakes():
    uphill = ch04.check_momentum_step(lambda p, g, v, lr, m: (p + lr * (m * v + g), m * v + g))
    assert not uphill and "uphill" in uphill.message
    plain = ch04.check_momentum_step(lambda p, g, v, lr, m: (p - lr * g, v))
    assert not plain and "plain SGD" in plain.message
