"""Checkers for the exercises of ``15_cnns_beyond_images.ipynb``.

Functions are checked on hidden, seeded cases (random sizes, filters and sentences); PyTorch's
convolutions and the course's own encoder are refused. The parameter count is checked against
a configuration the notebook never prints.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from course_utils.exercises.framework import Wrong, call, describe_answer, exercise, expect_close
from course_utils.text import Vocabulary

PAD_ID, UNK_ID = 0, 1


def _conv_cases() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    gen = torch.Generator().manual_seed(15)
    cases = []
    for embed, length, width, filters in ((4, 7, 2, 2), (5, 9, 3, 3), (3, 6, 4, 2), (6, 12, 5, 4),
                                          (2, 5, 5, 2)):
        cases.append((torch.randn(embed, length, generator=gen, dtype=torch.float64),
                      torch.randn(filters, embed, width, generator=gen, dtype=torch.float64),
                      torch.randn(filters, generator=gen, dtype=torch.float64)))
    return cases


def _same(got: object, expected: torch.Tensor) -> bool:
    return (isinstance(got, torch.Tensor) and got.shape == expected.shape
            and torch.allclose(got.detach().double().cpu(), expected, atol=1e-6))


@exercise("ch15.ex1", title="a 1-D convolution by hand", kind="function",
          expects="a function conv1d(x, weight, bias) -> tensor of shape (F, L - w + 1)",
          hints=("Loop over the start positions i of the windows: how many windows of w tokens "
                 "fit in L tokens?",
                 "The window at position i is x[:, i:i + w], an (E, w) slice; each filter f "
                 "multiplies it element by element with weight[f] and sums everything.",
                 "Do not flip the filter (PyTorch's conv1d is a cross-correlation) and add "
                 "bias[f] once per window."),
          solution="conv1d", forbidden=(F.conv1d, torch.conv1d))
def check_conv1d(fn: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]) -> str:
    """Exercise 1: ``fn(x, weight, bias)`` equals ``F.conv1d(x[None], weight, bias)[0]``."""
    for x, weight, bias in _conv_cases():
        (filters, embed, width), length = weight.shape, x.shape[1]
        case = f"E={embed}, L={length}, w={width}, F={filters}"
        got = call(fn, x.clone(), weight.clone(), bias.clone(), case=f"a random case with {case}")
        expected = F.conv1d(x[None], weight, bias)[0]
        if _same(got, F.conv1d(x[None], weight.flip(-1), bias)[0]) and width > 1:
            raise Wrong(f"On {case} your scores are those of the flipped filter: PyTorch's conv1d "
                        "(like its conv2d) does not flip, it slides the filter as it is.")
        if _same(got, expected - bias[:, None]):
            raise Wrong(f"On {case} every score is off by its filter's bias: add bias[f] to each "
                        "window's sum.")
        if isinstance(got, torch.Tensor) and got.shape == (filters, length):
            raise Wrong(f"On {case} you returned {length} scores per filter, one per token; "
                        f"without padding only {length - width + 1} windows of {width} tokens "
                        "fit.")
        if isinstance(got, torch.Tensor) and got.shape == (length - width + 1, filters) \
                and filters > 1:
            raise Wrong(f"On {case} the result is (L - w + 1, F); return (F, L - w + 1): one row "
                        "per filter.")
        expect_close(got, expected, what="conv1d(x, weight, bias)", atol=1e-6, case=case)
    return ("Every window is one dot product of E x w numbers: the same operation as a 2-D "
            "convolution whose image is one pixel high.")


def _encode_cases() -> list[tuple[list[list[str]], dict[str, int]]]:
    gen = torch.Generator().manual_seed(150)
    words = [f"w{i}" for i in range(10)]
    token_to_id = {word: i + 2 for i, word in enumerate(words)}
    cases = []
    for n in (3, 5, 4):
        sentences = []
        for _ in range(n):
            length = int(torch.randint(1, 7, (), generator=gen))
            picks = torch.randint(0, 12, (length,), generator=gen).tolist()
            sentences.append([words[p] if p < 10 else f"unseen{p}" for p in picks])
        sentences.append([])                                       # an empty sentence
        cases.append((sentences, token_to_id))
    cases.append(([[], []], token_to_id))                          # nothing but empty sentences
    return cases


def _reference(sentences: list[list[str]], token_to_id: dict[str, int]) -> torch.Tensor:
    vocab = Vocabulary(("<pad>", "<unk>", *token_to_id), (0,) * (len(token_to_id) + 2))
    return vocab.encode([" ".join(tokens) for tokens in sentences])


@exercise("ch15.ex2", title="sentences to a padded tensor of ids", kind="function",
          expects="a function encode(sentences, token_to_id) -> (N, L) int64 tensor",
          hints=("Find L first: the number of tokens of the longest sentence, and at least 1 so "
                 "that a batch of empty sentences still has a column.",
                 "Start from a tensor full of the padding id, of dtype torch.int64, then write "
                 "each sentence's ids at the start of its row.",
                 "dict.get(token, default) gives a default for a word the dict does not hold; the "
                 "unknown id is 1, the padding id 0."),
          solution="encode", forbidden=(Vocabulary.encode,))
def check_encode(fn: Callable[[list[list[str]], dict[str, int]], torch.Tensor]) -> str:
    """Exercise 2: ``fn(sentences, token_to_id)`` pads with 0 at the end and maps unknown words to
    1.
    """
    for sentences, token_to_id in _encode_cases():
        case = f"{len(sentences)} sentences of {[len(s) for s in sentences]} tokens"
        got = call(fn, [list(s) for s in sentences], dict(token_to_id), case=case)
        expected = _reference(sentences, token_to_id)
        if not isinstance(got, torch.Tensor):
            raise Wrong(f"On {case} it returned {describe_answer(got)}; return a torch tensor "
                        f"(the "
                        "model's embedding takes a tensor of ids).")
        if got.dtype != torch.int64:
            raise Wrong(f"On {case} the ids have dtype {got.dtype}; embeddings need torch.int64 "
                        "ids (torch.long).")
        if got.ndim != 2 or got.shape[0] != len(sentences):
            raise Wrong(f"On {case} the result has shape {tuple(got.shape)}; expected one row per "
                        f"sentence, {tuple(expected.shape)}.")
        if got.shape[1] == 0:
            raise Wrong(f"On {case} the rows have no column: when every sentence is empty, L must "
                        "still be 1 (a row of padding).")
        if got.shape != expected.shape:
            raise Wrong(f"On {case} the result has shape {tuple(got.shape)}; expected "
                        f"{tuple(expected.shape)}: as many columns as the longest sentence has "
                        "tokens.")
        if torch.equal(got, torch.where(expected == UNK_ID, PAD_ID, expected)) \
                and (expected == UNK_ID).any():
            raise Wrong(f"On {case} unknown words got id {PAD_ID}, the padding id: the model "
                        f"would ignore them. Give them the unknown id {UNK_ID}.")
        right_aligned = torch.stack([torch.roll(row, int((row == PAD_ID).sum()))
                                     for row in expected])
        if torch.equal(got, right_aligned) and not torch.equal(got, expected):
            raise Wrong(f"On {case} the padding comes first; put each sentence's ids at the start "
                        "of its row and the padding after them.")
        if not torch.equal(got, expected):
            wrong_row = int(torch.nonzero((got != expected).any(1))[0])
            raise Wrong(f"On {case} row {wrong_row} is {got[wrong_row].tolist()}, expected "
                        f"{expected[wrong_row].tolist()} for the tokens {sentences[wrong_row]}.")
    return "This is what Vocabulary.encode does, after tokenize has cut each sentence."


@exercise("ch15.ex3", title="parameters of the convolutions", kind="number",
          expects="a whole number (the parameter count)",
          hints=("One filter of width w looks at w token vectors of E = 50 numbers each: how many "
                 "weights is that? Each filter also has a bias.",
                 "There are 10 filters of each of the 4 widths; add the four layers up.",
                 "model.convs holds the four nn.Conv1d layers; count_parameters or "
                 "p.numel() lets you check a prediction afterwards."),
          solution="conv_parameters")
def check_conv_parameters(count: float) -> str:
    """Exercise 3: the weights and biases of the four Conv1d layers of the given TextCNN."""
    weights = 10 * 50 * (2 + 3 + 4 + 5)
    biases = 4 * 10
    expected = weights + biases
    if count == expected:
        return (f"{weights} weights and {biases} biases: a filter of width w holds E x w "
                "weights, as a 2-D filter holds C x k x k.")
    if count == weights:
        raise Wrong("That is the weights only: every filter has a bias as well.")
    if count == expected + 1000 * 50:
        raise Wrong("That includes the embedding table; count only the four convolutions.")
    if count in (expected + 1000 * 50 + 40 * 2 + 2, expected + 40 * 2 + 2):
        raise Wrong("That includes other layers too; count only the four convolutions.")
    if count == 10 * (2 + 3 + 4 + 5) + biases:
        raise Wrong("Each filter spans all 50 channels of the token vectors, not one.")
    if not float(count).is_integer():
        raise Wrong(f"{count:g} is not a whole number; a parameter count is.")
    raise Wrong(f"{count:g} is not it. Count one filter of each width first.")
