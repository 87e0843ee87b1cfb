"""Notices when something is ready for someone: a reopened score, a withdrawn conflict."""

from __future__ import annotations

from sqlalchemy import select

from scoring.extensions import db
from scoring.models import Declaration, OutboxMessage
from scoring.services import assignments, evaluation

from ..helpers import gen_procurement, gen_scores


def test_reopening_scores_tells_the_evaluator_why(app, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    gen_scores(procurement, {rep: 3})
    evaluation.reopen_scores(lead=lead, procurement=procurement, evaluator=rep, reason="Q2 reasons are missing")
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == rep.id, OutboxMessage.subject.like("Please look%"))
    ).all()
    assert "has reopened 4 of your scores" in message.text_body
    assert "Their reason: Q2 reasons are missing" in message.text_body
    assert message.procurement_id == procurement.id


def test_withdrawing_a_conflict_tells_the_evaluator(app, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    bidder = procurement.bidders[0]
    evaluation.declare_conflicts(
        rep, procurement, {b.id: (b.id == bidder.id, "My cousin works there") for b in procurement.bidders}
    )
    db.session.commit()
    declaration = db.session.scalar(
        select(Declaration).where(Declaration.user_id == rep.id, Declaration.bidder_id == bidder.id)
    )
    assignments.withdraw_conflict(declaration, reason="Cousin left in 2019", actor=lead)
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == rep.id, OutboxMessage.subject.like("You can now%"))
    ).all()
    assert message.subject == f"You can now score Bidder A: {procurement.title}"
    assert "Their reason: Cousin left in 2019" in message.text_body
