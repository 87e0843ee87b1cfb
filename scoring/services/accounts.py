"""User accounts: creation, password rules and sign-in with lock-out and rate limiting.

Every count lives in the database (``users.failed_logins``, ``login_attempts``),
never in process memory, so several gunicorn workers enforce the same limits.
"""
from __future__ import annotations

from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, request
from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import LoginAttempt, Role, User, utcnow
from . import audit
from .errors import Refused

MIN_PASSWORD_LENGTH = 12
_COMMON_PASSWORDS = {"password1234", "123456789012", "qwertyuiopas", "passwordpassword"}


def password_problem(password: str, *, email: str = "") -> str | None:
    """Say what is wrong with a new password, or None if it is acceptable.

    Length beats complexity rules (NCSC guidance): 12+ characters, not a
    well-known password, and not the email address.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters long."
    if password.lower() in _COMMON_PASSWORDS or len(set(password)) < 4:
        return "Password is too easy to guess. Try three random words."
    if email and email.split("@")[0].lower() in password.lower():
        return "Password must not contain your email address."
    return None


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Refused(f"Enter a valid email address: {exc}", field="email") from exc


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str | None,
    training_completed_on: date | None = None,
    actor: User | None = None,
) -> User:
    role = Role(role)
    email = normalise_email(email)
    if not name.strip():
        raise Refused("Enter the person's name.", field="name")
    if find_by_email(email) is not None:
        raise Refused(f"An account with the email {email} already exists.", field="email")
    user = User(email=email, name=name.strip(), role=role.value,
                training_completed_on=training_completed_on)
    if password is not None:
        problem = password_problem(password, email=email)
        if problem:
            raise Refused(problem, field="password")
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", actor=actor, entity="user", entity_id=user.id,
                 after={"email": email, "name": user.name, "role": role.value,
                        "training_completed_on": training_completed_on})
    return user


class TooManyAttempts(Refused):
    """Too many failed sign-ins from one address: slow down guessing across many accounts."""

    status = 429


def _client_ip() -> str:
    # Behind a reverse proxy, wrap the app in werkzeug's ProxyFix so this is the real client.
    return (request.remote_addr or "") if has_request_context() else ""


def _failures_from(ip: str, since) -> int:
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since
        )
    ) or 0


def _record_attempt(email: str, ip: str, *, succeeded: bool, now) -> None:
    config = current_app.config
    keep_days = config.get("LOGIN_ATTEMPT_RETENTION_DAYS", 30)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=keep_days)))
    db.session.add(LoginAttempt(at=now, ip=ip[:45], email=email.strip().lower()[:254], succeeded=succeeded))


def authenticate(email: str, password: str, *, ip: str | None = None) -> User:
    """Return the user if the password is right; count failures and lock after too many.

    Two limits, both kept in the database: an account locks for
    LOGIN_LOCKOUT_MINUTES after LOGIN_MAX_FAILURES wrong passwords in a row, and
    an address (``ip``, by default the request's) that has failed
    LOGIN_MAX_FAILURES_PER_IP times within that many minutes is refused before
    any password is checked, which slows guessing across many accounts.

    The message is the same for an unknown email and a wrong password so that
    sign-in does not reveal who has an account.
    """
    config = current_app.config
    ip = _client_ip() if ip is None else ip
    now = utcnow()
    window = timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
    if ip and _failures_from(ip, now - window) >= config.get("LOGIN_MAX_FAILURES_PER_IP", 30):
        raise TooManyAttempts(
            "There have been too many failed attempts to sign in from your network. "
            f"Wait {config['LOGIN_LOCKOUT_MINUTES']} minutes and try again. Nobody can lift this sooner, "
            "so check the email address and password before trying again.",
            field="email",
        )
    wrong = Refused("Enter a correct email address and password.", field="email")
    user = find_by_email(email)
    if user is None or not user.active:
        _record_attempt(email, ip, succeeded=False, now=now)
        db.session.commit()
        raise wrong
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise Refused(
            f"This account is locked after too many failed attempts. Try again in {minutes} minutes, "
            "or ask an administrator to set a new password, which unlocks it straight away.",
            field="email",
        )
    if not user.check_password(password):
        _record_attempt(email, ip, succeeded=False, now=now)
        # One UPDATE, not read-then-write, so two workers failing at once both count.
        db.session.execute(
            update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        )
        db.session.refresh(user, ["failed_logins"])
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + window
            user.failed_logins = 0
            audit.record("user.locked", actor=None, entity="user", entity_id=user.id,
                         after={"locked_until": user.locked_until, "ip": ip})
        db.session.commit()
        raise wrong
    _record_attempt(email, ip, succeeded=True, now=now)
    user.failed_logins = 0
    user.locked_until = None
    db.session.commit()
    return user
