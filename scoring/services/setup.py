"""Setting up a procurement: sections, bidders, who scores what, and opening scoring.

The lifecycle is set-up -> scoring open -> moderation -> final. Each move is
guarded here, not in the routes, so the CLI, the import and the web all obey
the same rules.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import (
    DEFAULT_SCALE,
    Assignment,
    Bidder,
    Procurement,
    Role,
    ScalePoint,
    ScoredBy,
    Section,
    Status,
    User,
)
from . import audit
from .errors import Refused

WEIGHT_TOLERANCE = 1e-6


def create_procurement(*, reference: str, title: str, lead: User | None, actor: User | None,
                       anonymised: bool = True) -> Procurement:
    reference = reference.strip()
    if not reference:
        raise Refused("Enter a reference, for example GP-2027-01.", field="reference")
    if not title.strip():
        raise Refused("Enter a title.", field="title")
    if db.session.scalar(select(Procurement.id).where(Procurement.reference == reference)):
        raise Refused(f"A procurement with the reference {reference} already exists.", field="reference")
    procurement = Procurement(reference=reference, title=title.strip(), lead=lead, anonymised=anonymised)
    for value, label, descriptor in DEFAULT_SCALE:
        procurement.scale_points.append(ScalePoint(value=value, label=label, descriptor=descriptor))
    db.session.add(procurement)
    db.session.flush()
    audit.record("procurement.created", actor=actor, procurement_id=procurement.id,
                 entity="procurement", entity_id=procurement.id,
                 after={"reference": reference, "title": procurement.title, "anonymised": anonymised})
    return procurement


def add_section(procurement: Procurement, *, code: str, title: str, weight: float, max_score: int = 4,
                scored_by: str = "both", question: str = "", guidance: str = "",
                threshold: float | None = None, actor: User | None) -> Section:
    _require_setup(procurement)
    scored_by = ScoredBy(scored_by).value
    section = Section(code=code.strip(), title=title.strip(), weight=float(weight), max_score=int(max_score),
                      scored_by=scored_by, question=question, guidance=guidance, threshold=threshold,
                      position=len(procurement.sections))
    procurement.sections.append(section)
    db.session.flush()
    audit.record("section.added", actor=actor, procurement_id=procurement.id, entity="section",
                 entity_id=section.id, after={"code": section.code, "title": section.title,
                                              "weight": section.weight, "max_score": section.max_score,
                                              "scored_by": scored_by, "threshold": threshold})
    return section


def add_bidder(procurement: Procurement, *, code: str, name: str, actor: User | None,
               price: float | None = None) -> Bidder:
    _require_setup(procurement)
    bidder = Bidder(code=code.strip(), name=name.strip(), position=len(procurement.bidders), price=price)
    procurement.bidders.append(bidder)
    db.session.flush()
    audit.record("bidder.added", actor=actor, procurement_id=procurement.id, entity="bidder",
                 entity_id=bidder.id, after={"code": bidder.code, "name": bidder.name})
    return bidder


def assign_evaluator(section: Section, user: User, *, actor: User | None) -> Assignment:
    """Ask ``user`` to score ``section``. Refuses untrained reps and evaluators of the wrong group."""
    procurement = section.procurement
    if procurement.is_final:
        raise Refused("This procurement is final. Nothing can be changed.")
    if user.role not in (Role.PATIENT.value, Role.PANEL.value):
        raise Refused(f"{user.name} is a {user.role_enum.label.lower()}, not an evaluator, so cannot score.")
    if user.role == Role.PATIENT.value and not user.is_trained:
        raise Refused(
            f"{user.name} has not completed patient representative training yet, so cannot be asked to score. "
            "Record their training date first."
        )
    if section.is_price:
        raise Refused(f"Section {section.code} is a price section. It is scored from prices, not by evaluators.")
    if not ScoredBy(section.scored_by).includes(user.group):
        raise Refused(
            f"Section {section.code} is scored by {section.scored_by} evaluators only, "
            f"and {user.name} is a {user.role_enum.label.lower()}."
        )
    existing = db.session.scalar(
        select(Assignment).where(Assignment.section_id == section.id, Assignment.user_id == user.id)
    )
    if existing is not None:
        return existing
    assignment = Assignment(section=section, user=user)
    db.session.add(assignment)
    db.session.flush()
    audit.record("assignment.added", actor=actor, procurement_id=procurement.id, entity="assignment",
                 entity_id=assignment.id, after={"section": section.code, "evaluator": user.email})
    return assignment


def readiness_problems(procurement: Procurement) -> list[str]:
    """Everything that stops scoring from opening, in plain English."""
    problems = []
    total = sum(s.weight for s in procurement.sections)
    if not procurement.sections:
        problems.append("Add at least one section.")
    elif abs(total - 100.0) > WEIGHT_TOLERANCE:
        problems.append(f"Section weights add up to {total:g}%. They must add up to 100%.")
    if not procurement.bidders:
        problems.append("Add at least one bidder.")
    for section in procurement.sections:
        if section.is_price:
            missing = [b.code for b in procurement.bidders if b.price is None]
            if missing:
                problems.append(f"Price section {section.code} needs a price for {', '.join(missing)}.")
            continue
        evaluators = [a.user for a in section.assignments]
        if not evaluators:
            problems.append(f"Section {section.code} has no evaluator.")
        if ScoredBy(section.scored_by).includes("patient") and not any(
            u.role == Role.PATIENT.value and u.is_trained for u in evaluators
        ):
            problems.append(f"Section {section.code} is scored by patient representatives but has no trained patient representative.")
        if ScoredBy(section.scored_by).includes("panel") and not any(u.role == Role.PANEL.value for u in evaluators):
            problems.append(f"Section {section.code} is scored by the panel but has no panel evaluator.")
    return problems


def open_scoring(procurement: Procurement, *, actor: User | None) -> None:
    if procurement.status != Status.SETUP.value:
        raise Refused(f"Scoring can only open from set-up. This procurement is {procurement.status_enum.label.lower()}.")
    problems = readiness_problems(procurement)
    if problems:
        error = Refused("Scoring cannot open yet: " + " ".join(problems))
        error.problems = problems
        raise error
    _set_status(procurement, Status.SCORING, actor=actor)


def _set_status(procurement: Procurement, status: Status, *, actor: User | None, reason: str = "") -> None:
    before = procurement.status
    procurement.status = status.value
    audit.record("procurement.status_changed", actor=actor, procurement_id=procurement.id,
                 entity="procurement", entity_id=procurement.id,
                 before={"status": before}, after={"status": status.value}, reason=reason)


def _require_setup(procurement: Procurement) -> None:
    if procurement.status != Status.SETUP.value:
        raise Refused(
            f"Sections and bidders can only be added while the procurement is being set up. "
            f"It is {procurement.status_enum.label.lower()}."
        )
