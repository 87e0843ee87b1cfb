"""How far each evaluator has got: who is assigned to a procurement and what they have scored.

Read only. Kept apart from `assignments` (which changes who scores what) so that the
lifecycle can ask who has not submitted without importing the module that changes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, Declaration, Procurement, Role, Score, ScoredBy, ScoreStatus, Section, User
from .evaluation import Progress


def evaluators_of(procurement: Procurement) -> list[User]:
    """Everyone assigned to at least one section that evaluators score, by group then name."""
    users = db.session.scalars(
        select(User)
        .join(Assignment, Assignment.user_id == User.id)
        .join(Section, Assignment.section_id == Section.id)
        .where(Section.procurement_id == procurement.id)
        .distinct()
    )
    return sorted(users, key=lambda u: (u.role is not Role.PATIENT, u.name.lower()))


@dataclass(frozen=True)
class EvaluatorProgress:
    evaluator: User
    progress: Progress
    declared: bool


def progress_of_everyone(procurement: Procurement) -> list[EvaluatorProgress]:
    """``evaluation.progress_for`` and ``has_declared`` for every evaluator, in four queries.

    Same rules: an evaluator's cells are their assigned non-price sections for every bidder
    they have not declared a conflict with; submitted means every cell is submitted.
    """
    evaluators = evaluators_of(procurement)
    bidder_ids = {b.id for b in procurement.bidders}
    sections = {s.id for s in procurement.sections if s.scored_by is not ScoredBy.PRICE}
    assigned: dict[int, set[int]] = {}
    for section_id, user_id in db.session.execute(
        select(Assignment.section_id, Assignment.user_id).where(Assignment.section_id.in_(sections))
    ):
        assigned.setdefault(user_id, set()).add(section_id)
    declared: dict[int, set[int]] = {}
    conflicted: dict[int, set[int]] = {}
    for user_id, bidder_id, has_conflict in db.session.execute(
        select(Declaration.user_id, Declaration.bidder_id, Declaration.has_conflict).where(
            Declaration.bidder_id.in_(bidder_ids)
        )
    ):
        declared.setdefault(user_id, set()).add(bidder_id)
        if has_conflict:
            conflicted.setdefault(user_id, set()).add(bidder_id)
    scores: dict[tuple[int, int, int], tuple[bool, bool]] = {}
    for user_id, bidder_id, section_id, value, rationale, status in db.session.execute(
        select(Score.evaluator_id, Score.bidder_id, Score.section_id, Score.value, Score.rationale, Score.status).where(
            Score.section_id.in_(sections)
        )
    ):
        complete = value is not None and bool((rationale or "").strip())
        scores[(user_id, bidder_id, section_id)] = (complete, status == ScoreStatus.SUBMITTED)
    rows = []
    for user in evaluators:
        bidders = bidder_ids - conflicted.get(user.id, set())
        cells = [(user.id, b, s) for b in bidders for s in assigned.get(user.id, set())]
        completed = sum(1 for c in cells if scores.get(c, (False, False))[0])
        submitted = bool(cells) and all(scores.get(c, (False, False))[1] for c in cells)
        rows.append(
            EvaluatorProgress(
                user, Progress(completed, len(cells), submitted), bidder_ids <= declared.get(user.id, set())
            )
        )
    return rows
