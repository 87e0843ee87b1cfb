"""The procurement-level figures of the patient voice review that the engine does not give.

Computed when the result document is built and stored with the final result
(`outcome.build_document`, key ``view.review``), so the review reads them from
the stored document and needs no engine run or score query. Only counts: no
evaluator's name or score is kept here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, Declaration, Procurement, Role, Score, ScoreSource, ScoreStatus, User


def participation(procurement: Procurement) -> dict[str, Any]:
    """Counts of patient representatives for the review row.

    ``patient_reps_assigned``: reps asked to score at least one section;
    ``patient_reps_taking_part``: reps with at least one submitted score;
    ``patient_reps_on_paper``: of those, reps with a score entered from paper;
    ``patient_reps_submitted_all``: assigned reps who submitted a score for every
    bidder (they have no conflict with) in every section they were asked to score;
    ``submitted_all_share``: the last as a share of the assigned (None if none assigned).
    """
    section_ids = [s.id for s in procurement.sections]
    bidder_ids = [b.id for b in procurement.bidders]
    rows = (
        db.session.execute(
            select(Assignment.user_id, Assignment.section_id)
            .join(User, User.id == Assignment.user_id)
            .where(Assignment.section_id.in_(section_ids), User.role == Role.PATIENT)
        ).all()
        if section_ids
        else []
    )
    assigned: dict[int, set[int]] = {}
    for user_id, section_id in rows:
        assigned.setdefault(user_id, set()).add(section_id)
    conflicts: dict[int, set[int]] = {}
    submitted: dict[int, set[tuple[int, int]]] = {}
    paper: set[int] = set()
    if assigned and bidder_ids:
        for user_id, bidder_id in db.session.execute(
            select(Declaration.user_id, Declaration.bidder_id).where(
                Declaration.user_id.in_(assigned),
                Declaration.bidder_id.in_(bidder_ids),
                Declaration.has_conflict.is_(True),
            )
        ).all():
            conflicts.setdefault(user_id, set()).add(bidder_id)
        for user_id, bidder_id, section_id, source, value in db.session.execute(
            select(Score.evaluator_id, Score.bidder_id, Score.section_id, Score.source, Score.value).where(
                Score.evaluator_id.in_(assigned),
                Score.section_id.in_(section_ids),
                Score.status == ScoreStatus.SUBMITTED,
            )
        ).all():
            if value is None:
                continue
            submitted.setdefault(user_id, set()).add((bidder_id, section_id))
            if source == ScoreSource.PAPER:
                paper.add(user_id)
    complete = 0
    for user_id, sections in assigned.items():
        needed = {(b, s) for b in bidder_ids if b not in conflicts.get(user_id, set()) for s in sections}
        if needed <= submitted.get(user_id, set()):
            complete += 1
    return {
        "bidders": len(bidder_ids),
        "sections": len(section_ids),
        "patient_reps_assigned": len(assigned),
        "patient_reps_taking_part": len(submitted),
        "patient_reps_on_paper": len(paper),
        "patient_reps_submitted_all": complete,
        "submitted_all_share": complete / len(assigned) if assigned else None,
        "regime": procurement.regime,
        "service_type": procurement.service_type or "",
    }
