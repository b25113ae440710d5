"""Checkers for the exercises of ``04_backprop_and_sgd.ipynb``."""

from __future__ import annotations

from typing import Callable

import torch

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, correct, not_answered, wrong


def _call(fn, *args):
    """Run the learner's function; return (result, None) or (None, Feedback on failure)."""
    try:
        return fn(*args), None
    except Exception as error:  # the learner's code may fail in any way
        return None, wrong(f"Your function raised {type(error).__name__}: {error}",
                           "Run it on a small example and print the shapes.")


def check_relu_backward(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Feedback:
    """Exercise 1: ``fn(dout, x)`` returns dL/dx for ``out = relu(x)``."""
    hint = "The gradient passes where x > 0 and is blocked elsewhere: dout * (x > 0)."
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function, got {type(fn).__name__}.", hint)
    g = torch.Generator().manual_seed(4)
    x = torch.randn(3, 5, generator=g, dtype=torch.float64, requires_grad=True)
    dout = torch.randn(3, 5, generator=g, dtype=torch.float64)
    torch.relu(x).backward(dout)
    got, failed = _call(fn, dout.clone(), x.detach().clone())
    if failed:
        return failed
    if not isinstance(got, torch.Tensor) or got.shape != x.shape:
        return wrong(f"Expected a tensor of shape {tuple(x.shape)}, got "
                     f"{getattr(got, 'shape', type(got).__name__)}.", hint)
    if torch.allclose(got, dout):
        return wrong("It passes dout through everywhere: ReLU blocks the gradient where x <= 0.", hint)
    if torch.allclose(got.double(), (x.detach() > 0).double()):
        return wrong("That is ReLU's local derivative (the mask) alone.",
                     "Chain rule: multiply it by the gradient arriving from above, dout.")
    if not torch.allclose(got.double(), x.grad):
        return wrong("It differs from autograd.", hint)
    return correct("Matches autograd.")


def check_linear_backward(fn: Callable) -> Feedback:
    """Exercise 2: ``fn(dout, x, w)`` returns ``(dx, dw, db)`` for ``out = x @ w.T + b``."""
    hint = "dx = dout @ w, dw = dout.T @ x, db = dout.sum(0): check each shape against x, w, b."
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function, got {type(fn).__name__}.", hint)
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(4, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    w = torch.randn(2, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, generator=gen, dtype=torch.float64, requires_grad=True)
    dout = torch.randn(4, 2, generator=gen, dtype=torch.float64)
    (x @ w.T + b).backward(dout)
    got, failed = _call(fn, dout.clone(), x.detach().clone(), w.detach().clone())
    if failed:
        return failed
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return wrong("Return three tensors: (dx, dw, db).", hint)
    for name, mine, ref in zip(("dx", "dw", "db"), got, (x.grad, w.grad, b.grad)):
        mine = torch.as_tensor(mine, dtype=torch.float64)
        if mine.shape != ref.shape:
            extra = {"dw": " It looks transposed: dw must have w's shape (out, in), dout.T @ x.",
                     "db": " Sum dout over the batch axis (dim 0): each bias gets every example's "
                           "gradient."}.get(name, "") if mine.T.shape == ref.shape or name == "db" else ""
            return wrong(f"{name} has shape {tuple(mine.shape)}; expected {tuple(ref.shape)}.{extra}", hint)
        if not torch.allclose(mine, ref):
            return wrong(f"{name} has the right shape but the wrong values.", hint)
    return correct("dx, dw and db match autograd.")


def check_momentum_step(fn: Callable) -> Feedback:
    """Exercise 3: ``fn(param, grad, velocity, lr, momentum)`` returns ``(param, velocity)``
    after one step of SGD with momentum, as ``torch.optim.SGD`` does it."""
    hint = "velocity = momentum * velocity + grad; param = param - lr * velocity."
    if fn is NOT_ANSWERED:
        return not_answered(hint)
    if not callable(fn):
        return wrong(f"Expected a function, got {type(fn).__name__}.", hint)
    start = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    p = start.clone().requires_grad_(True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    grads = [torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64),
             torch.tensor([0.2, 0.3, -0.4], dtype=torch.float64)]
    param, velocity = start.clone(), torch.zeros(3, dtype=torch.float64)
    for step, grad in enumerate(grads):
        p.grad = grad.clone()
        opt.step()
        result, failed = _call(fn, param.clone(), grad.clone(), velocity.clone(), 0.1, 0.9)
        if failed:
            return failed
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return wrong("Return two tensors: (new_param, new_velocity).", hint)
        param, velocity = (torch.as_tensor(t, dtype=torch.float64) for t in result)
        if not torch.allclose(param, p.detach()):
            if step == 0 and torch.allclose(param, start + 0.1 * grad):
                return wrong("The parameter moved uphill.", "Subtract lr * velocity: "
                             "the gradient points to where the loss grows.")
            if step == 1 and torch.allclose(param, (start - 0.1 * grads[0]) - 0.1 * grad):
                return wrong("The second step ignores the velocity: that is plain SGD.",
                             "Keep a running velocity: momentum * velocity + grad.")
            return wrong(f"After step {step + 1} the parameter is {param.tolist()}, "
                         f"torch.optim.SGD gives {p.detach().tolist()}.", hint)
    return correct("Two steps agree with torch.optim.SGD(momentum=0.9).")
