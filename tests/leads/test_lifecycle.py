"""Set-up -> scoring open -> moderation, with the guards, and a final procurement that never changes."""

from __future__ import annotations

import pytest

from scoring.extensions import db
from scoring.models import AuditEvent, Declaration, Status
from scoring.services import assignments, documents, evaluation, paper, pricing, setup
from scoring.services.errors import Refused

from ..helpers import gen_procurement, gen_user
from .pages import events, score_everything, text


def test_scoring_cannot_open_and_every_problem_is_shown(lead_client, lead, panel):
    procurement = gen_procurement(
        lead=lead,
        reference="GP-BAD",
        open_scoring=False,
        evaluators=[panel],
        sections=[("Q1", 50, "panel"), ("Q2", 30, "patient"), ("Q3", 10, "both")],
    )
    response = lead_client.post(f"/procurements/{procurement.id}/open")
    page = text(response)
    assert response.status_code == 400
    assert "Section weights add up to 90%. They must add up to 100%." in page
    assert "Section Q2 has no evaluator." in page
    assert "Section Q2 is scored by patient representatives but has no trained patient representative." in page
    assert "Section Q3 is scored by patient representatives but has no trained patient representative." in page
    assert procurement.status == Status.SETUP.value
    assert not events("procurement.status_changed")


def test_price_section_needs_every_price_before_scoring_opens(lead_client, lead, rep, panel):
    procurement = gen_procurement(
        lead=lead,
        reference="GP-PRICE",
        open_scoring=False,
        evaluators=[rep, panel],
        sections=[("Q1", 80, "both"), ("P1", 20, "price")],
    )
    response = lead_client.post(f"/procurements/{procurement.id}/open")
    assert response.status_code == 400
    assert "Price section P1 needs a price for Bidder A, Bidder B." in text(response)


def test_lead_opens_scoring_when_everything_is_ready(lead_client, draft):
    asked = lead_client.post(f"/procurements/{draft.id}/open")
    page = text(asked)
    assert asked.status_code == 200
    assert "<h1>Open scoring?</h1>" in page and "You cannot undo this" in page
    assert "Scoring cannot go back to set-up once it is open." in page
    assert 'name="confirm" value="yes"' in page and 'name="csrf_token"' in page
    assert draft.status == Status.SETUP.value and not events("procurement.status_changed")
    response = lead_client.post(f"/procurements/{draft.id}/open", data={"confirm": "yes"})
    assert response.status_code == 302
    assert draft.status == Status.SCORING.value
    assert '"status": "scoring"' in events("procurement.status_changed")[0].after_json
    assert "Scoring is open" in text(lead_client.get(response.headers["Location"]))


def test_scoring_cannot_open_twice(lead_client, procurement):
    response = lead_client.post(f"/procurements/{procurement.id}/open")
    assert response.status_code == 400
    assert "Scoring can only open from set-up. This procurement is scoring open." in text(response)


def test_closing_scoring_waits_for_everyone_unless_given_a_reason(lead_client, procurement, rep, panel):
    score_everything(panel, procurement)
    response = lead_client.post(f"/procurements/{procurement.id}/close", data={"reason": ""})
    assert response.status_code == 400
    assert (
        "Pat Patel has not submitted their scores yet. Wait for them, or give a reason to close scoring without them."
    ) in text(response)
    assert procurement.status == Status.SCORING.value
    reason = "Pat is unwell; the panel agreed to go ahead."
    asked = lead_client.post(f"/procurements/{procurement.id}/close", data={"reason": reason})
    page = text(asked)
    assert asked.status_code == 200 and "<h1>Close scoring?</h1>" in page
    assert "Pat Patel has not submitted, so their draft scores do not count." in page
    assert f'<input type="hidden" name="reason" value="{reason}">' in page
    assert procurement.status == Status.SCORING.value
    response = lead_client.post(f"/procurements/{procurement.id}/close", data={"reason": reason, "confirm": "yes"})
    assert response.status_code == 302
    assert procurement.status == Status.MODERATION.value
    assert events("procurement.status_changed")[-1].reason == "Pat is unwell; the panel agreed to go ahead."


def test_closing_scoring_needs_no_reason_once_everyone_has_submitted(lead_client, procurement, rep, panel):
    score_everything(rep, procurement)
    score_everything(panel, procurement)
    assert lead_client.post(f"/procurements/{procurement.id}/close").status_code == 200
    assert procurement.status == Status.SCORING.value
    assert lead_client.post(f"/procurements/{procurement.id}/close", data={"confirm": "yes"}).status_code == 302
    assert procurement.status == Status.MODERATION.value


def test_scoring_cannot_close_before_it_opens(lead_client, draft):
    response = lead_client.post(f"/procurements/{draft.id}/close", data={"reason": "x"})
    assert response.status_code == 400
    assert "Scoring can only close while it is open. This procurement is being set up." in text(response)


def test_weights_change_freely_in_set_up(lead_client, draft):
    q1, q2 = draft.sections
    response = lead_client.post(
        f"/procurements/{draft.id}/weights", data={f"weight-{q1.id}": "70", f"weight-{q2.id}": "30"}
    )
    assert response.status_code == 302
    assert (q1.weight, q2.weight) == (70, 30)


def test_changing_a_weight_after_scoring_opens_needs_a_reason(lead_client, procurement):
    q1, q2 = procurement.sections
    url = f"/procurements/{procurement.id}/weights"
    page = text(lead_client.get(url))
    assert "Why are the weights changing?" in page
    response = lead_client.post(url, data={f"weight-{q1.id}": "50", f"weight-{q2.id}": "50", "reason": " "})
    assert response.status_code == 400
    assert (
        "Give a reason for changing the weights. Scoring is open, so the published weights can only "
        "change for a recorded reason."
    ) in text(response)
    assert (q1.weight, q2.weight) == (60, 40)


def test_weights_must_still_add_up_to_100_after_scoring_opens(lead_client, procurement):
    q1, q2 = procurement.sections
    response = lead_client.post(
        f"/procurements/{procurement.id}/weights",
        data={f"weight-{q1.id}": "50", f"weight-{q2.id}": "40", "reason": "Typo"},
    )
    assert response.status_code == 400
    assert "The weights add up to 90%. Once scoring is open they must still add up to 100%." in text(response)


def test_a_weight_change_after_opening_is_audited_with_before_after_and_reason(lead_client, procurement):
    q1, q2 = procurement.sections
    response = lead_client.post(
        f"/procurements/{procurement.id}/weights",
        data={f"weight-{q1.id}": "50", f"weight-{q2.id}": "50", "reason": "The published tender said 50/50."},
    )
    assert response.status_code == 302
    assert (q1.weight, q2.weight) == (50, 50)
    event = events("weights.changed")[0]
    assert event.reason == "The published tender said 50/50."
    assert '"Q1": 60.0' in event.before_json and '"Q1": 50.0' in event.after_json
    log = text(lead_client.get(f"/procurements/{procurement.id}/audit"))
    assert (
        "Weights changed by the lead, Lee Lead: section Q1 Section Q1 from 60% to 50%; section Q2 Section Q2 "
        "from 40% to 50% \u2014 reason: \u201cThe published tender said 50/50.\u201d"
    ) in log


def test_a_weight_that_is_not_a_number_is_refused(lead_client, draft):
    q1, q2 = draft.sections
    response = lead_client.post(
        f"/procurements/{draft.id}/weights", data={f"weight-{q1.id}": "sixty", f"weight-{q2.id}": "40"}
    )
    assert response.status_code == 400
    assert "Enter the weight of section Q1 as a number of percent, for example 20." in text(response)


def test_lead_reopens_one_evaluators_scores_with_a_reason(lead_client, procurement, rep, panel):
    score_everything(rep, procurement)
    page = text(lead_client.get(f"/procurements/{procurement.id}/progress"))
    assert "Pat Patel" in page and "4 of 4 scored" in page and "Reopen scores" in page
    url = f"/procurements/{procurement.id}/progress/{rep.id}/reopen"
    response = lead_client.post(url, data={"reason": ""})
    assert response.status_code == 400
    assert "Give a reason for reopening these scores." in text(response)
    response = lead_client.post(url, data={"reason": "Pat scored Bidder B's Q2 against the wrong answer."})
    assert response.status_code == 302
    assert not evaluation.progress_for(rep, procurement).submitted
    assert events("scores.reopened")[0].reason.startswith("Pat scored")


def test_reopening_someone_with_nothing_submitted_is_refused(lead_client, procurement, panel):
    response = lead_client.post(
        f"/procurements/{procurement.id}/progress/{panel.id}/reopen", data={"reason": "Because"}
    )
    assert response.status_code == 400
    assert "Morgan Panel has no submitted scores to reopen." in text(response)


def test_reopening_someone_not_on_the_procurement_is_not_found(lead_client, procurement, app):
    stranger = gen_user("panel", "Stranger Danger")
    assert lead_client.get(f"/procurements/{procurement.id}/progress/{stranger.id}/reopen").status_code == 404


# --- final: nothing changes, whichever way it is asked -------------------------------------------


@pytest.fixture
def final(procurement, rep, panel):
    score_everything(rep, procurement)
    score_everything(panel, procurement)
    declaration = db.session.scalar(db.select(Declaration))
    declaration.has_conflict = True
    declaration.details = "Old friend"
    procurement.status = Status.FINAL.value
    db.session.commit()
    return procurement


def _attempts(p, lead, rep, panel, late_panel):
    q1, b1 = p.sections[0], p.bidders[0]
    declaration = db.session.scalar(db.select(Declaration))
    return {
        "details": lambda: setup.update_procurement(p, title="New", anonymised=True, actor=lead),
        "scale": lambda: setup.set_scale(p, [("A", ""), ("B", "")], actor=lead),
        "add section": lambda: setup.add_section(p, code="Q9", title="T", weight=0, actor=lead),
        "edit section": lambda: setup.update_section(q1, title="New", actor=lead),
        "delete section": lambda: setup.delete_section(q1, actor=lead),
        "weights": lambda: setup.set_weights(p, {q1.id: 50, p.sections[1].id: 50}, reason="x", actor=lead),
        "add bidder": lambda: setup.add_bidder(p, code="C", name="C Ltd", actor=lead),
        "edit bidder": lambda: setup.update_bidder(b1, code="A2", name="N", actor=lead),
        "answer": lambda: documents.save_response(b1, q1, text="New", actor=lead),
        "document": lambda: documents.store_document(b1, q1, filename="a.pdf", data=b"%PDF-1.4 x", actor=lead),
        "assign": lambda: setup.assign_evaluator(q1, late_panel, actor=lead),
        "unassign": lambda: assignments.remove_assignment(q1, panel, actor=lead),
        "assignments": lambda: assignments.set_assignments(p, set(), actor=lead),
        "withdraw conflict": lambda: assignments.withdraw_conflict(declaration, reason="x", actor=lead),
        "prices": lambda: pricing.set_prices(p, {b1.id: "100"}, actor=lead),
        "paper": lambda: paper.enter_paper_scores(lead=lead, procurement=p, evaluator=rep, entries={}),
        "close": lambda: setup.close_scoring(p, actor=lead, reason="x"),
        "reopen": lambda: evaluation.reopen_scores(lead=lead, procurement=p, evaluator=rep, reason="x"),
    }


@pytest.mark.parametrize(
    "attempt",
    [
        "details",
        "scale",
        "add section",
        "edit section",
        "delete section",
        "weights",
        "add bidder",
        "edit bidder",
        "answer",
        "document",
        "assign",
        "unassign",
        "assignments",
        "withdraw conflict",
        "prices",
        "paper",
        "close",
        "reopen",
    ],
)
def test_a_final_procurement_refuses_every_change(final, lead, rep, panel, attempt):
    late_panel = gen_user("panel", "Late Panel")
    audit_count = len(db.session.scalars(db.select(AuditEvent)).all())
    with pytest.raises(Refused, match="This procurement is final. Nothing can be changed."):
        _attempts(final, lead, rep, panel, late_panel)[attempt]()
    db.session.rollback()
    assert len(db.session.scalars(db.select(AuditEvent)).all()) == audit_count
    assert final.status == Status.FINAL.value and final.sections[0].weight == 60


def test_a_final_procurement_refuses_changes_through_the_screens(lead_client, final):
    q1, q2 = final.sections
    response = lead_client.post(
        f"/procurements/{final.id}/weights", data={f"weight-{q1.id}": "50", f"weight-{q2.id}": "50", "reason": "x"}
    )
    assert response.status_code == 400
    assert "This procurement is final. Nothing can be changed." in text(response)
    response = lead_client.post(f"/procurements/{final.id}/edit", data={"title": "New", "anonymised": "yes"})
    assert response.status_code == 400 and "This procurement is final." in text(response)
    assert final.title == "Test GP-TEST-01"
    scores = db.session.scalars(db.select(AuditEvent)).all()
    assert all(s.action != "weights.changed" for s in scores)
    assert evaluation.progress_for(final.sections[0].assignments[0].user, final).submitted
