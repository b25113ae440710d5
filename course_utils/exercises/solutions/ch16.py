"""Solutions to the exercises of ``16_hyperparameter_search.ipynb``."""

import math


def halving_step(configs, scores, eta):
    """Exercise 1: the best max(1, n // eta) configurations, best first, ties in order."""
    order = sorted(range(len(configs)), key=lambda k: -scores[k])
    keep = max(1, len(configs) // eta)
    return [configs[k] for k in order[:keep]]


def sign_test(a, b):
    """Exercise 2: two-sided sign test, ties dropped."""
    wins = sum(x > y for x, y in zip(a, b))
    losses = sum(x < y for x, y in zip(a, b))
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(wins, losses) + 1)) / 2**n
    return min(1.0, 2 * tail)


halving_epochs = 324
"""Exercise 3: 81 x 1 + 27 x 3 + 9 x 9 + 3 x 27."""

grid_learning_rates = 3
"""Exercise 4: each axis of a 3^4 grid has 3 points."""
