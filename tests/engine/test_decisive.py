"""Decisive intervals: where W(α) ≠ C(α), by hand and against a fine grid; the decisive rate D(α).

W(α) is the winner with every score when the patient sections weigh α; C(α) the
winner at the same weights without the patient scores (see scoring/engine/decisive.py).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import moderate
from scoring.engine.cells import PANEL_COLUMN
from scoring.engine.decisive import alpha_half, decisive, decisive_from_lines, decisive_rate, rate_steps, rate_table
from scoring.engine.influence import group_alone

from .gen import gen_inputs, procurements
from .test_influence import main_inputs
from .test_sweep import three_lines


def flat(intervals):
    return [x for pair in intervals for x in pair]


def test_main_example_patient_scores_decide_from_four_ninths():
    # W: O (Q1 alone) A 75, B 100; P (Q2, Q3 rescaled) A 85.4167, B 54.1667 (see test_sweep):
    #    B wins up to α = 4/9, A after.
    # C: Q3 (patients only) dropped, Q2 from the panel alone: A N1 2 -> 0.5, B N1 3 -> 0.75.
    #    Pc = 30 × fraction / 60 × 100: A 25, B 37.5.
    #    A(α) = 75 - 50 α, B(α) = 100 - 62.5 α; B - A = 25 - 12.5 α > 0 on [0, 1]: B throughout.
    # So W ≠ C exactly on [4/9, 1]; today's share 0.6 is inside (the winner changed).
    d = decisive(moderate(main_inputs()))
    assert [w for _, _, w in d.with_patient] == [1, 0]
    assert d.with_patient[0][1] == pytest.approx(4 / 9)
    assert d.without_patient == ((0.0, 1.0, 1),)
    assert flat(d.intervals) == pytest.approx([4 / 9, 1.0])
    assert d.at(0.6) and d.at(4 / 9) and not d.at(0.44)


def test_three_lines_decisive_once_the_leader_is_not_the_panel_favourite():
    # W: A 100 - 100 α, B 75 - 25 α, C 100 α: A to 1/3, B to 0.6, C after (test_sweep).
    # C: Q1 (patients only) dropped, so bidders rank by O alone: A 100, B 75, C 0: A throughout.
    d = decisive(moderate(three_lines()))
    assert d.without_patient == ((0.0, 1.0, 0),)
    assert flat(d.intervals) == pytest.approx([1 / 3, 1.0])


def test_two_separate_intervals_from_lines():
    # O = (100, 75, 0); with patients P = (0, 50, 100): W is A [0, 1/3], B [1/3, 0.6], C [0.6, 1].
    # Without: Pc = (0, 100, 0): A 100 - 100 α, B 75 + 25 α, C 0; A = B at 125 α = 25, α = 0.2,
    #   so C is A [0, 0.2], B [0.2, 1].
    # W ≠ C on [0.2, 1/3] (A against B) and [0.6, 1] (C against B); equal (B) on [1/3, 0.6].
    everyone = np.ones(3, bool)
    d = decisive_from_lines(
        np.array([0.0, 50, 100]), np.array([100.0, 75, 0]), everyone, np.array([0.0, 100, 0]), everyone
    )
    assert flat(d.intervals) == pytest.approx([0.2, 1 / 3, 0.6, 1.0])


def test_a_bidder_failing_only_without_patients_is_out_of_c():
    # Same lines, but B fails in the counterfactual: C is A throughout (A 100 - 100 α > 0 = C),
    # so W ≠ C wherever W is not A: [1/3, 1].
    everyone = np.ones(3, bool)
    d = decisive_from_lines(
        np.array([0.0, 50, 100]),
        np.array([100.0, 75, 0]),
        everyone,
        np.array([0.0, 100, 0]),
        np.array([True, False, True]),
    )
    assert flat(d.intervals) == pytest.approx([1 / 3, 1.0])


def test_panel_only_procurement_is_never_decisive():
    d = decisive(moderate(gen_inputs([[[3]], [[2]]], ["panel"], [100])))
    assert d.intervals == ()


def test_decisive_rate_and_alpha_half_by_hand():
    # main example [4/9, 1], three lines [1/3, 1], a panel-only procurement nowhere.
    # D = 0 below 1/3, 1/3 on [1/3, 4/9), 2/3 from 4/9: D first reaches 1/2 at 4/9.
    views = [[(4 / 9, 1.0)], [(1 / 3, 1.0)], []]
    assert decisive_rate(views, 0.3) == 0
    assert decisive_rate(views, 0.4) == pytest.approx(1 / 3)
    assert decisive_rate(views, 0.5) == pytest.approx(2 / 3)
    assert alpha_half(views) == pytest.approx(4 / 9)
    # without the panel-only one, 1 of 2 at 1/3 is already one half
    assert alpha_half(views[:2]) == pytest.approx(1 / 3)
    # two of four decisive on [0.2, 0.3] only: D reaches 1/2 at 0.2 and falls again
    assert alpha_half([[(0.2, 0.3)], [(0.25, 0.3)], [], []]) == pytest.approx(0.25)
    assert alpha_half([[(0.2, 0.3)], [], []]) is None
    assert alpha_half([]) is None
    table = rate_table(views)
    assert [row[0] for row in table][:3] == [0.0, 0.05, 0.1]
    assert table[8] == (0.4, pytest.approx(1 / 3), [1])  # α = 0.40: only three lines
    assert table[9] == (0.45, pytest.approx(2 / 3), [0, 1])
    # the exact steps the chart draws: 0 up to 1/3, 1/3 up to 4/9, 2/3 to the end
    steps = rate_steps(views)
    assert [(a, b) for a, b, _ in steps] == [
        (0.0, pytest.approx(1 / 3)),
        (pytest.approx(1 / 3), pytest.approx(4 / 9)),
        (pytest.approx(4 / 9), 1.0),
    ]
    assert [r for _, _, r in steps] == [0.0, pytest.approx(1 / 3), pytest.approx(2 / 3)]
    # a rate that rises and falls again; no procurements at all is a flat 0
    assert rate_steps([[(0.2, 0.3)], []]) == [(0.0, 0.2, 0.0), (0.2, 0.3, 0.5), (0.3, 1.0, 0.0)]
    assert rate_steps([]) == [(0.0, 1.0, 0.0)]


def reweighted(inputs, alpha, patient):
    """The procurement with the patient sections weighing α in all (proportions kept)."""
    w = np.asarray(inputs.weights, float)
    new = np.where(patient, alpha * 100 * w / w[patient].sum(), (1 - alpha) * 100 * w / w[~patient].sum())
    return dataclasses.replace(inputs, weights=new)


def winner_on(pieces, alpha):
    return next(w for start, end, w in pieces if start <= alpha <= end)


@settings(max_examples=120, deadline=None)
@given(procurements(max_bidders=4, max_sections=4, max_evaluators=4))
def test_exact_intervals_match_a_fine_grid(inputs):
    """At every grid α away from a breakpoint, α is in an interval exactly when W(α) ≠ C(α),
    with W and C computed by re-running the engine at the re-weighted weights."""
    m = moderate(inputs)
    d = decisive(m)
    w = np.asarray(inputs.weights, float)
    patient = m.patient_sections
    if not (w[patient].sum() > 0 and w[~patient].sum() > 0):
        changed = group_alone(m, PANEL_COLUMN).leader != m.leader
        assert d.intervals == (((0.0, 1.0),) if changed else ())
        return
    edges = np.array([x for piece in d.with_patient + d.without_patient for x in piece[:2]])
    for alpha in np.linspace(0, 1, 201)[1:-1]:
        if np.abs(edges - alpha).min() < 1e-6:
            continue
        at = moderate(reweighted(inputs, alpha, patient))
        assert np.array_equal(at.patient_sections, patient)
        w_alpha, c_alpha = at.leader, group_alone(at, PANEL_COLUMN).leader
        assert winner_on(d.with_patient, alpha) == w_alpha
        assert winner_on(d.without_patient, alpha) == c_alpha
        assert d.at(alpha) == (w_alpha != c_alpha), (alpha, w_alpha, c_alpha, d)
    # today's share gives back the engine's own counterfactual
    today = w[patient].sum() / 100
    if np.abs(edges - today).min() > 1e-6:
        assert d.at(today) == (group_alone(m, PANEL_COLUMN).leader != m.leader)


def grid_winner(alpha, p, o, passing):
    values = np.where(passing, alpha * p + (1 - alpha) * o, -np.inf)
    top = np.flatnonzero(values >= values.max() - 1e-9)
    return int(top[0]) if top.size == 1 and passing[top[0]] else None


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            *(
                [st.lists(st.integers(0, 20), min_size=n, max_size=n)] * 3
                + [st.lists(st.booleans(), min_size=n, max_size=n)] * 2
            )
        )
    )
)
def test_intervals_from_random_lines_match_a_fine_grid(case):
    """Both W and C move here (random lines), so every kind of crossing is exercised."""
    p, o, p_without, passing, passing_without = (
        np.array(x, dtype=float if k < 3 else bool) for k, x in enumerate(case)
    )
    d = decisive_from_lines(p, o, passing, p_without, passing_without)
    edges = np.array([x for piece in d.with_patient + d.without_patient for x in piece[:2]])
    for alpha in np.linspace(0, 1, 401):
        if np.abs(edges - alpha).min() < 1e-6:
            continue
        w, c = grid_winner(alpha, p, o, passing), grid_winner(alpha, p_without, o, passing_without)
        assert winner_on(d.with_patient, alpha) == w and winner_on(d.without_patient, alpha) == c
        assert d.at(alpha) == (w != c), (alpha, w, c, d)
    # the intervals are sorted, disjoint and inside [0, 1]
    ends = flat(d.intervals)
    assert ends == sorted(ends) and all(0 <= x <= 1 for x in ends)


def test_rate_steps_and_alpha_half_agree_with_checking_each_alpha():
    # Random sets of procurements with disjoint closed intervals (some touching 0 or 1, some empty):
    # the counted steps and α½ equal D(α) worked out procurement by procurement.
    rng = np.random.default_rng(3)
    for _ in range(200):
        views = []
        for _ in range(int(rng.integers(1, 7))):
            ends = np.sort(
                rng.choice(np.round(np.linspace(0, 1, 21), 2), size=2 * int(rng.integers(0, 3)), replace=False)
            )
            views.append([(float(a), float(b)) for a, b in zip(ends[::2], ends[1::2])])
        steps = rate_steps(views)
        assert steps[0][0] == 0.0 and steps[-1][1] == 1.0
        for start, end, rate in steps:  # just inside each end (a merged step's middle may be an end)
            assert rate == pytest.approx(decisive_rate(views, start + 1e-6))
            assert rate == pytest.approx(decisive_rate(views, end - 1e-6))
        grid = [i / 1000 for i in range(1001)]
        half = next(
            (
                a
                for a in sorted({0.0, *(x for v in views for pair in v for x in pair)})
                if 2 * decisive_rate(views, a) >= 1
            ),
            None,
        )
        assert alpha_half(views) == half
        assert half is None or not any(decisive_rate(views, a) >= 0.5 for a in grid if a < half - 1e-9)
