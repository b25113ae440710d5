"""A vocabulary: token <-> id, built from the training split only.

Introduced in ``15_cnns_beyond_images.ipynb``. Id 0 is the padding token (it fills short
sentences up to the batch's length, and the network ignores it) and id 1 the unknown token,
which stands for every word the training split did not contain often enough. Building the
vocabulary from the validation or test sentences would leak them into training: the network
would get an embedding for a word only those sentences contain.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import torch

from course_utils.data.textset import TextSet
from course_utils.text.tokenizer import tokenize
from course_utils.validation import InputError

PAD = "<pad>"
UNK = "<unk>"


@dataclass(frozen=True)
class Vocabulary:
    """The tokens a model knows, in id order.

    Attributes
    ----------
    tokens : tuple of str
        ``tokens[i]`` has id ``i``; ``tokens[0]`` is :data:`PAD`, ``tokens[1]`` is :data:`UNK`.
    counts : tuple of int
        How often each token occurs in the texts it was built from (0 for PAD and UNK).
    """

    tokens: tuple[str, ...]
    counts: tuple[int, ...]
    _ids: dict[str, int] = field(init=False, repr=False, compare=False)

    pad_id = 0
    unk_id = 1

    def __post_init__(self) -> None:
        if self.tokens[:2] != (PAD, UNK):
            raise InputError(f"tokens must start with {PAD!r}, {UNK!r}; got {self.tokens[:2]}.")
        if len(set(self.tokens)) != len(self.tokens) or len(self.counts) != len(self.tokens):
            raise InputError("tokens must be unique and have one count each.")
        object.__setattr__(self, "_ids", {token: i for i, token in enumerate(self.tokens)})

    @classmethod
    def build(cls, texts: TextSet | Sequence[str], *, min_count: int = 1,
              max_size: int | None = None) -> "Vocabulary":
        """Count the tokens of ``texts`` and keep the frequent ones.

        Parameters
        ----------
        texts : TextSet or sequence of str
            The training sentences. A TextSet must be a training split (``split="train"``).
        min_count : int
            Tokens seen fewer times become :data:`UNK`.
        max_size : int, optional
            Keep at most this many ids (PAD and UNK included), the most frequent tokens first.

        Returns
        -------
        Vocabulary
            Ids sorted by decreasing count, ties in alphabetical order (the same on every run).
        """
        if isinstance(texts, TextSet):
            if texts.split != "train":
                raise InputError(
                    f"build the vocabulary from the training split only, got a TextSet with "
                    f"split={texts.split!r}: words seen only in validation or test sentences "
                    "must stay unknown to the model."
                )
            texts = texts.texts
        if not isinstance(texts, str):
            texts = list(texts) if hasattr(texts, "__iter__") else texts
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise InputError(
                "texts must be a sequence of sentences (str), e.g. train.texts; got "
                f"{type(texts).__name__}."
            )
        if not isinstance(min_count, int) or min_count < 1:
            raise InputError(f"min_count must be an int >= 1, got {min_count!r}.")
        if max_size is not None and (not isinstance(max_size, int) or max_size < 2):
            raise InputError(f"max_size must be None or an int >= 2 (PAD and UNK), got "
                             f"{max_size!r}.")
        counter = Counter(token for text in texts for token in tokenize(text))
        kept = sorted((t for t, n in counter.items() if n >= min_count),
                      key=lambda t: (-counter[t], t))
        if max_size is not None:
            kept = kept[:max_size - 2]
        return cls((PAD, UNK, *kept), (0, 0, *(counter[t] for t in kept)))

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._ids

    def id_of(self, token: str) -> int:
        """The id of ``token``, or :attr:`unk_id` for a token the vocabulary does not hold.

        Parameters
        ----------
        token : str
        """
        return self._ids.get(token, self.unk_id)

    def ids(self, text: str) -> list[int]:
        """Token ids of one sentence (unknown words become :attr:`unk_id`).

        Parameters
        ----------
        text : str
        """
        return [self.id_of(token) for token in tokenize(text)]

    def encode(self, texts: TextSet | Iterable[str], *,
               max_length: int | None = None) -> torch.Tensor:
        """Sentences as a padded tensor of token ids.

        Parameters
        ----------
        texts : TextSet or iterable of str
            ``N`` sentences.
        max_length : int, optional
            Cut longer sentences to their first ``max_length`` tokens. Default: the longest.

        Returns
        -------
        (N, L) int64 tensor
            Row ``i`` holds sentence ``i``'s ids, then :attr:`pad_id` up to ``L`` (the longest
            sentence, or ``max_length``; at least 1, so that empty sentences still get a row).
        """
        if isinstance(texts, str):
            raise InputError("encode takes a list of sentences; wrap one sentence as [text].")
        if isinstance(texts, TextSet):
            texts = texts.texts
        if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
            raise InputError(f"max_length must be None or an int >= 1, got {max_length!r}.")
        rows = [self.ids(text) for text in texts]
        if not rows:
            raise InputError("encode got no sentences; pass at least one.")
        length = max_length or max(1, max(map(len, rows)))
        out = torch.full((len(rows), length), self.pad_id, dtype=torch.int64)
        for i, row in enumerate(rows):
            row = row[:length]
            out[i, :len(row)] = torch.tensor(row, dtype=torch.int64)
        return out

    def decode(self, ids: Sequence[int] | torch.Tensor) -> list[str]:
        """The tokens of a row of ids, padding left out.

        Parameters
        ----------
        ids : Sequence[int] | torch.Tensor
        """
        values = ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)
        bad = [i for i in values if not isinstance(i, int) or not 0 <= i < len(self)]
        if bad:
            raise InputError(
                f"ids must be ints in [0, {len(self)}) for this vocabulary of {len(self)} "
                f"tokens, got {bad[:3]}."
            )
        return [self.tokens[i] for i in values if i != self.pad_id]
