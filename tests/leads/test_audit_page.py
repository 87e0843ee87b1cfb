"""The audit log page: sentences, filters by action and person in the same words, pages, and no way to edit."""

from __future__ import annotations

from scoring.extensions import db
from scoring.leads.audit import PER_PAGE
from scoring.models import AuditEvent
from scoring.services import audit, setup

from .pages import score_everything, text


def visible(page: str) -> str:
    """The words on the page without its markup (attribute values such as option values are not read)."""
    import re

    return re.sub(r"<[^>]+>", " ", page)


def test_audit_page_shows_who_when_what_and_why(lead_client, procurement, lead):
    q1, q2 = procurement.sections
    setup.set_weights(procurement, {q1.id: 70, q2.id: 30}, reason="Board asked for more on access.", actor=lead)
    page = text(lead_client.get(f"/procurements/{procurement.id}/audit"))
    assert (
        "Weights changed by the lead, Lee Lead: section Q1 Section Q1 from 60% to 70%; "
        "section Q2 Section Q2 from 40% to 30% \u2014 reason: \u201cBoard asked for more on access.\u201d"
    ) in page
    assert "Scoring opened by the lead, Lee Lead." in page
    words = visible(page)
    assert "weights.changed" not in words and "status_changed" not in words and "Weights changed" in words


def test_one_weight_changed_reads_as_the_issue_asks(lead_client, lead, rep, panel):
    from tests.helpers import gen_procurement

    procurement = gen_procurement(
        lead=lead,
        evaluators=[rep, panel],
        reference="GP-W",
        sections=[("Q1", 50, "both"), ("Q2", 10, "patient"), ("Q3", 40, "panel")],
    )
    q1, q2, q3 = procurement.sections
    setup.set_weights(procurement, {q1.id: 40, q3.id: 50}, reason="Safety matters more.", actor=lead)
    q1.title = "Access"
    db.session.commit()
    page = text(lead_client.get(f"/procurements/{procurement.id}/audit"))
    assert (
        "Weights changed by the lead, Lee Lead: section Q1 Access from 50% to 40%; section Q3 Section Q3 "
        "from 40% to 50%"
    ) in page


def test_audit_page_filters_by_action_and_by_person(lead_client, procurement, rep, panel):
    score_everything(rep, procurement)
    url = f"/procurements/{procurement.id}/audit"
    page = text(lead_client.get(url))
    assert '<option value="scores.submitted">Scores submitted</option>' in page
    assert ">scores.submitted<" not in page
    by_action = text(lead_client.get(url, query_string={"action": "scores.submitted"}))
    body = by_action.split("<table")[1]
    assert "1 event." in by_action and "Pat Patel submitted 4 scores." in body and "added by" not in body
    by_person = text(lead_client.get(url, query_string={"person": rep.id}))
    body = by_person.split("<table")[1]
    assert "Pat Patel declared no conflict of interest with Bidder A." in body
    assert "Pat Patel's draft score for Bidder A, section Q1 Section Q1: 3; reason: \u201cA clear answer.\u201d" in body
    assert "Lee Lead" not in body


def test_audit_page_is_paginated(lead_client, procurement, lead):
    bidder = procurement.bidders[0]
    for i in range(PER_PAGE + 5):
        audit.record(
            "price.set",
            actor=lead,
            procurement_id=procurement.id,
            before={"bidder": bidder.code, "price": None},
            after={"bidder": bidder.code, "price": 1000 + i},
        )
    db.session.commit()
    url = f"/procurements/{procurement.id}/audit"
    first = text(lead_client.get(url, query_string={"action": "price.set"}))
    assert f"{PER_PAGE + 5} events, page 1 of 2." in first and "Older events" in first
    assert "set to £1,054 by" in first and "set to £1,004 by" not in first
    second = text(lead_client.get(url, query_string={"action": "price.set", "page": 2}))
    assert "page 2 of 2" in second and "set to £1,004 by" in second and "Newer events" in second


def test_a_bad_filter_is_a_bad_request(lead_client, procurement):
    assert lead_client.get(f"/procurements/{procurement.id}/audit?person=me").status_code == 400


def test_there_is_no_way_to_change_or_delete_an_event(lead_client, procurement, app):
    event_id = db.session.scalar(db.select(AuditEvent.id))
    url = f"/procurements/{procurement.id}/audit"
    for method in ("post", "put", "patch", "delete"):
        assert getattr(lead_client, method)(url).status_code == 405
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)
    assert db.session.get(AuditEvent, event_id) is not None
