"""Evaluator calibration and moderation moves, worked out by hand on a small procurement.

Two bidders (A, B), two sections (Q1, Q2), three evaluators: rep 1 and rep 2 (patient), one panel member.

    agreed          rep 1       rep 2        panel
         Q1 Q2      Q1 Q2       Q1 Q2        Q1 Q2
    A    3  2       4  3        1  2         3  -
    B    2  2       3  3        2  -         3  -
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.engine.calibration import calibrate, moves, t975

N = np.nan
SCORES = np.array(
    [
        [[4, 1, 3], [3, 2, N]],  # A: Q1 (rep1, rep2, panel), Q2
        [[3, 2, 3], [3, N, N]],  # B
    ],
    dtype=float,
)
AGREED = np.array([[3, 2], [2, 2]], dtype=float)
GROUPS = ("patient", "patient", "panel")


def test_each_evaluator_against_the_agreed_scores():
    people, _groups = calibrate(SCORES, AGREED, GROUPS)
    rep1, rep2, panel = people
    # rep 1: differences +1, +1, +1, +1: mean 1, sd 0, so the interval is exactly [1, 1].
    assert (rep1.cells, rep1.mean, rep1.low, rep1.high) == (4, 1.0, 1.0, 1.0)
    assert rep1.far == 0 and rep1.flat_sections == (1,)  # Q2: 3 to both bidders
    # rep 2: differences -2, 0, 0: mean -2/3; sd = sqrt(((4/3)^2 + 2 (2/3)^2) / 2) = sqrt(4/3);
    # half-width = t(2) 4.303 x sqrt(4/3) / sqrt(3) = 4.303 x 2/3 = 2.868667.
    assert rep2.cells == 3 and rep2.mean == pytest.approx(-2 / 3)
    assert rep2.low == pytest.approx(-2 / 3 - 4.303 * 2 / 3) and rep2.high == pytest.approx(-2 / 3 + 4.303 * 2 / 3)
    assert rep2.far == pytest.approx(1 / 3) and rep2.far_cells == 1  # A Q1: 1 against 3
    assert rep2.flat_sections == ()  # Q1: 1 and 2; Q2: only one bidder scored
    # panel: differences 0, +1: mean 0.5, sd sqrt(0.5), se 0.5, t(1) 12.706: 0.5 -/+ 6.353.
    assert panel.mean == pytest.approx(0.5)
    assert (panel.low, panel.high) == pytest.approx((0.5 - 6.353, 0.5 + 6.353))
    assert panel.flat_sections == (0,)  # Q1: 3 to both bidders


def test_each_group_pools_its_evaluators():
    _people, groups = calibrate(SCORES, AGREED, GROUPS)
    patient = groups["patient"]
    # differences 1, 1, 1, 1, -2, 0, 0: mean 2/7; sum of squared deviations
    # 4 (5/7)^2 + (16/7)^2 + 2 (2/7)^2 = 364/49; sd = sqrt(364/49/6); t(6) = 2.447.
    sd = math.sqrt(364 / 49 / 6)
    assert patient.cells == 7 and patient.mean == pytest.approx(2 / 7)
    assert patient.high - patient.mean == pytest.approx(2.447 * sd / math.sqrt(7))
    assert patient.far == pytest.approx(1 / 7) and patient.flat_sections == (1,)
    assert groups["panel"].cells == 2 and groups["panel"].mean == pytest.approx(0.5)


def test_an_evaluator_with_one_cell_has_no_interval_and_none_has_no_figures():
    scores = np.array([[[2, N]]], dtype=float)
    people, _ = calibrate(scores, np.array([[3.0]]), ("patient", "panel"))
    assert (people[0].cells, people[0].mean, people[0].low) == (1, -1.0, None)
    assert (people[1].cells, people[1].mean, people[1].far) == (0, None, None)


def test_moderation_moves_per_group():
    m = moves(SCORES, AGREED, GROUPS)
    # everyone's mean: A Q1 8/3, A Q2 2.5, B Q1 8/3, B Q2 3; agreed minus it: 1/3, -1/2, -2/3, -1.
    assert (m["all"].cells, m["all"].moved) == (4, 4)
    assert m["all"].mean_size == pytest.approx(2.5 / 4) and m["all"].mean_signed == pytest.approx(-11 / 24)
    # patient mean: 2.5, 2.5, 2.5, 3: moves 0.5, -0.5, -0.5, -1.
    assert (m["patient"].cells, m["patient"].moved) == (4, 4)
    assert m["patient"].mean_size == pytest.approx(0.625) and m["patient"].mean_signed == pytest.approx(-0.375)
    # panel mean: A Q1 3 (not moved), B Q1 3 (moved by -1).
    assert (m["panel"].cells, m["panel"].moved, m["panel"].mean_size) == (2, 1, 0.5)


def test_t_quantiles_from_the_table_and_beyond():
    assert t975(1) == 12.706 and t975(30) == 2.042 and t975(60) == pytest.approx(2.000)
    assert 1.96 < t975(1000) < 1.98
    with pytest.raises(ValueError):
        t975(0)


def test_mismatched_shapes_are_refused():
    with pytest.raises(ValueError, match="do not match"):
        calibrate(SCORES, AGREED[:1], GROUPS)
