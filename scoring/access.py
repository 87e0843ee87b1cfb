"""Who may see and change what. Routes call these before touching procurement data.

Unknown ids give 404; ids that exist but are not yours give 403.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .models import Assignment, Bidder, Declaration, Procurement, Role, Section, User


def roles_required(*roles: Role):
    allowed = set(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def reps_whose_training_user_records(user: User) -> set[int] | None:
    """Ids of the patient reps whose training ``user`` may record; None means every rep (an administrator).

    A lead may record it only for reps on a procurement they lead: a training date decides who
    may be asked to score, so a lead cannot vouch for people outside their own procurements.
    """
    if user.role is Role.ADMIN:
        return None
    if user.role is not Role.LEAD:
        return set()
    return set(
        db.session.scalars(
            select(Assignment.user_id)
            .join(Section, Assignment.section_id == Section.id)
            .join(Procurement, Section.procurement_id == Procurement.id)
            .where(Procurement.lead_id == user.id)
        )
    )


def may_record_training(user: User, rep: User) -> bool:
    allowed = reps_whose_training_user_records(user)
    return allowed is None or rep.id in allowed


def procurement_or_404(procurement_id: int) -> Procurement:
    procurement = db.session.get(Procurement, procurement_id)
    if procurement is None:
        abort(404)
    return procurement


def is_lead_of(user: User, procurement: Procurement) -> bool:
    return user.role is Role.ADMIN or (user.role is Role.LEAD and procurement.lead_id == user.id)


def lead_procurement_or_abort(procurement_id: int) -> Procurement:
    procurement = procurement_or_404(procurement_id)
    if not is_lead_of(current_user, procurement):
        abort(403)
    return procurement


def assigned_sections(user: User, procurement: Procurement) -> list[Section]:
    return list(
        db.session.scalars(
            select(Section)
            .join(Assignment, Assignment.section_id == Section.id)
            .where(Assignment.user_id == user.id, Section.procurement_id == procurement.id)
            .order_by(Section.position, Section.id)
        )
    )


def is_evaluator_of(user: User, procurement: Procurement) -> bool:
    return (
        db.session.scalar(
            select(Assignment.id)
            .join(Section, Assignment.section_id == Section.id)
            .where(Assignment.user_id == user.id, Section.procurement_id == procurement.id)
            .limit(1)
        )
        is not None
    )


def evaluator_procurement_or_abort(procurement_id: int) -> Procurement:
    procurement = procurement_or_404(procurement_id)
    if not is_evaluator_of(current_user, procurement):
        abort(403)
    return procurement


def conflicted_bidder_ids(user: User, procurement: Procurement) -> set[int]:
    return set(
        db.session.scalars(
            select(Declaration.bidder_id)
            .join(Bidder, Declaration.bidder_id == Bidder.id)
            .where(
                Declaration.user_id == user.id,
                Declaration.has_conflict.is_(True),
                Bidder.procurement_id == procurement.id,
            )
        )
    )


def bidder_in(procurement: Procurement, bidder_id: int) -> Bidder:
    bidder = db.session.get(Bidder, bidder_id)
    if bidder is None or bidder.procurement_id != procurement.id:
        abort(404)
    return bidder


def section_in(procurement: Procurement, section_id: int) -> Section:
    section = db.session.get(Section, section_id)
    if section is None or section.procurement_id != procurement.id:
        abort(404)
    return section
