"""The checkers of 15_cnns_beyond_images.ipynb: solutions pass, typical mistakes get the right
diagnosis, and neither PyTorch's convolutions nor the course's own encoder pass."""

import pytest
import torch
import torch.nn.functional as F
from exercises_support import diagnosis

from course_utils.exercises import ch15
from course_utils.exercises.solutions import ch15 as solutions
from course_utils.models import TextCNN
from course_utils.text import Vocabulary

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_conv1d():
    assert ch15.check_conv1d(solutions.conv1d)
    def vectorised(x, w, b):
        return torch.einsum("elw,few->fl", x.unfold(1, w.shape[2], 1), w) + b[:,
                                                                                                    None]
    assert ch15.check_conv1d(vectorised)
    for library in (F.conv1d, torch.conv1d):
        assert "not your own code" in diagnosis(ch15.check_conv1d, library)
    flipped = diagnosis(ch15.check_conv1d, lambda x, w, b: solutions.conv1d(x, w.flip(-1), b))
    assert "flipped filter" in flipped
    no_bias = diagnosis(ch15.check_conv1d, lambda x, w, b: solutions.conv1d(x, w, 0 * b))
    assert "bias" in no_bias
    same = diagnosis(ch15.check_conv1d, lambda x, w, b: F.conv1d(
        F.pad(x[None], (0, w.shape[2] - 1)), w, b)[0])
    assert "one per token" in same
    transposed = diagnosis(ch15.check_conv1d, lambda x, w, b: solutions.conv1d(x, w, b).T)
    assert "one row per filter" in transposed
    off = diagnosis(ch15.check_conv1d, lambda x, w, b: solutions.conv1d(x, w, b) + 0.01)
    assert "off by up to" in off
    assert "IndexError" in diagnosis(ch15.check_conv1d, lambda x, w, b: x[99])
    assert "returned None" in diagnosis(ch15.check_conv1d, lambda x, w, b: None)


def test_encode():
    assert ch15.check_encode(solutions.encode)
    assert "not your own code" in diagnosis(ch15.check_encode, Vocabulary.encode)

    def unknown_as_padding(sentences, token_to_id):
        ids = solutions.encode(sentences, token_to_id)
        return torch.where(ids == 1, 0, ids)

    assert "padding id" in diagnosis(ch15.check_encode, unknown_as_padding)

    def padded_first(sentences, token_to_id):
        ids = solutions.encode(sentences, token_to_id)
        return torch.stack([torch.roll(row, int((row == 0).sum())) for row in ids])

    assert "padding comes first" in diagnosis(ch15.check_encode, padded_first)
    as_float = diagnosis(ch15.check_encode, lambda s, t: solutions.encode(s, t).float())
    assert "torch.int64" in as_float
    as_list = diagnosis(ch15.check_encode, lambda s, t: solutions.encode(s, t).tolist())
    assert "return a torch tensor" in as_list

    def no_minimum_length(sentences, token_to_id):
        length = max(len(tokens) for tokens in sentences)
        return solutions.encode(sentences, token_to_id)[:, :length]

    assert "L must\nstill be 1".replace("\n", " ") in diagnosis(ch15.check_encode,
                                                                no_minimum_length)

    def one_column_too_many(sentences, token_to_id):
        ids = solutions.encode(sentences, token_to_id)
        return torch.cat([ids, torch.zeros(len(ids), 1, dtype=torch.int64)], 1)

    assert "longest sentence" in diagnosis(ch15.check_encode, one_column_too_many)

    def off_by_one_ids(sentences, token_to_id):
        ids = solutions.encode(sentences, token_to_id)
        return torch.where(ids > 1, ids + 1, ids)

    assert "row 0 is" in diagnosis(ch15.check_encode, off_by_one_ids)


def test_conv_parameters():
    assert ch15.check_conv_parameters(solutions.conv_parameters)
    assert ch15.check_conv_parameters(7040)
    assert ch15.check_conv_parameters(torch.tensor(7040))
    assert "weights only" in diagnosis(ch15.check_conv_parameters, 7000)
    assert "embedding" in diagnosis(ch15.check_conv_parameters, 57040)
    assert "other layers" in diagnosis(ch15.check_conv_parameters, 57122)
    assert "other layers" in diagnosis(ch15.check_conv_parameters, 7122)
    assert "all 50 channels" in diagnosis(ch15.check_conv_parameters, 180)
    assert "whole number" in diagnosis(ch15.check_conv_parameters, 7040.5)
    assert "not it" in diagnosis(ch15.check_conv_parameters, 7041)
    assert "boolean" in diagnosis(ch15.check_conv_parameters, True)


def test_the_exercise_answer_matches_a_real_model():
    model = TextCNN(1000, embed_dim=50, widths=(2, 3, 4, 5), filters=10)
    assert sum(p.numel() for p in model.convs.parameters()) == solutions.conv_parameters
