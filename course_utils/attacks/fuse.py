"""``fuse_batch_norm``: the model as the attack sees it, with each batch norm folded into its conv.

Introduced in ``12_adversarial_robustness.ipynb`` (``13_deployment.ipynb`` derives the folding by
hand). An attack runs the model in evaluation mode, where a batch norm is a fixed per-channel
scale and shift, so it can be folded into the convolution before it: the same function, up to
float rounding. It matters for the cost of attacks on a CPU, where PyTorch's batch-norm backward
pass costs as much as the convolution's (``benchmarks/adversarial.py`` measures both; the
figures are in ``benchmarks/README.md``).
:func:`robust_accuracy` and the adversarial-training transforms make their adversarial images
on this copy; :func:`fgsm` and :func:`pgd` attack the model they are given.
"""

from __future__ import annotations

import copy

from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from course_utils.validation import check_model


def fuse_batch_norm(model: nn.Module) -> nn.Module:
    """An evaluation-mode copy of ``model`` with every ``Conv2d -> BatchNorm2d`` pair fused.

    A pair is fused where the batch norm directly follows the convolution in an ``nn.Sequential``
    and keeps running statistics; the batch norm becomes ``nn.Identity``. The model itself is
    not changed (not even its mode), and a model without such a pair is returned as it is.

    Parameters
    ----------
    model : torch.nn.Module
        Any network; ``(B, C, H, W)`` images to ``(B, K)`` logits in the course.

    Returns
    -------
    torch.nn.Module
        The same function as ``model.eval()``, up to float rounding: a new module in evaluation
        mode, on the same device, or ``model`` itself when there is nothing to fuse.
    """
    check_model(model)
    if not any(_pairs(seq) for seq in model.modules() if isinstance(seq, nn.Sequential)):
        return model
    fused = copy.deepcopy(model).eval()
    for seq in fused.modules():
        if isinstance(seq, nn.Sequential):
            for i in _pairs(seq):
                seq[i] = fuse_conv_bn_eval(seq[i], seq[i + 1])
                seq[i + 1] = nn.Identity()
    return fused


def _pairs(seq: nn.Sequential) -> list[int]:
    """Indices ``i`` of ``seq`` where a ``Conv2d`` is followed by a fusable ``BatchNorm2d``."""
    return [i for i in range(len(seq) - 1)
            if isinstance(seq[i], nn.Conv2d) and isinstance(seq[i + 1], nn.BatchNorm2d)
            and seq[i + 1].running_mean is not None
            and seq[i + 1].num_features == seq[i].out_channels]
