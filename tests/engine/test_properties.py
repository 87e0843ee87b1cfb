"""Properties that hold for every procurement (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.engine import EngineInputs, analyse, moderate

from .gen import procurements

DRAWS = 200
SETTINGS = settings(max_examples=80, deadline=None)


def with_bidders_in_order(inputs: EngineInputs, order) -> EngineInputs:
    order = list(order)
    return EngineInputs(
        scores=inputs.scores[order],
        groups=inputs.groups,
        weights=inputs.weights,
        max_scores=inputs.max_scores,
        thresholds=inputs.thresholds,
        consensus=inputs.consensus[order],
        bidder_labels=tuple(inputs.bidder_labels[i] for i in order),
        section_labels=inputs.section_labels,
    )


def with_evaluators_in_order(inputs: EngineInputs, order) -> EngineInputs:
    order = list(order)
    return EngineInputs(
        scores=inputs.scores[:, :, order],
        groups=tuple(inputs.groups[i] for i in order),
        weights=inputs.weights,
        max_scores=inputs.max_scores,
        thresholds=inputs.thresholds,
        consensus=inputs.consensus,
        bidder_labels=inputs.bidder_labels,
        section_labels=inputs.section_labels,
    )


def label(inputs, index):
    return None if index is None else inputs.bidder_labels[index]


@SETTINGS
@given(st.data())
def test_bidder_order_does_not_matter(data):
    inputs = data.draw(procurements())
    order = data.draw(st.permutations(range(inputs.n_bidders)))
    before = analyse(inputs, draws=DRAWS)
    after = analyse(with_bidders_in_order(inputs, order), draws=DRAWS)
    m0, m1 = before.moderation, after.moderation
    assert m1.totals == pytest.approx(m0.totals[order], abs=1e-9)
    assert m1.ranks.tolist() == m0.ranks[order].tolist()
    assert m1.failing.tolist() == m0.failing[order].tolist()
    assert label(inputs, m0.winner) == label(after.moderation.inputs, m1.winner)
    i0, i1 = before.influence, after.influence
    assert i1.contribution == pytest.approx(i0.contribution[order], abs=1e-9)
    assert i1.counterfactual_totals == pytest.approx(i0.counterfactual_totals[order], abs=1e-9)
    assert i1.counterfactual_ranks.tolist() == i0.counterfactual_ranks[order].tolist()
    assert i1.winner_changed == i0.winner_changed
    assert i1.shapley == pytest.approx(i0.shapley, abs=1e-9)
    assert i1.tipping_points == pytest.approx(i0.tipping_points, abs=1e-9)
    assert i1.kendall_tau == pytest.approx(i0.kendall_tau, abs=1e-9)
    assert after.sensitivity == pytest.approx(before.sensitivity[order], abs=2 / DRAWS)


@SETTINGS
@given(st.data())
def test_evaluator_order_does_not_matter(data):
    inputs = data.draw(procurements())
    order = data.draw(st.permutations(range(inputs.n_evaluators)))
    before = analyse(inputs, draws=DRAWS)
    after = analyse(with_evaluators_in_order(inputs, order), draws=DRAWS)
    assert after.moderation.totals == pytest.approx(before.moderation.totals, abs=1e-9)
    assert after.moderation.ranks.tolist() == before.moderation.ranks.tolist()
    assert after.moderation.winner == before.moderation.winner
    i0, i1 = before.influence, after.influence
    assert i1.contribution == pytest.approx(i0.contribution, abs=1e-9)
    assert i1.counterfactual_totals == pytest.approx(i0.counterfactual_totals, abs=1e-9)
    assert i1.shapley == pytest.approx(i0.shapley, abs=1e-9)
    assert i1.tipping_points == pytest.approx(i0.tipping_points, abs=1e-9)
    assert i1.krippendorff_alpha == pytest.approx(i0.krippendorff_alpha, abs=1e-9)
    assert after.summary == before.summary


@SETTINGS
@given(procurements())
def test_patient_panel_and_fixed_parts_add_up_to_the_totals(inputs):
    a = analyse(inputs, draws=0)
    inf, totals = a.influence, a.moderation.totals
    parts = inf.contribution + inf.panel_contribution + inf.fixed_contribution
    assert parts == pytest.approx(totals, abs=1e-9)
    assert (inf.contribution >= -1e-9).all() and (inf.contribution <= totals + 1e-9).all()
    assert (inf.panel_contribution >= -1e-9).all()


@SETTINGS
@given(procurements())
def test_the_shapley_parts_add_up_to_the_winners_margin(inputs):
    split = analyse(inputs, draws=0).influence.split
    assert split.patient + split.panel == pytest.approx(
        split.margin if split.winner is not None and split.runners_up else 0.0, abs=1e-9
    )


@SETTINGS
@given(procurements(groups="panel"))
def test_without_patient_scores_every_influence_figure_is_zero(inputs):
    a = analyse(inputs, draws=DRAWS)
    m, inf = a.moderation, a.influence
    assert inf.patient_weight_share == 0.0
    assert inf.contribution.tolist() == [0.0] * inputs.n_bidders
    assert inf.counterfactual_totals.tolist() == m.totals.tolist()  # exactly equal
    assert inf.counterfactual_ranks.tolist() == m.ranks.tolist()
    assert inf.rank_change.tolist() == [0] * inputs.n_bidders
    assert inf.counterfactual_winner == m.leader and not inf.winner_changed
    assert inf.shapley["patient"] == 0.0
    assert inf.tipping_points == () and inf.nearest_tipping_point is None
    assert inf.kendall_tau is None and inf.krippendorff_alpha["patient"] is None


@SETTINGS
@given(st.data())
def test_raising_one_score_never_lowers_that_bidders_total_or_rank(data):
    inputs = data.draw(procurements())
    scored = np.argwhere(~np.isnan(inputs.scores))
    assume(len(scored))
    b, s, e = scored[data.draw(st.integers(0, len(scored) - 1))]
    old = inputs.scores[b, s, e]
    new = data.draw(st.floats(old, float(inputs.max_scores[s])))
    raised = np.array(inputs.scores)
    raised[b, s, e] = new
    combine = data.draw(st.sampled_from(["mean", "median"]))
    before = moderate(inputs, combine=combine)
    after = moderate(
        EngineInputs(
            scores=raised,
            groups=inputs.groups,
            weights=inputs.weights,
            max_scores=inputs.max_scores,
            thresholds=inputs.thresholds,
            consensus=inputs.consensus,
        ),
        combine=combine,
    )
    assert after.totals[b] >= before.totals[b]
    assert after.ranks[b] <= before.ranks[b]


@SETTINGS
@given(procurements())
def test_moderated_scores_lie_between_the_lowest_and_highest_score(inputs):
    for combine in ("mean", "median"):
        proposed = moderate(inputs, combine=combine).proposed
        low = np.fmin.reduce(inputs.scores, axis=2)
        high = np.fmax.reduce(inputs.scores, axis=2)
        scored = ~np.isnan(low)
        assert (proposed[scored] >= low[scored] - 1e-12).all()
        assert (proposed[scored] <= high[scored] + 1e-12).all()
        assert np.isnan(proposed[~scored]).all()


@SETTINGS
@given(procurements())
def test_win_probabilities_add_up_to_one_when_anyone_passes(inputs):
    a = analyse(inputs, draws=DRAWS)
    total = a.sensitivity.sum()
    if (~a.moderation.failing).any():
        assert total == pytest.approx(1.0)
    else:
        assert total == 0.0
    assert (a.sensitivity[a.moderation.failing] == 0).all()
