"""Checks that a model fits the data before any training starts.

Introduced in ``05_training_from_scratch.ipynb``. Failing in the first second with a clear
message beats failing after an epoch with a shape error from deep inside PyTorch.
"""

from __future__ import annotations

import torch


@torch.no_grad()
def check_model_fits(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor,
                     what: str = "train") -> int:
    """Run the model on two images in evaluation mode and check its output against the labels.

    Parameters
    ----------
    model : torch.nn.Module
        Already on the device of ``images``.
    images : (N, C, H, W) float tensor, or (N, L) int64 token ids for a text model
    labels : (N,) int64 tensor
    what : str
        Name used in error messages.

    Returns
    -------
    int
        The number of classes the model predicts (its output width).
    """
    was_training = model.training
    model.eval()
    sample = images[:2]
    try:
        out = model(sample)
    except (RuntimeError, ValueError) as error:
        axes = "(N, L) token ids" if sample.ndim == 2 else "(N, C, H, W)"
        raise ValueError(
            f"the model cannot take the {what} inputs: they are {axes} = "
            f"(N, {', '.join(map(str, sample.shape[1:]))}) and the model raised: {error}\n"
            "Check the model's in_channels and the input size it was built for, or resize "
            "the images to match (for a text model: the vocabulary size it was built for)."
        ) from None
    finally:
        model.train(was_training)
    if out.ndim != 2 or out.shape[0] != len(sample):
        raise ValueError(
            f"the model should return class scores of shape (B, K), got {tuple(out.shape)} for "
            f"a batch of {len(sample)}; end it with nn.Flatten() and nn.Linear(..., K)."
        )
    classes = out.shape[1]
    top = int(labels.max())
    if top >= classes:
        raise ValueError(
            f"{what} labels go up to {top} but the model has only {classes} outputs (classes "
            f"0..{classes - 1}); build the model with num_classes={top + 1} or fix the labels."
        )
    return classes
