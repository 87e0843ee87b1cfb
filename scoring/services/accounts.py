"""User accounts: creation, password rules and sign-in with lock-out."""
from __future__ import annotations

from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Role, User, utcnow
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


def authenticate(email: str, password: str) -> User:
    """Return the user if the password is right; count failures and lock after too many.

    The message is the same for an unknown email and a wrong password so that
    sign-in does not reveal who has an account.
    """
    wrong = Refused("Enter a correct email address and password.", field="email")
    user = find_by_email(email)
    if user is None or not user.active:
        raise wrong
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise Refused(
            f"This account is locked after too many failed attempts. Try again in {minutes} minutes, "
            "or ask your procurement lead to help.",
            field="email",
        )
    if not user.check_password(password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
            audit.record("user.locked", actor=None, entity="user", entity_id=user.id)
        db.session.commit()
        raise wrong
    user.failed_logins = 0
    user.locked_until = None
    db.session.commit()
    return user
