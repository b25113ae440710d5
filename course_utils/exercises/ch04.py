"""Checkers for the exercises of ``04_backprop_and_sgd.ipynb``.

Every backward pass is compared with autograd on hidden, seeded float64 cases; the course's own
backward passes and PyTorch's gradient machinery are refused as answers.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from course_utils.exercises.framework import (
    Wrong,
    as_array,
    as_number,
    call,
    describe_answer,
    exercise,
    expect_close,
)
from course_utils.layers import (
    gradient_check,
    linear_backward,
    maxpool2d_backward,
    numerical_gradient,
    relative_error,
    relu_backward,
)


def _rand(gen: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=gen, dtype=torch.float64)


def _autograd(forward: Callable, dout: torch.Tensor, *inputs: torch.Tensor) -> tuple:
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    forward(*leaves).backward(dout)
    return tuple(leaf.grad for leaf in leaves)


@exercise("ch04.ex1", title="ReLU backward", kind="function",
          expects="a function relu_backward(dout, x) -> dx of x's shape",
          hints=("Two things meet in a backward pass: the gradient arriving from above (dout) and "
                 "the layer's own local slope. How steep is ReLU where x is negative, and where "
                 "it is positive?",
                 "ReLU's slope is 1 where x > 0 and 0 elsewhere; the chain rule multiplies the "
                 "two, element by element.",
                 "A comparison such as (x > 0) gives a boolean mask; multiplying a float tensor "
                 "by "
                 "it keeps the entries where it is True."),
          solution="relu_backward", forbidden=(relu_backward, torch.relu, F.relu))
def check_relu_backward(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> str:
    """Exercise 1: ``fn(dout, x)`` returns dL/dx for ``out = relu(x)``."""
    gen = torch.Generator().manual_seed(41)
    for shape in ((3, 5), (2, 3, 4, 4), (7,)):
        x, dout = _rand(gen, *shape), _rand(gen, *shape)
        case = f"random x and dout of shape {shape}"
        (expected,) = _autograd(torch.relu, dout, x)
        have = as_array(call(fn, dout.clone(), x.clone(), case=case),
                        what=f"the result on {case}", expects="a tensor")
        if have.shape == x.shape:
            if torch.equal(have, (x > 0).double()):
                raise Wrong(f"On {case} it returns ReLU's local slope, the mask alone: the chain "
                            f"rule multiplies it by the gradient arriving from above, dout.")
            if torch.allclose(have, dout):
                raise Wrong(f"On {case} it passes dout through everywhere: ReLU blocks the "
                            f"gradient where x <= 0.")
            if torch.allclose(have, dout * (x < 0)):
                raise Wrong(f"On {case} it lets the gradient through where x < 0, the side ReLU "
                            f"blocks.")
        expect_close(have, expected, what="the gradient dx", atol=1e-6, rtol=1e-5, case=case)
    return "dx matches autograd on every hidden case."


@exercise("ch04.ex2", title="max pooling backward", kind="function",
          expects="a function maxpool_backward(dout, x, kernel_size) -> dx of x's shape",
          hints=("In the forward pass only one value of each window reaches the output. Which "
                 "inputs could change the loss a little if you nudged them?",
                 "The gradient of a window's output goes, whole, to the position of that window's "
                 "maximum; every other position of the window gets 0.",
                 "Loop over the windows (the stride equals kernel_size here), find the argmax of "
                 "each one and add dout's value there."),
          solution="maxpool_backward", forbidden=(maxpool2d_backward, F.max_pool2d))
def check_maxpool_backward(fn: Callable) -> str:
    """Exercise 2: ``fn(dout, x, k)`` returns dL/dx for ``out = max_pool2d(x, k)`` (stride k)."""
    gen = torch.Generator().manual_seed(42)
    for shape, k in (((1, 2, 4, 4), 2), ((2, 3, 6, 6), 2), ((1, 1, 6, 9), 3)):
        x = _rand(gen, *shape)
        dout = _rand(gen, shape[0], shape[1], shape[2] // k, shape[3] // k)
        case = f"random x of shape {shape}, kernel_size={k}"
        (expected,) = _autograd(lambda t, k=k: F.max_pool2d(t, k), dout, x)
        have = as_array(call(fn, dout.clone(), x.clone(), k, case=case),
                        what=f"the result on {case}", expects="a tensor")
        if have.shape == x.shape:
            spread = F.interpolate(dout, scale_factor=k, mode="nearest")
            if torch.allclose(have, spread / k ** 2):
                raise Wrong(f"On {case} each window's gradient is shared evenly: that is average "
                            f"pooling's backward pass. Max pooling sends it to one position.")
            if torch.allclose(have, spread):
                raise Wrong(f"On {case} every position of a window gets the window's gradient; "
                            f"only the position of the maximum should.")
        elif have.shape == dout.shape:
            raise Wrong(f"On {case} it returned the shape of dout, {tuple(dout.shape)}; dx has "
                        f"the shape of x, {shape}.")
        expect_close(have, expected, what="the gradient dx", atol=1e-6, rtol=1e-5, case=case)
    return "dx matches autograd: each window's gradient lands on its maximum."


@exercise("ch04.ex3", title="linear backward", kind="function",
          expects="a function linear_backward(dout, x, w) -> (dx, dw, db)",
          hints=("Each gradient has the shape of what it is the gradient of: write down the "
                 "shapes "
                 "of x, w, b and dout, and see which products give them.",
                 "out[n, m] = sum over d of x[n, d] w[m, d], plus b[m]: differentiate one term "
                 "with respect to x[n, d], then w[m, d].",
                 "A bias is added to every example of the batch, so its gradient collects dout "
                 "from all of them."),
          solution="linear_backward", forbidden=(linear_backward, F.linear))
def check_linear_backward(fn: Callable) -> str:
    """Exercise 3: ``fn(dout, x, w)`` returns ``(dx, dw, db)`` for ``out = x @ w.T + b``."""
    gen = torch.Generator().manual_seed(43)
    for n, d, m in ((4, 3, 2), (5, 6, 3), (2, 4, 7)):
        x, w, b, dout = _rand(gen, n, d), _rand(gen, m, d), _rand(gen, m), _rand(gen, n, m)
        case = f"x of shape {(n, d)}, w of shape {(m, d)}"
        expected = _autograd(lambda x_, w_, b_: x_ @ w_.T + b_, dout, x, w, b)
        got = call(fn, dout.clone(), x.clone(), w.clone(), case=case)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise Wrong(f"On {case} it returned {describe_answer(got)}; expected three tensors "
                        f"(dx, dw, db).")
        for name, mine, ref in zip(("dx", "dw", "db"), got, expected):
            have = as_array(mine, what=f"{name} on {case}", expects="a tensor")
            if have.shape != ref.shape:
                if name == "dw" and have.shape == ref.T.shape:
                    raise Wrong(f"On {case}, dw has shape {tuple(have.shape)}: it looks "
                                f"transposed. dw has w's shape {tuple(ref.shape)}.")
                if name == "db" and have.shape == dout.shape:
                    raise Wrong(f"On {case}, db has dout's shape {tuple(have.shape)}; it has b's "
                                f"shape {tuple(ref.shape)}: sum over the batch.")
            expect_close(have, ref, what=f"the gradient {name}", atol=1e-6, rtol=1e-5, case=case)
    return "dx, dw and db match autograd on every hidden case."


def _numeric_cases() -> list[tuple[str, Callable, torch.Tensor, torch.Tensor]]:
    gen = torch.Generator().manual_seed(44)
    c1, x1 = _rand(gen, 3, 4), _rand(gen, 3, 4)
    c2, x2 = _rand(gen, 6), _rand(gen, 6)
    w3, x3 = _rand(gen, 2, 5), _rand(gen, 5)
    return [("f(x) = sum(c * x**3), x of shape (3, 4)", lambda x: (c1 * x ** 3).sum(), x1,
             3 * c1 * x1 ** 2),
            ("f(x) = sum(c * exp(2x)), x of shape (6,)", lambda x: (c2 * (2 * x).exp()).sum(), x2,
             2 * c2 * (2 * x2).exp()),
            ("f(x) = sum(tanh(w @ x)), x of shape (5,)", lambda x: torch.tanh(w3 @ x).sum(), x3,
             w3.T @ (1 - torch.tanh(w3 @ x3) ** 2))]


def _forward_difference(f: Callable, x: torch.Tensor, eps: float) -> torch.Tensor:
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x).flatten()
        step[i] = eps
        grad.view(-1)[i] = (f(x + step.view_as(x)) - f(x)) / eps
    return grad


@exercise("ch04.ex4", title="a numerical gradient", kind="function",
          expects="a function numerical_gradient(f, x, eps) -> tensor of x's shape",
          hints=("No calculus: nudge one number of x at a time and watch how much f changes.",
                 "Nudge it both ways, by +eps and by -eps, and divide the change of f by the "
                 "distance between the two points; put x back as it was before the next number.",
                 "Work on a copy (x.clone()) and index it through .view(-1) or .flatten() so one "
                 "loop reaches every number whatever the shape; .item() turns f's result into a "
                 "number."),
          solution="numerical_gradient",
          forbidden=(numerical_gradient, gradient_check, torch.autograd.grad,
                     torch.autograd.functional.jacobian, torch.func.grad))
def check_numerical_gradient(fn: Callable) -> str:
    """Exercise 4: ``fn(f, x, eps)`` estimates df/dx by central differences."""
    eps = 1e-4
    for case, f, x, expected in _numeric_cases():
        original = x.clone()
        have = as_array(call(fn, f, x, eps, case=f"{case}, eps={eps}"),
                        what=f"the gradient of {case}", expects="a tensor")
        if not torch.equal(x, original):
            raise Wrong(f"On {case} your function left x changed: put every number back after "
                        f"nudging it (or nudge a copy).")
        if have.shape != x.shape:
            expect_close(have, expected, what="the gradient", case=case)
        error = relative_error(have, expected)
        if error <= 1e-6:
            continue
        if relative_error(have, _forward_difference(f, x, eps)) < 1e-6:
            raise Wrong(f"On {case} with eps={eps} the relative error is {error:.1e}: that is a "
                        f"one-sided difference, accurate to about eps. Nudging both ways is "
                        f"accurate to about eps squared.")
        raise Wrong(f"On {case} with eps={eps} the relative error against the exact gradient is "
                    f"{error:.1e}; a right answer gives about 1e-8.")
    return ("Central differences agree with the exact gradients to better than 1e-6: now use "
            "them on your own backward passes.")


def _right_linear_backward(dout, x, w):
    return dout @ w, dout.T @ x, dout.sum(dim=0)


_BUGGY_LINEAR = {
    "dx": lambda dout, x, w: (2 * dout @ w, dout.T @ x, dout.sum(dim=0)),
    "dw": lambda dout, x, w: (dout @ w, dout.T @ x + 0.5, dout.sum(dim=0)),
    "db": lambda dout, x, w: (dout @ w, dout.T @ x, dout.mean(dim=0)),
}
"""Backward passes of a linear layer, each wrong in one gradient, that a check must catch."""


def _central_differences(f, x, eps):
    x = x.detach().clone()
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        saved = x.view(-1)[i].item()
        x.view(-1)[i] = saved + eps
        up = float(f(x))
        x.view(-1)[i] = saved - eps
        down = float(f(x))
        x.view(-1)[i] = saved
        grad.view(-1)[i] = (up - down) / (2 * eps)
    return grad


@exercise("ch04.ex5", title="gradient-check a backward pass", kind="function",
          expects="a function check_linear(linear_backward, numerical_gradient) -> worst "
                  "relative error",
          hints=("A backward pass can be wrong in any of its outputs: compare every one of them "
                 "with a numerical estimate.",
                 "Make random float64 x, w, b and dout; the scalar f = sum(out * dout) has "
                 "exactly "
                 "the gradients linear_backward(dout, x, w) returns.",
                 "For each of x, w and b, call numerical_gradient with a function of that tensor "
                 "alone (the others held fixed), and return the largest relative_error."),
          solution="check_linear")
def check_gradient_check(fn: Callable) -> str:
    """Exercise 5: ``fn(linear_backward, numerical_gradient)`` gradient-checks a linear backward
    pass: tiny for a right one, large for one wrong in dx, dw or db.
    """
    right = as_number(call(fn, _right_linear_backward, _central_differences,
                           case="a right backward pass"),
                      what="the error it reported for a right backward pass",
                      expects="a relative error (a number)")
    if right > 1e-6:
        raise Wrong(f"For a right backward pass it reported {right:.2g}; a gradient check in "
                    f"float64 gives about 1e-8 or less. Are x, w, b float64, and eps about 1e-6?")
    for name, buggy in _BUGGY_LINEAR.items():
        error = as_number(call(fn, buggy, _central_differences, case=f"a backward pass with a "
                               f"wrong {name}"),
                          what=f"the error it reported for a wrong {name}",
                          expects="a relative error (a number)")
        if error < 1e-3:
            raise Wrong(f"Handed a backward pass whose {name} is wrong, it reported {error:.2g}: "
                        f"the check does not look at {name} (or does not use the backward pass "
                        f"it is given).")
    return ("It passes a right backward pass and catches a wrong dx, dw or db: now run it on "
            "your own linear_backward and numerical_gradient.")


@exercise("ch04.ex6", title="one step of SGD with momentum", kind="function",
          expects="a function momentum_step(param, grad, velocity, lr, momentum) -> "
                  "(new_param, new_velocity)",
          hints=("Momentum keeps a running velocity: it remembers past gradients and adds the new "
                 "one; the parameter then moves along the velocity.",
                 "Section 4 gives both updates; PyTorch's convention scales only the step by lr, "
                 "not the velocity.",
                 "The parameter moves against the velocity: the gradient points to where the loss "
                 "grows."),
          solution="momentum_step")
def check_momentum_step(fn: Callable) -> str:
    """Exercise 6: ``fn(param, grad, velocity, lr, momentum)`` returns ``(param, velocity)`` after
    one step of SGD with momentum, as ``torch.optim.SGD`` takes it, on hidden random steps.
    """
    gen = torch.Generator().manual_seed(45)
    start = _rand(gen, 4)
    grads = [_rand(gen, 4) for _ in range(3)]
    lr, momentum = 0.1, 0.9
    reference = start.clone().requires_grad_(True)
    optimizer = torch.optim.SGD([reference], lr=lr, momentum=momentum)
    param, velocity = start.clone(), torch.zeros(4, dtype=torch.float64)
    for step, grad in enumerate(grads, 1):
        reference.grad = grad.clone()
        optimizer.step()
        case = f"step {step} of random gradients, lr={lr}, momentum={momentum}"
        result = call(fn, param.clone(), grad.clone(), velocity.clone(), lr, momentum, case=case)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Wrong(f"On {case} it returned {describe_answer(result)}; expected two tensors "
                        f"(new_param, new_velocity).")
        previous = param
        param = as_array(result[0], what=f"new_param on {case}", expects="a tensor")
        velocity = as_array(result[1], what=f"new_velocity on {case}", expects="a tensor")
        if param.shape == previous.shape and not torch.allclose(param, reference.detach()):
            if torch.allclose(param, previous + lr * velocity):
                raise Wrong(f"On {case} the parameter moved uphill, along the velocity instead "
                            f"of against it.")
            if torch.allclose(param, previous - lr * grad):
                raise Wrong(f"On {case} the step ignores the velocity: that is plain SGD.")
        expect_close(param, reference.detach(), what="the parameter", atol=1e-6, rtol=1e-5,
                     case=case)
    return f"{len(grads)} steps agree with torch.optim.SGD(momentum={momentum})."
