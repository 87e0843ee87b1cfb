"""User accounts: creation, password rules and sign-in with lock-out and rate limiting.

Every count lives in the database (``users.failed_logins``, ``login_attempts``),
never in process memory, so several gunicorn workers enforce the same limits.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, request
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm.attributes import NO_VALUE

from .. import models
from ..extensions import db
from ..models import LoginAttempt, Role, User, new_session_token, utcnow
from ..rules import column_length
from . import audit
from .errors import Refused

MIN_PASSWORD_LENGTH = 12
NAME_MAX_CHARS = column_length(User.__table__.c.name)  # 200, the same for the form and the import
MAX_PASSWORD_LENGTH = 1000
#: zxcvbn scores 0 (guessed at once) to 4; below 3 it finds the password in, or built from,
#: its lists of the most common passwords, words and names (it ships them: nothing is fetched).
MIN_PASSWORD_STRENGTH = 3


def password_problem(password: str, *, email: str = "") -> str | None:
    """Say what is wrong with a new password, or None if it is acceptable.

    Length beats complexity rules (NCSC guidance): 12+ characters, not a
    well-known password, and not the email address.
    """
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters long."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer."
    if email and email.split("@")[0].lower() in password.lower():
        return "Password must not contain your email address."
    # zxcvbn's time grows quickly with length; the first 100 characters decide well enough.
    if len(set(password)) < 4 or zxcvbn(password[:100], user_inputs=[email])["score"] < MIN_PASSWORD_STRENGTH:
        return "Password is too easy to guess: it is a well-known password or close to one. Try three random words."
    return None


def end_sessions(user: User) -> None:
    """End every session of ``user`` at once: each browser's cookie holds the old token, which
    no longer signs anyone in (see security.load_user).

    Called on sign-out, and by the listener below whenever the password, the role or whether
    the account is active changes, so no screen that changes those can forget it.
    """
    user.session_token = new_session_token()


def _ends_sessions_when_changed(target: User, value, old, initiator) -> None:
    if old is not NO_VALUE and old != value and target.id is not None:
        end_sessions(target)


for _attribute in (User.password_hash, User.role, User.active):
    event.listen(_attribute, "set", _ends_sessions_when_changed)


def training_date_problem(on: date | None) -> str | None:
    """A training date must have happened: the same rule for the web forms and the import."""
    if on is not None and on > date.today():
        return f"The training date {on.isoformat()} is in the future. Enter the date the training was completed."
    return None


def record_training(user: User, on: date, *, actor: User | None) -> None:
    """Record when a patient rep completed training (who may do it: access.may_record_training)."""
    problem = training_date_problem(on)
    if problem:
        raise Refused(problem, field="training_completed_on")
    before = {"training_completed_on": user.training_completed_on}
    user.training_completed_on = on
    audit.record(
        "user.training_recorded",
        actor=actor,
        entity="user",
        entity_id=user.id,
        before=before,
        after={"training_completed_on": on},
    )


def set_password(user: User, password: str, *, actor: User | None) -> None:
    """Give ``user`` a new password (refused if it is a poor one), unlock them and end their sessions."""
    problem = password_problem(password, email=user.email)
    if problem:
        raise Refused(problem, field="password")
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(user)
    audit.record("user.password_set", actor=actor, entity="user", entity_id=user.id)


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
    if len(name.strip()) > NAME_MAX_CHARS:
        raise Refused(
            f"The name must be {NAME_MAX_CHARS} characters or fewer. It is {len(name.strip())}.", field="name"
        )
    if find_by_email(email) is not None:
        raise Refused(f"An account with the email {email} already exists.", field="email")
    if training_date_problem(training_completed_on):
        raise Refused(training_date_problem(training_completed_on), field="training_completed_on")
    user = User(email=email, name=name.strip(), role=role, training_completed_on=training_completed_on)
    if password is not None:
        problem = password_problem(password, email=email)
        if problem:
            raise Refused(problem, field="password")
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        actor=actor,
        entity="user",
        entity_id=user.id,
        after={"email": email, "name": user.name, "role": role.value, "training_completed_on": training_completed_on},
    )
    return user


class WrongPassword(Refused):
    """A failed sign-in. Unlike other refusals it is itself recorded: the attempt (and a lock-out
    it leads to) must be kept, or anyone could guess passwords for ever, so the transaction
    boundary commits it (`scoring.transaction.end`) while the user is still refused."""

    status = 401
    keep_changes = True


class TooManyAttempts(Refused):
    """Too many failed sign-ins from one address: slow down guessing across many accounts."""

    status = 429


def _client_ip() -> str:
    # Behind a reverse proxy, wrap the app in werkzeug's ProxyFix so this is the real client.
    return (request.remote_addr or "") if has_request_context() else ""


def _failures_from(ip: str, since) -> int:
    return (
        db.session.scalar(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since
            )
        )
        or 0
    )


def _record_attempt(email: str, ip: str, *, succeeded: bool, now) -> None:
    config = current_app.config
    keep_days = config.get("LOGIN_ATTEMPT_RETENTION_DAYS", 30)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=keep_days)))
    db.session.add(LoginAttempt(at=now, ip=ip[:45], email=email.strip().lower()[:254], succeeded=succeeded))


def _locked(locked_until, now) -> Refused:
    minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
    return Refused(
        f"This account is locked after too many failed attempts. Try again in {minutes} minutes, "
        "or ask an administrator to set a new password, which unlocks it straight away.",
        field="email",
    )


_dummy_hash: list[str] = []


def _dummy_password_hash() -> str:
    """A hash made the way real ones are, checked when there is no account, to take as long."""
    if not _dummy_hash:
        _dummy_hash.append(models.generate_password_hash(secrets.token_hex(16), method="scrypt"))
    return _dummy_hash[0]


def _unknown_email_locked_until(email: str, now, window):
    """When an email with no account would be unlocked if it had one, or None.

    Replays this email's failed attempts through the same rule as ``users.failed_logins``
    (LOGIN_MAX_FAILURES in a row lock it for the lock-out time; attempts while locked are not
    counted), so an unknown email is locked out exactly when a real one would be.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    times = db.session.scalars(
        select(LoginAttempt.at)
        .where(LoginAttempt.email == email.strip().lower()[:254], LoginAttempt.succeeded.is_(False))
        .order_by(LoginAttempt.at.desc())
        .limit(50 * limit)
    ).all()
    count, locked_until = 0, None
    for at in reversed(times):
        if locked_until is not None and at < locked_until:
            continue
        count += 1
        if count >= limit:
            locked_until, count = at + window, 0
    return locked_until if locked_until is not None and locked_until > now else None


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
    wrong = WrongPassword("Enter a correct email address and password.", field="email")
    user = find_by_email(email)
    if user is None or not user.active or not user.password_hash:
        # No account (or none that can sign in): answer as a real account would, after as
        # long a password check and with the same lock-out, so sign-in does not tell anyone
        # which email addresses have accounts.
        locked_until = _unknown_email_locked_until(email, now, window)
        if locked_until is not None:
            raise _locked(locked_until, now)
        models.check_password_hash(_dummy_password_hash(), password)
        _record_attempt(email, ip, succeeded=False, now=now)
        raise wrong
    if user.locked_until and user.locked_until > now:
        raise _locked(user.locked_until, now)
    if not user.check_password(password):
        _record_attempt(email, ip, succeeded=False, now=now)
        # One UPDATE, not read-then-write, so two workers failing at once both count.
        db.session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        db.session.refresh(user, ["failed_logins"])
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + window
            user.failed_logins = 0
            audit.record(
                "user.locked",
                actor=None,
                entity="user",
                entity_id=user.id,
                after={"locked_until": user.locked_until, "ip": ip},
            )
        raise wrong
    _record_attempt(email, ip, succeeded=True, now=now)
    user.failed_logins = 0
    user.locked_until = None
    return user


def change_own_password(user: User, current: str, new: str, confirm: str) -> None:
    """A signed-in person changes their password; every other session of theirs ends."""
    if not user.check_password(current or ""):
        raise Refused(
            "Your current password is not right. Type the password you sign in with.", field="current_password"
        )
    if new != confirm:
        raise Refused("The two new passwords are different. Type the same new password twice.", field="confirm")
    problem = password_problem(new or "", email=user.email)
    if problem:
        raise Refused(problem, field="password")
    user.set_password(new)
    end_sessions(user)
    audit.record("user.password_changed", actor=user, entity="user", entity_id=user.id)


#: The free-text note about how a person needs information: long enough for several needs.
COMMUNICATION_NOTE_LIMIT = 1000


def set_communication_needs(user: User, need: str, note: str, *, actor: User) -> bool:
    """Record how ``user`` needs information (Accessible Information Standard, DCB1605 section 4).

    The person themselves or an administrator sets it; the app honours it (mail.queue,
    the report links, the print size of score sheets and reports). False if nothing changed.
    """
    from ..models import COMMUNICATION_NEEDS

    if need not in COMMUNICATION_NEEDS:
        raise Refused(
            "Choose how you need information: standard, large print, easy read or paper by post.", field="need"
        )
    note = (note or "").strip()
    if len(note) > COMMUNICATION_NOTE_LIMIT:
        raise Refused(
            f"The note must be {COMMUNICATION_NOTE_LIMIT:,} characters or fewer. It has {len(note):,}.", field="note"
        )
    if need == user.communication_need and note == user.communication_note:
        return False  # nothing to audit
    before = {"need": user.communication_need, "note": user.communication_note}
    user.communication_need, user.communication_note = need, note
    audit.record(
        "user.communication_needs_set",
        actor=actor,
        entity="user",
        entity_id=user.id,
        before=before,
        after={"need": need, "note": note},
    )
    return True
