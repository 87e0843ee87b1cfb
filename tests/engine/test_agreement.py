"""Kendall's tau-b and Krippendorff's alpha (ordinal), against hand-worked and published values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import analyse, moderate
from scoring.engine.agreement import (
    group_reliability,
    kendall_tau_b,
    krippendorff_alpha_ordinal,
)

from .gen import gen_inputs, nan
from .test_influence import main_inputs


def test_kendall_tau_b_without_ties():
    # pairs: 10; discordant (2,3) and (4,5) -> 2; concordant 8; tau = (8 - 2)/10 = 0.6
    assert kendall_tau_b([1, 2, 3, 4, 5], [1, 3, 2, 5, 4]) == pytest.approx(0.6)


def test_kendall_tau_b_with_ties():
    # x = 1 1 2 3, y = 1 2 2 3: 6 pairs, one tie in x, one tie in y, the other 4 concordant
    # tau-b = 4 / sqrt((6 - 1)(6 - 1)) = 0.8
    assert kendall_tau_b([1, 1, 2, 3], [1, 2, 2, 3]) == pytest.approx(0.8)


def test_kendall_tau_b_is_undefined_for_fewer_than_two_or_all_tied():
    assert kendall_tau_b([1], [2]) is None
    assert kendall_tau_b([1, 1, 1], [1, 2, 3]) is None
    assert kendall_tau_b([1, nan, 3], [1, 2, 3]) == pytest.approx(1.0)


def test_krippendorff_alpha_matches_the_published_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers,
    # 12 units, values 1-5; ordinal alpha = 0.815 (the PyPI package gives 0.8153875).
    coders = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
        ]
    )
    assert krippendorff_alpha_ordinal(coders.T) == pytest.approx(0.8153875, abs=1e-7)


def test_main_example_agreement():
    # Kendall: on Q2 (the only shared section) patients put A (4) above B (2), the panel
    # B (3) above A (2): tau = -1.
    # Krippendorff, patients: units with two patient scores: (4,4), (4,3), (2,2), (2,2)
    #   coincidences o22 = 4, o44 = 2, o34 = o43 = 1; n2 = 4, n3 = 1, n4 = 3, n = 8
    #   d23 = (5/2)^2 = 6.25, d34 = (4/2)^2 = 4, d24 = (8 - 7/2)^2 = 20.25
    #   observed = 2 × 1 × 4 = 8; expected = 2 (4·1·6.25 + 4·3·20.25 + 1·3·4) = 560
    #   alpha = 1 - 7 × 8 / 560 = 0.9
    # panel: units (3,3) and (4,4) only: perfect agreement, alpha = 1
    inf = analyse(main_inputs(), draws=0).influence
    assert inf.kendall_tau == pytest.approx(-1.0)
    assert inf.krippendorff_alpha["patient"] == pytest.approx(0.9)
    assert inf.krippendorff_alpha["panel"] == pytest.approx(1.0)


def test_a_group_with_one_evaluator_has_no_reliability():
    inputs = gen_inputs([[[1, 2, 3]]], ["patient", "panel", "panel"], [100])
    alpha = group_reliability(moderate(inputs))
    assert alpha["patient"] is None


def pairwise_alpha(ratings):
    """Krippendorff's ordinal alpha from its definition, pair by pair (slow, independent)."""
    units = [[v for v in row if not np.isnan(v)] for row in ratings]
    units = [u for u in units if len(u) >= 2]
    if not units:
        return None
    values = sorted({v for u in units for v in u})
    pairs = [(a, b, 1 / (len(u) - 1)) for u in units for a, b in itertools.permutations(u, 2)]
    n_c = {v: sum(w for a, _, w in pairs if a == v) for v in values}
    n = sum(n_c.values())

    def delta(a, b):
        low, high = min(a, b), max(a, b)
        return (sum(n_c[g] for g in values if low <= g <= high) - (n_c[a] + n_c[b]) / 2) ** 2

    observed = sum(w * delta(a, b) for a, b, w in pairs) / n
    expected = sum(n_c[a] * n_c[b] * delta(a, b) for a in values for b in values) / (n * (n - 1))
    return None if expected == 0 else 1 - observed / expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(-1, 4), min_size=3, max_size=3), min_size=2, max_size=8), st.sampled_from([1.0, 0.5])
)
def test_matrix_alpha_equals_the_pair_by_pair_definition(rows, scale):
    ratings = np.array(rows, dtype=float) * scale
    ratings[ratings < 0] = nan
    expected = pairwise_alpha(ratings)
    got = krippendorff_alpha_ordinal(ratings)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-12)


def test_fast_counting_equals_the_general_path():
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 5, (6, 4, 7)).astype(float)
    scores[rng.random(scores.shape) < 0.3] = nan
    groups = ["patient"] * 3 + ["panel"] * 4
    m = moderate(gen_inputs(scores, groups, [25] * 4))
    fast = group_reliability(m)
    flat = scores.reshape(24, 7)
    assert fast["patient"] == pytest.approx(krippendorff_alpha_ordinal(flat[:, :3]))
    assert fast["panel"] == pytest.approx(krippendorff_alpha_ordinal(flat[:, 3:]))
    halves = moderate(gen_inputs(scores / 2, groups, [25] * 4))  # not whole numbers
    assert group_reliability(halves)["panel"] == pytest.approx(fast["panel"])
