"""Solutions to the exercises of ``04_backprop_and_sgd.ipynb``."""

import torch


def relu_backward(dout: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Exercise 1: dL/dx of ReLU.

    Parameters
    ----------
    dout : torch.Tensor
    x : torch.Tensor
    """
    return dout * (x > 0)


def maxpool_backward(dout: torch.Tensor, x: torch.Tensor, kernel_size: int) -> torch.Tensor:
    """Exercise 2: dL/dx of max pooling with non-overlapping k x k windows.

    Parameters
    ----------
    dout : torch.Tensor
    x : torch.Tensor
    kernel_size : int
    """
    k = kernel_size
    dx = torch.zeros_like(x)
    n_images, channels, h_out, w_out = dout.shape
    for n in range(n_images):
        for c in range(channels):
            for i in range(h_out):
                for j in range(w_out):
                    window = x[n, c, i * k:(i + 1) * k, j * k:(j + 1) * k]
                    row, col = divmod(int(window.argmax()), k)
                    dx[n, c, i * k + row, j * k + col] += dout[n, c, i, j]
    return dx


def linear_backward(dout: torch.Tensor, x: torch.Tensor, w: torch.Tensor):
    """Exercise 3: (dx, dw, db) of out = x @ w.T + b.

    Parameters
    ----------
    dout : torch.Tensor
    x : torch.Tensor
    w : torch.Tensor
    """
    return dout @ w, dout.T @ x, dout.sum(dim=0)


def numerical_gradient(f, x: torch.Tensor, eps: float) -> torch.Tensor:
    """Exercise 4: central differences, one number of x at a time.

    Parameters
    ----------
    f : object
    x : torch.Tensor
    eps : float
    """
    x = x.clone()
    flat = x.view(-1)
    grad = torch.zeros_like(x)
    for i in range(flat.numel()):
        saved = flat[i].item()
        flat[i] = saved + eps
        up = f(x).item()
        flat[i] = saved - eps
        down = f(x).item()
        flat[i] = saved
        grad.view(-1)[i] = (up - down) / (2 * eps)
    return grad


def check_linear(linear_backward, numerical_gradient) -> float:
    """Exercise 5: the worst relative error of dx, dw, db against central differences.

    Parameters
    ----------
    linear_backward : object
    numerical_gradient : object
    """
    gen = torch.Generator().manual_seed(0)
    x, w, b = (torch.randn(*shape, generator=gen, dtype=torch.float64)
               for shape in ((4, 3), (2, 3), (2,)))
    dout = torch.randn(4, 2, generator=gen, dtype=torch.float64)
    dx, dw, db = linear_backward(dout, x, w)
    numeric = (numerical_gradient(lambda t: ((t @ w.T + b) * dout).sum(), x, 1e-6),
               numerical_gradient(lambda t: ((x @ t.T + b) * dout).sum(), w, 1e-6),
               numerical_gradient(lambda t: ((x @ w.T + t) * dout).sum(), b, 1e-6))
    errors = [(mine - ref).norm() / (mine.norm() + ref.norm())
              for mine, ref in zip((dx, dw, db), numeric)]
    return max(errors).item()


def momentum_step(param, grad, velocity, lr: float, momentum: float):
    """Exercise 6: one SGD-with-momentum step as torch.optim.SGD takes it.

    Parameters
    ----------
    param : object
    grad : object
    velocity : object
    lr : float
    momentum : float
    """
    velocity = momentum * velocity + grad
    return param - lr * velocity, velocity
