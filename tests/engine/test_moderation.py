"""Moderated scores, totals, ranks and the winner, on cases worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.engine import moderate

from .gen import gen_inputs, nan


def test_moderated_score_is_the_mean_of_the_evaluators_scores_without_consensus():
    # Bidder A, Q1: (4 + 3 + 2) / 3 = 3; Q2: only two scored, (1 + 2) / 2 = 1.5
    # total = 50 × 3/4 + 50 × 1.5/4 = 37.5 + 18.75 = 56.25
    inputs = gen_inputs([[[4, 3, 2], [1, nan, 2]]], ["patient", "panel", "panel"], [50, 50])
    m = moderate(inputs)
    assert m.proposed.tolist() == [[3.0, 1.5]]
    assert m.moderated.tolist() == [[3.0, 1.5]]
    assert m.totals.tolist() == [56.25]


def test_consensus_replaces_the_combined_scores_where_there_is_one():
    # Q1 proposed (4 + 2) / 2 = 3 but the panel agreed 2; Q2 keeps its proposed 4
    # total = 50 × 2/4 + 50 × 4/4 = 25 + 50 = 75
    inputs = gen_inputs([[[4, 2], [4, 4]]], ["patient", "panel"], [50, 50], consensus=[[2, nan]])
    m = moderate(inputs)
    assert m.proposed.tolist() == [[3.0, 4.0]]
    assert m.moderated.tolist() == [[2.0, 4.0]]
    assert m.totals.tolist() == [75.0]


def test_median_combination_takes_the_middle_score_or_the_mean_of_the_middle_two():
    # Q1: 1, 2, 4 -> 2; Q2: 1, 2, 3, 4 -> (2 + 3) / 2 = 2.5; Q3: nobody -> missing
    inputs = gen_inputs([[[1, 2, 4, nan], [1, 2, 3, 4], [nan] * 4]], ["panel"] * 4, [40, 40, 20])
    m = moderate(inputs, combine="median")
    assert m.proposed[0, :2].tolist() == [2.0, 2.5]
    assert np.isnan(m.proposed[0, 2])
    mean = moderate(inputs)
    assert mean.proposed[0, :2].tolist() == [7 / 3, 2.5]


def test_section_maximum_scales_the_total():
    # Q1 out of 4: 2/4 × 50 = 25; Q2 out of 10: 7/10 × 50 = 35; total 60
    inputs = gen_inputs([[[2], [7]]], ["panel"], [50, 50], max_scores=[4, 10])
    assert moderate(inputs).totals.tolist() == [60.0]


def test_ranks_share_ties_and_the_winner_is_the_single_bidder_ranked_first():
    # one section, one evaluator: totals 100 × score / 4
    inputs = gen_inputs([[[3]], [[4]], [[3]], [[1]]], ["panel"], [100])
    m = moderate(inputs)
    assert m.totals.tolist() == [75.0, 100.0, 75.0, 25.0]
    assert m.ranks.tolist() == [2, 1, 2, 4]
    assert m.winner == 1 and m.leader == 1
    assert m.order.tolist() == [1, 0, 2, 3]


def test_a_tie_for_first_has_no_winner_and_names_the_tied_bidders():
    inputs = gen_inputs([[[4]], [[4]], [[3]]], ["panel"], [100])
    m = moderate(inputs)
    assert m.ranks.tolist() == [1, 1, 3]
    assert m.winner is None and m.tied_first == (0, 1)


def test_a_bidder_below_a_threshold_fails_and_ranks_after_passing_bidders():
    # A: Q1 4, Q2 1 -> 50 + 12.5 = 62.5 but Q2 is below its threshold of 2
    # B: Q1 2, Q2 2 -> 25 + 25 = 50, passes, so B wins with the lower total
    inputs = gen_inputs([[[4], [1]], [[2], [2]]], ["panel"], [50, 50], thresholds=[nan, 2])
    m = moderate(inputs)
    assert m.totals.tolist() == [62.5, 50.0]
    assert m.failing.tolist() == [True, False]
    assert m.failing_sections.tolist() == [[False, True], [False, False]]
    assert m.ranks.tolist() == [2, 1]
    assert m.winner == 1


def test_a_score_exactly_at_the_threshold_passes():
    # mean of 1 and 3 is exactly the threshold 2
    inputs = gen_inputs([[[1, 3]]], ["panel", "panel"], [100], thresholds=[2])
    assert not moderate(inputs).failing[0]


def test_nobody_passing_means_no_winner():
    inputs = gen_inputs([[[1]], [[0]]], ["panel"], [100], thresholds=[2])
    m = moderate(inputs)
    assert m.failing.tolist() == [True, True] and m.winner is None and m.leader is None
    assert m.ranks.tolist() == [1, 2]


def test_cells_with_neither_consensus_nor_scores_make_the_result_incomplete():
    # B's Q2 has no score and no consensus; A's Q2 has consensus only
    inputs = gen_inputs([[[4], [nan]], [[2], [nan]]], ["panel"], [50, 50], consensus=[[nan, 3], [nan, nan]])
    m = moderate(inputs)
    assert m.incomplete == ((1, 1),)
    assert not m.complete
    # the missing cell adds nothing: A 50 + 37.5 = 87.5, B 25
    assert m.totals.tolist() == [87.5, 25.0]
    assert m.leader == 0 and m.winner is None


def test_spread_and_disagreement_flags():
    # spreads: 4 - 1 = 3, 3 - 2 = 1, one score -> 0, nobody -> NaN; flagged at 2 or more
    inputs = gen_inputs([[[1, 4], [2, 3], [2, nan], [nan, nan]]], ["panel", "panel"], [25, 25, 25, 25])
    m = moderate(inputs)
    assert m.spread[0, :3].tolist() == [3.0, 1.0, 0.0] and np.isnan(m.spread[0, 3])
    assert m.disagreement.tolist() == [[True, False, False, False]]
    assert moderate(inputs, disagreement=1).disagreement.tolist() == [[True, True, False, False]]


def test_which_group_scored_each_section_is_read_from_the_scores():
    inputs = gen_inputs(
        [[[1, nan], [nan, 2], [3, 3], [nan, nan]]],
        ["patient", "panel"],
        [25, 25, 25, 25],
        consensus=[[nan, nan, nan, 4]],
    )
    assert moderate(inputs).scored_by == ("patient", "panel", "both", "neither")


def test_no_bidders_gives_an_empty_result():
    inputs = gen_inputs(np.zeros((0, 2, 1)), ["panel"], [50, 50])
    m = moderate(inputs)
    assert m.totals.shape == (0,) and m.winner is None and m.complete


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(combine="average"), "combine must be 'mean' or 'median'; got 'average'"),
        (dict(disagreement=-1), "disagreement must be a number, 0 or more; got -1"),
    ],
)
def test_bad_options_are_refused(options, message):
    inputs = gen_inputs([[[1]]], ["panel"], [100])
    with pytest.raises(ValueError, match=f"^{message}$"):
        moderate(inputs, **options)
