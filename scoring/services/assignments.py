"""Who scores what: assigning evaluators to sections, conflicts, and each evaluator's progress.

Assigning goes through ``setup.assign_evaluator`` (which refuses untrained reps);
this module adds the lead's side: changing many assignments at once, removing
one, withdrawing a declared conflict, and seeing how far each evaluator has got.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..database import referenced
from ..extensions import db
from ..models import (
    Assignment,
    Bidder,
    Declaration,
    Procurement,
    Role,
    Score,
    Section,
    User,
)
from . import audit, lifecycle, setup
from .errors import Refused
from .progress import EvaluatorProgress, evaluators_of, progress_of_everyone  # noqa: F401  (the lead's pages read them here)


def candidates() -> list[User]:
    """Every patient rep and panel evaluator with an active account, reps first."""
    users = db.session.scalars(select(User).where(User.role.in_([Role.PATIENT, Role.PANEL]), User.active.is_(True)))
    return sorted(users, key=lambda u: (u.role is not Role.PATIENT, u.name.lower()))


def has_scores(section: Section, user: User) -> bool:
    return (
        db.session.scalar(
            select(Score.id).where(Score.section_id == section.id, Score.evaluator_id == user.id).limit(1)
        )
        is not None
    )


def remove_assignment(section: Section, user: User, *, actor: User | None) -> None:
    procurement = section.procurement
    lifecycle.require_not_final(procurement)
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.section_id == section.id, Assignment.user_id == user.id)
    )
    if assignment is None:
        return
    if has_scores(section, user):
        raise Refused(f"{user.name} already has scores for section {section.code}, so they cannot be removed from it.")
    db.session.delete(assignment)
    audit.record(
        "assignment.removed",
        actor=actor,
        procurement_id=procurement.id,
        entity="assignment",
        entity_id=assignment.id,
        before={"section": section.code, "evaluator": user.email},
    )


def set_assignments(procurement: Procurement, wanted: set[tuple[int, int]], *, actor: User | None) -> int:
    """Make the assignments exactly ``wanted`` (section id, user id), all or nothing.

    Every refusal is collected ("Nia Newton has not completed ... training") so the
    lead sees them all at once; when there is any, nothing changes.
    """
    lifecycle.require_not_final(procurement)
    sections = {s.id: s for s in procurement.sections}
    current = {(a.section_id, a.user_id) for s in procurement.sections for a in s.assignments}
    problems: list[tuple[str, str]] = []
    changes = 0
    for section_id, user_id in sorted(wanted - current):
        section, user = sections.get(section_id), db.session.get(User, user_id)
        if section is None or user is None:
            problems.append(("", "That section or person is not part of this procurement."))
            continue
        try:
            setup.assign_evaluator(section, user, actor=actor)
            changes += 1
        except Refused as refused:
            problems.append((f"assign-{section_id}-{user_id}", refused.message))
    for section_id, user_id in sorted(current - wanted):
        try:
            remove_assignment(sections[section_id], referenced(User, user_id), actor=actor)
            changes += 1
        except Refused as refused:
            problems.append((f"assign-{section_id}-{user_id}", refused.message))
    if problems:
        # One message per person and reason: an untrained rep ticked for six sections is one problem.
        unique: dict[str, str] = {}
        for field, message in problems:
            unique.setdefault(message, field)
        setup.raise_all([(field, message) for message, field in unique.items()])
    return changes


@dataclass(frozen=True)
class DeclaredConflict:
    declaration: Declaration
    evaluator: User
    bidder: Bidder


def declared_conflicts(procurement: Procurement) -> list[DeclaredConflict]:
    rows = db.session.scalars(
        select(Declaration)
        .join(Bidder, Declaration.bidder_id == Bidder.id)
        .where(Bidder.procurement_id == procurement.id, Declaration.has_conflict.is_(True))
        .order_by(Declaration.declared_at)
    )
    return [DeclaredConflict(d, d.user, d.bidder) for d in rows]


def declaration_in(procurement: Procurement, declaration_id: int) -> Declaration | None:
    declaration = db.session.get(Declaration, declaration_id)
    if declaration is None or declaration.bidder.procurement_id != procurement.id:
        return None
    return declaration


def withdraw_conflict(declaration: Declaration, *, reason: str, actor: User | None) -> None:
    """The lead decides a declared conflict does not stop this evaluator scoring that bidder."""
    procurement = declaration.bidder.procurement
    lifecycle.require_not_final(procurement)
    if not declaration.has_conflict:
        raise Refused(f"{declaration.user.name} has no conflict with {declaration.bidder.code} to withdraw.")
    if not reason.strip():
        raise Refused(
            f"Give a reason for withdrawing {declaration.user.name}'s conflict with {declaration.bidder.code}.",
            field="reason",
        )
    before = {"has_conflict": True, "details": declaration.details}
    declaration.has_conflict = False
    audit.record(
        "declaration.withdrawn",
        actor=actor,
        procurement_id=procurement.id,
        entity="declaration",
        entity_id=declaration.id,
        before=before,
        after={"has_conflict": False, "bidder": declaration.bidder.code, "evaluator": declaration.user.email},
        reason=reason.strip(),
    )
    from . import mail

    mail.queue(
        declaration.user,
        "notice",
        {
            "heading": f"You can now score {declaration.bidder.code}: {procurement.title}",
            "paragraphs": [
                f"Your procurement lead has decided that the conflict of interest you declared with "
                f"{declaration.bidder.code} does not stop you scoring it.",
                f"Their reason: {reason.strip()}",
            ],
            "action_text": "Go to your scoring",
            "action_href": mail.link("evaluate.dashboard"),
        },
        procurement_id=procurement.id,
    )
