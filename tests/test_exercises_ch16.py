"""The checkers of 16_hyperparameter_search.ipynb: solutions pass, typical mistakes get the right
diagnosis, SciPy's and the course's implementations are refused, odd answers get feedback."""

import inspect
import math

import pytest
from exercises_support import diagnosis
from scipy.stats import binomtest

from course_utils.exercises import ch16
from course_utils.exercises.feedback import Feedback
from course_utils.exercises.solutions import ch16 as solutions
from course_utils.search import successive_halving

pytestmark = pytest.mark.usefixtures("private_progress")  # tests/conftest.py


def test_halving_step():
    assert ch16.check_halving_step(solutions.halving_step)
    assert "not your own code" in diagnosis(ch16.check_halving_step, successive_halving)


def test_halving_step_mistakes():
    def worst_first(configs, scores, eta):
        order = sorted(range(len(configs)), key=lambda k: scores[k])
        return [configs[k] for k in order[:max(1, len(configs) // eta)]]
    assert "lowest scores" in diagnosis(ch16.check_halving_step, worst_first)

    def rounded_up(configs, scores, eta):
        order = sorted(range(len(configs)), key=lambda k: -scores[k])
        return [configs[k] for k in order[:-(-len(configs) // eta)]]
    assert "Round down" in diagnosis(ch16.check_halving_step, rounded_up)

    def none_kept(configs, scores, eta):
        order = sorted(range(len(configs)), key=lambda k: -scores[k])
        return [configs[k] for k in order[:len(configs) // eta]]
    assert "at least one" in diagnosis(ch16.check_halving_step, none_kept)

    def unsorted(configs, scores, eta):
        best_first = sorted(range(len(configs)), key=lambda k: -scores[k])
        kept = set(best_first[:max(1, len(configs) // eta)])
        return [c for k, c in enumerate(configs) if k in kept]
    assert "wrong order" in diagnosis(ch16.check_halving_step, unsorted)

    def positions(configs, scores, eta):
        return sorted(range(len(configs)), key=lambda k: -scores[k])[:max(1, len(configs) // eta)]
    assert "positions" in diagnosis(ch16.check_halving_step, positions)

    def the_scores(configs, scores, eta):
        return sorted(scores, reverse=True)[:max(1, len(configs) // eta)]
    assert "returned scores" in diagnosis(ch16.check_halving_step, the_scores)


def test_sign_test():
    assert ch16.check_sign_test(solutions.sign_test)
    assert "not your own code" in diagnosis(ch16.check_sign_test, binomtest)


def test_sign_test_mistakes():
    def one_sided(a, b):
        p = solutions.sign_test(a, b)
        return p / 2 if p < 1 else p
    assert "one tail" in diagnosis(ch16.check_sign_test, one_sided)

    def ties_kept(a, b):
        return ch16._with_ties_kept(a, b)
    assert "tied pairs were counted" in diagnosis(ch16.check_sign_test, ties_kept)

    def uncapped(a, b):
        wins, losses = sum(x > y for x, y in zip(a, b)), sum(x < y for x, y in zip(a, b))
        n = wins + losses
        return 2 * sum(math.comb(n, k) for k in range(min(wins, losses) + 1)) / 2**n if n else 1.0
    assert "capped at 1" in diagnosis(ch16.check_sign_test, uncapped)


def test_halving_cost():
    assert ch16.check_halving_cost(solutions.halving_epochs)
    assert "counts the training runs" in diagnosis(ch16.check_halving_cost, 120)
    assert "all 81 configurations" in diagnosis(ch16.check_halving_cost, 2187)
    assert "is the last" in diagnosis(ch16.check_halving_cost, 351)


def test_grid_values():
    assert ch16.check_grid_values(solutions.grid_learning_rates)
    assert "networks trained" in diagnosis(ch16.check_grid_values, 81)
    assert "every value of every" in diagnosis(ch16.check_grid_values, 12)
    assert "hyperparameters" in diagnosis(ch16.check_grid_values, 4)


ODD = [None, float("nan"), "3", [1, 2], {"a": 1}, lambda *a: None, lambda *a: float("nan"),
       lambda *a: a[0] if a else 0, True, -1, 1e30]


@pytest.mark.parametrize("name", ["check_halving_step", "check_sign_test",
                                  "check_halving_cost", "check_grid_values"])
def test_odd_answers_get_feedback(name):
    checker = getattr(ch16, name)
    assert checker.exercise.key.startswith("ch16.ex")
    for answer in ODD:
        feedback = checker(answer)
        assert isinstance(feedback, Feedback) and not feedback, (name, answer, feedback)
        assert feedback.message and feedback.hint, (name, answer, feedback)
    unanswered = checker(...)
    assert not unanswered and "No answer yet" in unanswered.message


def test_no_hint_gives_the_solution_away():
    for name, solution in (("check_halving_step", solutions.halving_step),
                           ("check_sign_test", solutions.sign_test)):
        code = [line.strip().replace(" ", "") for line in inspect.getsource(solution).splitlines()]
        code = [line for line in code if len(line) >= 12 and not line.startswith(("def", '"""'))]
        for hint in getattr(ch16, name).exercise.hints:
            flat = hint.replace(" ", "")
            assert not any(line in flat for line in code), (name, hint)
    for name in ("check_halving_cost", "check_grid_values"):
        for hint in getattr(ch16, name).exercise.hints:
            assert "324" not in hint and " 3 " not in hint
