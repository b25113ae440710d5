"""Images: a batch (or one image) of pixels, in [0, 1], and 0..255 floats turned into [0, 1]."""

from __future__ import annotations

from typing import Sequence

import torch

from course_utils.validation.errors import InputError, describe
from course_utils.validation.tensors import as_tensor, check_finite, check_same_device


def to_float_images(images: object, name: str = "images") -> torch.Tensor:
    """Images as float32 in [0, 1]: uint8 0..255 and float 0..255 are divided by 255.

    Parameters
    ----------
    images : tensor or NumPy array, any shape
        uint8 (0..255), or float in [0, 1] (returned as float32) or in [0, 255].

    Returns
    -------
    tensor of the same shape, float32 in [0, 1]
    """
    tensor = as_tensor(images, name)
    if tensor.dtype == torch.uint8:
        return tensor.float() / 255
    if not tensor.is_floating_point():
        raise InputError(f"{name} must be uint8 (0..255) or float pixels, got {tensor.dtype}.")
    check_finite(tensor, name)
    if tensor.numel() == 0:
        return tensor.float()
    low, high = float(tensor.min()), float(tensor.max())
    if low < 0 or high > 255:
        raise InputError(f"{name} hold values from {low:.4g} to {high:.4g}: neither [0, 1] nor "
                         "0..255 pixels. Normalised images (mean/std) cannot be turned back "
                         "without their statistics; pass the raw pixels.")
    return tensor.float() / 255 if high > 1 else tensor.float()


def range_problem(low: float, high: float, name: str = "images") -> str:
    """Why images with values ``low..high`` are not in [0, 1], with the usual fix ('' if they
    are).

    Parameters
    ----------
    low : float
    high : float
    name : str
    """
    if low >= 0 and high <= 1:
        return ""
    got = f"{name} must lie in [0, 1], got values in [{low:.4g}, {high:.4g}]"
    if low >= 0 and high <= 255:
        return (f"{got}: they look like 0..255 floats: divide by 255 or use "
                f"course_utils.validation.to_float_images({name}); keep any normalisation "
                "inside the model (course_utils.models.Normalize).")
    if low < 0:
        return (f"{got}: they look normalised (mean/std). Pass the raw [0, 1] images and put "
                "the normalisation inside the model (course_utils.models.Normalize).")
    return f"{got}; rescale them to [0, 1] first."


def check_images(value: object, name: str = "images", *, ndim: int | Sequence[int] = 4,
                 dtype: str = "float", value_range: str | None = None, finite: bool = True,
                 nonempty: bool = True, device: torch.device | str | None = None,
                 numpy: bool = True, layout: str | None = None) -> torch.Tensor:
    """Check a batch (or one image) and return it as a tensor.

    Parameters
    ----------
    value : tensor or NumPy array
        ``(N, C, H, W)`` for ``ndim=4``, ``(C, H, W)`` for ``ndim=3`` (both with ``(3, 4)``).
    name : str
        The argument's name, for the message.
    dtype : {"float", "uint8", "any"}
        ``"any"`` accepts uint8 and float.
    value_range : {"unit", None}
        ``"unit"``: float values must lie in [0, 1] (0..255 floats and normalised images are
        refused with the fix).
    finite : bool
        Refuse NaN and inf.
    nonempty : bool
        Refuse a batch with no image or an image with no pixel.
    device : optional
        The device the images must be on (the model's).
    numpy : bool
        Accept NumPy arrays (converted with ``torch.from_numpy``); otherwise refuse them with
        the conversion to use.
    layout : str, optional
        How the message names the axes (default ``"(N, C, H, W)"`` / ``"(C, H, W)"``).

    Returns
    -------
    tensor
        ``value`` itself when it is a tensor (never copied), else the converted array.
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    layout = layout or " or ".join({3: "(C, H, W)", 4: "(N, C, H, W)", 2: "(H, W)"}.get(
        d, f"{d}-D") for d in allowed)
    tensor = as_tensor(value, name, layout, numpy=numpy)
    var = name.split()[-1]  # "train images" -> images, for the code in the messages
    if tensor.ndim not in allowed:
        hint = "Reshape it to the expected layout."
        if tensor.ndim == min(allowed) - 1:
            hint = ("For one image pass image[None] (a batch of one); for grayscale (N, H, W) "
                    f"images add the channel axis with {var}.unsqueeze(1)." if min(allowed) == 4
                    else f"Add the channel axis with {var}.unsqueeze(0).")
        elif tensor.ndim in (3, 4) and _channels_last(tensor):
            hint = ("They look channels-last (..., H, W, C), as NumPy and PIL store them: use "
                    f"{var}.permute(0, 3, 1, 2) (or (2, 0, 1) for one image).")
        batch = "a non-empty batch " if 4 in allowed else ""
        raise InputError(f"{name} must be {batch}{layout}, got {describe(tensor)}. {hint}")
    if tensor.ndim >= 3 and _channels_last(tensor):
        raise InputError(f"{name} look channels-last {tuple(tensor.shape)} (..., H, W, C), but "
                         f"{layout} is expected: use {var}.permute(0, 3, 1, 2) (or (2, 0, 1) "
                         "for one image).")
    if dtype == "float" and not tensor.is_floating_point():
        fix = (f"convert uint8 pixels with {var}.float() / 255 (or to_float_images)"
               if tensor.dtype == torch.uint8 else f"convert with {var}.float()")
        kind = f" (a float batch {layout})" if 4 in allowed else ""
        raise InputError(f"{name} must be float{kind}, got {tensor.dtype}: {fix}.")
    if dtype == "uint8" and tensor.dtype != torch.uint8:
        raise InputError(f"{name} must be uint8 pixels (0..255), got {tensor.dtype}; convert "
                         f"[0, 1] floats with ({var} * 255).round().to(torch.uint8).")
    if dtype == "any" and not (tensor.is_floating_point() or tensor.dtype == torch.uint8):
        raise InputError(f"{name} must be uint8 (0..255) or float (0..1) pixels, got "
                         f"{tensor.dtype}; convert with {var}.float() / 255 or .to(torch.uint8).")
    if nonempty and (tensor.numel() == 0):
        raise InputError(f"{name} is empty (shape {tuple(tensor.shape)}); pass a non-empty batch "
                         f"{layout}: at least one image with at least one pixel.")
    if device is not None:
        check_same_device(tensor, name, device)
    if finite:
        check_finite(tensor, name, hint="Fix or drop those images before using them (look at "
                     "how they were loaded or normalised).")
    if value_range == "unit" and tensor.is_floating_point() and tensor.numel():
        problem = range_problem(float(tensor.min()), float(tensor.max()), name)
        if problem:
            raise InputError(problem)
    return tensor


def _channels_last(tensor: torch.Tensor) -> bool:
    """Whether ``(..., H, W, C)`` with 1 or 3 channels last is the likely reading of the shape."""
    return tensor.shape[-1] in (1, 3) and tensor.shape[-3] >= 8 and tensor.shape[-2] >= 8


def check_unit_images(images: object, name: str = "images") -> torch.Tensor:
    """A non-empty ``(B, C, H, W)`` float batch of finite values in [0, 1] (what an attack
    perturbs; introduced in ``12_adversarial_robustness.ipynb``).

    Parameters
    ----------
    images : object
    name : str
    """
    return check_images(images, name, value_range="unit", numpy=False, layout="(B, C, H, W)")


def check_rgb_images(value: object, name: str = "images", *, dtype: str = "any") -> torch.Tensor:
    """Return ``value`` after checking it is a non-empty ``(N, 3, H, W)`` RGB batch tensor.

    Parameters
    ----------
    value : object
        Expected: a ``(N, 3, H, W)`` torch tensor (NumPy is refused with the conversion to use).
    name : str
        The argument's name, for the message.
    dtype : {"any", "uint8", "float"}
        As in :func:`check_images`; pixels of deployed models are uint8 or float 0..255.

    Returns
    -------
    (N, 3, H, W) tensor
        ``value`` itself.
    """
    images = check_images(value, name, dtype=dtype, numpy=False, layout="(N, 3, H, W)")
    if images.shape[1] != 3:
        raise InputError(f"{name} must be RGB, (N, 3, H, W), got {tuple(images.shape)}; repeat a "
                         f"grayscale channel with {name}.expand(-1, 3, -1, -1).")
    return images


def check_spatial_size(tensor: torch.Tensor, name: str = "x") -> torch.Tensor:
    """Return ``tensor`` after checking its last two axes (height and width) are not empty.

    A batch of no images, ``N = 0``, passes: layers map it to an empty batch.

    Parameters
    ----------
    tensor : (..., H, W) tensor
    name : str
        The argument's name, for the message.

    Returns
    -------
    (..., H, W) tensor
        ``tensor`` itself.
    """
    if tensor.ndim >= 2 and (tensor.shape[-1] == 0 or tensor.shape[-2] == 0):
        raise InputError(f"{name} has height x width {tensor.shape[-2]} x {tensor.shape[-1]} "
                         f"(shape {tuple(tensor.shape)}); an image needs at least one pixel.")
    return tensor
