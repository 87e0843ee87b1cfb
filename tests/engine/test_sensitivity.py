"""Monte-Carlo weight perturbation: seedable, sums to one, failing bidders never win."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.engine.sensitivity import win_probabilities

FRACTION = np.array([[1.0, 0.0], [0.0, 1.0], [0.4, 0.4]])  # A strong on Q1, B on Q2, C middling


def test_the_same_seed_gives_the_same_probabilities():
    first = win_probabilities(FRACTION, np.array([50.0, 50.0]), np.zeros(3, bool), draws=500)
    again = win_probabilities(FRACTION, np.array([50.0, 50.0]), np.zeros(3, bool), draws=500)
    other = win_probabilities(FRACTION, np.array([50.0, 50.0]), np.zeros(3, bool), draws=500, seed=1)
    assert first.tolist() == again.tolist()
    assert first.tolist() != other.tolist()


def test_probabilities_sum_to_one_and_are_symmetric_for_symmetric_bidders():
    # A and B mirror each other under equal weights; C (40) never beats max(w1, w2) >= 50
    p = win_probabilities(FRACTION, np.array([50.0, 50.0]), np.zeros(3, bool), draws=20_000)
    assert p.sum() == pytest.approx(1.0)
    assert p[2] == 0.0
    assert p[0] == pytest.approx(0.5, abs=0.02)


def test_a_bidder_best_in_every_section_always_comes_first():
    fraction = np.array([[0.9, 0.8, 1.0], [0.5, 0.7, 0.2]])
    p = win_probabilities(fraction, np.array([20.0, 30.0, 50.0]), np.zeros(2, bool), draws=300)
    assert p.tolist() == [1.0, 0.0]


def test_failing_bidders_never_come_first():
    fraction = np.array([[0.9, 0.8], [0.5, 0.7]])
    p = win_probabilities(fraction, np.array([50.0, 50.0]), np.array([True, False]), draws=300)
    assert p.tolist() == [0.0, 1.0]
    assert win_probabilities(fraction, np.array([50.0, 50.0]), np.ones(2, bool), draws=10).tolist() == [0.0, 0.0]


def test_identical_bidders_share_each_win():
    fraction = np.array([[0.5, 0.7], [0.5, 0.7], [0.1, 0.1]])
    p = win_probabilities(fraction, np.array([60.0, 40.0]), np.zeros(3, bool), draws=100)
    assert p.tolist() == [0.5, 0.5, 0.0]


def test_sections_of_weight_zero_stay_at_zero():
    # all the weight on Q2, where B leads; Q1 (weight 0) would favour A
    fraction = np.array([[1.0, 0.2], [0.0, 0.3]])
    p = win_probabilities(fraction, np.array([0.0, 100.0]), np.zeros(2, bool), draws=100)
    assert p.tolist() == [0.0, 1.0]


def test_a_high_concentration_keeps_close_to_todays_winner():
    # at 60/40, A = 60, B = 40; only a large move of the weights would change it
    p = win_probabilities(FRACTION[:2], np.array([60.0, 40.0]), np.zeros(2, bool), draws=2_000, concentration=1e5)
    assert p.tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(draws=0), "draws must be a whole number, 1 or more; got 0"),
        (dict(draws=2.5), "draws must be a whole number, 1 or more; got 2.5"),
        (dict(concentration=0), "concentration must be more than 0; got 0"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        win_probabilities(FRACTION, np.array([50.0, 50.0]), np.zeros(3, bool), **options)
