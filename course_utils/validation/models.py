"""Models: an ``nn.Module`` (eval mode, on a device), its logits, and whether it fits the data."""

from __future__ import annotations

import torch

from course_utils.validation.errors import InputError, describe


def check_model(value: object, name: str = "model", *, eval_mode: bool = False,
                has_parameters: bool = False, device: torch.device | str | None = None
                ) -> torch.nn.Module:
    """Raise unless ``value`` is an ``nn.Module`` (in eval mode, with parameters, on ``device``,
    each when asked).

    Parameters
    ----------
    value : object
    name : str
    eval_mode : bool
    has_parameters : bool
    device : torch.device | str, optional
    """
    if not isinstance(value, torch.nn.Module):
        raise InputError(f"{name} must be a torch.nn.Module, got {describe(value)}.")
    if eval_mode and value.training:
        raise InputError(f"{name} is in training mode: dropout and batch norm would make the "
                         "result random and mix the images of a batch. Call model.eval() first.")
    param = next(value.parameters(), None)
    if has_parameters and param is None:
        raise InputError(f"{name} has no parameters; this needs a trained network.")
    if device is not None and param is not None and param.device != torch.device(device):
        raise InputError(f"the {name} is on {param.device} but the images are on {device}; "
                         f"move them with images.to({str(param.device)!r}).")
    return value


def model_device(model: torch.nn.Module) -> torch.device:
    """The device of the model's first parameter (the CPU for a model without parameters).

    Parameters
    ----------
    model : torch.nn.Module
    """
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def check_logits(logits: object, labels: torch.Tensor) -> torch.Tensor:
    """Raise unless the model returned ``(B, K)`` float logits (not probabilities) covering every
    label.

    Parameters
    ----------
    logits : object
    labels : torch.Tensor
    """
    if not isinstance(logits, torch.Tensor):
        raise InputError(
            f"the model must return a tensor of logits (B, K), got {type(logits).__name__}; "
            "if it returns a tuple or a dict, wrap it so that forward returns the logits only.")
    if logits.ndim != 2 or logits.shape[0] != len(labels) or not logits.is_floating_point():
        raise InputError(f"the model must return float logits of shape ({len(labels)}, K), got "
                         f"{tuple(logits.shape)} {logits.dtype}.")
    if int(labels.max()) >= logits.shape[1]:
        raise InputError(f"labels go up to {int(labels.max())} but the model has only "
                         f"{logits.shape[1]} outputs.")
    with torch.no_grad():
        sums = logits.sum(1)
        looks_like_probs = bool(((logits >= 0) & (logits <= 1)).all()) and bool(
            torch.allclose(sums, torch.ones_like(sums), atol=1e-4))
    if looks_like_probs:
        raise InputError("the model returns probabilities (rows in [0, 1] summing to 1), not "
                         "logits; the attack's cross-entropy needs raw scores. Remove the final "
                         "softmax.")
    return logits


@torch.no_grad()
def check_model_fits(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor,
                     what: str = "train") -> int:
    """Run the model on two images in evaluation mode and check its output against the labels.

    Introduced in ``05_training_from_scratch.ipynb``: failing in the first second with a clear
    message beats failing after an epoch with a shape error from deep inside PyTorch.

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
    check_model(model)
    was_training = model.training
    model.eval()
    sample = images[:2]
    try:
        out = model(sample)
    except (RuntimeError, ValueError) as error:
        axes = "(N, L) token ids" if sample.ndim == 2 else "(N, C, H, W)"
        raise InputError(
            f"the model cannot take the {what} inputs: they are {axes} = "
            f"(N, {', '.join(map(str, sample.shape[1:]))}) and the model raised: {error}\n"
            "Check the model's in_channels and the input size it was built for, or resize "
            "the images to match (for a text model: the vocabulary size it was built for)."
        ) from None
    finally:
        model.train(was_training)
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[0] != len(sample):
        got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise InputError(
            f"the model should return class scores of shape (B, K), got {got} for "
            f"a batch of {len(sample)}; end it with nn.Flatten() and nn.Linear(..., K).")
    classes = out.shape[1]
    top = int(labels.max())
    if top >= classes:
        raise InputError(
            f"{what} labels go up to {top} but the model has only {classes} outputs (classes "
            f"0..{classes - 1}); build the model with num_classes={top + 1} or fix the labels.")
    return classes
