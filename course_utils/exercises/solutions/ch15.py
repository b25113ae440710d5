"""Solutions to the exercises of ``15_cnns_beyond_images.ipynb``."""

import torch


def conv1d(x, weight, bias):
    """Exercise 1: (E, L) * (F, E, w) + (F,) -> (F, L - w + 1), one window at a time.

    Parameters
    ----------
    x : object
    weight : object
    bias : object
    """
    n_filters, _, width = weight.shape
    positions = x.shape[1] - width + 1
    out = torch.zeros(n_filters, positions, dtype=x.dtype)
    for i in range(positions):
        window = x[:, i:i + width]                          # (E, w): tokens i .. i + w - 1
        out[:, i] = (weight * window).sum(dim=(1, 2)) + bias
    return out


def encode(sentences, token_to_id):
    """Exercise 2: lists of tokens -> (N, L) int64 ids, unknown 1, padded with 0 at the end.

    Parameters
    ----------
    sentences : object
    token_to_id : object
    """
    length = max(1, max(len(tokens) for tokens in sentences))
    ids = torch.zeros(len(sentences), length, dtype=torch.int64)
    for row, tokens in enumerate(sentences):
        for col, token in enumerate(tokens):
            ids[row, col] = token_to_id.get(token, 1)
    return ids


# Exercise 3: each filter of width w holds 50 * w weights and 1 bias; 10 filters per width.
conv_parameters = 10 * 50 * (2 + 3 + 4 + 5) + 4 * 10
