"""The checkers of 10_class_imbalance.ipynb: solutions pass, typical mistakes get the right
diagnosis, and the course's and libraries' implementations are refused."""

import pytest
import torch
import torch.nn.functional as F
from exercises_support import diagnosis
from sklearn.utils.class_weight import compute_class_weight

from course_utils import imbalance
from course_utils.exercises import ch10
from course_utils.exercises.solutions import ch10 as solutions

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_inverse_weights():
    assert ch10.check_inverse_weights(solutions.inverse_weights)
    for library in (imbalance.class_weights, compute_class_weight):
        assert "not your own code" in diagnosis(ch10.check_inverse_weights, library)


def test_inverse_weights_mistakes():
    unscaled = diagnosis(ch10.check_inverse_weights, lambda c: 1 / c.double())
    assert "wrong scale" in unscaled
    upside_down = diagnosis(ch10.check_inverse_weights,
                            lambda c: c.double() * len(c) / c.double().sum())
    assert "inverse of the count" in upside_down


def test_focal_loss():
    assert ch10.check_focal_loss(solutions.focal)
    assert "not your own code" in diagnosis(ch10.check_focal_loss, imbalance.focal_loss)


def test_focal_loss_mistakes():
    def summed(z, y, gamma):
        return solutions.focal(z, y, gamma) * len(y)
    assert "sum over the batch" in diagnosis(ch10.check_focal_loss, summed)

    def flipped(z, y, gamma):
        log_p = F.log_softmax(z, 1).gather(1, y[:, None])[:, 0]
        return (-(log_p.exp()) ** gamma * log_p).mean()
    assert "hard" in diagnosis(ch10.check_focal_loss, flipped)
    per_example = diagnosis(ch10.check_focal_loss,
                            lambda z, y, g: F.cross_entropy(z, y, reduction="none"))
    assert "average" in per_example


def test_oversample():
    assert ch10.check_oversample(solutions.oversample)
    assert "not your own code" in diagnosis(ch10.check_oversample, imbalance.oversample_indices)


def test_oversample_mistakes():
    def labels_not_indices(labels, seed):
        return labels[solutions.oversample(labels, seed)]
    assert "must occur" in diagnosis(ch10.check_oversample, labels_not_indices) or \
        "outside" in diagnosis(ch10.check_oversample, labels_not_indices)

    def only_copies(labels, seed):
        g = torch.Generator().manual_seed(seed)
        largest = int(torch.bincount(labels).max())
        return torch.cat([(labels == k).nonzero()[:, 0][torch.randint(0, int((labels == k).sum()),
                                                                       (largest,), generator=g)]
                          for k in labels.unique()])
    assert "missing" in diagnosis(ch10.check_oversample, only_copies)
    assert "must occur" in diagnosis(ch10.check_oversample, lambda y, s: torch.arange(len(y)))


def test_balanced_accuracy_guess():
    assert ch10.check_balanced_accuracy_guess(solutions.blind_balanced_accuracy)
    assert "accuracy on a set" in diagnosis(ch10.check_balanced_accuracy_guess, 0.97)
    assert "fraction" in diagnosis(ch10.check_balanced_accuracy_guess, 70)
    assert "ten digits" in diagnosis(ch10.check_balanced_accuracy_guess, 0.5)
