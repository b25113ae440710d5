"""The checkers of 06_architectures.ipynb: solutions pass (and match the course's models), typical
mistakes get the right diagnosis, and answers of any container or bool type are read right."""

import numpy as np
import pytest
import torch
from exercises_support import diagnosis
from torch import nn

from course_utils.exercises import ch06
from course_utils.exercises.solutions import ch06 as solutions
from course_utils.models import BasicBlock, DenseBlock, count_macs
from course_utils.models.mobilenet import depthwise_separable

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_solutions_match_the_code():
    assert DenseBlock(16, 4, 12)(torch.zeros(1, 16, 8, 8)).shape[1] == solutions.dense_channels
    block = BasicBlock(32, 64, stride=2)
    assert tuple(block(torch.zeros(2, 32, 14, 14)).shape[1:]) == solutions.residual_block[0]
    assert not isinstance(block.shortcut, nn.Identity)


def test_separable_saving_and_dense_channels():
    assert ch06.check_separable_saving(solutions.separable_saving)
    assert ch06.check_separable_saving(np.float32(solutions.separable_saving))
    assert "inverse" in diagnosis(ch06.check_separable_saving, 1 / solutions.separable_saving)
    assert "pointwise" in diagnosis(ch06.check_separable_saving, 128)
    assert "depthwise" in diagnosis(ch06.check_separable_saving, 9)
    assert ch06.check_dense_channels(solutions.dense_channels)
    assert "input" in diagnosis(ch06.check_dense_channels, 48)
    assert "one layer" in diagnosis(ch06.check_dense_channels, 12)


def test_residual_block():
    assert ch06.check_residual_block(solutions.residual_block)
    assert ch06.check_residual_block(((64, 7, 7), np.True_))          # NumPy's bool
    assert ch06.check_residual_block([[64, 7, 7], torch.tensor(True)])
    assert ch06.check_residual_block((np.array([64, 7, 7]), True))
    assert ch06.check_residual_block((torch.Size([64, 7, 7]), True))
    assert "stride" in diagnosis(ch06.check_residual_block, ((64, 14, 14), True))
    assert "64 channels" in diagnosis(ch06.check_residual_block, ((32, 7, 7), True))
    assert "cannot be added" in diagnosis(ch06.check_residual_block, ((64, 7, 7), np.False_))
    assert "True or False" in diagnosis(ch06.check_residual_block, ((64, 7, 7), 1))
    assert "True or False" in diagnosis(ch06.check_residual_block, ((64, 7, 7), "yes"))
    assert "three sizes" in diagnosis(ch06.check_residual_block, ((64, 7), True))
    assert "pair" in diagnosis(ch06.check_residual_block, "64x7x7")


def test_conv_macs():
    assert ch06.check_conv_macs(solutions.conv_macs)
    assert "not your own code" in diagnosis(ch06.check_conv_macs, count_macs)
    ignores_groups = diagnosis(ch06.check_conv_macs, lambda ci, co, k, h, w,
                               g: co * h * w * ci * k * k)
    assert "c_in / groups" in ignores_groups
    with_bias = diagnosis(ch06.check_conv_macs, lambda ci, co, k, h, w, g:
                          solutions.conv_macs(ci, co, k, h, w, g) + co * h * w)
    assert "bias" in with_bias
    assert not ch06.check_conv_macs(lambda ci, co, k, h, w, g: co * h * w * ci // g * k)


def test_separable_block():
    assert ch06.check_separable_block(solutions.separable_block)
    bare = ch06.check_separable_block(lambda ci, co, s: nn.Sequential(
        nn.Conv2d(ci, ci, 3, s, 1, groups=ci), nn.Conv2d(ci, co, 1)))
    assert bare, bare.message
    assert "not your own code" in diagnosis(ch06.check_separable_block, depthwise_separable)
    standard = diagnosis(ch06.check_separable_block, lambda ci, co, s: nn.Conv2d(ci, co, 3, s, 1))
    assert "no depthwise" in standard
    no_pointwise = diagnosis(ch06.check_separable_block, lambda ci, co, s: nn.Sequential(
        nn.Conv2d(ci, ci, 3, s, 1, groups=ci), nn.Conv2d(ci, co, 3, padding=1)))
    assert "no pointwise" in no_pointwise
    no_padding = diagnosis(ch06.check_separable_block, lambda ci, co, s: nn.Sequential(
        nn.Conv2d(ci, ci, 3, s, groups=ci), nn.Conv2d(ci, co, 1)))
    assert "Padding 1" in no_padding
    costly = diagnosis(ch06.check_separable_block, lambda ci, co, s: nn.Sequential(
        nn.Conv2d(ci, ci, 3, s, 1, groups=ci), nn.Conv2d(ci, co, 1), nn.Conv2d(co, co, 3, 1, 1)))
    assert "costs more" in costly
    assert "nn.Module" in diagnosis(ch06.check_separable_block, lambda ci, co, s: [ci, co])
