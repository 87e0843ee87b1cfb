"""Ranks: 1 is best, ties within 1e-9 share a rank, failing bidders rank last."""

from __future__ import annotations

import numpy as np

from scoring.engine import ranking


def test_tied_totals_share_a_rank_and_the_next_rank_is_skipped():
    totals = np.array([80.0, 90.0, 80.0, 70.0])
    assert ranking.rank(totals, np.zeros(4, bool)).tolist() == [2, 1, 2, 4]


def test_totals_within_a_billionth_tie_and_further_apart_do_not():
    assert ranking.rank(np.array([50.0, 50.0 + 5e-10]), np.zeros(2, bool)).tolist() == [1, 1]
    assert ranking.rank(np.array([50.0, 50.0 + 2e-9]), np.zeros(2, bool)).tolist() == [2, 1]


def test_failing_bidders_rank_after_every_passing_bidder_even_with_a_higher_total():
    # passing: 90 -> 1, 80 and 80 -> 2, 70 -> 4; failing: 95 -> 5, 60 -> 6
    totals = np.array([90.0, 80.0, 95.0, 80.0, 70.0, 60.0])
    failing = np.array([False, False, True, False, False, True])
    assert ranking.rank(totals, failing).tolist() == [1, 2, 5, 2, 4, 6]


def test_leader_is_the_single_passing_bidder_ranked_first():
    ranks = np.array([2, 1, 3])
    assert ranking.leader(ranks, np.zeros(3, bool)) == 1
    assert ranking.leader(np.array([1, 1, 3]), np.zeros(3, bool)) is None  # tie: no leader
    assert ranking.tied_first(np.array([1, 1, 3]), np.zeros(3, bool)) == (0, 1)
    assert ranking.leader(np.array([1, 2]), np.ones(2, bool)) is None  # nobody passes
    assert ranking.leader(np.array([], dtype=int), np.array([], dtype=bool)) is None


def test_runners_up_are_the_best_passing_bidders_after_the_winner():
    ranks = np.array([1, 2, 2, 4])
    assert ranking.runners_up(ranks, np.zeros(4, bool), 0) == (1, 2)
    assert ranking.runners_up(np.array([1, 2]), np.array([False, True]), 0) == ()


def test_weighted_total_is_the_weighted_sum_of_fractions_of_the_maximum():
    # 60 × 3/4 + 40 × 2/4 = 45 + 20 = 65
    fraction = ranking.normalised(np.array([[3.0, 2.0]]), np.array([4.0, 4.0]))
    assert ranking.weighted_totals(fraction, np.array([60.0, 40.0])).tolist() == [65.0]


def test_missing_moderated_scores_add_nothing_and_never_fail():
    moderated = np.array([[np.nan, 1.0]])
    assert ranking.normalised(moderated, np.array([4.0, 4.0])).tolist() == [[0.0, 0.25]]
    failing = ranking.failing_sections(moderated, np.array([2.0, 2.0]))
    assert failing.tolist() == [[False, True]]
