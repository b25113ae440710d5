"""A convolutional network for sentences: the same local pattern detectors, along one axis.

Introduced in ``15_cnns_beyond_images.ipynb``. A sentence of ``L`` token ids becomes ``L``
embedding vectors, an ``(E, L)`` "image" of one row with ``E`` channels. A 1-D convolution of
width ``w`` slides over it and scores every ``w``-gram (``w`` consecutive tokens); max-over-time
pooling keeps each filter's best score in the sentence, wherever it occurs; dropout and a linear
layer turn those scores into class scores (the design of Y. Kim, "Convolutional Neural Networks
for Sentence Classification", EMNLP 2014).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.validation import InputError, check_probability


class TextCNN(nn.Module):
    """Embedding, 1-D convolutions of several widths, max-over-time pooling, dropout, linear.

    Written out in ``15_cnns_beyond_images.ipynb``, section 4.

    Shapes: ``(B, L)`` int64 token ids ``-> (B, num_classes)`` class scores, for any ``L >= 1``.
    Padding (``pad_id``) at the end of a sentence does not change its scores: the ids are padded
    by ``max(widths) - 1`` more so that every token starts a window of each width, and windows
    that start on padding are left out of the max.

    Parameters
    ----------
    vocab_size : int
        Number of token ids (``len(vocabulary)``).
    num_classes : int
    embed_dim : int
        Length ``E`` of each token's vector.
    widths : tuple of int
        Window widths of the convolutions, one ``nn.Conv1d`` each (2 to 5: bigrams to 5-grams).
    filters : int
        Filters per width.
    dropout : float
        Dropout on the pooled features during training.
    pad_id : int
        Id of the padding token; its embedding stays zero.
    """

    def __init__(self, vocab_size: int, num_classes: int = 2, *, embed_dim: int = 64,
                 widths: tuple[int, ...] = (2, 3, 4, 5), filters: int = 32,
                 dropout: float = 0.5, pad_id: int = 0) -> None:
        super().__init__()
        if vocab_size < 2 or num_classes < 2 or embed_dim < 1 or filters < 1:
            raise InputError(
                f"need vocab_size >= 2, num_classes >= 2, embed_dim >= 1 and filters >= 1, got "
                f"{vocab_size}, {num_classes}, {embed_dim}, {filters}."
            )
        if not widths or any(not isinstance(w, int) or w < 1 for w in widths):
            raise InputError(f"widths must be positive ints, e.g. (2, 3, 4, 5), got {widths!r}.")
        check_probability(dropout, "dropout", open_high=True)
        if not 0 <= pad_id < vocab_size:
            raise InputError(f"pad_id must be in [0, {vocab_size}), got {pad_id}.")
        self.vocab_size, self.num_classes = vocab_size, num_classes
        self.widths, self.pad_id = tuple(widths), pad_id
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_id)
        self.convs = nn.ModuleList(nn.Conv1d(embed_dim, filters, w) for w in self.widths)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(filters * len(self.widths), num_classes)

    def feature_maps(self, ids: torch.Tensor) -> list[torch.Tensor]:
        """What every filter scores at every position, one tensor per width.

        Parameters
        ----------
        ids : (B, L) int64 tensor

        Returns
        -------
        list of (B, filters, L) float tensors
            Entry ``[b, f, i]`` of the map of width ``w`` is ``ReLU(filter f . tokens i..i+w-1)``
            of sentence ``b``; 0 where the window starts on padding (position 0 always counts).
        """
        self._check(ids)
        length = ids.shape[1]
        padded = F.pad(ids, (0, max(self.widths) - 1), value=self.pad_id)
        vectors = self.embedding(padded).transpose(1, 2)     # (B, E, L + max width - 1)
        starts = ids != self.pad_id
        starts[:, 0] = True
        return [F.relu(conv(vectors))[:, :, :length] * starts[:, None, :] for conv in self.convs]

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Class scores ``(N, K)`` for ``(N, L)`` int64 token ids.

        Parameters
        ----------
        ids : torch.Tensor
        """
        pooled = torch.cat([maps.amax(dim=2) for maps in self.feature_maps(ids)], dim=1)
        return self.classifier(self.dropout(pooled))

    def _check(self, ids: torch.Tensor) -> None:
        if not isinstance(ids, torch.Tensor) or ids.ndim != 2 or ids.dtype not in (torch.int64,
                                                                                   torch.int32):
            got = (f"{tuple(ids.shape)} {ids.dtype}" if isinstance(ids, torch.Tensor)
                   else type(ids).__name__)
            raise InputError(
                f"TextCNN expects a (B, L) int64 tensor of token ids, got {got}. Turn sentences "
                "into ids with Vocabulary.encode(texts); add a batch axis with ids[None] for one "
                "sentence."
            )
        if ids.shape[1] == 0:
            raise InputError("TextCNN got sentences of length 0; encode pads every row to >= 1.")
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.vocab_size):
            raise InputError(
                f"token ids must be in [0, {self.vocab_size}) for this model's vocabulary, got "
                f"values in [{int(ids.min())}, {int(ids.max())}]. Encode with the vocabulary the "
                "model was built for (vocab_size=len(vocabulary))."
            )
