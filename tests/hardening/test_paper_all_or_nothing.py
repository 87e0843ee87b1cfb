"""Issue 12 item 4: a paper sheet is saved in one transaction, all of it or none of it.

The race is staged as in tests/production/test_lost_races.py: while the lead's sheet
is being saved, the rep saves one of its cells online from another worker.
"""

from __future__ import annotations

import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import AuditEvent, Score
from scoring.services import evaluation

from ..leads.pages import score_everything, text
from ..leads.test_paper import entry_url, form_for

CHANGED = {
    ("Bidder A", "Q1"): (4, "From paper A1"),
    ("Bidder A", "Q2"): (4, "From paper A2"),
    ("Bidder B", "Q1"): (4, "From paper B1"),
    ("Bidder B", "Q2"): (4, "From paper B2"),
}


def test_a_cell_saved_online_meanwhile_saves_none_of_the_sheet_and_names_the_cell(
    lead_client, procurement, rep, meanwhile
):
    score_everything(rep, procurement, value=1, submit=False)  # the rep's online drafts, version 1
    form = form_for(procurement, rep, CHANGED)
    b, q2 = procurement.bidders[1], procurement.sections[1]
    # Before the first paper score is written, the rep saves Bidder B, Q2 online in another worker.
    meanwhile(
        "UPDATE scores SET rationale = 'Saved online meanwhile', version = 2 "
        "WHERE evaluator_id = :e AND bidder_id = :b AND section_id = :s",
        e=rep.id,
        b=b.id,
        s=q2.id,
    )
    response = lead_client.post(entry_url(procurement, rep), data=form)
    assert response.status_code == 409
    page = text(response)
    assert "None of this sheet's scores were saved" in page
    assert "Bidder B, Q2: this score was changed after you opened the page." in page
    assert "Bidder A, Q1: this score was changed" not in page
    db.session.expire_all()
    scores = {
        (s.bidder.code, s.section.code): (s.value, s.rationale, s.source)
        for s in db.session.scalars(sa.select(Score).where(Score.evaluator_id == rep.id))
    }
    assert scores[("Bidder B", "Q2")] == (1, "Saved online meanwhile", "online")
    # The three cells nobody else touched kept the rep's own drafts: nothing of the sheet was saved.
    for cell in [("Bidder A", "Q1"), ("Bidder A", "Q2"), ("Bidder B", "Q1")]:
        assert scores[cell] == (1, "A clear answer.", "online")
    paper_saves = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "score.saved", AuditEvent.after_json.contains('"source": "paper"')
        )
    ).all()
    assert paper_saves == []


def test_the_sheet_saves_whole_when_nobody_else_writes(lead_client, procurement, rep):
    score_everything(rep, procurement, value=1, submit=False)
    response = lead_client.post(
        entry_url(procurement, rep), data={**form_for(procurement, rep, CHANGED, submit=True), "confirm": "yes"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert {
        (s.value, s.source, s.status) for s in db.session.scalars(sa.select(Score).where(Score.evaluator_id == rep.id))
    } == {(4, "paper", "submitted")}
    assert evaluation.progress_for(rep, procurement).submitted
