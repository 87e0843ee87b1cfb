"""After finalising, each patient rep (and no one else) is emailed that their report is ready."""

from __future__ import annotations

from sqlalchemy import select

from scoring.extensions import db
from scoring.models import OutboxMessage


def test_finalising_tells_each_rep_their_report_is_ready(finalised, rep, rep2, panel):
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "notice", OutboxMessage.dedupe_key.like("report-ready:%"))
    ).all()
    assert sorted(m.to_address for m in messages) == sorted([rep.email, rep2.email])
    mine = next(m for m in messages if m.user_id == rep.id)
    assert mine.subject == f"Your report is ready: {finalised.title}"
    assert f"/procurements/{finalised.id}/reports/{rep.id}" in mine.text_body
