"""The checkers of 01_images_as_tensors.ipynb: solutions pass, typical mistakes get the right
diagnosis, printed numbers and library functions do not pass."""

import numpy as np
import pytest
import torch
import torchvision.transforms.functional as TF
from exercises_support import diagnosis

from course_utils.data import load_dataset, stratified_split
from course_utils.exercises import ch01
from course_utils.exercises.solutions import ch01 as solutions

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_to_tensor():
    assert ch01.check_to_tensor(solutions.to_tensor)
    regrouped = diagnosis(ch01.check_to_tensor,
                          lambda a: torch.from_numpy(a).reshape(3, *a.shape[:2]).float() / 255)
    assert "reshape regroups" in regrouped
    unscaled = diagnosis(ch01.check_to_tensor,
                         lambda a: torch.from_numpy(a).permute(2, 0, 1).float())
    assert "up to" in unscaled
    assert "dtype" in diagnosis(ch01.check_to_tensor,
                                lambda a: torch.from_numpy(a).permute(2, 0, 1))
    assert "swapped" in diagnosis(ch01.check_to_tensor,
                                  lambda a: torch.from_numpy(a).permute(2, 1, 0).float() / 255)
    assert "raised ZeroDivisionError" in diagnosis(ch01.check_to_tensor, lambda a: 1 / 0)
    assert "NumPy" in diagnosis(ch01.check_to_tensor, lambda a: a.transpose(2, 0, 1) / 255)
    assert "not your own code" in diagnosis(ch01.check_to_tensor, TF.to_tensor)


def test_pixel_stats_runs_on_hidden_images():
    assert ch01.check_pixel_stats(solutions.pixel_stats)
    train = load_dataset("mnist", "train").images.float() / 255
    printed = (train.mean().item(), train.std().item())
    assert "expected" in diagnosis(ch01.check_pixel_stats, lambda images: printed)
    assert "Expected a function" in diagnosis(ch01.check_pixel_stats, printed)


def test_pixel_stats_mistakes():
    def scaled(images):
        return images.float().mean().item(), images.float().std().item()

    assert "0..255" in diagnosis(ch01.check_pixel_stats, scaled)
    assert "swapped" in diagnosis(ch01.check_pixel_stats, lambda i: solutions.pixel_stats(i)[::-1])
    assert "variance" in diagnosis(
        ch01.check_pixel_stats, lambda i: ((i.float() / 255).mean(), (i.float() / 255).var()))
    assert "pair" in diagnosis(ch01.check_pixel_stats, lambda i: (i.float() / 255).mean())
    assert "boolean" in diagnosis(ch01.check_pixel_stats, lambda i: (True, False))
    population = ch01.check_pixel_stats(
        lambda i: ((i.float() / 255).mean(), (i.float() / 255).std(unbiased=False)))
    assert population, "the population standard deviation is also right"


def test_split():
    assert ch01.check_split(solutions.split)
    as_numpy = ch01.check_split(lambda *a: tuple(t.numpy() for t in solutions.split(*a)))
    as_lists = ch01.check_split(lambda *a: tuple(t.tolist() for t in solutions.split(*a)))
    assert as_numpy and as_lists
    assert "not your own code" in diagnosis(ch01.check_split, stratified_split)


def test_split_mistakes():
    def first_ones(labels, fraction, seed):  # stratified, but never shuffled
        members = [(labels == c).nonzero().flatten() for c in torch.unique(labels)]
        val = torch.cat([m[:round(fraction * len(m))] for m in members])
        train = torch.tensor([i for i in range(len(labels)) if i not in set(val.tolist())])
        return train, val

    def plain_random(labels, fraction, seed):  # shuffled, not stratified
        order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
        k = round(fraction * len(labels))
        return order[k:], order[:k]

    def unseeded(labels, fraction, seed):
        return solutions.split(labels, fraction, int(torch.randint(0, 10**6, ())))

    assert "not shuffled" in diagnosis(ch01.check_split, first_ones)
    assert "in proportion" in diagnosis(ch01.check_split, plain_random)
    assert "same seed" in diagnosis(ch01.check_split, unseeded)
    assert "in both parts" in diagnosis(ch01.check_split, lambda y, f,
                                        s: (np.arange(len(y)), [0, 1]))
    def one_missing(labels, fraction, seed):
        train, val = solutions.split(labels, fraction, seed)
        return train[1:], val

    assert "cover all" in diagnosis(ch01.check_split, one_missing)
    assert "mask" in diagnosis(ch01.check_split, lambda y, f, s: (y >= 0, y < 0))
    assert "not whole" in diagnosis(ch01.check_split, lambda y, f, s: (
        solutions.split(y, f, s)[0] + 0.5, solutions.split(y, f, s)[1]))


def test_batch_bytes():
    assert ch01.check_batch_bytes(solutions.batch_bytes)
    assert "float32 take" in diagnosis(ch01.check_batch_bytes, 64 * 3 * 224 * 224)
    assert "float64" in diagnosis(ch01.check_batch_bytes, 8 * 64 * 3 * 224 * 224)
    assert "one image" in diagnosis(ch01.check_batch_bytes, 4 * 3 * 224 * 224)
    assert "whole number" in diagnosis(ch01.check_batch_bytes, "38535168")
