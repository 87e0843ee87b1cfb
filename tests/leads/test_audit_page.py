"""The audit log page: readable before → after, filters by action and person, pages, and no way to edit."""
from __future__ import annotations

from scoring.extensions import db
from scoring.leads.audit import PER_PAGE, describe_changes
from scoring.models import AuditEvent
from scoring.services import audit, setup

from .pages import score_everything, text


def test_audit_page_shows_who_when_what_and_why(lead_client, procurement, lead):
    q1, q2 = procurement.sections
    setup.set_weights(procurement, {q1.id: 70, q2.id: 30}, reason="Board asked for more on access.", actor=lead)
    page = text(lead_client.get(f"/procurements/{procurement.id}/audit"))
    assert "weights.changed" in page and "Lee Lead" in page
    assert "weights Q1: 60 → 70" in page and "weights Q2: 40 → 30" in page
    assert "Board asked for more on access." in page
    assert "procurement.status_changed" in page and "status: setup → scoring" in page


def test_audit_page_filters_by_action_and_by_person(lead_client, procurement, rep, panel):
    score_everything(rep, procurement)
    url = f"/procurements/{procurement.id}/audit"
    by_action = text(lead_client.get(url, query_string={"action": "scores.submitted"}))
    assert "1 event." in by_action and "section.added" not in by_action.split("<table")[1]
    by_person = text(lead_client.get(url, query_string={"person": rep.id}))
    body = by_person.split("<table")[1]
    assert "Pat Patel" in body and "Lee Lead" not in body
    assert "declaration.made" in body and "score.saved" in body


def test_audit_page_is_paginated(lead_client, procurement, lead):
    for i in range(PER_PAGE + 5):
        audit.record("note.test", actor=lead, procurement_id=procurement.id, after={"n": i})
    db.session.commit()
    url = f"/procurements/{procurement.id}/audit"
    first = text(lead_client.get(url, query_string={"action": "note.test"}))
    assert f"{PER_PAGE + 5} events, page 1 of 2." in first and "Older events" in first
    assert "n: 54" in first and "n: 4<" not in first
    second = text(lead_client.get(url, query_string={"action": "note.test", "page": 2}))
    assert "page 2 of 2" in second and "n: 4" in second and "Newer events" in second


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


def test_describe_changes_reads_like_a_sentence():
    assert describe_changes('{"weight": 20.0, "title": "A"}', '{"weight": 25.0, "title": "A"}') == ["weight: 20 → 25"]
    assert describe_changes(None, '{"code": "Q1"}') == ["code: Q1"]
    assert describe_changes('{"has_conflict": true}', '{"has_conflict": false}') == ["has_conflict: yes → no"]
    assert describe_changes(None, None) == []
    assert describe_changes('{"code": "Q1"}', None) == ["code was: Q1"]
