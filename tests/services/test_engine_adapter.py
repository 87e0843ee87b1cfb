"""Loading a procurement into the engine's arrays, and `flask moderate` on top of it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sqlalchemy import select

from scoring.cli.moderate import moderate_command
from scoring.engine import analyse
from scoring.extensions import db
from scoring.models import Consensus, Declaration, Score, ScoreStatus
from scoring.services import engine_adapter
from scoring.services.engine_adapter import load_inputs

from ..helpers import gen_procurement


def gen_score(bidder, section, evaluator, value, *, status=ScoreStatus.SUBMITTED.value):
    score = Score(
        bidder_id=bidder.id,
        section_id=section.id,
        evaluator_id=evaluator.id,
        value=value,
        rationale="Because.",
        status=status,
    )
    db.session.add(score)
    return score


def scored(procurement, rep, panel):
    """Q1 (60%, both) and Q2 (40%, patients) scored for Bidder A and B; all submitted.

    Q1: A rep 4, panel 2 (mean 3); B rep 1, panel 3 (mean 2). Q2: A rep 2, B rep 4.
    Totals: A 60 × 3/4 + 40 × 2/4 = 65; B 60 × 2/4 + 40 × 4/4 = 70.
    """
    (q1, q2), (a, b) = procurement.sections, procurement.bidders
    for bidder, section, evaluator, value in [
        (a, q1, rep, 4),
        (a, q1, panel, 2),
        (b, q1, rep, 1),
        (b, q1, panel, 3),
        (a, q2, rep, 2),
        (b, q2, rep, 4),
    ]:
        gen_score(bidder, section, evaluator, value)
    db.session.commit()
    return procurement


def test_submitted_scores_fill_the_cube_in_display_order(procurement, rep, panel):
    inputs, meta = load_inputs(db.session, scored(procurement, rep, panel))
    assert inputs.bidder_labels == ("Bidder A", "Bidder B")
    assert inputs.section_labels == ("Q1", "Q2")
    assert inputs.groups == ("patient", "panel")  # patient reps first
    assert inputs.evaluator_labels == (rep.email, panel.email)
    assert inputs.weights.tolist() == [60.0, 40.0]
    assert inputs.max_scores.tolist() == [4.0, 4.0]
    assert np.array_equal(inputs.scores, np.array([[[4, 2], [2, np.nan]], [[1, 3], [4, np.nan]]]), equal_nan=True)
    assert meta["scores"] == 6 and meta["conflicted"] == 0
    assert [b["id"] for b in meta["bidders"]] == [b.id for b in procurement.bidders]
    assert meta["evaluators"][0] == {
        "id": rep.id,
        "email": rep.email,
        "name": rep.name,
        "role": "patient",
        "group": "patient",
    }
    assert analyse(inputs, draws=0).moderation.totals.tolist() == [65.0, 70.0]


def test_ids_too_far_apart_to_pack_are_read_column_by_column(procurement, rep, panel, monkeypatch):
    packed, _ = load_inputs(db.session, scored(procurement, rep, panel))
    monkeypatch.setattr(engine_adapter, "PACK_LIMIT", 1)
    unpacked, _ = load_inputs(db.session, procurement)
    assert np.array_equal(unpacked.scores, packed.scores, equal_nan=True)


def test_a_value_off_the_scale_is_read_the_slow_way_and_reported(procurement, rep, panel):
    scored(procurement, rep, panel)
    (q1, _), (a, _) = procurement.sections, procurement.bidders
    stray = db.session.scalar(
        select(Score).where(Score.bidder_id == a.id, Score.section_id == q1.id, Score.evaluator_id == panel.id)
    )
    stray.value = 7  # only a bug could store this: the engine must say so, not hide it
    db.session.commit()
    with pytest.raises(
        ValueError,
        match=(
            f"^score 7 by evaluator '{panel.email}' \\(index 1\\) for bidder 'Bidder A', "
            "section 'Q1' is above the section maximum of 4$"
        ),
    ):
        load_inputs(db.session, procurement)


def test_drafts_and_scores_without_a_value_do_not_count(procurement, rep, panel):
    (q1, _), (a, b) = procurement.sections, procurement.bidders
    gen_score(a, q1, rep, 3, status=ScoreStatus.DRAFT.value)
    gen_score(a, q1, panel, None)
    gen_score(b, q1, panel, 2)
    db.session.commit()
    inputs, meta = load_inputs(db.session, procurement)
    assert inputs.evaluator_labels == (panel.email,)  # the rep has nothing counted
    assert np.isnan(inputs.scores[0]).all() and inputs.scores[1, 0, 0] == 2.0
    assert meta["scores"] == 1


def test_a_declared_conflict_removes_that_evaluators_scores_for_that_bidder(procurement, rep, panel):
    scored(procurement, rep, panel)
    a, b = procurement.bidders
    db.session.add(Declaration(user_id=panel.id, bidder_id=a.id, has_conflict=True, details="I used to work there."))
    db.session.add(Declaration(user_id=rep.id, bidder_id=a.id, has_conflict=False))
    db.session.commit()
    inputs, meta = load_inputs(db.session, procurement)
    assert np.isnan(inputs.scores[0, :, 1]).all()  # panel's score for A is gone
    assert inputs.scores[1, 0, 1] == 3.0  # but not for B
    assert inputs.scores[0, 0, 0] == 4.0  # the rep's (no conflict) stays
    assert meta["conflicted"] == 1


def test_consensus_is_loaded_per_cell(procurement, rep, panel):
    scored(procurement, rep, panel)
    (q1, _), (a, _) = procurement.sections, procurement.bidders
    db.session.add(Consensus(bidder_id=a.id, section_id=q1.id, value=3, rationale="Agreed."))
    db.session.commit()
    inputs, _ = load_inputs(db.session, procurement)
    assert inputs.consensus[0, 0] == 3.0
    assert np.isnan(inputs.consensus).sum() == 3


def test_price_sections_are_scored_from_prices_and_belong_to_neither_group(app, lead, rep, panel):
    procurement = gen_procurement(
        lead=lead,
        reference="GP-PRICE",
        evaluators=[rep, panel],
        sections=[("Q1", 50, "both"), ("P", 50, "price")],
        bidders=("Bidder A", "Bidder B", "Bidder C"),
        open_scoring=False,
    )
    a, b, c = procurement.bidders
    a.price, b.price = 100_000.0, 125_000.0  # C has no price yet
    q1, price = procurement.sections
    for bidder, value in ((a, 2), (b, 3), (c, 4)):
        gen_score(bidder, q1, rep, value)
        gen_score(bidder, price, panel, 4)  # a stray vote on price: ignored
    db.session.commit()
    inputs, meta = load_inputs(db.session, procurement)
    # lowest / price × 4: A 4, B 100/125 × 4 = 3.2, C unknown
    assert inputs.consensus[:2, 1].tolist() == [4.0, 3.2]
    assert np.isnan(inputs.consensus[2, 1])
    assert np.isnan(inputs.scores[:, 1]).all()
    assert meta["missing_prices"] == ["Bidder C"]
    m = analyse(inputs, draws=0).moderation
    assert m.scored_by == ("patient", "neither")
    assert m.incomplete == ((2, 1),)


def test_weights_not_summing_to_100_are_reported(app, lead, rep):
    procurement = gen_procurement(
        lead=lead, reference="GP-HALF", evaluators=[rep], sections=[("Q1", 60, "both")], open_scoring=False
    )
    with pytest.raises(ValueError, match="^weights sum to 60; they must sum to 100$"):
        load_inputs(db.session, procurement)


def test_an_empty_procurement_loads_as_an_incomplete_result(procurement):
    inputs, meta = load_inputs(db.session, procurement)
    assert inputs.shape == (2, 2, 0)
    assert len(analyse(inputs, draws=0).moderation.incomplete) == 4


# ------------------------------------------------------------------------ flask moderate


def test_cli_prints_the_ranking_and_the_summary(app, procurement, rep, panel):
    scored(procurement, rep, panel)
    result = app.test_cli_runner().invoke(moderate_command, ["GP-TEST-01", "--draws", "200"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("GP-TEST-01: Test GP-TEST-01")
    ranking = [line.split() for line in lines if line.strip()[:1] in ("1", "2")][:2]
    assert ranking[0][1:4] == ["Bidder", "B", "70.00"]
    assert ranking[1][1:4] == ["Bidder", "A", "65.00"]
    assert "Patient representatives scored both sections, worth 100% of the marks." in result.output


def test_cli_json_has_the_documented_keys(app, procurement, rep, panel):
    scored(procurement, rep, panel)
    result = app.test_cli_runner().invoke(moderate_command, ["GP-TEST-01", "--json", "--draws", "100"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["reference"] == "GP-TEST-01"
    assert document["status"] == procurement.status
    assert [(b["code"], b["total"], b["rank"], b["failing"]) for b in document["bidders"]] == [
        ("Bidder A", 65.0, 2, False),
        ("Bidder B", 70.0, 1, False),
    ]
    assert document["winner"] == "Bidder B"
    for key in ("patient_weight_share", "counterfactual_winner", "tipping_points", "shapley"):
        assert key in document["influence"]


def test_cli_refuses_an_unknown_reference(app):
    result = app.test_cli_runner().invoke(moderate_command, ["NOPE-1"])
    assert result.exit_code == 1
    assert "There is no procurement with the reference NOPE-1." in result.output


def test_cli_explains_why_a_procurement_cannot_be_analysed(app, lead):
    gen_procurement(lead=lead, reference="GP-HALF", sections=[("Q1", 60, "both")], open_scoring=False)
    result = app.test_cli_runner().invoke(moderate_command, ["GP-HALF"])
    assert result.exit_code == 1
    assert "GP-HALF cannot be analysed as it stands: weights sum to 60" in result.output
