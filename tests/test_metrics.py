"""course_utils.metrics against scikit-learn and statsmodels on seeded random inputs and edge
cases, and its errors for bad input."""

import math
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
import torch
from sklearn.calibration import calibration_curve
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from course_utils import metrics

SEEDS = range(6)


def random_labels(seed, n=200, k=5, missing_true=None, missing_pred=None):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, k, n))
    if missing_true is not None:
        y_true[y_true == missing_true] = (missing_true + 1) % k
    if missing_pred is not None:
        y_pred[y_pred == missing_pred] = (missing_pred + 1) % k
    return y_true, y_pred


def random_scores(seed, n=300, prevalence=0.3, ties=False):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    score = rng.normal(size=n) + 1.2 * y
    if ties:
        score = np.round(score, 1)
    return y, score


def sk(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# --- confusion matrix -------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix_equals_sklearn(seed, normalize):
    y_true, y_pred = random_labels(seed, missing_pred=seed % 5)
    ours = metrics.confusion_matrix(y_true, y_pred, normalize=normalize)
    theirs = skm.confusion_matrix(y_true, y_pred, normalize=normalize)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_confusion_matrix_labels_reorder_add_and_leave_out_classes():
    y_true, y_pred = random_labels(1, k=4)
    for labels in ([3, 0, 1, 2], [2, 0], [0, 1, 2, 3, 7]):
        for normalize in (None, "true", "pred", "all"):
            np.testing.assert_array_equal(
                metrics.confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize),
                sk(skm.confusion_matrix, y_true, y_pred, labels=labels, normalize=normalize))


def test_confusion_matrix_accepts_tensors_and_lists():
    y_true, y_pred = random_labels(2)
    expected = skm.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(
        metrics.confusion_matrix(torch.from_numpy(y_true), torch.from_numpy(y_pred)), expected)
    np.testing.assert_array_equal(
        metrics.confusion_matrix(y_true.tolist(), y_pred.tolist()), expected)


# --- precision, recall, F1, accuracies ---------------------------------------------------------

CASES = {
    "random": {},
    "class absent from y_pred": {"missing_pred": 2},
    "class absent from y_true": {"missing_true": 3},
    "absent from both": {"missing_true": 1, "missing_pred": 1},
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("average", [None, "macro", "micro", "weighted"])
@pytest.mark.parametrize("zero_division", [0.0, 1.0, math.nan])
def test_precision_recall_f1_equal_sklearn(seed, case, average, zero_division):
    y_true, y_pred = random_labels(seed, **CASES[case])
    for labels in (None, [0, 1, 2, 3, 4]):
        ours = metrics.precision_recall_f1(y_true, y_pred, labels=labels, average=average,
                                           zero_division=zero_division)
        theirs = sk(skm.precision_recall_fscore_support, y_true, y_pred, labels=labels,
                    average=average, zero_division=zero_division)
        for mine, ref in zip(ours[:3], theirs[:3]):
            np.testing.assert_allclose(mine, ref, rtol=0, atol=1e-12, equal_nan=True)
        if average is None:
            np.testing.assert_array_equal(ours.support, theirs[3])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("zero_division", [0.0, 1.0, math.nan])
def test_binary_precision_recall_f1_equal_sklearn(seed, zero_division):
    y_true, y_pred = random_labels(seed, k=2)
    for pos_label in (0, 1):
        ours = metrics.precision_recall_f1(y_true, y_pred, average="binary", pos_label=pos_label,
                                           zero_division=zero_division)
        theirs = sk(skm.precision_recall_fscore_support, y_true, y_pred, average="binary",
                    pos_label=pos_label, zero_division=zero_division)
        np.testing.assert_allclose(ours[:3], theirs[:3], rtol=0, atol=1e-12)
    never = np.zeros_like(y_true)  # the always-"no" detector: precision is 0/0
    ours = metrics.precision_recall_f1(y_true, never, average="binary",
                                       zero_division=zero_division)
    theirs = sk(skm.precision_recall_fscore_support, y_true, never, average="binary",
                zero_division=zero_division)
    np.testing.assert_allclose(ours[:3], theirs[:3], rtol=0, atol=1e-12, equal_nan=True)
    assert ours.recall == 0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", CASES)
def test_accuracies_equal_sklearn(seed, case):
    y_true, y_pred = random_labels(seed, **CASES[case])
    assert abs(metrics.accuracy(y_true, y_pred) - skm.accuracy_score(y_true, y_pred)) < 1e-12
    assert abs(metrics.balanced_accuracy(y_true, y_pred)
               - sk(skm.balanced_accuracy_score, y_true, y_pred)) < 1e-12


@pytest.mark.parametrize("average", [None, "macro", "micro", "weighted"])
def test_a_subset_of_labels_equals_sklearn(average):
    y_true, y_pred = random_labels(4, missing_pred=3)
    for labels in ([1, 3], [3], [4, 0, 2]):
        ours = metrics.precision_recall_f1(y_true, y_pred, labels=labels, average=average)
        theirs = sk(skm.precision_recall_fscore_support, y_true, y_pred, labels=labels,
                    average=average, zero_division=0.0)
        for mine, ref in zip(ours[:3], theirs[:3]):
            np.testing.assert_allclose(mine, ref, rtol=0, atol=1e-12)


def test_weighted_average_needs_a_reported_label_in_y_true():
    with pytest.raises(ValueError, match=r"none of labels \[7\] occurs in y_true"):
        metrics.precision_recall_f1([0, 1, 1], [0, 1, 0], labels=[7], average="weighted")


def test_micro_average_is_accuracy():
    y_true, y_pred = random_labels(3)
    micro = metrics.precision_recall_f1(y_true, y_pred, average="micro")
    assert micro.precision == micro.recall == pytest.approx(metrics.accuracy(y_true, y_pred))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_top_k_accuracy_equals_sklearn(seed, k):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 6, 150)
    scores = rng.normal(size=(150, 6))
    scores[np.arange(150), y_true] += 0.8
    expected = skm.top_k_accuracy_score(y_true, scores, k=k, labels=np.arange(6))
    assert abs(metrics.top_k_accuracy(y_true, scores, k=k) - expected) < 1e-12
    tied = np.round(scores)  # ties, broken the same way
    expected = skm.top_k_accuracy_score(y_true, tied, k=k, labels=np.arange(6))
    assert abs(metrics.top_k_accuracy(y_true, tied, k=k) - expected) < 1e-12


def test_top_1_accuracy_is_accuracy_of_the_argmax():
    rng = np.random.default_rng(0)
    scores = torch.from_numpy(rng.normal(size=(50, 4)))
    y_true = torch.from_numpy(rng.integers(0, 4, 50))
    assert metrics.top_k_accuracy(y_true, scores, k=1) == metrics.accuracy(y_true,
                                                                           scores.argmax(1))
    assert metrics.top_k_accuracy(y_true, scores, k=4) == 1.0


# --- ROC, PR, AUC, AP --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ties", [False, True])
def test_roc_curve_points_equal_sklearn(seed, ties):
    y, score = random_scores(seed, ties=ties)
    ours = metrics.roc_curve(y, score)
    theirs = skm.roc_curve(y, score, drop_intermediate=False)
    for mine, ref in zip(ours, theirs):
        np.testing.assert_array_equal(mine, ref)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ties", [False, True])
def test_precision_recall_curve_equals_sklearn(seed, ties):
    y, score = random_scores(seed, ties=ties)
    ours = metrics.precision_recall_curve(torch.from_numpy(y), torch.from_numpy(score))
    theirs = skm.precision_recall_curve(y, score)
    for mine, ref in zip(ours, theirs):
        np.testing.assert_allclose(mine, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("prevalence", [0.02, 0.3, 0.8])
def test_auc_and_average_precision_equal_sklearn(seed, ties, prevalence):
    y, score = random_scores(seed, prevalence=prevalence, ties=ties)
    assert abs(metrics.roc_auc(y, score) - skm.roc_auc_score(y, score)) < 1e-12
    assert abs(metrics.average_precision(y, score) - skm.average_precision_score(y, score)) < 1e-12


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_one_vs_rest_auc_equals_sklearn(seed, average):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 4, 200)
    logits = rng.normal(size=(200, 4))
    logits[np.arange(200), y_true] += 1.0
    probs = torch.from_numpy(logits).softmax(1).numpy()
    expected = skm.roc_auc_score(y_true, probs, multi_class="ovr", average=average)
    assert abs(metrics.roc_auc(y_true, probs, average=average) - expected) < 1e-12


def test_auc_of_perfect_reversed_and_constant_scores():
    y = np.array([0, 0, 1, 1])
    assert metrics.roc_auc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert metrics.roc_auc(y, [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert metrics.roc_auc(y, [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert metrics.average_precision(y, [0.5] * 4) == 0.5  # the share of positives


# --- calibration -------------------------------------------------------------------------------

def reference_ece(y_true, probs, n_bins):
    """ECE written out with a loop over the bins (lo, hi], the first bin also holding 0."""
    conf = probs.max(1)
    correct = probs.argmax(1) == y_true
    total = 0.0
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        inside = (conf > lo) & (conf <= hi) if b else (conf >= lo) & (conf <= hi)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - conf[inside].mean())
    return total


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_bins", [1, 5, 10, 15])
def test_ece_equals_a_loop_over_the_bins(seed, n_bins):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 3, 400)
    logits = rng.normal(size=(400, 3)) * 2
    logits[np.arange(400), y_true] += 1
    probs = torch.from_numpy(logits).softmax(1).numpy()
    ours = metrics.expected_calibration_error(y_true, probs, n_bins=n_bins)
    assert abs(ours - reference_ece(y_true, probs, n_bins)) < 1e-12


def test_reliability_bins_equal_sklearn_calibration_curve():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, 500)
    logits = rng.normal(size=(500, 4)) * 3
    probs = torch.from_numpy(logits).softmax(1).numpy()
    probs[:5] = np.eye(4)[[0, 1, 2, 3, 0]] * 0.5 + 0.125  # confidence exactly on an edge (0.625)
    bins = metrics.reliability_bins(y_true, probs, n_bins=8)
    correct = (probs.argmax(1) == y_true).astype(int)
    acc, conf = calibration_curve(correct, probs.max(1), n_bins=8, strategy="uniform")
    full = bins.counts > 0
    np.testing.assert_allclose(bins.accuracy[full], acc, rtol=0, atol=1e-12)
    np.testing.assert_allclose(bins.confidence[full], conf, rtol=0, atol=1e-12)
    assert bins.counts.sum() == 500 and np.isnan(bins.accuracy[~full]).all()


def test_ece_of_edge_cases():
    one_hot = np.eye(3)[[0, 1, 2, 0]]
    assert metrics.expected_calibration_error([0, 1, 2, 0], one_hot) == 0.0
    assert metrics.expected_calibration_error([1, 2, 0, 1], one_hot) == 1.0
    half = np.array([[0.5, 0.5]] * 4)
    assert metrics.expected_calibration_error([0, 0, 1, 1], half) == 0.0  # right half the time


def test_temperature_recovers_the_temperature_that_made_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(20000, 5)) * 3
    true_t = 2.5
    p = torch.from_numpy(logits / true_t).softmax(1).numpy()
    y = np.array([rng.choice(5, p=row) for row in p])
    t = metrics.fit_temperature(torch.from_numpy(logits).float(), y)
    assert abs(t - true_t) < 0.1
    def nll(temp):
        return -np.log(metrics.apply_temperature(logits, temp)[np.arange(len(y)),
                                                                           y]).mean()
    assert nll(t) <= min(nll(t * 0.99), nll(t * 1.01))
    assert metrics.expected_calibration_error(y, metrics.apply_temperature(logits, t)) < \
        metrics.expected_calibration_error(y, metrics.apply_temperature(logits, 1.0))


def test_temperature_keeps_the_predictions():
    logits = np.random.default_rng(1).normal(size=(30, 4))
    np.testing.assert_array_equal(metrics.apply_temperature(logits, 3.0).argmax(1),
                                  logits.argmax(1))
    np.testing.assert_allclose(metrics.apply_temperature(logits, 1.0),
                               torch.from_numpy(logits).softmax(1).numpy(), atol=1e-12)


# --- bootstrap and McNemar ---------------------------------------------------------------------

def test_bootstrap_interval_brackets_the_estimate_and_narrows_with_n():
    widths = []
    for n in (100, 400, 1600):
        y_true, y_pred = random_labels(0, n=n)
        ci = metrics.bootstrap_ci(metrics.accuracy, y_true, y_pred, n_resamples=500)
        assert ci.low <= ci.estimate <= ci.high
        assert ci.estimate == metrics.accuracy(y_true, y_pred)
        widths.append(ci.high - ci.low)
    assert widths[0] > 1.5 * widths[1] > 2.25 * widths[2] * 0.9  # about 1 / sqrt(n)


def test_bootstrap_interval_matches_the_binomial_and_repeats():
    y_true = np.zeros(2000, dtype=int)
    y_pred = (np.arange(2000) % 5 == 0).astype(int)  # 80% right
    ci = metrics.bootstrap_ci(metrics.accuracy, y_true, y_pred, n_resamples=2000, seed=3)
    half = 1.96 * math.sqrt(0.8 * 0.2 / 2000)
    assert abs((ci.high - ci.low) / 2 - half) < 0.15 * half
    assert ci == metrics.bootstrap_ci(metrics.accuracy, y_true, y_pred, n_resamples=2000, seed=3)


def test_bootstrap_works_with_scores_and_other_metrics():
    y, score = random_scores(0)
    ci = metrics.bootstrap_ci(metrics.roc_auc, y, score, n_resamples=200)
    assert ci.low < metrics.roc_auc(y, score) < ci.high


@pytest.mark.parametrize("seed", SEEDS)
def test_mcnemar_equals_statsmodels(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 3000))
    y_true = rng.integers(0, 3, n)
    pred_a = np.where(rng.random(n) < 0.85, y_true, (y_true + 1) % 3)
    pred_b = np.where(rng.random(n) < 0.80 + 0.02 * seed, y_true, (y_true + 2) % 3)
    ours = metrics.mcnemar(y_true, pred_a, pred_b)
    reference = sm_mcnemar(ours.table, exact=True)
    assert ours.pvalue == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
    assert min(ours.a_only, ours.b_only) == reference.statistic
    assert ours.table.sum() == n


def test_mcnemar_tables_worked_by_hand():
    def run(a_only, b_only, both=5):
        y = np.zeros(both + a_only + b_only, dtype=int)
        a = np.r_[np.zeros(both + a_only), np.ones(b_only)].astype(int)
        b = np.r_[np.zeros(both), np.ones(a_only), np.zeros(b_only)].astype(int)
        return metrics.mcnemar(y, a, b)
    assert run(0, 0).pvalue == 1.0  # never disagree: no evidence either way
    assert run(5, 0).pvalue == 2 / 32  # 2 * (1/2)^5
    assert run(1, 1).pvalue == 1.0
    assert run(6, 2).pvalue == pytest.approx(2 * (1 + 8 + 28) / 256)
    assert run(6, 2).table.tolist() == [[5, 6], [2, 0]]


def test_most_confident_mistakes():
    y_true = np.array([0, 1, 2, 0, 1])
    probs = np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.1, 0.3, 0.6],
                      [0.3, 0.7, 0.0], [0.05, 0.05, 0.9]])
    assert metrics.most_confident_mistakes(y_true, probs).tolist() == [4, 1, 3]
    assert metrics.most_confident_mistakes(y_true, probs, n=2).tolist() == [4, 1]


# --- bad input ---------------------------------------------------------------------------------

def test_lengths_that_differ():
    with pytest.raises(ValueError, match="y_true has 3, y_pred has 2"):
        metrics.accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="y_true has 4, y_score has 3"):
        metrics.roc_curve([0, 1, 0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="same examples"):
        metrics.mcnemar([0, 1], [0, 1], [0])


def test_two_dimensional_labels():
    with pytest.raises(ValueError, match=r"1-D class labels.*\(4, 3\).*argmax\(1\)"):
        metrics.confusion_matrix([0, 1, 2, 0], np.eye(3)[[0, 1, 2, 0]])
    with pytest.raises(ValueError, match="1-D class labels"):
        metrics.precision_recall_f1(torch.zeros(3, 1, dtype=torch.long), [0, 0, 0])


def test_float_negative_and_empty_labels():
    with pytest.raises(TypeError, match=r"integer class labels, got dtype float.*\.long\(\)"):
        metrics.accuracy(np.array([0.0, 1.0]), [0, 1])
    with pytest.raises(ValueError, match=">= 0, got -1"):
        metrics.roc_curve([-1, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match="empty"):
        metrics.accuracy([], [])
    with pytest.raises(TypeError, match="torch tensor, a NumPy array or a list, got str"):
        metrics.accuracy("0101", [0, 1, 0, 1])


def test_nan_and_inf_scores():
    with pytest.raises(ValueError, match=r"1 NaN value\(s\), the first at index \[2\]"):
        metrics.roc_auc([0, 1, 0, 1], [0.1, 0.9, float("nan"), 0.5])
    with pytest.raises(ValueError, match="inf"):
        metrics.average_precision([0, 1], [0.1, float("inf")])
    with pytest.raises(ValueError, match="NaN"):
        metrics.fit_temperature(torch.tensor([[1.0, float("nan")]]), [0])


def test_scores_outside_0_1_where_probabilities_are_needed():
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\], got values from .*softmax"):
        metrics.expected_calibration_error([0, 1], [[2.0, -1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="probabilities"):
        metrics.roc_auc([0, 1, 2], np.eye(3) * 3)
    with pytest.raises(ValueError, match="row 1 sums to 1.5"):
        metrics.reliability_bins([0, 1], [[0.5, 0.5], [0.5, 1.0]])
    metrics.roc_curve([0, 1], [-3.0, 7.0])  # a binary score may have any scale


def test_one_class_only_for_roc_and_pr():
    with pytest.raises(ValueError, match=r"only class 1 and no negatives \(0\).*ROC"):
        metrics.roc_curve([1, 1, 1], [0.2, 0.5, 0.9])
    with pytest.raises(ValueError, match=r"only class 0 and no positives \(1\)"):
        metrics.roc_auc([0, 0], [0.2, 0.5])
    with pytest.raises(ValueError, match="no positives"):
        metrics.average_precision([0, 0, 0], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="binary labels.*y_true == k"):
        metrics.roc_curve([0, 1, 2], [0.1, 0.5, 0.9])
    with pytest.raises(ValueError, match=r"every class 0..2.*\[2, 2, 0\]"):
        metrics.roc_auc([0, 0, 1, 1], np.full((4, 3), 1 / 3))


def test_bad_options():
    y_true, y_pred = random_labels(0)
    with pytest.raises(ValueError, match="average must be one of"):
        metrics.precision_recall_f1(y_true, y_pred, average="samples")
    with pytest.raises(ValueError, match="average='binary' is for labels 0 and 1"):
        metrics.precision_recall_f1(y_true, y_pred, average="binary")
    with pytest.raises(ValueError, match="zero_division must be"):
        metrics.precision_recall_f1(y_true, y_pred, zero_division="warn")
    with pytest.raises(ValueError, match="normalize must be one of"):
        metrics.confusion_matrix(y_true, y_pred, normalize="rows")
    with pytest.raises(ValueError, match="must not repeat"):
        metrics.confusion_matrix(y_true, y_pred, labels=[0, 0, 1])
    with pytest.raises(ValueError, match="k must be an int >= 1, got 0"):
        metrics.top_k_accuracy([0], [[1.0, 0.0]], k=0)
    with pytest.raises(ValueError, match="label 2 but y_score has only 2 columns"):
        metrics.top_k_accuracy([2], [[1.0, 0.0]], k=1)
    with pytest.raises(ValueError, match="n_bins must be an int >= 1"):
        metrics.expected_calibration_error([0], [[1.0, 0.0]], n_bins=0)
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        metrics.apply_temperature([[1.0, 0.0]], 0)
    with pytest.raises(ValueError, match="confidence must be a number in"):
        metrics.bootstrap_ci(metrics.accuracy, y_true, y_pred, confidence=95)
    with pytest.raises(TypeError, match="metric must be a function"):
        metrics.bootstrap_ci("accuracy", y_true, y_pred)


def test_temperature_errors_for_data_it_cannot_fit():
    logits = np.array([[9.0, -9.0], [-9.0, 9.0]])
    with pytest.raises(ValueError, match="every one of these examples right"):
        metrics.fit_temperature(logits, [0, 1])
    with pytest.raises(ValueError, match="label 2 but logits has only 2 columns"):
        metrics.fit_temperature(logits, [0, 2])


def test_bootstrap_says_which_resample_failed():
    y = np.array([0] * 9 + [1])
    with pytest.raises(ValueError, match="metric failed on bootstrap resample"):
        metrics.bootstrap_ci(metrics.roc_auc, y, np.linspace(0, 1, 10), n_resamples=200)



def test_bfloat16_scores_are_read_as_float32():
    # NumPy has no bfloat16: mixed-precision outputs must still go into the metrics.
    gen = torch.Generator().manual_seed(0)
    scores = torch.randn(200, 10, generator=gen)
    labels = torch.randint(0, 10, (200,), generator=gen)
    bf16 = scores.to(torch.bfloat16)
    assert metrics.top_k_accuracy(labels, bf16, k=3) == metrics.top_k_accuracy(labels,
                                                                               bf16.float(), k=3)
    assert metrics.top_k_accuracy(labels, bf16, k=3) == skm.top_k_accuracy_score(
        labels.numpy(), bf16.float().numpy(), k=3, labels=list(range(10)))
