"""Patient influence on hand-worked procurements: contribution, counterfactual, Shapley split.

The main example, used across the engine tests (evaluators P1, P2 are patient
representatives, N1, N2 the panel; every section is out of 4):

    Q1 Quality            40%  panel only     A: N1 3, N2 3      B: N1 4, N2 4
    Q2 Patient experience 30%  both           A: P1 4, P2 4, N1 2 B: P1 2, P2 2, N1 3
    Q3 Access             30%  patients only  A: P1 4, P2 3      B: P1 2, P2 2

Moderated (means): A 3, 10/3, 3.5; B 4, 7/3, 2.
Totals: A = 40·3/4 + 30·(10/3)/4 + 30·3.5/4 = 30 + 25 + 26.25 = 81.25
        B = 40·4/4 + 30·(7/3)/4 + 30·2/4    = 40 + 17.5 + 15 = 72.5
"""

from __future__ import annotations

import numpy as np
import pytest

from scoring.engine import analyse, moderate
from scoring.engine.cells import PATIENT_COLUMN
from scoring.engine.influence import contributions, group_alone

from .gen import gen_inputs, nan

#           P1   P2   N1   N2
MAIN_SCORES = [
    [[nan, nan, 3, 3], [4, 4, 2, nan], [4, 3, nan, nan]],  # Bidder A
    [[nan, nan, 4, 4], [2, 2, 3, nan], [2, 2, nan, nan]],  # Bidder B
]
MAIN_GROUPS = ["patient", "patient", "panel", "panel"]


def main_inputs(**changes):
    arguments = dict(bidders=("Bidder A", "Bidder B"), sections=("Q1", "Q2", "Q3"))
    arguments.update(changes)
    return gen_inputs(MAIN_SCORES, MAIN_GROUPS, [40, 30, 30], **arguments)


def test_main_example_totals():
    m = moderate(main_inputs())
    assert m.totals == pytest.approx([81.25, 72.5])
    assert m.ranks.tolist() == [1, 2] and m.winner == 0


def test_patient_weight_share_counts_sections_patients_scored_alone_or_with_the_panel():
    # Q2 (30) + Q3 (30) = 60% of the weight
    assert analyse(main_inputs(), draws=0).influence.patient_weight_share == pytest.approx(0.6)


def test_contribution_without_consensus_is_the_patient_share_of_the_cell_sum():
    # A: Q2 sum 4 + 4 + 2 = 10, patients 8 -> 25 × 8/10 = 20; Q3 all 26.25 -> 46.25
    # B: Q2 sum 2 + 2 + 3 = 7,  patients 4 -> 17.5 × 4/7 = 10; Q3 all 15  -> 25
    # panel: A 30 + 25 × 2/10 = 35; B 40 + 17.5 × 3/7 = 47.5
    patient, panel, fixed = contributions(moderate(main_inputs()))
    assert patient == pytest.approx([46.25, 25.0])
    assert panel == pytest.approx([35.0, 47.5])
    assert fixed.tolist() == [0.0, 0.0]


def test_contribution_with_consensus_is_the_patient_share_of_the_evaluators():
    # consensus 3 in A's Q2, scored by P1, P2 and N1: patients are 2 of 3 evaluators
    # A: Q2 30 × 3/4 × 2/3 = 15; Q3 26.25 -> 41.25; panel 30 + 30 × 3/4 × 1/3 = 37.5
    m = moderate(main_inputs(consensus=[[nan, 3, nan], [nan, nan, nan]]))
    patient, panel, _ = contributions(m)
    assert patient[0] == pytest.approx(41.25)
    assert panel[0] == pytest.approx(37.5)
    assert m.totals[0] == pytest.approx(30 + 22.5 + 26.25)


def test_counterfactual_drops_patient_only_sections_and_uses_panel_scores_in_shared_ones():
    # Without patients: Q3 dropped, weights 40 and 30 rescaled to 4/7 and 3/7 of 100;
    # Q2 from N1 alone: A 2, B 3.
    # A = (40 × 3/4 + 30 × 2/4) × 100/70 = 45/0.7 = 64.2857...
    # B = (40 × 4/4 + 30 × 3/4) × 100/70 = 62.5/0.7 = 89.2857...
    inf = analyse(main_inputs(), draws=0).influence
    assert inf.counterfactual_totals == pytest.approx([450 / 7, 625 / 7])
    assert inf.counterfactual_ranks.tolist() == [2, 1]
    assert inf.rank_change.tolist() == [1, -1]  # patient scores moved A up one place
    assert inf.counterfactual_winner == 1 and inf.winner_changed


def test_counterfactual_ignores_consensus_in_shared_sections_but_keeps_it_elsewhere():
    # consensus 4 on B's Q1 (panel only: kept) and 1 on A's Q2 (shared: replaced by N1's 2)
    m = moderate(main_inputs(consensus=[[nan, 1, nan], [4, nan, nan]]))
    without = group_alone(m, 1)
    assert without.moderated[0, 1] == 2.0 and without.moderated[1, 0] == 4.0
    assert np.isnan(without.moderated[:, 2]).all()
    assert without.dropped.tolist() == [False, False, True]


def test_a_shared_cell_no_panel_member_scored_keeps_its_moderated_score():
    scores = [row[:] for row in MAIN_SCORES]
    scores[0] = [[nan, nan, 3, 3], [4, 4, nan, nan], [4, 3, nan, nan]]  # N1 conflicted on A's Q2
    m = moderate(gen_inputs(scores, MAIN_GROUPS, [40, 30, 30]))
    assert group_alone(m, 1).moderated[0, 1] == 4.0


def test_shapley_split_of_the_winners_margin_between_the_two_groups():
    # v(both) = 81.25 - 72.5 = 8.75
    # v(panel) = 450/7 - 625/7 = -25
    # v(patients): Q1 dropped, Q2 from P1, P2 (A 4, B 2), Q3 as is, weights 50/50:
    #   A = 50 × 4/4 + 50 × 3.5/4 = 93.75; B = 50 × 2/4 + 50 × 2/4 = 50; v = 43.75
    # patient = 43.75/2 + (8.75 - (-25))/2 = 21.875 + 16.875 = 38.75
    # panel   = -25/2 + (8.75 - 43.75)/2   = -12.5 - 17.5   = -30
    inf = analyse(main_inputs(), draws=0).influence
    assert inf.shapley["patient"] == pytest.approx(38.75)
    assert inf.shapley["panel"] == pytest.approx(-30.0)
    assert inf.split.margin == pytest.approx(8.75)
    assert inf.split.runners_up == (1,)


def test_shapley_split_is_zero_without_a_single_winner():
    inputs = gen_inputs([[[4, 4]], [[4, 4]]], ["patient", "panel"], [100])
    assert analyse(inputs, draws=0).influence.shapley == {"patient": 0.0, "panel": 0.0}


# A price section nobody scores, given as consensus, belongs to neither group.
#   Q1 50% both: A P1 4, N1 2 (mean 3); B P1 1, N1 3 (mean 2)
#   Price 50%:   A 2, B 4 (consensus)
#   Totals: A 50·3/4 + 50·2/4 = 62.5; B 50·2/4 + 50·4/4 = 75; B wins by 12.5
def price_inputs():
    return gen_inputs(
        [[[4, 2], [nan, nan]], [[1, 3], [nan, nan]]],
        ["patient", "panel"],
        [50, 50],
        consensus=[[nan, 2], [nan, 4]],
        sections=("Q1", "Price"),
    )


def test_price_sections_count_for_neither_group():
    a = analyse(price_inputs(), draws=0)
    m, inf = a.moderation, a.influence
    assert m.totals == pytest.approx([62.5, 75.0])
    assert m.scored_by == ("both", "neither")
    assert inf.patient_weight_share == pytest.approx(0.5)
    # contribution: A 37.5 × 4/6 = 25, B 25 × 1/4 = 6.25; fixed: A 25, B 50
    assert inf.contribution == pytest.approx([25.0, 6.25])
    assert inf.panel_contribution == pytest.approx([12.5, 18.75])
    assert inf.fixed_contribution == pytest.approx([25.0, 50.0])


def test_price_sections_stay_in_the_counterfactual_and_in_the_shapley_games():
    # without patients: Q1 from N1 (A 2, B 3), price kept, nothing dropped:
    #   A = 25 + 25 = 50, B = 37.5 + 50 = 87.5 -> v(panel) = 87.5 - 50 = 37.5
    # patients alone: Q1 from P1 (A 4, B 1), price kept:
    #   A = 50 + 25 = 75, B = 12.5 + 50 = 62.5 -> v(patients) = 62.5 - 75 = -12.5
    # v(both) = 12.5; patient = -12.5/2 + (12.5 - 37.5)/2 = -18.75
    #                 panel   = 37.5/2 + (12.5 + 12.5)/2 = 31.25
    inf = analyse(price_inputs(), draws=0).influence
    assert inf.counterfactual_totals == pytest.approx([50.0, 87.5])
    assert not inf.winner_changed
    assert inf.shapley["patient"] == pytest.approx(-18.75)
    assert inf.shapley["panel"] == pytest.approx(31.25)


def test_with_no_patient_scores_the_price_section_gives_patients_no_credit():
    inputs = gen_inputs([[[2], [nan]], [[3], [nan]]], ["panel"], [50, 50], consensus=[[nan, 4], [nan, 1]])
    inf = analyse(inputs, draws=0).influence
    assert inf.shapley["patient"] == 0.0
    assert inf.shapley["panel"] == pytest.approx(inf.split.margin)


def test_when_patients_scored_every_weighted_section_nothing_is_left_without_them():
    inputs = gen_inputs([[[4]], [[2]]], ["patient"], [100])
    inf = analyse(inputs, draws=0).influence
    assert inf.counterfactual_empty and inf.counterfactual_winner is None
    assert inf.counterfactual_totals.tolist() == [0.0, 0.0]


def test_by_group_combination_feeds_the_patient_alone_result():
    m = moderate(main_inputs())
    assert m.cells.by_group[0, 1, PATIENT_COLUMN] == 4.0
    assert group_alone(m, PATIENT_COLUMN).totals == pytest.approx([93.75, 50.0])
