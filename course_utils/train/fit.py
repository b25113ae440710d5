"""``fit``: the training loop of the course, fast, reproducible and safe to interrupt.

Introduced in ``05_training_from_scratch.ipynb`` after the same loop is written by hand. What it
adds to the hand-written loop:

- data that fits in memory is moved to the device once and batched by indexing
  (:class:`~course_utils.train.data.InMemoryBatches`); one hook, ``batch_transform``, turns each
  batch into the batch to train on there (augmentation, mixup, adversarial examples);
- metrics are summed on the device and read once per epoch (no ``.item()`` per step);
- channels-last memory layout (on CUDA and on the CPU, where oneDNN's convolutions run faster
  with it on the course's networks; ``benchmarks/README.md``) and, on CUDA, mixed precision;
- a checkpoint after every epoch, written atomically, and ``resume=True`` to continue from it;
- early stopping, and the best weights put back at the end;
- Ctrl-C ends training cleanly: the model gets the best weights so far and ``fit`` returns the
  history, with ``history.interrupted`` set;
- one ``seed`` fixes shuffling, the batch transform's random draws and dropout, so a CPU run
  repeats bit for bit;
- under ``torch.distributed`` (processes started by ``torchrun``) the same call trains with
  DistributedDataParallel: each rank takes its slice of every batch, metrics are summed over the
  ranks, rank 0 writes the checkpoints (:mod:`course_utils.train.distributed`,
  ``14_scaling_out.ipynb``).
"""

from __future__ import annotations

import math
import os
import time
import warnings
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from course_utils.env import get_device
from course_utils.train.checkpoint import load_checkpoint, save_checkpoint
from course_utils.train.data import InMemoryBatches, TrainData, as_tensors
from course_utils.train.distributed import all_sum, data_parallel, is_main_process, world
from course_utils.train.evaluate import evaluate_tensors
from course_utils.train.history import History
from course_utils.train.optim import OPTIMIZERS, make_optimizer
from course_utils.train.schedule import SCHEDULES, learning_rate
from course_utils.validation import (
    InputError,
    check_bool,
    check_choice,
    check_int_range,
    check_model,
    check_model_fits,
    check_non_negative,
    check_output_file,
    check_positive,
    check_positive_int,
    describe,
    range_problem,
)

BatchTransform = Callable[..., tuple[torch.Tensor, torch.Tensor]]
"""``batch_transform(images, labels, generator=g) -> (images, labels)``: ``(B, C, H, W)`` float
images and ``(B,)`` class labels in, the batch to train on out; labels may come back as ``(B, K)``
class probabilities (mixup). E.g. ``course_utils.augment.images_only(random_shift, max_shift=2)``
or ``course_utils.attacks.PGDTraining(model, eps=0.3)``."""

MONITORS = ("val_loss", "val_acc", "train_loss", "train_acc")


def fit(
    model: torch.nn.Module,
    train: TrainData | DataLoader,
    val: TrainData | None = None,
    *,
    epochs: int = 10,
    batch_size: int = 128,
    lr: float = 3e-3,
    optimizer: str = "adam",
    weight_decay: float = 0.0,
    schedule: str = "onecycle",
    batch_transform: BatchTransform | None = None,
    patience: int | None = None,
    monitor: str | Callable[[torch.nn.Module], float] = "val_loss",
    checkpoint: str | os.PathLike | None = None,
    resume: bool = False,
    seed: int = 0,
    device: torch.device | str | None = None,
    mixed_precision: bool | None = None,
    channels_last: bool | None = None,
    eval_batch_size: int = 1000,
    progress: bool = True,
    on_epoch_end: Callable[[History], bool | None] | None = None,
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
) -> History:
    """Train ``model`` with cross-entropy (or ``loss``) and return what happened, epoch by epoch.

    Written out in ``05_training_from_scratch.ipynb``, section 3.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(B, C, H, W)`` float images in [0, 1] to ``(B, K)`` class scores; put any
        normalisation inside the model (e.g. :class:`course_utils.models.Normalize`). It is
        moved to ``device`` and trained in place.
    train : ImageSet, (images, labels) or DataLoader
        ``images`` ``(N, C, H, W)`` uint8 (0..255) or float (0..1), ``labels`` ``(N,)``. An
        ImageSet or a pair takes the in-memory fast path; a DataLoader (for data too large for
        memory) yields ``(images, labels)`` batches and shuffles by its own generator.
    val : ImageSet or (images, labels), optional
        Evaluated after every epoch; needed for early stopping on a validation metric.
    epochs : int
        Total epochs, counting those done before a resume.
    batch_size : int
        In-memory path only (a DataLoader has its own). A last, partial batch is dropped.
    lr : float
        Peak learning rate of the schedule.
    optimizer : {"sgd", "momentum", "adam", "adamw"}
    weight_decay : float
    schedule : {"onecycle", "cosine", "constant"}
        See :func:`course_utils.train.schedule.learning_rate`; set per step from the step number.
    batch_transform : callable, optional
        ``batch_transform(images, labels, generator=g) -> (images, labels)``, called on each
        training batch on the device (in training mode, outside mixed precision) with fit's
        seeded CPU generator; the model trains on what it returns. Labels may come back as
        ``(B, K)`` probabilities; training accuracy then counts their most likely class.
    patience : int, optional
        Stop after this many epochs (>= 1) without improvement of ``monitor``.
    monitor : {"val_loss", "val_acc", "train_loss", "train_acc"} or callable
        What "best" means, for early stopping and for the weights kept at the end. Without
        ``val``, a ``val_*`` monitor falls back to the last epoch. A callable
        ``monitor(model) -> float`` is called after each epoch's evaluation and larger is
        better (a score, as in scikit-learn), e.g. robust accuracy on validation images
        (:func:`course_utils.attacks.adversarial_fit`).
    checkpoint : path-like, optional
        File rewritten atomically after every epoch.
    resume : bool
        Continue from ``checkpoint`` when that file exists (otherwise start fresh); needs
        ``checkpoint``.
    seed : int
        Seeds shuffling and the batch transform (fit's own ``torch.Generator``) and dropout.
        Dropout can only draw from PyTorch's global generator, so ``fit`` seeds it inside
        :func:`torch.random.fork_rng`: the global random state after ``fit`` is the one before.
        The model's initial weights are not touched: seed before building it.
    device : torch.device or str, optional
        Defaults to :func:`course_utils.env.get_device`.
    mixed_precision : bool, optional
        Default: on for CUDA, off elsewhere. bfloat16 where the GPU has it, else float16 with
        gradient scaling. It needs CUDA.
    channels_last : bool, optional
        Default: on for CUDA and the CPU, off for MPS. It applies to 4-D images only; token ids
        pass unchanged.
    eval_batch_size : int
    progress : bool
        Show a progress bar (``tqdm.auto``: a widget in Jupyter, text elsewhere).
    on_epoch_end : callable, optional
        Called with the history after each epoch; returning True stops training.
    loss : callable, optional
        ``loss(logits, labels) -> scalar`` to minimise instead of cross-entropy, e.g. a class-
        weighted or focal loss from :mod:`course_utils.imbalance` (``10_class_imbalance.ipynb``).
        Validation loss stays plain cross-entropy.

    Returns
    -------
    History
        Per-epoch metrics; the model holds the weights of ``history.best_epoch``.

    Raises
    ------
    TrainingDiverged
        At the first step whose loss is not finite (NaN or inf): training stops there, the model
        gets the best weights so far (its starting weights if no epoch finished) and
        ``checkpoint`` keeps the last finished epoch.

    Float training images outside [0, 1] (0..255 floats, already normalised images) train,
    with one warning: the model's normalisation expects [0, 1].
    """
    device = _device(device)
    _check_options(model, device, epochs=epochs, batch_size=batch_size, lr=lr,
                   optimizer=optimizer, weight_decay=weight_decay, schedule=schedule,
                   patience=patience, monitor=monitor, checkpoint=checkpoint, resume=resume,
                   seed=seed, mixed_precision=mixed_precision, eval_batch_size=eval_batch_size,
                   progress=progress, batch_transform=batch_transform,
                   on_epoch_end=on_epoch_end, loss=loss)
    use_amp = device.type == "cuda" if mixed_precision is None else mixed_precision
    if channels_last is None:
        channels_last = device.type in ("cuda", "cpu")
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model.to(device=device, memory_format=fmt)
    batches, sample = _batches(train, batch_size, seed, device)
    check_model_fits(model, *sample, what="train")
    _warn_if_not_unit_range(sample[0])
    val_tensors = _val_tensors(val, device, model)
    with _forked_rng(device):
        torch.manual_seed(seed)  # dropout draws from the global generator, restored on return
        opt = make_optimizer(optimizer, model.parameters(), lr, weight_decay)
        amp_dtype = _amp_dtype(use_amp)
        steps = len(batches)
        loop = _Loop(
            model=model, trainer=data_parallel(model),  # DDP under torch.distributed
            opt=opt, batches=batches,
            scaler=torch.amp.GradScaler("cuda") if amp_dtype == torch.float16 else None,
            amp_dtype=amp_dtype, memory_format=fmt, transform=batch_transform,
            loss_fn=loss or F.cross_entropy,
            lr_at=partial(learning_rate, total_steps=epochs * steps, max_lr=lr,
                          schedule=schedule),
            check_every=_check_every(device))
        run = _Run()
        if resume and os.path.exists(checkpoint):
            run = _restore(checkpoint, loop, device)
        start_state = None if run.best_state is not None else _copy_state(model)
        loop.bar = tqdm(total=epochs * steps, initial=len(run.history) * steps,
                        disable=not progress or not is_main_process(), unit="batch", desc="fit")
        try:
            for epoch in range(len(run.history) + 1, epochs + 1):
                _run_epoch(loop, run, epoch, val_tensors, eval_batch_size)
                _update_best(run, model, monitor)
                loop.bar.set_postfix(_postfix(run.history), refresh=False)
                if checkpoint is not None and is_main_process():
                    save_checkpoint(_state(run, loop, device), checkpoint)
                if patience is not None and run.bad_epochs >= patience:
                    run.history.stopped_early = True
                    break
                if on_epoch_end is not None and on_epoch_end(run.history):
                    break
        except KeyboardInterrupt:
            run.history.interrupted = True
        except _NonFiniteLoss as stop:
            model.load_state_dict(run.best_state if run.best_state is not None else start_state)
            raise TrainingDiverged(stop.message(run.history, checkpoint, steps)) from None
        finally:
            loop.bar.close()
    if run.best_state is not None:
        model.load_state_dict(run.best_state)
    return run.history


@dataclass
class _Run:
    """The state of one training run that a checkpoint carries besides the weights."""

    history: History = field(default_factory=History)
    best_state: dict | None = None
    best_score: float = math.nan
    bad_epochs: int = 0


@dataclass
class _Loop:
    """What every training step uses, fixed for the run."""

    model: torch.nn.Module
    trainer: torch.nn.Module  # the model, or its DistributedDataParallel wrapper
    opt: torch.optim.Optimizer
    batches: InMemoryBatches | DataLoader
    scaler: torch.amp.GradScaler | None
    amp_dtype: torch.dtype | None
    memory_format: torch.memory_format
    transform: BatchTransform | None
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    lr_at: Callable[[int], float]
    check_every: int
    bar: tqdm | None = None


class TrainingDiverged(RuntimeError):
    """``fit`` met a loss that is not finite; the message names the step and the likely causes."""


class _NonFiniteLoss(Exception):
    """Raised inside the loop at the first non-finite loss; ``fit`` turns it into the message."""

    def __init__(self, step: int, lr: float, epoch_only: bool = False) -> None:
        super().__init__(step)
        self.step, self.lr, self.epoch_only = step, lr, epoch_only

    def message(self, history: History, checkpoint, steps_per_epoch: int) -> str:
        epoch = (self.step - 1) // steps_per_epoch + 1
        where = (f"during epoch {epoch} (steps {self.step}..{self.step + steps_per_epoch - 1})"
                 if self.epoch_only else f"at step {self.step} (epoch {epoch})")
        kept = (f"The model holds the weights of epoch {history.best_epoch}, the best so far"
                if len(history) else "No epoch had finished: the model holds its starting weights")
        saved = (f"; {checkpoint} holds epoch {len(history)}" if checkpoint is not None
                 and len(history) else "")
        return (f"the training loss became NaN or inf {where}, with learning rate "
                f"{self.lr:.3g}; training stopped there. Likely causes: NaN or inf in the "
                "input images or labels (check torch.isfinite(images).all()), a learning rate "
                "too high (try 3-10x lower, or the range test lr_range_test), or a model or loss "
                f"that divides by zero or takes log(0). {kept}{saved}.")


def _device(device: torch.device | str | None) -> torch.device:
    if device is None:
        return get_device()
    try:
        return torch.device(device)
    except (RuntimeError, TypeError):
        raise InputError(f"device must be a torch.device or a name such as 'cpu', 'cuda' or "
                         f"'mps', got {device!r}; get_device() picks the best one here.") from None


def _warn_if_not_unit_range(images: torch.Tensor) -> None:
    """One warning when float training images lie outside the [0, 1] the model expects."""
    if images.ndim != 4 or not images.is_floating_point() or images.numel() == 0:
        return
    low, high = float(images.min()), float(images.max())
    if not (math.isfinite(low) and math.isfinite(high)):
        return  # NaN or inf: the first step stops with TrainingDiverged
    problem = range_problem(low, high, "train images")
    if problem:
        warnings.warn(f"{problem} Training goes on, but the model (and its Normalize) expects "
                      "[0, 1].", UserWarning, stacklevel=3)


def _copy_state(model: torch.nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _check_options(model: torch.nn.Module, device: torch.device, *, epochs: int,
                   batch_size: int, lr: float, optimizer: str, weight_decay: float,
                   schedule: str, patience: int | None, monitor: str | Callable,
                   checkpoint, resume: bool, seed: int, mixed_precision: bool | None,
                   eval_batch_size: int, progress: bool, **functions) -> None:
    """Every check of ``fit``'s arguments, before any work is done."""
    check_model(model)
    check_positive_int(epochs, "epochs")
    check_positive_int(batch_size, "batch_size")
    check_positive(lr, "lr", hint="A learning rate is a step size > 0; try 3e-3 for Adam.")
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    check_non_negative(weight_decay, "weight_decay")
    check_choice(schedule, "schedule", SCHEDULES)
    if patience is not None:
        check_int_range(patience, "patience", low=1, hint="patience counts the epochs without "
                        "improvement to wait before stopping; None turns early stopping off.")
    if not callable(monitor):
        check_choice(monitor, "monitor", MONITORS)
    check_bool(resume, "resume")
    if resume and checkpoint is None:
        raise InputError("resume=True needs checkpoint=, the file to continue from; without it "
                         "fit would silently start from scratch.")
    if checkpoint is not None:
        check_output_file(checkpoint, "checkpoint")
    check_int_range(seed, "seed", low=0)
    if mixed_precision is not None:
        check_bool(mixed_precision, "mixed_precision")
    if mixed_precision and device.type != "cuda":
        raise InputError(
            f"mixed_precision=True needs a CUDA device, got {device}; leave it as None to use "
            "it only where it helps."
        )
    check_positive_int(eval_batch_size, "eval_batch_size")
    check_bool(progress, "progress")
    for name, function in functions.items():
        if function is not None and not callable(function):
            raise InputError(f"{name} must be a function, got {describe(function)}.")


def _forked_rng(device: torch.device):
    """A context in which the global generators (the CPU's and ``device``'s) may be reseeded:
    their states are put back on exit.
    """
    if device.type == "cpu":
        return torch.random.fork_rng(devices=[])
    return torch.random.fork_rng(devices=[device], device_type=device.type)


def _amp_dtype(use_amp: bool) -> torch.dtype | None:
    if not use_amp:
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def _batches(train: TrainData | DataLoader, batch_size: int, seed: int, device: torch.device):
    """The batch source and a small labelled sample (on the device) for the model check."""
    if isinstance(train, DataLoader):
        if len(train) == 0:
            raise InputError("the train DataLoader is empty (0 batches); give it at least one "
                             "image.")
        images, labels = next(iter(train))
        return train, (images.to(device), labels.to(device))
    images, labels = as_tensors(train, "train")
    images, labels = images.to(device), labels.to(device)
    generator = torch.Generator().manual_seed(seed)
    rank, world_size = world()
    return (InMemoryBatches(images, labels, batch_size, generator, rank=rank,
                            world_size=world_size), (images, labels))


def _val_tensors(val: TrainData | None, device: torch.device, model: torch.nn.Module):
    if val is None:
        return None
    images, labels = as_tensors(val, "val")
    images, labels = images.to(device), labels.to(device)
    check_model_fits(model, images, labels, what="val")
    return images, labels


def _check_every(device: torch.device) -> int:
    """Steps between two checks of the running loss for NaN/inf: every step on the CPU (reading
    a CPU tensor costs nothing), every 16 on an accelerator (each check waits for the device),
    0 (once per epoch, after the sum over ranks) under torch.distributed.
    """
    if world()[1] > 1:
        return 0
    return 1 if device.type == "cpu" else 16


def _run_epoch(loop: _Loop, run: _Run, epoch: int, val_tensors, eval_batch_size: int) -> None:
    """Train one epoch, evaluate on ``val_tensors`` and append the epoch to ``run.history``."""
    loop.trainer.train()
    steps = len(loop.batches)
    start = time.perf_counter()
    loss_sum, correct, seen, last_lr = _train_epoch(loop, (epoch - 1) * steps)
    all_sum(loss_sum, correct)  # over the processes (equal shards) when distributed
    seen *= world()[1]
    train_loss, train_acc = loss_sum.item() / seen, correct.item() / seen
    if not math.isfinite(train_loss):  # distributed runs check once per epoch
        raise _NonFiniteLoss((epoch - 1) * steps + 1, last_lr, epoch_only=True)
    elapsed = time.perf_counter() - start
    device = next(loop.model.parameters()).device
    val_loss, val_acc = (evaluate_tensors(loop.model, *val_tensors, eval_batch_size, device)
                         if val_tensors else (math.nan, math.nan))
    previous = run.history.seconds[-1] if run.history.seconds else 0.0
    run.history.append(epoch=epoch, train_loss=train_loss, train_acc=train_acc,
                       val_loss=val_loss, val_acc=val_acc, lr=last_lr,
                       seconds=previous + elapsed, images_per_s=seen / elapsed)


def _train_epoch(loop: _Loop, first_step: int) -> tuple[torch.Tensor, torch.Tensor, int, float]:
    """One pass over the batches; sums stay on the device until the caller reads them.

    Every ``loop.check_every`` steps (and at the end) the running loss sum is checked for
    NaN/inf; the last few losses are kept on the device, so the first bad step can be named.
    """
    model, opt, scaler, amp_dtype = loop.trainer, loop.opt, loop.scaler, loop.amp_dtype
    check_every, lr_at, bar = loop.check_every, loop.lr_at, loop.bar
    device = next(model.parameters()).device
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), device=device, dtype=torch.long)
    seen, lr = 0, math.nan
    generator = getattr(loop.batches, "generator", None)
    recent = torch.zeros(max(check_every, 1), device=device)  # losses since the last check
    checked = last = first_step  # steps before `checked` passed the check
    for step, (x, y) in enumerate(loop.batches, start=first_step):
        x = x.to(device, non_blocking=True)
        if x.ndim == 4:  # images; (B, L) token ids have no channels to put last
            x = x.contiguous(memory_format=loop.memory_format)
        y = y.to(device, non_blocking=True)
        if loop.transform is not None:
            x, y = _transformed(loop.transform, x, y, generator)
        lr = lr_at(step)
        for group in opt.param_groups:
            group["lr"] = lr
        with torch.autocast(device.type, dtype=amp_dtype or torch.float32,
                            enabled=amp_dtype is not None):
            logits = model(x)
            loss = loop.loss_fn(logits, y)
        opt.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            opt.step()
        loss_sum += loss.detach() * len(y)
        if check_every:
            recent[step - checked] = loss.detach()
            if step + 1 - checked == check_every:
                _check_finite(loss_sum, recent, checked, lr_at)
                checked = step + 1
        correct += (logits.detach().argmax(1) == (y.argmax(1) if y.ndim == 2 else y)).sum()
        seen += len(y)
        last = step + 1
        bar.update()
    if check_every and checked < last:
        _check_finite(loss_sum, recent, checked, lr_at)
    return loss_sum, correct, seen, lr


def _check_finite(loss_sum: torch.Tensor, recent: torch.Tensor, checked: int, lr_at) -> None:
    """Raise :class:`_NonFiniteLoss` naming the first bad step since step ``checked``."""
    if not bool(torch.isfinite(loss_sum)):
        first = checked + int((~torch.isfinite(recent)).int().argmax())
        raise _NonFiniteLoss(first + 1, lr_at(first))


def _transformed(transform: BatchTransform, x: torch.Tensor, y: torch.Tensor,
                 generator: torch.Generator | None) -> tuple[torch.Tensor, torch.Tensor]:
    """Apply the batch transform and check that it returned a batch fit to train on."""
    out = transform(x, y, generator=generator)
    if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(t, torch.Tensor)
                                                             for t in out)):
        raise InputError(
            f"batch_transform must return an (images, labels) pair of tensors, got "
            f"{type(out).__name__}; wrap an images-only function with "
            "course_utils.augment.images_only(fn)."
        )
    images, labels = out
    if images.ndim != 4 or not images.is_floating_point() or labels.shape[:1] != images.shape[:1]:
        raise InputError(
            f"batch_transform returned images {tuple(images.shape)} {images.dtype} and labels "
            f"{tuple(labels.shape)}; expected (B, C, H, W) float images and (B,) or (B, K) labels "
            "for the same B."
        )
    return images, labels


def _update_best(run: _Run, model: torch.nn.Module, monitor: str | Callable) -> None:
    """Keep the weights of the best epoch so far and count the epochs since it."""
    if callable(monitor):
        score = -float(monitor(model))  # a score: larger is better
    else:
        value = getattr(run.history, monitor)[-1]
        if math.isnan(value):
            value = -len(run.history)  # no such metric: the latest epoch counts as best
        score = -value if monitor.endswith("acc") else value
    if math.isnan(run.best_score) or score < run.best_score:
        run.best_score, run.bad_epochs = score, 0
        run.history.best_epoch = run.history.epoch[-1]
        run.best_state = _copy_state(model)
    else:
        run.bad_epochs += 1


def _postfix(history: History) -> dict[str, str]:
    shown = {"loss": history.last("train_loss"), "acc": history.last("train_acc")}
    if not math.isnan(history.last("val_acc")):
        shown["val_acc"] = history.last("val_acc")
    return {k: f"{v:.4f}" for k, v in shown.items()}


def _state(run: _Run, loop: _Loop, device: torch.device) -> dict:
    """What a checkpoint holds: weights, optimiser, run state and random states."""
    state = {
        "model": loop.model.state_dict(),
        "optimizer": loop.opt.state_dict(),
        "history": run.history.to_dict(),
        "best_model": run.best_state,
        "best_score": run.best_score,
        "bad_epochs": run.bad_epochs,
        "rng_torch": torch.get_rng_state(),
    }
    generator = getattr(loop.batches, "generator", None)
    if generator is not None:
        state["rng_batches"] = generator.get_state()
    if loop.scaler is not None:
        state["scaler"] = loop.scaler.state_dict()
    if device.type == "cuda":
        state["rng_cuda"] = torch.cuda.get_rng_state(device)
    return state


def _restore(path: str | os.PathLike, loop: _Loop, device: torch.device) -> _Run:
    """Load a checkpoint written by :func:`_state` into the loop; return its run state."""
    state = load_checkpoint(path, map_location=device)
    try:
        loop.model.load_state_dict(state["model"])
    except RuntimeError as error:
        raise InputError(
            f"the checkpoint {path} was written for a different model: {error}\nUse another "
            "checkpoint path, or resume=False to start from scratch."
        ) from None
    loop.opt.load_state_dict(state["optimizer"])
    torch.set_rng_state(state["rng_torch"].cpu())
    generator = getattr(loop.batches, "generator", None)
    if "rng_batches" in state and generator is not None:
        generator.set_state(state["rng_batches"].cpu())
    if loop.scaler is not None and "scaler" in state:
        loop.scaler.load_state_dict(state["scaler"])
    if device.type == "cuda" and "rng_cuda" in state:
        torch.cuda.set_rng_state(state["rng_cuda"].cpu(), device)
    return _Run(History.from_dict(state["history"]), state["best_model"], state["best_score"],
                state["bad_epochs"])
