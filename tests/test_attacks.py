"""Attacks: equal to torchattacks, inside the ε-ball and [0, 1], modes restored, clear errors.

torchattacks is a test-only reference (installed without its dependencies). Everything runs on
the CPU with small networks on a few hundred MNIST digits.
"""

from __future__ import annotations

import copy
import inspect
from functools import partial

import pytest
import torch
import torchattacks
from torch import nn

from course_utils.attacks import (
    CHECKS,
    ROBUST_MNIST,
    FGSMRandomStart,
    InputQuantization,
    PGDTraining,
    adversarial_fit,
    clean_accuracy,
    evaluation_checklist,
    fgsm,
    frozen_eval,
    fuse_batch_norm,
    input_gradient,
    pgd,
    random_sign_noise,
    robust_accuracy,
)
from course_utils.data import load_dataset, stratified_split
from course_utils.env import seed_everything
from course_utils.models import MnistCNN
from course_utils.train import fit
from course_utils.validation import InputError

pytestmark = pytest.mark.usefixtures("one_thread")  # conftest.py


@pytest.fixture(scope="module")
def digits():
    mnist = load_dataset("mnist", "train")
    _, keep = stratified_split(mnist.labels, test_fraction=0.2, seed=0)
    keep = keep[torch.randperm(len(keep), generator=torch.Generator().manual_seed(0))]
    images, labels = mnist.images[keep].float() / 255, mnist.labels[keep]
    return (images[:800], labels[:800]), (images[800:], labels[800:])


@pytest.fixture(scope="module")
def model(digits):
    """A small network trained for a few seconds (about 90% on held-out digits)."""
    seed_everything(0)
    net = MnistCNN(channels=(8, 16), hidden=0, dropout=0.1)
    fit(net, digits[0], epochs=3, batch_size=32, device="cpu", progress=False)
    return net.eval()


def batch(digits, n=64):
    images, labels = digits[1]
    return images[:n], labels[:n]


def test_fgsm_equals_torchattacks(model, digits):
    x, y = batch(digits)
    ours = fgsm(model, x, y, eps=0.1)
    theirs = torchattacks.FGSM(model, eps=0.1)(x, y)
    assert torch.equal(ours, theirs)
    target = (y + 1) % 10
    atk = torchattacks.FGSM(model, eps=0.1)
    atk.set_mode_targeted_by_label(quiet=True)
    assert torch.equal(fgsm(model, x, target, eps=0.1, targeted=True), atk(x, target))


@pytest.mark.parametrize("random_start", [True, False])
@pytest.mark.parametrize("targeted", [False, True])
def test_pgd_linf_equals_torchattacks(model, digits, random_start, targeted):
    x, y = batch(digits)
    labels = (y + 3) % 10 if targeted else y
    atk = torchattacks.PGD(model, eps=0.2, alpha=0.02, steps=7, random_start=random_start)
    if targeted:
        atk.set_mode_targeted_by_label(quiet=True)
    torch.manual_seed(5)
    theirs = atk(x, labels)
    ours = pgd(model, x, labels, eps=0.2, alpha=0.02, steps=7, random_start=random_start,
               targeted=targeted, generator=torch.Generator().manual_seed(5))
    assert torch.equal(ours, theirs)


def test_pgd_l2_equals_torchattacks(model, digits):
    x, y = batch(digits)
    torch.manual_seed(3)
    theirs = torchattacks.PGDL2(model, eps=1.5, alpha=0.3, steps=6)(x, y)
    torch.manual_seed(3)  # generator=None draws from the global generator, as torchattacks does
    ours = pgd(model, x, y, eps=1.5, alpha=0.3, steps=6, norm="l2")
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-6)


@pytest.mark.parametrize("norm,eps", [("linf", 0.1), ("linf", 0.3), ("l2", 2.0)])
def test_perturbation_stays_in_the_ball_and_the_box(model, digits, norm, eps):
    x, y = batch(digits)
    adv = pgd(model, x, y, eps=eps, steps=5, norm=norm, restarts=2,
              generator=torch.Generator().manual_seed(0))
    delta = (adv - x).flatten(1)
    size = delta.abs().amax(1) if norm == "linf" else delta.norm(dim=1)
    assert float(size.max()) <= eps + 1e-6
    assert float(adv.min()) >= 0 and float(adv.max()) <= 1
    assert not adv.requires_grad
    fast = fgsm(model, x, y, eps=eps if norm == "linf" else 0.1)
    assert float(fast.min()) >= 0 and float(fast.max()) <= 1


def test_fuse_batch_norm_is_the_same_function_and_leaves_the_model_alone(model, digits):
    x, y = batch(digits, 64)
    net = copy.deepcopy(model).train()  # a model in the middle of training
    before = {k: v.clone() for k, v in net.state_dict().items()}
    fused = fuse_batch_norm(net)
    assert net.training and all(m.training for m in net.modules()), "its mode is untouched"
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
    assert sum(isinstance(m, nn.BatchNorm2d) for m in net.modules()) == 2
    assert not any(isinstance(m, nn.BatchNorm2d) for m in fused.modules())
    assert not fused.training
    with torch.no_grad():
        torch.testing.assert_close(fused(x), net.eval()(x), atol=1e-5, rtol=1e-5)
    with frozen_eval(net), frozen_eval(fused):
        torch.testing.assert_close(input_gradient(fused, x, y), input_gradient(net, x, y),
                                   atol=1e-6, rtol=1e-4)
    plain = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    assert fuse_batch_norm(plain) is plain, "nothing to fuse: no copy"
    with pytest.raises(InputError, match="torch.nn.Module"):
        fuse_batch_norm("model")


def test_robust_accuracy_attacks_the_fused_copy_and_judges_with_the_model(model, digits):
    x, y = batch(digits, 100)
    seen = []
    def spy(m, images, labels, eps):
        return seen.append(m) or pgd(m, images, labels, eps=eps, steps=5)
    robust_accuracy(model, x, y, spy, eps=0.1, batch_size=50)
    assert len(seen) == 2 and all(m is not model for m in seen)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in seen[0].modules())
    # the same attack on the model itself: the same accuracy (the fused copy is the same function)
    attack = partial(pgd, steps=5, random_start=False)
    adv = attack(model, x, y, eps=0.1)
    assert robust_accuracy(model, x, y, attack, eps=0.1) == clean_accuracy(model, adv, y)


def test_attacks_lower_accuracy_and_pgd_beats_fgsm(model, digits):
    x, y = batch(digits, 200)
    clean = clean_accuracy(model, x, y)
    fast = robust_accuracy(model, x, y, fgsm, eps=0.1)
    strong = robust_accuracy(model, x, y, partial(pgd, steps=10), eps=0.1)
    assert clean > 0.8 and strong <= fast < clean - 0.2
    assert robust_accuracy(model, x, y, fgsm, eps=0.0) == clean


def test_robust_accuracy_over_a_list_of_eps(model, digits):
    x, y = batch(digits, 100)
    accs = robust_accuracy(model, x, y, partial(pgd, steps=5), eps=[0.0, 0.05, 0.15, 0.4],
                           batch_size=30)
    assert len(accs) == 4 and accs[0] == clean_accuracy(model, x, y)
    assert accs == sorted(accs, reverse=True) and accs[-1] < 0.05
    calls = []
    def counted(m, images, labels, eps):
        return calls.append(eps) or fgsm(m, images, labels, eps=eps)
    assert robust_accuracy(model, x, y, counted, eps=[0.0, 0.1]) == [accs[0], robust_accuracy(
        model, x, y, fgsm, eps=0.1)]
    assert calls == [0.1], "at eps = 0 the ball is the image itself: the attack is not run"


def test_restarts_never_help_the_defender(model, digits):
    x, y = batch(digits, 100)
    one = partial(pgd, steps=3, generator=torch.Generator().manual_seed(0))
    five = partial(pgd, steps=3, restarts=5, generator=torch.Generator().manual_seed(0))
    one, five = (robust_accuracy(model, x, y, attack, eps=0.08) for attack in (one, five))
    assert five <= one


def test_targeted_pgd_reaches_the_target(model, digits):
    x, y = batch(digits, 50)
    target = (y + 1) % 10
    adv = pgd(model, x, target, eps=0.3, steps=20, targeted=True,
              generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        hit = (model(adv).argmax(1) == target).float().mean()
    assert hit > 0.9


def _half_frozen_training_model(digits) -> nn.Module:
    seed_everything(1)
    net = MnistCNN(channels=(8,), hidden=16, dropout=0.5)
    net.train()
    net.features[0][1].eval()               # one batch-norm layer frozen in eval mode
    net.features[0][0].weight.requires_grad_(False)
    return net


def _modes(net):
    return [m.training for m in net.modules()], [p.requires_grad for p in net.parameters()]


@pytest.mark.parametrize("attack", [partial(fgsm, eps=0.1), partial(pgd, eps=0.1, steps=2),
                                    partial(pgd, eps=1.0, steps=2, norm="l2", restarts=2)])
def test_mode_flags_restored_and_no_parameter_gradient(digits, attack):
    net = _half_frozen_training_model(digits)
    before = _modes(net)
    x, y = batch(digits, 8)
    seen = []
    hook = net.head.register_forward_pre_hook(lambda m, inp: seen.append(m.training))
    attack(net, x, y)
    hook.remove()
    assert seen and not any(seen), "the attack ran the model in eval mode"
    assert _modes(net) == before
    assert all(p.grad is None for p in net.parameters())


def test_mode_flags_restored_on_error(digits):
    net = _half_frozen_training_model(digits)
    before = _modes(net)
    x, y = batch(digits, 8)
    calls = []

    def explode(module, inp):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom in the middle of the attack")

    hook = net.head.register_forward_pre_hook(explode)
    with pytest.raises(RuntimeError, match="boom"):
        pgd(net, x, y, eps=0.1, steps=3)
    hook.remove()
    assert _modes(net) == before
    with pytest.raises(ValueError):
        with frozen_eval(net):
            assert not net.training
            raise ValueError("inside")
    assert _modes(net) == before


class Probabilities(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x).softmax(1)


class TupleOut(Probabilities):
    def forward(self, x):
        return self.net(x), x


@pytest.mark.parametrize("attack", [fgsm, partial(pgd, steps=2)])
def test_bad_input_gives_clear_errors(model, digits, attack):
    x, y = batch(digits, 8)
    with pytest.raises(ValueError, match=r"eps must be >= 0"):
        attack(model, x, y, eps=-0.1)
    with pytest.raises(ValueError, match=r"eps must be a finite number"):
        attack(model, x, y, eps=float("nan"))
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\].*Normalize"):
        attack(model, x * 255, y, eps=0.1)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        attack(model, x - 0.5, y, eps=0.1)
    with pytest.raises(ValueError, match="NaN or inf"):
        attack(model, torch.full_like(x, float("nan")), y, eps=0.1)
    with pytest.raises(ValueError, match=r"labels must have shape \(8,\).*one-hot"):
        attack(model, x, nn.functional.one_hot(y, 10), eps=0.1)
    with pytest.raises(ValueError, match=r"labels must have shape \(8,\)"):
        attack(model, x, y[:5], eps=0.1)
    with pytest.raises(ValueError, match="integer class indices"):
        attack(model, x, y.float(), eps=0.1)
    with pytest.raises(ValueError, match=r"only 10 outputs"):
        attack(model, x, y + 10, eps=0.1)
    with pytest.raises(ValueError, match=r"non-empty batch \(B, C, H, W\)"):
        attack(model, x[0], y, eps=0.1)
    with pytest.raises(TypeError, match="must be a torch.Tensor"):
        attack(model, x.numpy(), y, eps=0.1)
    with pytest.raises(ValueError, match="probabilities.*Remove the final softmax"):
        attack(Probabilities(model), x, y, eps=0.1)
    with pytest.raises(TypeError, match="must return a tensor of logits"):
        attack(TupleOut(model), x, y, eps=0.1)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        attack(lambda t: t, x, y, eps=0.1)
    with pytest.raises(ValueError, match="the model is on meta but the images are on cpu"):
        attack(copy.deepcopy(model).to("meta"), x, y, eps=0.1)


def test_bad_pgd_options(model, digits):
    x, y = batch(digits, 4)
    for options, message in [({"steps": 0}, "steps must be an int >= 1"),
                             ({"restarts": 1.5}, "restarts must be an int >= 1"),
                             ({"norm": "l1"}, "norm must be one of"),
                             ({"alpha": -1.0}, "alpha must be >= 0"),
                             ({"targeted": "yes"}, "targeted must be True or False"),
                             ({"random_start": 0}, "random_start must be True or False"),
                             ({"early_stop": None}, "early_stop must be True or False")]:
        with pytest.raises(ValueError, match=message):
            pgd(model, x, y, eps=0.1, **options)
    with pytest.raises(ValueError, match="targeted must be True or False, got int 1"):
        fgsm(model, x, y, eps=0.1, targeted=1)
    with pytest.raises(TypeError, match="attack must be callable"):
        robust_accuracy(model, x, y, "pgd", eps=0.1)
    with pytest.raises(ValueError, match="empty list"):
        robust_accuracy(model, x, y, fgsm, eps=[])
    with pytest.raises(TypeError, match="torch.nn.Module"):
        with frozen_eval(lambda t: t):
            pass


def test_input_quantization_masks_the_gradient_and_bpda_restores_it(model, digits):
    x, y = batch(digits, 16)
    defended = InputQuantization(model, levels=8)
    assert torch.equal(defended(x), model(defended.quantize(x)))
    with frozen_eval(defended):
        assert float(input_gradient(defended, x, y).abs().max()) == 0.0
        defended.straight_through = True
        assert float(input_gradient(defended, x, y).abs().max()) > 0.0
    for levels in (1, 2.5, True):
        with pytest.raises(ValueError, match="levels must be an int >= 2"):
            InputQuantization(model, levels=levels)


def test_adversarial_batch_transforms(model, digits):
    x, y = batch(digits, 32)
    for make in (partial(FGSMRandomStart, eps=0.3), partial(PGDTraining, eps=0.3, steps=3)):
        transform = make(model, ramp_batches=4)
        sizes = []
        for _ in range(5):
            adv, labels = transform(x, y, generator=torch.Generator().manual_seed(0))
            assert labels is y and adv.shape == x.shape
            assert float(adv.min()) >= 0 and float(adv.max()) <= 1
            sizes.append(float((adv - x).abs().max()))
        assert all(s <= e + 1e-6 for s, e in zip(sizes, [0.075, 0.15, 0.225, 0.3, 0.3]))
        assert sizes[-1] > 0.2
        again = make(model)(x, y, generator=torch.Generator().manual_seed(7))[0]
        assert torch.equal(again, make(model)(x, y, generator=torch.Generator().manual_seed(7))[0])
    with pytest.raises(ValueError, match="ramp_batches must be an int >= 0"):
        FGSMRandomStart(model, eps=0.3, ramp_batches=-1)
    with pytest.raises(TypeError, match="the torch.nn.Module being trained"):
        PGDTraining("model", eps=0.3)
    with pytest.raises(ValueError, match="must lie in"):
        FGSMRandomStart(model, eps=0.3)(x * 2, y)


@pytest.mark.parametrize("method", ["pgd", "fgsm-rs"])
def test_adversarial_fit_keeps_the_most_robust_epoch(digits, method):
    val_x, val_y = batch(digits, 100)
    seed_everything(0)
    net = MnistCNN(channels=(8, 16), hidden=0, dropout=0.0)
    seen = []
    run = adversarial_fit(net, digits[0], val_x, val_y, method=method, epochs=5, steps=2,
                          ramp=0.4, batch_size=64, patience=1, select_steps=5, device="cpu",
                          on_epoch_end=lambda history, robust: seen.append(list(robust)))
    epochs = len(run.val_robust)
    assert run.history.epoch == list(range(1, epochs + 1)) and seen[-1] == run.val_robust
    assert run.val_robust[run.best_epoch - 1] == max(run.val_robust) > 0
    assert epochs == 5 or epochs - max(run.best_epoch, 2) == 1, "stops one epoch after the best"
    check = partial(pgd, steps=5, early_stop=True, generator=torch.Generator().manual_seed(0))
    assert not net.training
    assert robust_accuracy(net, val_x, val_y, check, eps=0.3) == max(run.val_robust), \
        "the model holds the best epoch's weights"
    assert run.seconds >= run.history.seconds[-1] > 0


def test_adversarial_fit_recipe_and_bad_options(digits):
    assert ROBUST_MNIST["eps"] == 0.3 and ROBUST_MNIST["method"] == "pgd"
    defaults = inspect.signature(adversarial_fit).parameters
    assert {k: defaults[k].default for k in ROBUST_MNIST} == ROBUST_MNIST, \
        "adversarial_fit's defaults are the recipe"
    val_x, val_y = batch(digits, 10)
    net = MnistCNN(channels=(8, 16), hidden=0)
    for options, message in (({"method": "fgsm"}, "method"), ({"ramp": 1.5}, "ramp"),
                             ({"patience": 0}, "patience"), ({"eps": -0.1}, "eps")):
        with pytest.raises(ValueError, match=message):
            adversarial_fit(net, digits[0], val_x, val_y, **options)
    with pytest.raises(ValueError, match="must lie in"):
        adversarial_fit(net, digits[0], val_x * 255, val_y)
    with pytest.raises(ValueError, match="shape"):
        adversarial_fit(net, digits[0], val_x, val_y[:5])


def test_fit_trains_on_adversarial_batches_reproducibly(digits):
    def run():
        seed_everything(0)
        net = MnistCNN(channels=(8, 16), hidden=0, dropout=0.0)
        hist = fit(net, digits[0], epochs=1, batch_size=64, device="cpu", progress=False,
                   seed=3, batch_transform=FGSMRandomStart(net, eps=0.3))
        return net, hist

    (a, ha), (b, hb) = run(), run()
    assert ha.train_loss == hb.train_loss
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))


def test_checklist_on_an_undefended_and_a_masked_model(model, digits):
    x, y = batch(digits, 100)
    plain = evaluation_checklist(model, x, y, eps=0.2, steps=5, strong_steps=10,
                                 strong_restarts=1, large_eps=0.5)
    assert list(plain.passed) == list(CHECKS) and plain.failed() == []
    assert plain.pgd <= plain.fgsm and plain.noise > plain.pgd
    seed_everything(9)
    other = MnistCNN(channels=(8, 16), hidden=0, dropout=0.1)
    fit(other, digits[0], epochs=3, batch_size=32, device="cpu", progress=False, seed=9)
    masked = evaluation_checklist(InputQuantization(model, levels=8), x, y, eps=0.2, steps=5,
                                  strong_steps=10, strong_restarts=1, source=other)
    assert masked.pgd > plain.pgd + 0.3, "the zero gradient stops PGD"
    assert CHECKS[4] in masked.failed(), "the transfer attack does better than white-box PGD"
    assert set(plain.row()) >= {"clean", "FGSM", "PGD", "noise", "transfer", "failed checks"}


def test_random_sign_noise_is_a_corner_of_the_ball(digits):
    x, y = batch(digits, 8)
    noisy = random_sign_noise(None, x, y, eps=0.1, generator=torch.Generator().manual_seed(0))
    inside = (x > 0.1) & (x < 0.9)
    assert torch.allclose((noisy - x).abs()[inside], torch.tensor(0.1), atol=1e-6)


def test_early_stop_keeps_broken_images_broken_and_is_no_weaker(model, digits):
    x, y = batch(digits, 200)
    for eps in (0.05, 0.1):
        full = partial(pgd, steps=10, generator=torch.Generator().manual_seed(0))
        early = partial(pgd, steps=10, early_stop=True, generator=torch.Generator().manual_seed(0))
        adv = early(model, x, y, eps=eps)
        assert float((adv - x).abs().max()) <= eps + 1e-6
        assert float(adv.min()) >= 0 and float(adv.max()) <= 1
        slack = 2 / len(y)
        assert (robust_accuracy(model, x, y, early, eps=eps)
                <= robust_accuracy(model, x, y, full, eps=eps) + slack)
    target = (y + 1) % 10
    adv = pgd(model, x, target, eps=0.3, steps=20, targeted=True, early_stop=True,
              generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert (model(adv).argmax(1) == target).float().mean() > 0.9
