"""When two workers save the same score at the same moment, the database refuses the
second write and the user gets a 409, never a 500 and never a silent overwrite.

The race is staged here by letting another connection write between the
service's version check and its write.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import AuditEvent, Score
from scoring.services import evaluation

from ..test_rep_journey import declare_none, save


@pytest.fixture
def meanwhile(monkeypatch):
    """Run ``sql`` on another connection after save_score has checked the version, before it writes.

    save_score takes its "before" snapshot between the check and the write, so
    that is where the other worker's write is slipped in.
    """

    def stage(sql: str, **params):
        real = evaluation.score_snapshot

        def someone_else_writes_first(score):
            monkeypatch.setattr(evaluation, "score_snapshot", real)  # only once
            with db.engine.connect() as other:
                other.execute(sa.text(sql), params)
                other.commit()
            return real(score)

        monkeypatch.setattr(evaluation, "score_snapshot", someone_else_writes_first)

    return stage


def score_saves() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "score.saved"))


def test_second_of_two_simultaneous_first_saves_gets_409(rep_client, procurement, rep, meanwhile):
    declare_none(rep_client, procurement)
    bidder, section = procurement.bidders[0], procurement.sections[0]
    meanwhile(
        "INSERT INTO scores (bidder_id, section_id, evaluator_id, value, rationale, status, source, version, updated_at)"
        " VALUES (:b, :s, :e, 1, 'Saved in the other tab', 'draft', 'online', 1, '2026-01-01')",
        b=bidder.id,
        s=section.id,
        e=rep.id,
    )
    response = save(rep_client, procurement, bidder, section, 4, "Mine", version=0)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    # The user sees the version that won beside their own, still in the form.
    assert "This score was changed after you opened the page" in page
    assert "Saved in the other tab" in page and ">Mine</textarea>" in page
    db.session.expire_all()
    (score,) = db.session.scalars(sa.select(Score)).all()
    assert (score.rationale, score.version) == ("Saved in the other tab", 1)
    assert score_saves() == 0  # the refused save's audit event was rolled back with it


def test_second_of_two_simultaneous_updates_gets_409_and_overwrites_nothing(rep_client, procurement, rep, meanwhile):
    declare_none(rep_client, procurement)
    bidder, section = procurement.bidders[0], procurement.sections[0]
    assert save(rep_client, procurement, bidder, section, 2, "First", version=0).status_code == 302
    meanwhile("UPDATE scores SET rationale = 'Other tab', version = 2 WHERE evaluator_id = :e", e=rep.id)
    response = save(rep_client, procurement, bidder, section, 4, "Mine", version=1)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Other tab" in page and ">Mine</textarea>" in page
    db.session.expire_all()
    (score,) = db.session.scalars(sa.select(Score)).all()
    assert (score.rationale, score.version) == ("Other tab", 2)
    assert score_saves() == 1


def test_a_database_error_that_is_not_a_race_still_shows_the_error_page(app, rep_client, procurement, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        db.session.execute(sa.text("INSERT INTO scores (id) VALUES (NULL)"))  # NOT NULL violations

    monkeypatch.setattr(evaluation, "declare_conflicts", broken)
    response = rep_client.post(
        f"/evaluate/{procurement.id}/conflicts", data={f"bidder-{b.id}": "no" for b in procurement.bidders}
    )
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
