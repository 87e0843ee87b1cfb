"""What an administrator can do to an account: deactivate, reactivate, change role, unlock.

Each change is audited and ends the person's existing sessions, so a browser left
signed in cannot keep using powers the account no longer has. Scores are never
touched: a deactivated rep's submitted scores stay in the procurement.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, Procurement, Role, Section, Status, User
from . import audit, invitations
from .errors import Refused

OPEN = (Status.SETUP, Status.SCORING, Status.MODERATION)


def _not_yourself(user: User, actor: User, what: str) -> None:
    if actor is not None and user.id == actor.id:
        raise Refused(f"You cannot {what} your own account. Ask another administrator.")


def deactivate(user: User, *, actor: User, reason: str = "") -> None:
    _not_yourself(user, actor, "deactivate")
    if not user.active:
        raise Refused(f"{user.name}'s account is already deactivated.")
    user.active = False
    invitations.end_sessions(user)
    audit.record(
        "user.deactivated",
        actor=actor,
        entity="user",
        entity_id=user.id,
        before={"active": True},
        after={"active": False},
        reason=reason.strip(),
    )


def reactivate(user: User, *, actor: User) -> None:
    if user.active:
        raise Refused(f"{user.name}'s account is already active.")
    user.active = True
    invitations.end_sessions(user)
    audit.record(
        "user.reactivated",
        actor=actor,
        entity="user",
        entity_id=user.id,
        before={"active": False},
        after={"active": True},
    )


def role_change_problems(user: User, role: Role) -> list[str]:
    """Why ``user`` cannot take ``role`` now: open procurements that depend on the role they have."""
    problems = []
    group = role.group
    if user.group and group != user.group:
        references = db.session.scalars(
            select(Procurement.reference)
            .join(Section, Section.procurement_id == Procurement.id)
            .join(Assignment, Assignment.section_id == Section.id)
            .where(Assignment.user_id == user.id, Procurement.status.in_(OPEN))
            .distinct()
            .order_by(Procurement.reference)
        ).all()
        if references:
            problems.append(
                f"{user.name} is assigned to score in {', '.join(references)}, which "
                f"{'is' if len(references) == 1 else 'are'} not final. Remove those assignments "
                "first, or wait until the procurement is final."
            )
    if user.role in (Role.LEAD, Role.ADMIN) and role not in (Role.LEAD, Role.ADMIN):
        references = db.session.scalars(
            select(Procurement.reference)
            .where(Procurement.lead_id == user.id, Procurement.status.in_(OPEN))
            .order_by(Procurement.reference)
        ).all()
        if references:
            problems.append(
                f"{user.name} leads {', '.join(references)}. Give "
                f"{'it' if len(references) == 1 else 'them'} another lead first."
            )
    return problems


def change_role(user: User, role: Role | str | None, *, actor: User) -> None:
    try:
        role = Role(role or "")
    except ValueError:
        raise Refused("Choose the new role.", field="role") from None
    _not_yourself(user, actor, "change the role of")
    if role is user.role:
        raise Refused(f"{user.name} is already a {role.label.lower()}.", field="role")
    problems = role_change_problems(user, role)
    if problems:
        raise Refused(
            f"{user.name}'s role cannot change to {role.label.lower()} yet: " + " ".join(problems), field="role"
        )
    before = user.role
    user.role = role
    invitations.end_sessions(user)
    audit.record(
        "user.role_changed",
        actor=actor,
        entity="user",
        entity_id=user.id,
        before={"role": before},
        after={"role": role.value},
    )


def unlock(user: User, *, actor: User) -> None:
    if user.locked_until is None and not user.failed_logins:
        raise Refused(f"{user.name}'s account is not locked.")
    user.locked_until = None
    user.failed_logins = 0
    invitations.end_sessions(user)
    audit.record("user.unlocked", actor=actor, entity="user", entity_id=user.id)
