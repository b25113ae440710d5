"""Which labels look wrong? Out-of-sample probabilities, and two ways to rank them.

Introduced in ``11_data_quality_and_robustness.ipynb``. A network that has *seen* an example
memorises its label, right or wrong; one that has not gives an honest opinion. Cross-validation
gives every training example a prediction from a network that never trained on it. An example
whose given label gets a low probability is suspicious (*self-confidence*); confident learning
(Northcutt et al., 2021) refines this with one threshold per class, the network's average
confidence on the examples labelled with that class.
"""

from __future__ import annotations

from typing import Callable

import torch

from course_utils.train import fit, predict_logits
from course_utils.validation import (
    InputError,
    check_images,
    check_int_range,
    check_labels,
    check_positive_int,
    check_scores,
    check_tensor,
)


def stratified_folds(labels: torch.Tensor, folds: int, seed: int = 0) -> torch.Tensor:
    """The fold (0..folds-1) of each example, every class spread evenly over the folds:
    ``(N,)``.

    Parameters
    ----------
    labels : torch.Tensor
    folds : int
    seed : int
    """
    generator = torch.Generator().manual_seed(seed)
    fold = torch.empty(len(labels), dtype=torch.long)
    for k in labels.unique().tolist():
        members = (labels == k).nonzero()[:, 0]
        members = members[torch.randperm(len(members), generator=generator)]
        fold[members] = torch.arange(len(members)) % folds
    return fold


def cross_val_probabilities(make_model: Callable[[], torch.nn.Module], images: torch.Tensor,
                            labels: torch.Tensor, *, folds: int = 4, seed: int = 0,
                            **fit_options) -> torch.Tensor:
    """Class probabilities of every example from a network that did not train on it.

    Introduced in ``11_data_quality_and_robustness.ipynb``. The examples are cut into ``folds``
    stratified folds; for each fold a new network (``make_model()``) is trained with
    :func:`~course_utils.train.fit` on the other folds and predicts this one.

    Parameters
    ----------
    make_model : callable
        Returns a fresh, untrained network ``(B, C, H, W) -> (B, K)``.
    images : (N, C, H, W) uint8 or float tensor
    labels : (N,) integer labels (the possibly noisy ones)
    folds : int >= 2
    seed : int
        Seeds the folds, each network's initial weights and its training.
    **fit_options
        Passed to ``fit`` (``epochs``, ``batch_size``, ``lr``, ``device``...).

    Returns
    -------
    (N, K) float32 tensor on the CPU, rows summing to 1
    """
    if not callable(make_model) or isinstance(make_model, torch.nn.Module):
        raise InputError("make_model must be a function that returns a new network, e.g. "
                         f"lambda: MnistCNN(), got {type(make_model).__name__}.")
    images = check_images(images, "images", dtype="any")
    labels = check_labels(labels, "labels", n=len(images)).cpu()
    folds = check_int_range(folds, "folds", 2, int(torch.bincount(labels).min()),
                            hint="Every class needs an example in each fold.")
    fold = stratified_folds(labels, folds, seed)
    probabilities = None
    options = {"progress": False, **fit_options}
    for f in range(folds):
        held_out, train = fold == f, fold != f
        torch.manual_seed(seed + f)
        model = make_model()
        fit(model, (images[train], labels[train]), seed=seed + f, **options)
        inputs = images[held_out].float() / 255 if images.dtype == torch.uint8 \
            else images[held_out]
        probs = predict_logits(model, inputs).float().softmax(1).cpu()
        if probabilities is None:
            probabilities = torch.zeros(len(labels), probs.shape[1])
        probabilities[held_out] = probs
    return probabilities


def _check_pair(labels: torch.Tensor, probabilities: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
    probs = check_tensor(probabilities, "probabilities", 2, "(N, K)", floating=True,
                         finite=True).cpu()
    labels = check_labels(labels, "labels", n=len(probs), num_classes=probs.shape[1]).cpu()
    check_scores(probs, "probabilities", 2, probabilities=True)
    return labels, probs


def self_confidence_ranking(labels: torch.Tensor, probabilities: torch.Tensor) -> torch.Tensor:
    """Examples ordered from the most to the least suspicious label: by the out-of-sample
    probability of the given label, lowest first.

    Introduced in ``11_data_quality_and_robustness.ipynb``.

    Parameters
    ----------
    labels : (N,) integer labels
    probabilities : (N, K) out-of-sample probabilities (:func:`cross_val_probabilities`)

    Returns
    -------
    (N,) int64 tensor, a permutation of ``range(N)``
    """
    labels, probs = _check_pair(labels, probabilities)
    confidence = probs.gather(1, labels[:, None])[:, 0]
    return confidence.argsort(stable=True)


def confident_learning_issues(labels: torch.Tensor, probabilities: torch.Tensor) -> torch.Tensor:
    """Flag the examples that confident learning counts off the diagonal of its confident joint.

    Introduced in ``11_data_quality_and_robustness.ipynb``. Class j's threshold ``t_j`` is the
    mean probability of j over the examples labelled j. An example is *confidently* of class j
    when ``p_j >= t_j`` (the most probable such j if there are several); it is flagged when that
    class exists and differs from its label.

    Written out in ``11_data_quality_and_robustness.ipynb``, section 3.

    Parameters
    ----------
    labels : (N,) integer labels
    probabilities : (N, K) out-of-sample probabilities

    Returns
    -------
    (N,) bool tensor
    """
    labels, probs = _check_pair(labels, probabilities)
    k = probs.shape[1]
    thresholds = torch.stack([probs[labels == j, j].mean() if (labels == j).any()
                              else torch.tensor(1.0) for j in range(k)])
    confident = probs >= thresholds[None, :]
    scores = torch.where(confident, probs, torch.full_like(probs, -1.0))
    guess = scores.argmax(1)
    return confident.any(1) & (guess != labels)


def precision_recall_at(ranking: torch.Tensor, truth: torch.Tensor, k: int | None = None
                        ) -> tuple[float, float]:
    """Precision and recall of the first ``k`` entries of a ranking (or of a flag mask).

    Parameters
    ----------
    ranking : (N,) int64 permutation, most suspicious first, or (N,) bool flags
    truth : (N,) bool tensor, the real problems (e.g. the flipped labels)
    k : int, optional
        How many of the ranking to take (default: as many as there are real problems); ignored
        for flags.

    Returns
    -------
    (precision, recall) : floats in [0, 1]
    """
    truth = check_tensor(truth, "truth", 1, "(N,)").bool().cpu()
    ranking = check_tensor(ranking, "ranking", 1, "(N,)").cpu()
    if ranking.dtype == torch.bool:
        found = ranking
    else:
        k = int(truth.sum()) if k is None else check_positive_int(k, "k")
        found = torch.zeros_like(truth)
        found[ranking[:k]] = True
    hits = int((found & truth).sum())
    return hits / max(int(found.sum()), 1), hits / max(int(truth.sum()), 1)
