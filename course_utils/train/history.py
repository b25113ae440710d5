"""``History``: what :func:`course_utils.train.fit` measured, one entry per epoch.

Introduced in ``05_training_from_scratch.ipynb``. It turns into a plain dict of lists and numbers
(:meth:`History.to_dict`), so it travels inside a checkpoint that loads with
``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from course_utils.validation import InputError

METRICS = ("train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds", "images_per_s")


@dataclass
class History:
    """Per-epoch metrics of one training run.

    Attributes
    ----------
    epoch : list of int
        Epoch numbers, starting at 1.
    train_loss, train_acc : list of float
        Mean loss and accuracy over the epoch's training batches (augmented, in training mode).
    val_loss, val_acc : list of float
        On the validation data after the epoch; NaN when there is none.
    lr : list of float
        Learning rate at the epoch's last step.
    seconds : list of float
        Training time so far (evaluation and checkpoints not included).
    images_per_s : list of float
        Training images per second during the epoch.
    best_epoch : int
        The epoch whose weights ``fit`` put back in the model (0 when no epoch finished).
    stopped_early, interrupted : bool
        Why training ended before the last epoch, if it did.
    """

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    images_per_s: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    interrupted: bool = False

    def append(self, **values: float) -> None:
        """Add one epoch: ``append(epoch=3, train_loss=..., ...)`` with every metric.

        Parameters
        ----------
        **values : float
        """
        missing = {"epoch", *METRICS} - set(values)
        if missing:
            raise InputError(f"History.append needs every metric; missing {sorted(missing)}.")
        self.epoch.append(int(values["epoch"]))
        for name in METRICS:
            getattr(self, name).append(float(values[name]))

    def __len__(self) -> int:
        return len(self.epoch)

    def last(self, name: str) -> float:
        """The latest value of a metric, e.g. ``history.last("val_acc")``.

        Parameters
        ----------
        name : str
        """
        values = self._metric(name)
        if not values:
            raise InputError(f"no epoch finished yet, so there is no {name!r}.")
        return values[-1]

    def first_epoch_reaching(self, name: str, level: float) -> int | None:
        """First epoch where metric ``name`` is at least ``level`` (None if never).

        Parameters
        ----------
        name : str
        level : float
        """
        for epoch, value in zip(self.epoch, self._metric(name)):
            if not math.isnan(value) and value >= level:
                return epoch
        return None

    def _metric(self, name: object) -> list[float]:
        """The values of metric ``name``; an unknown name is refused with the known ones."""
        if name not in METRICS:
            raise InputError(f"History has no metric {name!r}; it holds {METRICS}.")
        return getattr(self, name)

    def to_dict(self) -> dict:
        """Plain lists, numbers and booleans (safe for ``weights_only=True``)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "History":
        """Inverse of :meth:`to_dict`.

        Parameters
        ----------
        values : dict
        """
        return cls(**{k: (list(v) if isinstance(v, list) else v) for k, v in values.items()})

    def __repr__(self) -> str:
        if not self.epoch:
            return "History(no epochs)"
        tail = ", ".join(f"{n}={getattr(self, n)[-1]:.4g}" for n in METRICS[:4])
        flags = " stopped early" if self.stopped_early else ""
        flags += " interrupted" if self.interrupted else ""
        return f"History({len(self)} epochs, last: {tail}; best epoch {self.best_epoch}{flags})"
