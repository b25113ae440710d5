"""Each checker of 03_pooling_activations_dense.ipynb accepts its solution and rejects mistakes."""

import torch

from course_utils.exercises import ch03
from course_utils.exercises.solutions import ch03 as solutions


def test_solutions_pass():
    assert ch03.check_softmax(solutions.softmax)
    assert ch03.check_max_pool(solutions.max_pool)
    assert ch03.check_mlp_params(solutions.mlp_params)
    assert ch03.check_invariance_claim(solutions.invariance_claim)


def test_unanswered_is_not_an_error():
    for check in (ch03.check_softmax, ch03.check_max_pool, ch03.check_mlp_params,
                  ch03.check_invariance_claim):
        assert not check(...) and check(...).hint


def test_softmax_mistakes():
    naive = ch03.check_softmax(lambda z: z.exp() / z.exp().sum(dim=1, keepdim=True))
    assert not naive and "overflow" in naive.message
    wrong_axis = ch03.check_softmax(lambda z: torch.softmax(z, dim=0))
    assert not wrong_axis and "batch" in wrong_axis.message
    assert not ch03.check_softmax(lambda z: z / z.sum(dim=1, keepdim=True))
    assert not ch03.check_softmax("softmax")


def test_pool_and_count_mistakes():
    average = ch03.check_max_pool([[2.5, 1.0], [1.25, 6.5]])
    assert not average and "average" in average.message
    assert "stride" in ch03.check_max_pool(torch.zeros(3, 3)).hint.lower() or \
        "1 pixel" in ch03.check_max_pool(torch.zeros(3, 3)).message
    assert not ch03.check_max_pool([[1, 0], [0, 5]])
    assert "biases" in ch03.check_mlp_params(784 * 64 + 640).hint
    assert not ch03.check_mlp_params(50240)
    assert not ch03.check_invariance_claim("a") and not ch03.check_invariance_claim("z")
