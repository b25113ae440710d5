"""The checkers of 03_pooling_activations_dense.ipynb: solutions pass whatever their dtype or
container, typical mistakes get the right diagnosis, library softmax does not pass."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercises_support import diagnosis

from course_utils.exercises import ch03
from course_utils.exercises.solutions import ch03 as solutions
from course_utils.layers import softmax

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_softmax():
    assert ch03.check_softmax(solutions.softmax)
    in_float64 = ch03.check_softmax(lambda z: solutions.softmax(z.double()))
    assert in_float64, in_float64.message        # a correct float64 answer passes
    as_numpy = ch03.check_softmax(lambda z: solutions.softmax(z).numpy())
    as_list = ch03.check_softmax(lambda z: solutions.softmax(z).tolist())
    assert as_numpy and as_list
    for library in (softmax, torch.softmax, F.softmax):
        assert "not your own code" in diagnosis(ch03.check_softmax, library)
    assert "Expected a function" in diagnosis(ch03.check_softmax, [0.09, 0.24, 0.67])


def test_softmax_mistakes():
    naive = diagnosis(ch03.check_softmax, lambda z: z.exp() / z.exp().sum(dim=1, keepdim=True))
    assert "overflow" in naive
    wrong_axis = diagnosis(ch03.check_softmax, lambda z: solutions.softmax(z.T).T)
    assert "batch" in wrong_axis
    assert not ch03.check_softmax(lambda z: z / z.sum(dim=1, keepdim=True))
    assert "shape" in diagnosis(ch03.check_softmax, lambda z: solutions.softmax(z)[0])


def test_flatten_dense():
    assert ch03.check_flatten_dense(solutions.flatten_dense)
    assert "not your own code" in diagnosis(ch03.check_flatten_dense, F.linear)
    no_bias = diagnosis(ch03.check_flatten_dense, lambda m, w, b: m.flatten(1) @ w.T)
    assert "bias" in no_bias
    whole = diagnosis(ch03.check_flatten_dense, lambda m, w,
                      b: (m.flatten() @ w.T.repeat(len(m), 1)))
    assert "one row of scores per image" in whole
    untransposed = diagnosis(ch03.check_flatten_dense, lambda m, w, b: m.flatten(1) @ w)
    assert "raised RuntimeError" in untransposed


def test_max_pool_by_hand():
    assert ch03.check_max_pool(solutions.max_pool)                # a list
    assert ch03.check_max_pool(np.array(solutions.max_pool))      # NumPy
    assert ch03.check_max_pool(torch.tensor([[4, 2], [2, 8]]))    # an int tensor
    assert "average" in diagnosis(ch03.check_max_pool, [[2.5, 1.0], [1.25, 6.5]])
    assert "1 pixel at a time" in diagnosis(ch03.check_max_pool, torch.zeros(3, 3))
    assert not ch03.check_max_pool([[1, 0], [0, 5]])
    assert "NaN" in diagnosis(ch03.check_max_pool, [[4, 2], [2, float("nan")]])


def test_counts_and_claims():
    assert ch03.check_mlp_params(solutions.mlp_params)
    assert "biases" in diagnosis(ch03.check_mlp_params, 784 * 64 + 640)
    assert "first layer only" in diagnosis(ch03.check_mlp_params, 784 * 64 + 64)
    assert ch03.check_invariance_claim(solutions.invariance_claim)
    assert ch03.check_invariance_claim(" (B) ")
    assert "fall" in diagnosis(ch03.check_invariance_claim, "a")
    assert "one letter" in diagnosis(ch03.check_invariance_claim, "z")
    assert "one letter" in diagnosis(ch03.check_invariance_claim, ["b"])
