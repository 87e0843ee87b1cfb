"""Invitations and forgotten passwords: single-use links sent by email.

A link is ``itsdangerous`` signed (so it cannot be forged or edited) and names an
``AccountToken`` row (so it can be used once and revoked). Issuing a new link of
the same kind revokes the person's earlier unused ones, so only the newest works.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..extensions import db
from ..models import AccountToken, Procurement, Role, User, utcnow
from . import accounts, audit, mail
from .errors import Refused

INVITE, RESET = "invite", "reset"
LIFETIMES = {INVITE: timedelta(days=7), RESET: timedelta(hours=1)}


class LinkProblem(Refused):
    """The link cannot be used; ``kind`` is expired, used, revoked or invalid, so the page can offer a new one."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"account-link-{purpose}")


def end_sessions(user: User) -> None:
    """Every other browser signed in as ``user`` is signed out (the session token is replaced)."""
    accounts.end_sessions(user)


def issue(user: User, purpose: str, *, actor: User | None, now: datetime | None = None) -> str:
    """A new signed link token for ``user``; earlier unused ones of this purpose stop working."""
    now = now or utcnow()
    for old in db.session.scalars(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.revoked_at.is_(None),
        )
    ):
        old.revoked_at = now
    row = AccountToken(
        user_id=user.id,
        purpose=purpose,
        nonce=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
        created_by_id=actor.id if actor else None,
    )
    db.session.add(row)
    db.session.flush()
    return _serializer(purpose).dumps({"id": row.id, "nonce": row.nonce})


def check(token: str, purpose: str, *, now: datetime | None = None) -> AccountToken:
    """The token's row if the link can be used now; otherwise LinkProblem saying why."""
    now = now or utcnow()
    try:
        data = _serializer(purpose).loads(token)
        row = db.session.get(AccountToken, int(data["id"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        row = None
    if row is None or row.purpose != purpose or not secrets.compare_digest(row.nonce, str(data.get("nonce", ""))):
        raise LinkProblem("This link is not valid. Check you copied the whole address from the email.", "invalid")
    if row.used_at is not None:
        raise LinkProblem("This link has already been used. Each link works once.", "used")
    if row.revoked_at is not None:
        raise LinkProblem(
            "This link has been replaced by a newer one. Use the link in the most recent email.", "revoked"
        )
    if row.expires_at <= now:
        life = "7 days" if purpose == INVITE else "1 hour"
        raise LinkProblem(f"This link has expired. Links in these emails work for {life}.", "expired")
    if not row.user.active:
        raise LinkProblem("This account has been closed. Ask your procurement lead if you need it again.", "invalid")
    return row


def use(token: str, purpose: str, password: str, *, now: datetime | None = None) -> User:
    """Set the person's password from a link, use the link up, and end every other session."""
    now = now or utcnow()
    row = check(token, purpose, now=now)
    user = row.user
    problem = accounts.password_problem(password, email=user.email)
    if problem:
        raise Refused(problem, field="password")
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    row.used_at = now
    end_sessions(user)
    if purpose == INVITE:
        audit.record("user.invitation_accepted", actor=user, entity="user", entity_id=user.id)
    else:
        audit.record("user.password_reset", actor=user, entity="user", entity_id=user.id)
    return user


def _queue_invitation(user: User, token: str, actor: User | None, procurement: Procurement | None = None) -> None:
    mail.queue(
        user,
        "invitation",
        {
            "href": mail.link("auth.accept_invitation", token=token),
            "inviter": actor.name if actor else "",
            "role_label": user.role.label.lower(),
            "procurement": procurement,
        },
        procurement_id=procurement.id if procurement is not None else None,
    )


def invite(
    *,
    email: str,
    name: str,
    role: Role | str,
    training_completed_on: date | None = None,
    actor: User | None,
    procurement: Procurement | None = None,
) -> User:
    """A new account with no password, and an email with a link to choose one."""
    user = accounts.create_user(
        email=email, name=name, role=role, password=None, training_completed_on=training_completed_on, actor=actor
    )
    _queue_invitation(user, issue(user, INVITE, actor=actor), actor, procurement)
    audit.record(
        "user.invited",
        actor=actor,
        entity="user",
        entity_id=user.id,
        after={"email": user.email},
        procurement_id=procurement.id if procurement is not None else None,
    )
    return user


#: The roles a procurement lead may invite: evaluators only. Leads and administrators are
#: invited by an administrator, so a lead cannot hand out powers they do not hold over others.
EVALUATOR_ROLES = (Role.PATIENT, Role.PANEL)


def invite_evaluator(
    procurement: Procurement, *, email: str, name: str, role: str, training_completed_on: date | None, actor: User
) -> User:
    """A lead invites a patient representative or panel evaluator for their own procurement."""
    if role not in EVALUATOR_ROLES:
        raise Refused(
            "Choose whether they are a patient representative or a panel evaluator. "
            "Only an administrator can invite a procurement lead or an administrator.",
            field="role",
        )
    if role != Role.PATIENT:
        training_completed_on = None
    return invite(
        email=email,
        name=name,
        role=role,
        training_completed_on=training_completed_on,
        actor=actor,
        procurement=procurement,
    )


def not_yet_invited(procurement: Procurement) -> list[User]:
    """Evaluators of ``procurement`` who cannot sign in yet and were never sent a link (an import made them)."""
    from .assignments import evaluators_of

    people = [u for u in evaluators_of(procurement) if u.active and not u.password_hash]
    if not people:
        return []
    invited = set(
        db.session.scalars(
            select(AccountToken.user_id).where(
                AccountToken.user_id.in_([u.id for u in people]), AccountToken.purpose == INVITE
            )
        )
    )
    return [u for u in people if u.id not in invited]


def invite_imported(procurement: Procurement, *, actor: User) -> list[User]:
    """Email an invitation to everyone ``not_yet_invited`` lists; one audit event names them all."""
    people = not_yet_invited(procurement)
    if not people:
        raise Refused("Everyone in this procurement can already sign in or has been sent an invitation.")
    for user in people:
        _queue_invitation(user, issue(user, INVITE, actor=actor), actor, procurement)
    audit.record(
        "procurement.people_invited",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        after={"names": [u.name for u in people], "emails": [u.email for u in people]},
    )
    return people


def resend_invitation(user: User, *, actor: User | None) -> None:
    if user.password_hash:
        raise Refused(
            f"{user.name} has already chosen a password. If they have forgotten it, they can use "
            "“Forgotten your password?” on the sign-in page."
        )
    if not user.active:
        raise Refused(f"{user.name}'s account is deactivated. Reactivate it first.")
    _queue_invitation(user, issue(user, INVITE, actor=actor), actor)
    audit.record("user.invitation_resent", actor=actor, entity="user", entity_id=user.id)


@dataclass
class ResetRequested:
    email: str


def request_reset(email: str) -> ResetRequested:
    """Queue a reset link if the email has an active account. The answer is the same either way."""
    user = accounts.find_by_email(email or "")
    if user is not None and user.active:
        token = issue(user, RESET, actor=None)
        mail.queue(user, "password_reset", {"href": mail.link("auth.reset_password", token=token)})
        audit.record("user.password_reset_requested", actor=None, entity="user", entity_id=user.id)
    return ResetRequested(email=(email or "").strip())


def request_new_invitation(token: str) -> None:
    """From an expired or replaced invitation link: send a fresh one to the same person, if still unused."""
    try:
        data = _serializer(INVITE).loads(token)
        row = db.session.get(AccountToken, int(data["id"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return
    if row is None or row.purpose != INVITE or row.user.password_hash or not row.user.active:
        return
    resend_invitation(row.user, actor=None)
