"""fit: reproducibility, resume, Ctrl-C safety, checkpoints and clear errors on bad input.

Everything here trains a tiny network on a few hundred MNIST digits, on the CPU, in seconds.
"""

from __future__ import annotations

import os
from functools import partial

import pytest
import torch
from torch import nn

from course_utils.augment import images_only, random_affine, random_shift
from course_utils.data import load_dataset, stratified_split
from course_utils.env import seed_everything
from course_utils.models import MnistCNN
from course_utils.train import (
    History,
    evaluate,
    fit,
    learning_rate,
    load_checkpoint,
    lr_range_test,
    save_checkpoint,
)

CPU = torch.device("cpu")


pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py


@pytest.fixture(scope="module")
def digits():
    mnist = load_dataset("mnist", "train")  # sorted by class: take a stratified sample
    _, keep = stratified_split(mnist.labels, test_fraction=384 / len(mnist), seed=0)
    keep = keep[torch.randperm(len(keep), generator=torch.Generator().manual_seed(0))]
    return mnist.subset(keep[:256]), mnist.subset(keep[256:])


def tiny_model(seed: int = 0) -> nn.Module:
    seed_everything(seed)
    return MnistCNN(channels=(8, 16), hidden=0, dropout=0.1)


def train(model, data, val=None, **options) -> History:
    settings = dict(epochs=2, batch_size=32, lr=3e-3, device=CPU, progress=False,
                    batch_transform=images_only(random_shift, max_shift=2))
    settings.update(options)
    return fit(model, data, val, **settings)


def same_weights(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_same_seed_gives_identical_weights(digits):
    first, second = tiny_model(), tiny_model()
    train(first, digits[0], seed=3)
    train(second, digits[0], seed=3)
    assert same_weights(first, second)
    third = tiny_model()
    train(third, digits[0], seed=4)
    assert not same_weights(first, third)


# Resuming is checked bit for bit (torch.equal), not with a tolerance: on the CPU the same
# operations run in the same order on the same numbers, and the checkpoint restores every random
# state (shuffling, augmentation, dropout) and the optimiser's moments. Any difference at all
# means some state was lost, which a tolerance would hide.

def test_one_epoch_save_resume_one_epoch_equals_two_epochs(digits, tmp_path):
    straight = tiny_model()
    train(straight, digits[0], digits[1], epochs=2, schedule="constant")
    resumed = tiny_model()
    path = tmp_path / "run.pt"
    first = train(resumed, digits[0], digits[1], epochs=1, schedule="constant", checkpoint=path)
    assert len(first) == 1 and path.exists()
    fresh = tiny_model(seed=99)  # different start: everything must come from the checkpoint
    history = train(fresh, digits[0], digits[1], epochs=2, schedule="constant",
                    checkpoint=path, resume=True)
    assert history.epoch == [1, 2]
    assert same_weights(fresh, straight)


class InterruptAt(nn.Module):
    """Wraps a model and raises KeyboardInterrupt at the n-th training forward pass."""

    def __init__(self, model: nn.Module, at_call: int) -> None:
        super().__init__()
        self.model, self.at_call, self.calls = model, at_call, 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            self.calls += 1
            if self.calls == self.at_call:
                raise KeyboardInterrupt
        return self.model(x)


def test_interrupt_inside_an_epoch_keeps_checkpoint_and_best_weights(digits, tmp_path):
    path = tmp_path / "run.pt"
    steps = len(digits[0]) // 32
    wrapped = InterruptAt(tiny_model(), at_call=steps + 3)  # in the middle of epoch 2
    history = train(wrapped, digits[0], digits[1], epochs=3, checkpoint=path)
    assert history.interrupted and history.epoch == [1]
    assert history.best_epoch == 1
    state = load_checkpoint(path)
    assert History.from_dict(state["history"]).epoch == [1]
    # the model holds the epoch-1 weights, not the half-trained ones of epoch 2
    for key, value in wrapped.state_dict().items():
        assert torch.equal(value, state["best_model"][key]), key
    # and the run continues from the checkpoint exactly like a run never interrupted
    straight = tiny_model()
    train(straight, digits[0], digits[1], epochs=3)
    resumed = tiny_model(seed=5)
    history = train(InterruptAt(resumed, at_call=0), digits[0], digits[1], epochs=3,
                    checkpoint=path, resume=True)
    assert history.epoch == [1, 2, 3] and not history.interrupted
    assert same_weights(resumed, straight)


def test_checkpoint_is_written_atomically(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    save_checkpoint({"step": torch.tensor(1)}, path)

    def torch_save_then_crash(obj, f):
        with open(f, "wb") as handle:
            handle.write(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", torch_save_then_crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint({"step": torch.tensor(2)}, path)
    monkeypatch.undo()
    assert int(load_checkpoint(path)["step"]) == 1
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]  # no temporary file left behind


def test_load_checkpoint_refuses_pickled_code(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"format": 1, "thing": History()}, path)  # a class instance, not plain data
    with pytest.raises(Exception, match="[Ww]eights only"):
        load_checkpoint(path)


def test_early_stopping_and_best_weights(digits):
    model = tiny_model()
    history = train(model, digits[0], digits[1], epochs=30, lr=0.5, optimizer="sgd",
                    schedule="constant", patience=2)
    assert history.stopped_early and len(history) < 30
    assert history.best_epoch == len(history) - 2
    loss, _ = evaluate(model, digits[1], device=CPU)
    assert loss == pytest.approx(min(history.val_loss), rel=1e-5)


def test_history_and_evaluate_agree(digits):
    model = tiny_model()
    history = train(model, digits[0], digits[1], epochs=4, lr=1e-2)
    assert len(history) == 4 and history.val_acc[-1] > 0.4, "well above chance (0.1)"
    assert history.seconds == sorted(history.seconds)
    assert history.val_acc[-1] == pytest.approx(evaluate(model, digits[1], device=CPU)[1])


def test_dataloader_path_trains(digits):
    loader = torch.utils.data.DataLoader(digits[0], batch_size=32, shuffle=True,
                                         generator=torch.Generator().manual_seed(0))
    history = train(tiny_model(), loader, digits[1], epochs=2)
    assert len(history) == 2 and history.train_loss[1] < history.train_loss[0]


def test_on_epoch_end_can_stop(digits):
    history = train(tiny_model(), digits[0], epochs=5, on_epoch_end=lambda h: len(h) == 2)
    assert history.epoch == [1, 2]


def test_empty_dataset_is_a_clear_error(digits):
    empty = digits[0].subset([])
    with pytest.raises(ValueError, match="empty"):
        train(tiny_model(), empty)


def test_labels_out_of_range_are_a_clear_error(digits):
    images, labels = digits[0].images, digits[0].labels.clone()
    labels[5] = 12
    with pytest.raises(ValueError, match=r"up to 12 .* only 10 outputs .*num_classes=13"):
        train(tiny_model(), (images, labels))
    labels[5] = -1
    with pytest.raises(ValueError, match="got -1"):
        train(tiny_model(), (images, labels))


def test_wrong_input_shape_is_a_clear_error(digits):
    rgb = digits[0].images.expand(-1, 3, -1, -1).contiguous()
    with pytest.raises(ValueError,
                       match=r"\(N, 3, 28, 28\).*expects a batch of shape \(B, 1, H, W\)"):
        train(tiny_model(), (rgb, digits[0].labels))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\).*unsqueeze"):
        train(tiny_model(), (digits[0].images[:, 0], digits[0].labels))
    small = digits[0].images[:, :, :20, :20]
    with pytest.raises(ValueError, match="28x28"):
        train(tiny_model(), (small, digits[0].labels))


def test_bad_options_are_clear_errors(digits):
    with pytest.raises(ValueError, match="epochs"):
        train(tiny_model(), digits[0], epochs=0)
    with pytest.raises(ValueError, match="optimizer"):
        train(tiny_model(), digits[0], optimizer="adagrad")
    with pytest.raises(ValueError, match="CUDA"):
        train(tiny_model(), digits[0], mixed_precision=True)
    for flag in ("progress", "resume", "mixed_precision"):  # "False" is a true string
        with pytest.raises(ValueError, match=f"{flag} must be True or False, got str 'False'"):
            train(tiny_model(), digits[0], **{flag: "False"})
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_checkpoint("/nonexistent/run.pt")


def test_learning_rate_schedules():
    total = 100
    onecycle = [learning_rate(s, total, 1.0) for s in range(total)]
    assert max(onecycle) == pytest.approx(1.0, rel=1e-3)
    assert onecycle[0] == pytest.approx(1 / 25) and onecycle[-1] == pytest.approx(1 / 25_000)
    assert learning_rate(7, total, 0.1, "constant") == 0.1
    with pytest.raises(ValueError, match="schedule"):
        learning_rate(0, total, 0.1, "step")


def test_lr_range_test_leaves_the_model_alone(digits):
    model = tiny_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    lrs, losses = lr_range_test(model, digits[0], steps=30, batch_size=32, device=CPU)
    assert len(lrs) == len(losses) and lrs == sorted(lrs) and len(lrs) <= 30
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())


def test_batched_augmentations_keep_shape_and_repeat_with_the_seed():
    x = torch.rand(8, 1, 28, 28)
    for augment in (partial(random_shift, max_shift=2), random_affine):
        a = augment(x, generator=torch.Generator().manual_seed(1))
        b = augment(x, generator=torch.Generator().manual_seed(1))
        assert a.shape == x.shape and torch.equal(a, b)
    shifted = random_shift(x, max_shift=2, generator=torch.Generator().manual_seed(1))
    # each image is its original moved by at most 2 pixels: some alignment matches exactly
    for i in range(8):
        padded = torch.nn.functional.pad(x[i], (2, 2, 2, 2))
        assert any(torch.equal(shifted[i], padded[:, r:r + 28, c:c + 28])
                   for r in range(5) for c in range(5))
    with pytest.raises(ValueError, match="float batch"):
        random_shift(torch.zeros(2, 1, 28, 28, dtype=torch.uint8))


# The batch hook: one callable turns each training batch into the batch to train on.

def mixup(images, labels, *, generator=None, classes=10):
    """A mixup batch transform: soft labels come back as (B, K) probabilities."""
    weight = torch.rand(len(images), generator=generator)
    order = torch.randperm(len(images), generator=generator)
    w = weight[:, None, None, None]
    one_hot = nn.functional.one_hot(labels, classes).float()
    return (w * images + (1 - w) * images[order],
            weight[:, None] * one_hot + (1 - weight[:, None]) * one_hot[order])


@pytest.mark.parametrize("transform", [images_only(random_affine, degrees=10), mixup])
def test_batch_transform_repeats_bit_for_bit_with_the_seed(digits, transform):
    runs = []
    for seed in (3, 3, 4):
        model = tiny_model()
        runs.append((model, train(model, digits[0], seed=seed, batch_transform=transform)))
    (a, ha), (b, hb), (c, _) = runs
    assert same_weights(a, b) and ha.train_loss == hb.train_loss
    assert not same_weights(a, c)
    assert 0 < ha.train_acc[-1] <= 1


def test_batch_transform_output_is_what_the_model_trains_on(digits):
    calls, seen = [], []

    def blank(images, labels, *, generator=None):
        calls.append((images.shape, generator))
        return torch.zeros_like(images), torch.full_like(labels, 7)

    model = tiny_model()
    model.register_forward_pre_hook(
        lambda m, inputs: seen.append(float(inputs[0].abs().max())) if m.training else None)
    history = train(model, digits[0], epochs=2, batch_size=32, batch_transform=blank)
    assert len(calls) == 2 * (len(digits[0]) // 32)
    assert all(g is not None for _, g in calls), "fit passes its seeded generator"
    assert seen and max(seen) == 0.0, "the model saw the transformed images only"
    assert history.train_acc[-1] > 0.9, "and learned the transformed labels (all 7)"


def test_batch_transform_must_return_a_batch(digits):
    with pytest.raises(TypeError, match=r"\(images, labels\) pair.*images_only"):
        train(tiny_model(), digits[0], batch_transform=lambda x, y, generator=None: x)
    with pytest.raises(ValueError, match=r"expected \(B, C, H, W\) float images"):
        train(tiny_model(), digits[0],
              batch_transform=lambda x, y, generator=None: (x[:, 0], y))


def test_fit_leaves_the_global_random_state_as_it_found_it(digits):
    model = tiny_model()
    torch.manual_seed(123)
    before = torch.get_rng_state()
    train(model, digits[0], seed=7)
    assert torch.equal(torch.get_rng_state(), before), "fit reseeded the global generator"


def test_a_callable_monitor_picks_the_weights_kept(digits):
    scores = iter([0.2, 0.9, 0.5])
    calls = []

    def monitor(model: nn.Module) -> float:
        calls.append(sum(p.sum().item() for p in model.parameters()))
        return next(scores)

    model = tiny_model()
    history = train(model, digits[0], epochs=3, monitor=monitor, patience=1)
    assert history.best_epoch == 2 and len(history) == 3 and history.stopped_early
    assert sum(p.sum().item() for p in model.parameters()) == pytest.approx(calls[1])
