"""Solutions to the exercises of ``08_evaluating_classifiers.ipynb``."""

import math

import numpy as np


def precision_recall(y_true, y_pred, positive):
    """Exercise 1: (precision, recall) of class ``positive``; 0.0 for 0/0.

    Parameters
    ----------
    y_true : object
    y_pred : object
    positive : object
    """
    hits = np.sum((y_pred == positive) & (y_true == positive))
    said_positive = np.sum(y_pred == positive)
    really_positive = np.sum(y_true == positive)
    precision = hits / said_positive if said_positive else 0.0
    recall = hits / really_positive if really_positive else 0.0
    return float(precision), float(recall)


def threshold_for_recall(y_true, y_score, target):
    """Exercise 2: the highest t with recall(y_score >= t) >= target.

    Parameters
    ----------
    y_true : object
    y_score : object
    target : object
    """
    ranked = np.sort(y_score[y_true == 1])[::-1]
    for found, score in enumerate(ranked, start=1):
        if found / len(ranked) >= target:
            return float(score)
    return float(ranked[-1])


def mcnemar_p(a_only, b_only):
    """Exercise 3: two-sided exact McNemar p-value.

    Parameters
    ----------
    a_only : object
    b_only : object
    """
    n, k = a_only + b_only, min(a_only, b_only)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


images_for_one_point = 1.96**2 * 0.85 * 0.15 / 0.01**2
"""Exercise 4: test images for a 95% interval of +-1 point at 85% accuracy (about 4,898)."""
