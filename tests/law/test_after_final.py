"""After finalisation the award still has to be recorded (the notice, the standstill, the notice
text, who decided); those routes write only the award's own tables and the audit log, never the
evaluation, and the key criteria and regime stay as they were decided."""

from __future__ import annotations

from datetime import date

from scoring.extensions import db

from ..moderation.test_final_lock import snapshot
from .conftest import build

AWARD_TABLES = {"award_notices", "evaluator_experience", "audit_events"}


def test_recording_the_award_never_changes_the_evaluation(app, lead, rep, panel, people, lead_client):
    p = build(lead, rep, panel, people)
    today = date.today()
    posts = [
        (
            "law/notice",
            {"published_on-day": today.day, "published_on-month": today.month, "published_on-year": today.year},
            302,
        ),
        (
            "law/representations",
            {
                "received": "yes",
                "decision": "proceed",
                "decided_on-day": today.day,
                "decided_on-month": today.month,
                "decided_on-year": today.year,
            },
            302,
        ),
        ("notice-of-intention", {"notice_text": "Notice of intention to award: edited"}, 302),
        (
            "law/decision",
            {
                "decision_makers": "The board",
                "weighting_rationale": "Because",
                f"experience-{rep.id}": "Ten years on the patient group",
            },
            302,
        ),
        # Decided at finalisation: refused, nothing changes.
        ("law/regime", {"regime": "pa23", "service_type": "Other"}, 400),
        ("law/key-criteria", {"note-value": "A new explanation"}, 400),
    ]
    before = snapshot()
    for path, data, expected in posts:
        response = lead_client.post(f"/procurements/{p.id}/{path}", data={k: str(v) for k, v in data.items()})
        assert response.status_code == expected, (path, response.get_data(as_text=True)[:500])
        after = snapshot()
        changed = {name for name in before if before[name] != after[name]}
        assert changed <= AWARD_TABLES, (path, changed)
        if expected == 400:
            assert changed == set(), path
        before = after
    db.session.expire_all()
    assert p.regime == "psr"
