"""The patient representative's journey, step by step, and every way it refuses bad input."""

from __future__ import annotations

import re

import pytest

from scoring.extensions import db
from scoring.models import AuditEvent, Role, Score
from scoring.services import evaluation

from .helpers import gen_procurement, gen_user, sign_in


def score_url(p, bidder, section):
    return f"/evaluate/{p.id}/bidders/{bidder.id}/sections/{section.id}"


def declare_none(client, p):
    return client.post(f"/evaluate/{p.id}/conflicts", data={f"bidder-{b.id}": "no" for b in p.bidders})


def save(client, p, bidder, section, score, rationale, version=0, button="save_draft"):
    data = {"rationale": rationale, "version": str(version), button: "y"}
    if score is not None:
        data["score"] = str(score)
    return client.post(score_url(p, bidder, section), data=data)


def test_every_page_needs_sign_in(client, procurement):
    response = client.get(f"/evaluate/{procurement.id}")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, rep):
    response = sign_in(client, rep, "not-the-password")
    assert response.status_code == 401
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_account_locks_after_five_failures(client, rep):
    for _ in range(5):
        sign_in(client, rep, "wrong-password-here")
    response = sign_in(client, rep)  # even the right password is refused while locked
    assert response.status_code == 401
    assert "locked" in response.get_data(as_text=True)


def test_dashboard_shows_progress(rep_client, procurement):
    page = rep_client.get("/evaluate/").get_data(as_text=True)
    assert procurement.title in page
    # Pat scores Q1 and Q2 for two bidders: four cells.
    assert "0 of 4 scored" in page


def test_rep_must_declare_conflicts_before_seeing_bids(rep_client, procurement):
    response = rep_client.get(f"/evaluate/{procurement.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/evaluate/{procurement.id}/conflicts")
    bidder, section = procurement.bidders[0], procurement.sections[0]
    assert rep_client.get(score_url(procurement, bidder, section)).status_code == 302


def test_conflict_needs_details_and_changes_nothing_without_them(rep_client, procurement, rep):
    a, b = procurement.bidders
    response = rep_client.post(
        f"/evaluate/{procurement.id}/conflicts", data={f"bidder-{a.id}": "yes", f"bidder-{b.id}": "no"}
    )
    assert response.status_code == 400
    assert "Describe your conflict with Bidder A" in response.get_data(as_text=True)
    assert evaluation.declarations_for(rep, procurement) == {}


def test_declared_conflict_hides_that_bidder(rep_client, procurement, rep):
    a, b = procurement.bidders
    response = rep_client.post(
        f"/evaluate/{procurement.id}/conflicts",
        data={f"bidder-{a.id}": "yes", f"details-{a.id}": "My daughter works there", f"bidder-{b.id}": "no"},
    )
    assert response.status_code == 302
    page = rep_client.get(f"/evaluate/{procurement.id}").get_data(as_text=True)
    assert "Bidder B" in page and "<h2>Bidder A" not in page
    assert "conflict of interest with 1 bidder" in page
    assert rep_client.get(score_url(procurement, a, procurement.sections[0])).status_code == 403
    assert db.session.query(AuditEvent).filter_by(action="declaration.made").count() == 2


def test_anonymised_procurement_hides_legal_names_from_reps(rep_client, procurement):
    declare_none(rep_client, procurement)
    page = rep_client.get(f"/evaluate/{procurement.id}").get_data(as_text=True)
    assert "Legal Name Ltd" not in page


def test_rep_scores_everything_saves_drafts_and_submits(rep_client, procurement, rep):
    declare_none(rep_client, procurement)
    cells = [(b, s) for b in procurement.bidders for s in procurement.sections]
    page = rep_client.get(score_url(procurement, *cells[0])).get_data(as_text=True)
    assert "Question Q1?" in page and "Bidder A answers Q1" in page
    assert "Unacceptable" in page and "Excellent" in page  # the scale with its descriptors

    # A draft without a reason is fine...
    assert save(rep_client, procurement, *cells[0], 3, "").status_code == 302
    # ...but submitting with it missing is refused, naming what is left.
    response = rep_client.post(f"/evaluate/{procurement.id}/submit")
    assert response.status_code == 400
    assert "Still to do: Bidder A, Q1" in response.get_data(as_text=True)
    # The error summary links straight to the first unfinished answer.
    assert f'href="{score_url(procurement, *cells[0])}"' in response.get_data(as_text=True)

    save(rep_client, procurement, *cells[0], 3, "Clear plan for phones", version=1)
    for bidder, section in cells[1:]:
        assert save(rep_client, procurement, bidder, section, 2, "Some gaps", button="save_next").status_code == 302
    assert "4 of 4 scored" in rep_client.get("/evaluate/").get_data(as_text=True)

    asked = rep_client.post(f"/evaluate/{procurement.id}/submit")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "<h1>Submit your scores?</h1>" in page
    assert "You cannot change your scores after you submit them." in page
    assert all(s.status == "draft" for s in db.session.query(Score).filter_by(evaluator_id=rep.id))
    response = rep_client.post(f"/evaluate/{procurement.id}/submit", data={"confirm": "yes"})
    assert response.status_code == 200
    assert "Scores submitted" in response.get_data(as_text=True)
    scores = db.session.query(Score).filter_by(evaluator_id=rep.id).all()
    assert len(scores) == 4 and all(s.status == "submitted" for s in scores)

    # Submitted scores are read-only.
    first = (
        db.session.query(Score)
        .filter_by(evaluator_id=rep.id, bidder_id=cells[0][0].id, section_id=cells[0][1].id)
        .one()
    )
    response = save(rep_client, procurement, *cells[0], 1, "Changed my mind", version=first.version)
    assert response.status_code == 400
    assert "already submitted" in response.get_data(as_text=True)
    db.session.refresh(first)
    assert first.value == 3


def test_save_next_goes_to_the_next_unscored_cell(rep_client, procurement):
    declare_none(rep_client, procurement)
    a, b = procurement.bidders
    q1, q2 = procurement.sections
    response = save(rep_client, procurement, a, q1, 2, "ok", button="save_next")
    assert response.headers["Location"].endswith(score_url(procurement, a, q2))


@pytest.mark.parametrize("bad_score", ["5", "-1", "abc"])
def test_score_outside_the_scale_is_refused(rep_client, procurement, rep, bad_score):
    declare_none(rep_client, procurement)
    response = rep_client.post(
        score_url(procurement, procurement.bidders[0], procurement.sections[0]),
        data={"score": bad_score, "rationale": "x", "version": "0", "save_draft": "y"},
    )
    assert response.status_code == 400
    assert "Choose a score from 0 to 4" in response.get_data(as_text=True)
    assert db.session.query(Score).count() == 0


def test_stale_form_is_refused_and_both_versions_are_shown(rep_client, procurement, rep):
    declare_none(rep_client, procurement)
    bidder, section = procurement.bidders[0], procurement.sections[0]
    save(rep_client, procurement, bidder, section, 3, "First tab's reason")
    # A second tab still holds version 0.
    response = save(rep_client, procurement, bidder, section, 1, "Second tab's reason", version=0)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "First tab&#39;s reason" in page and "Second tab&#39;s reason" in page
    score = db.session.query(Score).one()
    assert (score.value, score.rationale, score.version) == (3, "First tab's reason", 1)
    # The form now carries the current version, so saving again keeps the user's choice.
    assert re.search(r'name="version"[^>]*value="1"', page)


def test_rep_cannot_reach_a_procurement_they_are_not_assigned_to(client, lead, procurement):
    other_rep = gen_user(Role.PATIENT, "Other Rep")
    sign_in(client, other_rep)
    assert client.get(f"/evaluate/{procurement.id}").status_code == 403
    assert client.get(f"/evaluate/{procurement.id}/conflicts").status_code == 403


def test_rep_cannot_score_a_section_not_assigned(rep_client, procurement, lead, rep):
    panel_only = gen_procurement(
        lead=lead,
        reference="GP-TEST-02",
        sections=[("Q1", 50, "both"), ("P1", 50, "panel")],
        evaluators=[rep, gen_user(Role.PANEL)],
    )
    declare_none(rep_client, panel_only)
    response = save(rep_client, panel_only, panel_only.bidders[0], panel_only.sections[1], 2, "x")
    assert response.status_code == 403


def test_unknown_ids_are_not_found(rep_client, procurement):
    declare_none(rep_client, procurement)
    assert rep_client.get("/evaluate/9999").status_code == 404
    assert (
        rep_client.get(f"/evaluate/{procurement.id}/bidders/9999/sections/{procurement.sections[0].id}").status_code
        == 404
    )


def test_a_lead_is_not_an_evaluator(client, lead, procurement):
    sign_in(client, lead)
    assert client.get(f"/evaluate/{procurement.id}").status_code == 403


def test_every_save_is_in_the_audit_log_with_before_and_after(rep_client, procurement):
    declare_none(rep_client, procurement)
    bidder, section = procurement.bidders[0], procurement.sections[0]
    save(rep_client, procurement, bidder, section, 2, "first")
    save(rep_client, procurement, bidder, section, 4, "second", version=1)
    events = db.session.query(AuditEvent).filter_by(action="score.saved").order_by(AuditEvent.id).all()
    assert len(events) == 2
    assert '"value": 2' in events[1].before_json and '"value": 4' in events[1].after_json


def test_untrained_rep_cannot_be_assigned(app, lead, procurement):
    from scoring.services import setup
    from scoring.services.errors import Refused

    untrained = gen_user(Role.PATIENT, "Nia Newton", trained=False)
    with pytest.raises(Refused, match="Nia Newton has not completed patient representative training"):
        setup.assign_evaluator(procurement.sections[0], untrained, actor=lead)


def test_lead_can_reopen_submitted_scores_with_a_reason(rep_client, procurement, rep, lead):
    declare_none(rep_client, procurement)
    for b in procurement.bidders:
        for s in procurement.sections:
            save(rep_client, procurement, b, s, 2, "fine")
    rep_client.post(f"/evaluate/{procurement.id}/submit", data={"confirm": "yes"})
    from scoring.services.errors import Refused

    with pytest.raises(Refused, match="Give a reason"):
        evaluation.reopen_scores(lead=lead, procurement=procurement, evaluator=rep, reason=" ")
    assert (
        evaluation.reopen_scores(lead=lead, procurement=procurement, evaluator=rep, reason="Rep asked to correct Q2")
        == 4
    )
    event = db.session.query(AuditEvent).filter_by(action="scores.reopened").one()
    assert event.reason == "Rep asked to correct Q2"


def test_audit_events_cannot_be_changed(app, procurement):
    from scoring.models import AuditLogIsAppendOnly

    event = db.session.query(AuditEvent).first()
    event.reason = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
