"""The fine-tuned pets classifier of notebook 07 as one deployable module.

Introduced in ``13_deployment.ipynb``. Notebook 07 trains in pieces (a frozen trunk whose
activations are cached, a fine-tuned tail, a linear head); a deployed model is one function
from pixels to scores, so :class:`PetClassifier` puts the pieces and the input scaling together.
"""

from __future__ import annotations

import torch
from torch import nn

from course_utils.pretrained import (
    fine_tune,
    fit_linear_head,
    load_mobilenet_v2,
    run_batched,
    split_mobilenet,
    tflite_preprocess,
)

SPLIT_AT = 16
"""First MobileNetV2 block of the fine-tuned tail, as in ``07_transfer_learning.ipynb``."""
CAM_LAYER = "tail.2"
"""The tail's last block (``features.18``, 1280 x 7 x 7 maps): where the app takes Grad-CAM."""


class PetClassifier(nn.Module):
    """``(N, 3, 224, 224)`` float pixels in 0..255 -> ``(N, K)`` class scores.

    Parameters
    ----------
    trunk : nn.Module
        ``features[:SPLIT_AT]`` of the shipped MobileNetV2.
    tail : nn.Module
        The fine-tuned ``features[SPLIT_AT:]``, pooling and flattening (``(N, 1280)`` out).
    head : nn.Linear
        ``1280 -> K``.

    The pixels are scaled as the shipped network expects, ``(x - 128) / 128`` (the arithmetic of
    :func:`~course_utils.pretrained.tflite_preprocess`, without its uint8 check, so that the
    model also takes the float tensors an exported graph is fed).
    """

    def __init__(self, trunk: nn.Module, tail: nn.Module, head: nn.Linear) -> None:
        super().__init__()
        self.trunk, self.tail, self.head = trunk, tail, head

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        """Class scores ``(N, K)`` for ``(N, 3, H, W)`` pixels.

        Parameters
        ----------
        pixels : torch.Tensor
        """
        return self.head(self.tail(self.trunk((pixels - 128) / 128)))


def pet_classifier_skeleton(num_classes: int = 2) -> PetClassifier:
    """A :class:`PetClassifier` with the pretrained weights and an untrained head, in eval mode.

    What ``load_state_dict`` fills when a saved classifier is loaded (its keys and shapes).

    Parameters
    ----------
    num_classes : int
    """
    trunk, tail = split_mobilenet(load_mobilenet_v2(), SPLIT_AT)
    return PetClassifier(trunk, tail, nn.Linear(1280, num_classes)).eval()


def train_pet_classifier(images: torch.Tensor, labels: torch.Tensor, *, epochs: int,
                         flipped: bool = False, seed: int = 0) -> PetClassifier:
    """Notebook 07's recipe: linear probe, then fine-tune the tail on cached trunk activations.

    Introduced in ``13_deployment.ipynb``. Calls the functions of :mod:`course_utils.pretrained`
    (``probe``, ``finetune``) with the lesson's settings (split at block 16, the probe as the
    warm head, BatchNorm in eval mode, AdamW 1e-4 / 1e-3, weight decay 1e-4).

    Parameters
    ----------
    images : (N, 3, 224, 224) uint8 tensor
    labels : (N,) int64 tensor
    epochs : int
        Fine-tuning epochs (the lesson: 3, fast mode 1).
    flipped : bool
        Also train on the mirrored photos.
    seed : int

    Returns
    -------
    PetClassifier
        In eval mode; ``K = labels.max() + 1`` classes.
    """
    trunk, tail = split_mobilenet(load_mobilenet_v2(), SPLIT_AT)
    inputs = run_batched(trunk, images, prepare=tflite_preprocess)
    targets = labels
    probe = fit_linear_head(run_batched(tail, inputs), labels, int(labels.max()) + 1)
    if flipped:
        inputs = torch.cat([inputs,
                            run_batched(trunk, images.flip(-1), prepare=tflite_preprocess)])
        targets = torch.cat([labels, labels])
    tuned_tail, head = fine_tune(tail, probe, inputs, targets, epochs=epochs, lr_blocks=1e-4,
                                 lr_head=1e-3, weight_decay=1e-4, freeze_batchnorm=True, seed=seed)
    return PetClassifier(trunk, tuned_tail, head).eval()
