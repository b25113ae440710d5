"""Checkers for the exercises of ``08_evaluating_classifiers.ipynb``.

Functions are checked on hidden, seeded cases against ``course_utils.metrics``; scikit-learn's,
SciPy's, statsmodels' and the course's own implementations are refused.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import sklearn.metrics as skm

from course_utils import metrics
from course_utils.exercises.framework import Wrong, as_array, as_number, call, exercise

_PR_FORBIDDEN = (skm.precision_score, skm.recall_score, skm.precision_recall_fscore_support,
                 metrics.precision_recall_f1)


def _label_cases() -> list[tuple[np.ndarray, np.ndarray, int, str]]:
    """Random labels, a class never predicted, and a class absent from y_true."""
    rng = np.random.default_rng(80)
    cases = []
    for n, k in ((30, 2), (200, 5), (97, 10), (500, 3)):
        y_true = rng.integers(0, k, n)
        y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, k, n))
        cases.append((y_true, y_pred, int(rng.integers(0, k)),
                      f"{n} random labels of {k} classes"))
    y_true = rng.integers(0, 4, 60)
    cases.append((y_true, np.where(y_true == 3, 0, y_true), 3,
                  "60 labels where class 3 is never predicted"))
    y_pred = rng.integers(0, 4, 60)
    cases.append((np.where(y_pred == 2, 1, y_pred), y_pred, 2,
                  "60 labels where class 2 never occurs in y_true"))
    return cases


def _floats(value: object) -> np.ndarray:
    """``value`` as float64 numbers if it can be read so (else an empty array)."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, RuntimeError):
        return np.empty(0)


@exercise("ch08.ex1", title="precision and recall by hand", kind="function",
          expects="a function precision_recall(y_true, y_pred, positive) -> (precision, recall)",
          hints=("Count three things for the class: predicted it and right, predicted it "
                 "(right or not), and really it (found or not).",
                 "Precision asks 'when the model says positive, how often is it right?'; recall "
                 "asks 'of the real positives, how many did it find?'. Each divides the same "
                 "count of hits by a different total.",
                 "A class that is never predicted has no precision to speak of (0/0): test the "
                 "denominator before dividing and use 0.0."),
          solution="precision_recall", forbidden=_PR_FORBIDDEN)
def check_precision_recall(fn: Callable) -> str:
    """Exercise 1: ``fn(y_true, y_pred, positive)`` returns ``(precision, recall)``."""
    for y_true, y_pred, positive, case in _label_cases():
        case = f"{case}, positive={positive}"
        got = call(fn, y_true.copy(), y_pred.copy(), positive, case=case)
        zero_denominator = not np.any(y_pred == positive) or not np.any(y_true == positive)
        if zero_denominator and not np.isfinite(_floats(got)).all():
            raise Wrong(f"On {case} a denominator is 0 and the result is not finite: return 0.0 "
                        "there.")
        pair = as_array(got, what=f"the result on {case}", expects="a pair (precision, recall)")
        if pair.shape != (2,):
            raise Wrong(f"On {case} it returned {pair.numel()} value(s); expected a pair "
                        "(precision, recall).")
        expected = metrics.precision_recall_f1(y_true, y_pred, labels=[positive],
                                               zero_division=0.0)
        want = np.array([expected.precision[0], expected.recall[0]])
        have = pair.numpy()
        if np.allclose(have, want, atol=1e-9):
            continue
        if np.allclose(have, want[::-1], atol=1e-9):
            raise Wrong(f"On {case} precision and recall are swapped: precision divides the "
                        "hits by how often the class was *predicted*.")
        accuracy = np.mean(y_true == y_pred)
        if np.allclose(have, accuracy, atol=1e-9):
            raise Wrong(f"On {case} both values equal the accuracy over all classes; count only "
                        f"the examples of class {positive}.")
        raise Wrong(f"On {case} it returned ({have[0]:.4f}, {have[1]:.4f}); expected "
                    f"({want[0]:.4f}, {want[1]:.4f}).")
    return ("Right on every hidden case, including a class never predicted (precision 0/0) and "
            "a class absent from y_true.")


def _score_cases() -> list[tuple[np.ndarray, np.ndarray, float, str]]:
    rng = np.random.default_rng(81)
    cases = []
    for n, prevalence, target in ((100, 0.3, 0.8), (400, 0.1, 0.9), (57, 0.5, 0.5),
                                  (300, 0.2, 1.0), (250, 0.05, 0.75), (80, 0.4, 0.35)):
        y = (rng.random(n) < prevalence).astype(np.int64)
        y[:2] = (1, 0)  # both classes present
        score = rng.random(n) * 0.6 + 0.4 * y * rng.random(n)
        cases.append((y, score, target, f"{n} scores with {y.sum()} positives, target {target}"))
    return cases


def _recall_at(y: np.ndarray, score: np.ndarray, threshold: float) -> float:
    return float(np.mean(score[y == 1] >= threshold))


@exercise("ch08.ex2", title="a threshold for a target recall", kind="function",
          expects="a function threshold_for_recall(y_true, y_score, target) -> float",
          hints=("Only the scores of the real positives decide the recall; the negatives do "
                 "not matter for it.",
                 "Sort the positives' scores from the highest down and lower the threshold one "
                 "positive at a time: after each, what share of the positives is found?",
                 "Stop at the first positive whose inclusion reaches the target, and return "
                 "that score itself: any higher threshold would leave it out."),
          solution="threshold_for_recall",
          forbidden=(skm.roc_curve, skm.precision_recall_curve, metrics.roc_curve,
                     metrics.precision_recall_curve))
def check_threshold_for_recall(fn: Callable) -> str:
    """Exercise 2: ``fn(y_true, y_score, target)`` is the highest threshold reaching ``target``."""
    for y, score, target, case in _score_cases():
        got = as_number(call(fn, y.copy(), score.copy(), target, case=case),
                        what=f"the threshold on {case}", expects="a number (the threshold)")
        _, tpr, thresholds = metrics.roc_curve(y, score)
        expected = float(thresholds[np.argmax(tpr >= target)])
        if abs(got - expected) <= 1e-12:
            continue
        recall = _recall_at(y, score, got)
        if recall < target:
            raise Wrong(f"On {case}, predicting positive for y_score >= {got:.4f} finds only "
                        f"{recall:.1%} of the positives: below the target. Is the comparison "
                        ">= (a score equal to the threshold counts as positive)?")
        raise Wrong(f"On {case}, {got:.4f} reaches the target ({recall:.1%} found), but a "
                    "higher threshold would too: the exercise asks for the highest one, which "
                    "gives the fewest false alarms.")
    return "Right on every hidden case: the highest threshold that keeps the promised recall."


def _reference_p(a_only: int, b_only: int) -> float:
    truth = np.zeros(a_only + b_only + 1, dtype=np.int64)
    pred_a = np.r_[np.zeros(a_only + 1), np.ones(b_only)].astype(np.int64)
    pred_b = np.r_[np.zeros(1), np.ones(a_only), np.zeros(b_only)].astype(np.int64)
    return metrics.mcnemar(truth, pred_a, pred_b).pvalue


MCNEMAR_CASES = ((12, 3), (3, 12), (0, 0), (5, 0), (7, 7), (40, 25), (1, 0), (160, 120), (9, 2))


@exercise("ch08.ex3", title="McNemar's exact p-value", kind="function",
          expects="a function mcnemar_p(a_only, b_only) -> float",
          hints=("Under the null hypothesis the a_only + b_only disagreements are fair coin "
                 "flips: how likely is a split at least as uneven as the one seen?",
                 "Add the binomial probabilities C(n, i) / 2**n of the splits as extreme as the "
                 "smaller count, or more; then account for the other side too.",
                 "Two-sided means both tails: double the one tail, but a probability can never "
                 "exceed 1 (think of a_only == b_only)."),
          solution="mcnemar_p", forbidden=(metrics.mcnemar,))
def check_mcnemar_p(fn: Callable) -> str:
    """Exercise 3: ``fn(a_only, b_only)`` is the two-sided exact McNemar p-value."""
    for a_only, b_only in MCNEMAR_CASES:
        case = f"a_only={a_only}, b_only={b_only}"
        got = as_number(call(fn, a_only, b_only, case=case), what=f"the p-value for {case}",
                        expects="a probability")
        expected = _reference_p(a_only, b_only)
        if abs(got - expected) <= 1e-9 * max(expected, 1e-300) + 1e-15:
            continue
        if not 0 <= got <= 1:
            raise Wrong(f"For {case} it returned {got:.4g}, which is not a probability: a "
                        "two-sided p-value is capped at 1.")
        if expected < 1 and abs(2 * got - expected) <= 1e-9:
            raise Wrong(f"For {case} it returned {got:.4g}, half the two-sided p-value: only "
                        "one tail was counted.")
        raise Wrong(f"For {case} it returned {got:.6g}; the exact two-sided p-value is "
                    f"{expected:.6g}.")
    return "Exact on every hidden case, from a 0-0 tie (p = 1) to hundreds of disagreements."


@exercise("ch08.ex4", title="how many test images for +-1 point", kind="number",
          expects="a number of test images",
          hints=("The standard error of an accuracy p on n images is sqrt(p (1 - p) / n), and a "
                 "95% interval reaches about 1.96 standard errors each side.",
                 "Set 1.96 standard errors equal to the half-width you want, as a fraction "
                 "(1 point is 0.01), and solve for n.",
                 "The width falls as 1/sqrt(n), so n grows with the square of 1.96 / half-width."),
          solution="images_for_one_point")
def check_images_for_one_point(answer: float) -> str:
    """Exercise 4: test images for a 95% interval of +-1 point at 85% accuracy."""
    expected = 1.96**2 * 0.85 * 0.15 / 0.01**2
    if abs(answer - expected) <= 0.03 * expected:
        return (f"About {expected:,.0f} images: five times the shipped test set for a +-1 point "
                "error bar.")
    if abs(answer - expected / 4) <= 0.03 * expected / 4:
        raise Wrong(f"{answer:,.0f} gives +-2 points: +-1 point is the half-width, 0.01 on each "
                    "side.")
    if abs(answer - expected / 1.96**2) <= 0.03 * expected / 1.96**2:
        raise Wrong(f"{answer:,.0f} is one standard error of 1 point, a 68% interval; a 95% "
                    "interval reaches about 1.96 standard errors.")
    if answer < expected:
        raise Wrong(f"{answer:,.0f} images give an interval wider than +-1 point.")
    raise Wrong(f"{answer:,.0f} images give an interval narrower than +-1 point: more than "
                "needed.")
