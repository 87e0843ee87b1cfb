"""Finalising: only when every answer has a moderated score; the result is stored and never recomputed."""

from __future__ import annotations

import json

import pytest

from scoring.engine import ENGINE_VERSION
from scoring.extensions import db
from scoring.models import AuditEvent, Consensus, Procurement, Role, Score
from scoring.services import evaluation, moderation
from scoring.services.errors import NotAllowed, Refused
from scoring.services.finalise import finalise

from ..helpers import accept_the_rest, gen_procurement, gen_scores, gen_user, to_moderation
from .conftest import client_for, post_consensus, text_of


def test_finalise_stores_the_result_with_the_engine_version(app, in_moderation, lead):
    p = accept_the_rest(in_moderation, lead)
    response = client_for(app, lead).post(f"/procurements/{p.id}/moderation/finalise")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/procurements/{p.id}/results")
    db.session.refresh(p)
    assert p.status == "final" and p.engine_version == ENGINE_VERSION and p.finalised_at is not None
    stored = json.loads(p.final_result_json)
    # Q1 (60%, both): A 4,3,1,2 -> 2.5; B 2,2,3,3 -> 2.5. Q2 (40%, patient): A 4,3 -> 3.5; B 1,2 -> 1.5.
    # A = 60 x 2.5/4 + 40 x 3.5/4 = 72.5; B = 37.5 + 15 = 52.5.
    totals = {row["code"]: row["total"] for row in stored["bidders"]}
    assert totals == pytest.approx({"Bidder A": 72.5, "Bidder B": 52.5})
    assert stored["winner"] == "Bidder A" and stored["view"]["final"] is True
    assert stored["engine_version"] == ENGINE_VERSION
    event = db.session.query(AuditEvent).filter_by(action="procurement.finalised").one()
    assert json.loads(event.before_json) == {"status": "moderation"}
    assert json.loads(event.after_json)["winner"] == "Bidder A" and event.actor_id == lead.id


def test_cannot_finalise_while_an_answer_has_no_score(app, lead, rep, panel):
    p = gen_procurement(lead=lead, evaluators=[rep, panel])
    gen_scores(p, {panel: 3})  # the rep never scores: Q2 (patient only) has no score at all
    evaluation.declare_conflicts(rep, p, {b.id: (False, "") for b in p.bidders})
    to_moderation(p, lead, reason="The rep could not come")
    client = client_for(app, lead)
    page = client.get(f"/procurements/{p.id}/moderation/finalise").get_data(as_text=True)
    assert "Bidder A, Q2: nobody scored this answer. Record a consensus." in text_of(page)
    response = client.post(f"/procurements/{p.id}/moderation/finalise")
    assert response.status_code == 400
    assert "2 answers have no moderated score yet" in text_of(response.get_data(as_text=True))
    db.session.refresh(p)
    assert p.status == "moderation" and p.final_result_json is None
    assert db.session.query(AuditEvent).filter_by(action="procurement.finalised").count() == 0
    q2 = p.sections[1]
    for bidder in p.bidders:
        assert post_consensus(client, p, q2, bidder, 2, "Agreed by the panel without the rep").status_code == 302
    accept_the_rest(p, lead)  # Q1: the panel member's scores, accepted with a reason
    assert client.post(f"/procurements/{p.id}/moderation/finalise").status_code == 302
    db.session.refresh(p)
    assert p.is_final


def test_only_the_lead_finalises_and_only_from_moderation(app, scored, lead, rep):
    with pytest.raises(Refused, match="only be finalised after moderation"):
        finalise(scored, actor=lead)
    to_moderation(scored, lead)
    assert client_for(app, rep).post(f"/procurements/{scored.id}/moderation/finalise").status_code == 403
    with pytest.raises(NotAllowed):
        finalise(scored, actor=rep)
    other = gen_user(Role.LEAD, "Other Lead")
    assert client_for(app, other).post(f"/procurements/{scored.id}/moderation/finalise").status_code == 403
    db.session.refresh(scored)
    assert scored.status == "moderation"


def test_finalising_twice_is_refused(app, finalised, lead):
    stored = finalised.final_result_json
    response = client_for(app, lead).post(f"/procurements/{finalised.id}/moderation/finalise")
    assert response.status_code == 400
    assert "This procurement is final" in response.get_data(as_text=True)
    db.session.refresh(finalised)
    assert finalised.final_result_json == stored


def test_results_after_finalising_are_the_stored_ones_not_a_recomputation(app, finalised, lead):
    # Change a score behind the services' back: a recomputation would now give Bidder B 57.5.
    score = db.session.query(Score).filter_by(value=1, section_id=finalised.sections[1].id).one()
    score.value = 4
    db.session.commit()
    page = text_of(client_for(app, lead).get(f"/procurements/{finalised.id}/results").get_data(as_text=True))
    assert "Final result" in page
    assert "2 Bidder B (Bidder B Legal Name Ltd) 52.5" in page
    assert "57.5" not in page


def test_consensus_refused_once_final(app, finalised, lead):
    with pytest.raises(Refused, match="final"):
        moderation.record_consensus(
            actor=lead,
            procurement=finalised,
            bidder=finalised.bidders[0],
            section=finalised.sections[0],
            value=1,
            rationale="x",
            expected_version=0,
        )
    response = post_consensus(client_for(app, lead), finalised, finalised.sections[0], finalised.bidders[0], 1, "x")
    assert response.status_code == 400
    assert db.session.query(Consensus).count() == 0


def test_a_consensus_changes_the_moderated_score_the_result_uses(app, in_moderation, lead):
    p = in_moderation
    post_consensus(client_for(app, lead), p, p.sections[0], p.bidders[0], 2, "Agreed 2")
    document = finalise(accept_the_rest(db.session.get(Procurement, p.id), lead), actor=lead)
    # A = 60 x 2/4 + 40 x 3.5/4 = 30 + 35 = 65.
    assert {r["code"]: r["total"] for r in document["bidders"]}["Bidder A"] == pytest.approx(65.0)
    assert document["view"]["consensus"]["Bidder A"]["Q1"] == {"value": 2, "rationale": "Agreed 2"}


def test_a_procurement_the_engine_cannot_analyse_is_explained_not_crashed(app, in_moderation, lead):
    p = in_moderation
    p.sections[0].weight = 50  # behind the services' back: the weights now add up to 90
    db.session.commit()
    client = client_for(app, lead)
    for url in (
        f"/procurements/{p.id}/results",
        f"/procurements/{p.id}/moderation",
        f"/procurements/{p.id}/moderation/sections/{p.sections[0].id}",
        f"/procurements/{p.id}/moderation/finalise",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "weights sum to 90" in response.get_data(as_text=True)
    response = client.post(f"/procurements/{p.id}/moderation/finalise")
    assert response.status_code == 400 and "weights sum to 90" in response.get_data(as_text=True)
    db.session.refresh(p)
    assert p.status == "moderation" and p.final_result_json is None
