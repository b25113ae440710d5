"""course_utils.imbalance: the losses equal their PyTorch references, the resamplers and the
sampler give the class shares asked for, and bad input gets a clear error."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision.ops import sigmoid_focal_loss

from course_utils.data import load_dataset
from course_utils.imbalance import (
    adjust_logits,
    balanced_sampler,
    binary_focal_loss,
    class_counts,
    class_priors,
    class_weighted_cross_entropy,
    class_weights,
    focal_loss,
    imbalanced_copy,
    imbalanced_indices,
    oversample_indices,
    undersample_indices,
)
from course_utils.train import fit
from course_utils.validation import InputError

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py

SAMPLER_TOLERANCE = 0.01
"""Largest gap allowed between a class's share of 20,000 draws and the share asked for (the
binomial standard deviation at a share of 0.1 is 0.002: five of them)."""


@pytest.fixture
def labels():
    return torch.arange(10).repeat_interleave(torch.tensor([200] * 7 + [40, 20, 8]))


def test_imbalanced_indices_give_the_proportions():
    y = torch.arange(10).repeat(500)
    shares = [0.98 / 9] * 9 + [0.02]
    index = imbalanced_indices(y, shares, seed=0)
    counts = torch.bincount(y[index], minlength=10)
    assert counts[:9].max() == 500 and (counts[:9] == counts[0]).all()
    assert counts[9] == round(0.02 * len(index))
    assert torch.equal(index, imbalanced_indices(y, shares, seed=0))
    assert not torch.equal(index, imbalanced_indices(y, shares, seed=1))
    assert len(index.unique()) == len(index)


def test_imbalanced_copy_is_an_imageset_with_a_share_zero_class_left_out():
    mnist = load_dataset("mnist", "train")
    shares = [0.0] + [1 / 9] * 9
    copy = imbalanced_copy(mnist, shares, n=900)
    assert len(copy) == 900 and copy.class_counts()["0"] == 0
    assert copy.images.shape[1:] == (1, 28, 28)


@pytest.mark.parametrize("shares, match", [
    ([0.5, 0.4], "sum to 1"),
    ([0.6, 0.6], "sum to 1"),
    ([1.2, -0.2], ">= 0"),
    ([0.5, 0.5], "classes but the labels go up to"),
])
def test_proportions_that_do_not_sum_sensibly_are_refused(shares, match):
    y = torch.arange(3).repeat(10) if "labels go up" in match else torch.arange(2).repeat(10)
    with pytest.raises(InputError, match=match):
        imbalanced_indices(y, shares)


def test_a_subset_larger_than_the_data_is_refused():
    y = torch.arange(2).repeat(10)
    with pytest.raises(InputError, match="only 10 are there"):
        imbalanced_indices(y, [0.5, 0.5], n=40)
    with pytest.raises(InputError, match="would get 0 examples"):
        imbalanced_indices(y, [0.99, 0.01], n=10)


def test_oversampling_and_undersampling_balance_the_classes(labels):
    over = oversample_indices(labels, seed=0)
    assert (torch.bincount(labels[over]) == 200).all()
    assert set(over.tolist()) == set(range(len(labels))), "every example kept"
    under = undersample_indices(labels, seed=0)
    assert (torch.bincount(labels[under]) == 8).all()
    assert len(under.unique()) == len(under)


@pytest.mark.parametrize("shares", [None, [0.05] * 9 + [0.55]])
def test_the_sampler_draws_the_requested_shares(labels, shares):
    draws = list(balanced_sampler(labels, shares, num_samples=20_000, seed=0))
    drawn = torch.bincount(labels[torch.tensor(draws)], minlength=10) / 20_000
    want = torch.full((10,), 0.1) if shares is None else torch.tensor(shares)
    assert (drawn - want).abs().max() < SAMPLER_TOLERANCE
    again = balanced_sampler(labels, shares, num_samples=20_000, seed=0)
    assert list(again) == draws, "seeded"


def test_the_sampler_refuses_a_share_for_a_class_without_examples():
    with pytest.raises(InputError, match="no example"):
        balanced_sampler(torch.tensor([0, 0, 1]), [0.4, 0.3, 0.3])


def test_fit_trains_from_a_sampler_loader_and_with_a_loss():
    mnist = load_dataset("mnist", "train").subset(torch.arange(0, 5000, 25))
    loader = DataLoader(mnist, batch_size=50, sampler=balanced_sampler(mnist.labels, seed=0))
    weight = class_weights(class_counts(mnist.labels, 10))
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    history = fit(model, loader, epochs=2, progress=False, device="cpu",
                  loss=lambda z, y: focal_loss(z, y, gamma=2.0, weight=weight.to(z.device)))
    assert len(history) == 2 and history.train_loss[-1] < history.train_loss[0]
    with pytest.raises(TypeError, match="loss must be a function"):
        fit(model, loader, epochs=1, progress=False, device="cpu", loss="focal")


def test_class_weights(labels):
    counts = class_counts(labels, 10)
    for scheme in ("inverse", "sqrt_inverse", "effective"):
        w = class_weights(counts, scheme)
        assert torch.isclose((w * counts).sum(), counts.sum().float())
        assert (w[:-1] <= w[1:] + 1e-6).all(), "rarer classes weigh more"
    inverse = class_weights(counts)
    assert torch.allclose(inverse * counts, (inverse * counts)[0].expand(10))
    assert torch.allclose(class_weights(torch.full((4,), 7)), torch.ones(4))
    with pytest.raises(InputError, match="at least one|>= 1"):
        class_weights(torch.tensor([3, 0, 2]))
    with pytest.raises(InputError, match="scheme"):
        class_weights(counts, "inverse_square")


def test_class_weighted_cross_entropy_equals_torch():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(64, 5, generator=g, dtype=torch.float64)
    y = torch.randint(0, 5, (64,), generator=g)
    w = torch.rand(5, generator=g, dtype=torch.float64) + 0.1
    ours = class_weighted_cross_entropy(logits, y, w)
    assert torch.allclose(ours, nn.CrossEntropyLoss(weight=w)(logits, y), atol=1e-12)
    with pytest.raises(InputError, match="one weight per class"):
        class_weighted_cross_entropy(logits, y, w[:4])


def test_focal_loss_with_gamma_zero_is_cross_entropy():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(50, 7, generator=g, dtype=torch.float64, requires_grad=True)
    y = torch.randint(0, 7, (50,), generator=g)
    w = torch.rand(7, generator=g, dtype=torch.float64) + 0.1
    assert torch.allclose(focal_loss(logits, y, gamma=0.0), nn.functional.cross_entropy(logits, y))
    assert torch.allclose(focal_loss(logits, y, 0.0, weight=w),
                          nn.CrossEntropyLoss(weight=w)(logits, y))
    assert torch.allclose(focal_loss(logits, y, 0.0, reduction="none"),
                          nn.functional.cross_entropy(logits, y, reduction="none"))
    assert focal_loss(logits, y, gamma=2.0) < focal_loss(logits, y,
                                                         gamma=0.0), "easy ones count less"
    with pytest.raises(InputError, match="gamma"):
        focal_loss(logits, y, gamma=-1.0)


@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (0.5, 0.0), (-1.0, 1.5), (0.9, 3.0)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_focal_loss_equals_torchvision(alpha, gamma, reduction):
    g = torch.Generator().manual_seed(2)
    logits = torch.randn(40, 3, generator=g, dtype=torch.float64) * 3
    targets = (torch.rand(40, 3, generator=g) < 0.2).double()
    ours = binary_focal_loss(logits, targets, alpha, gamma, reduction)
    theirs = sigmoid_focal_loss(logits, targets, alpha, gamma, reduction)
    assert torch.allclose(ours, theirs, atol=1e-12)


def test_logit_adjustment_moves_predictions_towards_rare_classes():
    priors = class_priors(torch.tensor([0] * 90 + [1] * 10), 2)
    assert torch.allclose(priors, torch.tensor([0.9, 0.1]))
    logits = torch.tensor([[1.0, 0.0], [3.0, 0.0]])
    adjusted = adjust_logits(logits, priors, tau=1.0)
    assert adjusted.argmax(1).tolist() == [1, 0]  # log 9 = 2.2 lies between the two margins
    assert torch.equal(adjust_logits(logits, priors, tau=0.0), logits)
    with pytest.raises(InputError, match="> 0"):
        adjust_logits(logits, torch.tensor([1.0, 0.0]))
    with pytest.raises(InputError, match="one share per class"):
        adjust_logits(logits, torch.tensor([1.0]))
