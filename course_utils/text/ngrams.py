"""Which n-grams a convolution filter responds to: its top activations over a set of sentences.

Introduced in ``15_cnns_beyond_images.ipynb``. A filter of width ``w`` gives one score per
window of ``w`` tokens; listing the windows with the highest scores over the training sentences
shows what pattern it detects (as the image patches that excite a filter most do for images).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from course_utils.text.vocabulary import Vocabulary
from course_utils.validation import InputError


class NgramHit(NamedTuple):
    """One window of a sentence and the score a filter gave it."""

    tokens: tuple[str, ...]
    activation: float
    row: int
    start: int


@torch.no_grad()
def top_ngrams(model: nn.Module, ids: torch.Tensor, vocabulary: Vocabulary, *, width: int,
               filter_index: int, k: int = 5, batch_size: int = 512) -> list[NgramHit]:
    """The ``k`` distinct n-grams of ``ids`` on which one filter fires most.

    Parameters
    ----------
    model : TextCNN
        Anything with ``widths`` and ``feature_maps(ids)`` as
        :class:`course_utils.models.TextCNN` has; run in evaluation mode.
    ids : (N, L) int64 tensor
        Encoded sentences (the training split: what the filter learned from), on any device:
        they are moved to the model's in batches.
    vocabulary : Vocabulary
        The one ``ids`` were encoded with.
    width : int
        Which convolution: one of ``model.widths``.
    filter_index : int
        Which of its filters.
    k : int
        How many distinct n-grams (the same words found in several sentences count once).

    Returns
    -------
    list of NgramHit
        Highest activation first; ``tokens`` leaves out padding (a window may run past the end
        of its sentence), ``row`` and ``start`` say where the window is in ``ids``.
    """
    if width not in model.widths:
        raise InputError(f"width must be one of the model's widths {model.widths}, got {width!r}.")
    if not isinstance(k, int) or k < 1:
        raise InputError(f"k must be an int >= 1, got {k!r}.")
    which = model.widths.index(width)
    filters = model.convs[which].out_channels
    if not isinstance(filter_index, int) or not 0 <= filter_index < filters:
        raise InputError(f"filter_index must be an int in [0, {filters}), got {filter_index!r}.")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        scores = torch.cat([model.feature_maps(ids[i:i + batch_size].to(device))[which]
                            [:, filter_index].cpu() for i in range(0, len(ids), batch_size)])
    finally:
        model.train(was_training)
    scores[ids.cpu() == vocabulary.pad_id] = -1.0    # windows starting on padding do not count
    hits: dict[tuple[str, ...], NgramHit] = {}
    for flat in torch.argsort(scores.flatten(), descending=True, stable=True).tolist():
        row, start = divmod(flat, scores.shape[1])
        if scores[row, start] < 0 or len(hits) == k:
            break
        tokens = tuple(vocabulary.decode(ids[row, start:start + width]))
        hits.setdefault(tokens, NgramHit(tokens, float(scores[row, start]), row, start))
    return list(hits.values())
