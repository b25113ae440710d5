"""Each checker of notebooks 05 and 06 accepts its solution and rejects typical mistakes."""

import pytest
import torch

from course_utils.exercises import ch05, ch06
from course_utils.exercises.solutions import ch05 as sol05
from course_utils.exercises.solutions import ch06 as sol06
from course_utils.models import BasicBlock, DenseBlock


@pytest.fixture(scope="module")
def images():
    gen = torch.Generator().manual_seed(0)
    train = torch.randint(0, 256, (50, 1, 28, 28), dtype=torch.uint8, generator=gen)
    test = torch.randint(0, 120, (20, 1, 28, 28), dtype=torch.uint8, generator=gen)
    return train, test


def test_solutions_pass(images):
    assert ch05.check_normalisation_stats(sol05.normalisation_stats(images[0]), *images)
    assert ch05.check_safe_augmentations(sol05.safe_augmentations)
    assert ch05.check_steps(sol05.steps)
    assert ch05.check_early_stopping(sol05.early_stopping)
    assert ch06.check_separable_saving(sol06.separable_saving)
    assert ch06.check_dense_channels(sol06.dense_channels)
    assert ch06.check_residual_block(sol06.residual_block)


def test_solutions_match_the_code():
    assert DenseBlock(16, 4, 12)(torch.zeros(1, 16, 8, 8)).shape[1] == sol06.dense_channels
    block = BasicBlock(32, 64, stride=2)
    assert tuple(block(torch.zeros(2, 32, 14, 14)).shape[1:]) == sol06.residual_block[0]
    assert not isinstance(block.shortcut, torch.nn.Identity)


def test_unanswered_is_not_an_error(images):
    checks = [lambda a: ch05.check_normalisation_stats(a, *images), ch05.check_safe_augmentations,
              ch05.check_steps, ch05.check_early_stopping, ch06.check_separable_saving,
              ch06.check_dense_channels, ch06.check_residual_block]
    for check in checks:
        feedback = check(...)
        assert not feedback and "No answer yet" in feedback.message and feedback.hint


def test_normalisation_mistakes(images):
    train, test = images
    mean, std = sol05.normalisation_stats(train)
    scale = ch05.check_normalisation_stats((255 * mean, 255 * std), train, test)
    assert not scale and "255" in scale.message
    swapped = ch05.check_normalisation_stats((std, mean), train, test)
    assert not swapped and "swapped" in swapped.message
    leak = ch05.check_normalisation_stats(sol05.normalisation_stats(torch.cat([train, test])),
                                          train, test)
    assert not leak and "test" in leak.message
    assert not ch05.check_normalisation_stats(0.5, train, test)


def test_augmentation_mistakes():
    flips = ch05.check_safe_augmentations({"shift", "hflip"})
    assert not flips and "hflip" in flips.message
    assert not ch05.check_safe_augmentations({"shift", "zoom", "small_rotation", "rotate180"})
    partial = ch05.check_safe_augmentations({"shift"})
    assert not partial and "zoom" in partial.message
    assert not ch05.check_safe_augmentations({"mixup"})
    assert not ch05.check_safe_augmentations(3)


def test_steps_mistakes():
    assert "partial" in ch05.check_steps(710).message
    assert "one epoch" in ch05.check_steps(70).message
    assert not ch05.check_steps(4500 * 10 / 64)


def test_early_stopping_mistakes():
    best_not_last = ch05.check_early_stopping((7, 7))
    assert not best_not_last and "best weights" in best_not_last.message
    assert not ch05.check_early_stopping((4, 3))
    assert not ch05.check_early_stopping((9, 9))
    assert not ch05.check_early_stopping("7")


def test_architecture_mistakes():
    inverse = ch06.check_separable_saving(1 / sol06.separable_saving)
    assert not inverse and "inverse" in inverse.message
    assert not ch06.check_separable_saving(128)
    assert not ch06.check_separable_saving(9)
    assert "input" in ch06.check_dense_channels(48).message
    assert not ch06.check_dense_channels(12)
    stride = ch06.check_residual_block(((64, 14, 14), True))
    assert not stride and "stride" in stride.message
    no_projection = ch06.check_residual_block(((64, 7, 7), False))
    assert not no_projection and "1x1" in no_projection.hint
    assert not ch06.check_residual_block("64x7x7")
