"""Patient-weight sweep: exact tipping points, checked by hand and against a fine grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import analyse
from scoring.engine.sweep import TABLE_ALPHAS, patient_weight_sweep

from .gen import gen_inputs
from .test_influence import main_inputs


def test_main_example_tips_at_four_ninths():
    # Patient sections Q2, Q3 (60%), other Q1 (40%).
    # P (patient sections rescaled to 100): A (25 + 26.25)/0.6 = 85.4167,
    #                                       B (17.5 + 15)/0.6 = 54.1667
    # O (Q1 alone): A 75, B 100
    # A(α) = 75 + 10.4167 α, B(α) = 100 - 45.8333 α; equal when 56.25 α = 25, α = 4/9
    inf = analyse(main_inputs(), draws=0).influence
    assert inf.tipping_points == pytest.approx((4 / 9,))
    assert inf.nearest_tipping_point == pytest.approx(4 / 9)
    sweep = inf.sweep_detail
    assert sweep.today == pytest.approx(0.6)
    assert sweep.patient_totals == pytest.approx([51.25 / 0.6, 32.5 / 0.6])
    assert sweep.other_totals == pytest.approx([75.0, 100.0])
    assert [w for _, _, w in sweep.pieces] == [1, 0]
    assert sweep.winner_beyond(inf.nearest_tipping_point) == 1
    # the chart table: B up to 0.40, A from 0.45 (A 79.69 vs B 79.38 at 0.45)
    assert [alpha for alpha, _ in inf.sweep] == list(TABLE_ALPHAS)
    assert [w for alpha, w in inf.sweep if alpha <= 0.4] == [1] * 9
    assert [w for alpha, w in inf.sweep if alpha >= 0.45] == [0] * 12


def three_lines():
    # Q1 patients only, Q2 panel only, 50% each, so P = 100 × Q1/4 and O = 100 × Q2/4:
    #   A: Q1 0, Q2 4 -> 100 - 100 α
    #   B: Q1 2, Q2 3 -> 75 - 25 α
    #   C: Q1 4, Q2 0 -> 100 α
    # A = B at α = 1/3; B = C at α = 0.6; A = C at 0.5 is below B, so not a tipping point.
    return gen_inputs(
        [
            [[0, float("nan")], [float("nan"), 4]],
            [[2, float("nan")], [float("nan"), 3]],
            [[4, float("nan")], [float("nan"), 0]],
        ],
        ["patient", "panel"],
        [50, 50],
        bidders=("A", "B", "C"),
    )


def test_only_points_where_the_leader_changes_are_tipping_points():
    inf = analyse(three_lines(), draws=0).influence
    assert inf.tipping_points == pytest.approx((1 / 3, 0.6))
    assert [w for _, _, w in inf.sweep_detail.pieces] == [0, 1, 2]
    # today 0.5 (B wins); 0.6 is nearer than 1/3, and beyond it C wins
    assert inf.nearest_tipping_point == pytest.approx(0.6)
    assert inf.sweep_detail.winner_beyond(inf.nearest_tipping_point) == 2


def test_failing_bidders_never_win_the_sweep():
    inputs = gen_inputs(
        [
            [[0, float("nan")], [float("nan"), 4]],
            [[2, float("nan")], [float("nan"), 3]],
            [[4, float("nan")], [float("nan"), 0]],
        ],
        ["patient", "panel"],
        [50, 50],
        thresholds=[float("nan"), 1],
    )
    inf = analyse(inputs, draws=0).influence  # C fails Q2: only A and B are in the race
    assert inf.tipping_points == pytest.approx((1 / 3,))
    assert {w for _, w in inf.sweep} == {0, 1}


def test_no_patient_sections_means_no_tipping_points():
    inputs = gen_inputs([[[3]], [[2]]], ["panel"], [100])
    inf = analyse(inputs, draws=0).influence
    assert inf.tipping_points == () and inf.nearest_tipping_point is None
    assert {w for _, w in inf.sweep} == {0}


def winner_at(alpha, a, c):
    values = a + alpha * c
    top = np.flatnonzero(values >= values.max() - 1e-9)
    return int(top[0]) if top.size == 1 else None


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 7).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 8), min_size=n, max_size=n),
            st.lists(st.integers(0, 8), min_size=n, max_size=n),
            st.integers(1, 99),
        )
    )
)
def test_tipping_points_match_a_fine_grid(case):
    """Between tipping points the grid winner is constant; across each one it changes."""
    patient_scores, other_scores, patient_weight = case
    fraction = np.array([patient_scores, other_scores], dtype=float).T / 8
    weights = np.array([patient_weight, 100 - patient_weight], dtype=float)
    sweep = patient_weight_sweep(fraction, weights, np.array([True, False]), np.zeros(len(patient_scores), bool))
    a, c = sweep.other_totals, sweep.patient_totals - sweep.other_totals
    edges = (0.0, *sweep.tipping_points, 1.0)
    for (start, end, winner), low, high in zip(sweep.pieces, edges, edges[1:]):
        assert (start, end) == pytest.approx((low, high))
        inside = np.linspace(start, end, 52)[1:-1]
        assert {winner_at(alpha, a, c) for alpha in inside} == {winner}
    for before, after in zip(sweep.pieces, sweep.pieces[1:]):
        assert before[2] != after[2]
    # totals at today's share are the actual totals
    assert a + sweep.today * c == pytest.approx(fraction @ weights)
