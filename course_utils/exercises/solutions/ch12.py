"""Solutions to the exercises of ``12_adversarial_robustness.ipynb``."""

import torch
import torch.nn.functional as F


def fgsm_step(model, images, labels, eps):
    """One FGSM step of size eps from images in [0, 1].

    Parameters
    ----------
    model : object
    images : object
    labels : object
    eps : object
    """
    x = images.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), labels)
    (grad,) = torch.autograd.grad(loss, x)
    return (images + eps * grad.sign()).clamp(0, 1).detach()


def project_l2(delta, eps):
    """Shrink each image's perturbation onto the L2 ball of radius eps; shorter ones stay.

    Parameters
    ----------
    delta : object
    eps : object
    """
    lengths = delta.flatten(1).norm(dim=1).view(-1, *[1] * (delta.ndim - 1))
    return delta * torch.clamp(eps / lengths.clamp_min(1e-12), max=1.0)


masking_resists = {"FGSM", "PGD"}
