"""Small helpers for reading pages and the audit log in the lead's tests."""

from __future__ import annotations

import html

from scoring.extensions import db
from scoring.models import AuditEvent


def text(response) -> str:
    """The page as a person reads it (entities such as &#39; turned back into characters)."""
    return html.unescape(response.get_data(as_text=True))


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def score_everything(evaluator, procurement, *, value: int = 3, submit: bool = True) -> None:
    """Declare no conflicts, score every cell of ``evaluator`` with a reason, and optionally submit."""
    from scoring.services import evaluation

    evaluation.declare_conflicts(evaluator, procurement, {b.id: (False, "") for b in procurement.bidders})
    for cell in evaluation.cells_for(evaluator, procurement):
        evaluation.save_score(
            evaluator=evaluator,
            procurement=procurement,
            bidder=cell.bidder,
            section=cell.section,
            value=value,
            rationale="A clear answer.",
            expected_version=cell.score.version if cell.score else 0,
        )
    if submit:
        evaluation.submit_scores(evaluator, procurement)
