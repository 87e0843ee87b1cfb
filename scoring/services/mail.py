"""Outgoing email through an outbox table: queue inside the change, deliver later.

``queue()`` renders the message and adds it to the caller's transaction, so a
rollback sends nothing and a crash before delivery loses nothing. ``deliver_due()``
(the `flask deliver-mail` command) sends what is due, one message per transaction:
it first claims a message (pending -> sending) and commits, then sends, then marks
it sent. A message is therefore never sent twice: if the process dies between the
send and the mark, the message stays "sending" and is listed for a person to check
rather than sent again.

Transports: SMTP when MAIL_SERVER is set (standard library smtplib, STARTTLS when
MAIL_USE_TLS), otherwise a folder (MAIL_OUTBOX_FOLDER, by default instance/outbox/)
with one .eml file per message, so a laptop shows what would have been sent.
"""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from .. import transaction
from ..database import referenced
from ..extensions import db
from ..models import MailAttempt, OutboxMessage, User, utcnow

PENDING, SENDING, SENT, FAILED, POST = "pending", "sending", "sent", "failed", "post"

#: Emails a "paper by post" person still gets: the links that let them into their own account
#: (an invitation, a password they asked to reset). A letter cannot carry a one-hour link, and
#: a person asking for a reset on the website is using the website.
ACCOUNT_TEMPLATES = frozenset({"invitation", "password_reset"})

# Minutes to wait after the first, second, ... failure; the last gap repeats until MAIL_MAX_ATTEMPTS.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360)


def link(endpoint: str, **values) -> str:
    """An absolute link for an email, built from PUBLIC_URL so it works from the CLI too."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def _render(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) from templates/mail/<template>.txt and .html.

    The text template sets ``subject`` with ``{% set subject = ... %}``.
    """
    env = current_app.jinja_env
    context = {"link": link, "config": current_app.config, **context}
    text_module = env.get_template(f"mail/{template}.txt").make_module(context)
    subject = str(getattr(text_module, "subject", "")).strip()
    if not subject:
        raise ValueError(f"mail/{template}.txt must set a subject")
    html = env.get_template(f"mail/{template}.html").render(subject=subject, **context)
    return subject, str(text_module).strip() + "\n", html


def already_queued(dedupe_key: str) -> bool:
    db.session.flush()
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


def queue(
    user: User | None,
    template: str,
    context: dict | None = None,
    *,
    dedupe_key: str | None = None,
    to_address: str | None = None,
    procurement_id: int | None = None,
) -> OutboxMessage | None:
    """Add a message for ``user`` to the current transaction; None if ``dedupe_key`` was used before.

    The caller commits (or rolls back) it together with the change it tells the person about.
    For a person who needs paper by post (Accessible Information Standard) the message is
    kept as a letter (status "post") that is never emailed; the lead prints and posts it.
    """
    if dedupe_key is not None and already_queued(dedupe_key):
        return None
    address = to_address or (user.email if user is not None else None)
    if not address:
        raise ValueError("A message needs a user or an address")
    subject, text, html = _render(template, {"user": user, **(context or {})})
    message = OutboxMessage(
        user_id=user.id if user is not None else None,
        procurement_id=procurement_id,
        to_address=address,
        subject=subject,
        text_body=text,
        html_body=html,
        template=template,
        dedupe_key=dedupe_key,
        status=POST if _by_post(user, template) else PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def _by_post(user: User | None, template: str) -> bool:
    return user is not None and user.by_post and template not in ACCOUNT_TEMPLATES


def build_email(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    name = message.user.name if message.user is not None else ""
    email["To"] = formataddr((name, message.to_address))
    # A stable id per outbox row: a relay that sees the same id twice can drop the copy.
    domain = urlsplit(config["PUBLIC_URL"]).hostname or "localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


def _send_smtp(email: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)


def _send_folder(email: EmailMessage, message: OutboxMessage) -> None:
    folder = Path(current_app.config["MAIL_OUTBOX_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message.id:06d}-{message.template}.eml").write_bytes(bytes(email))


def transport_name() -> str:
    return "smtp" if current_app.config.get("MAIL_SERVER") else "folder"


def _retry_gap(attempts: int) -> timedelta:
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send every pending message whose time has come, keeping each claim and each attempt
    before the next message is sent (`transaction.commit_step`: a sent email cannot be unsent).

    Returns counts of sent, retrying (failed this time, will try again) and failed (gave up).
    """
    now = now or utcnow()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    transaction.commit_step()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    for message_id in due:
        # Claim it: only one deliverer (two cron runs overlapping) can move it out of pending.
        # An UPDATE's result is a CursorResult (Session.execute is typed as the plain Result).
        claimed = cast(
            CursorResult[Any],
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING)
                .values(status=SENDING)
            ),
        ).rowcount
        transaction.commit_step()
        if not claimed:
            continue
        message = referenced(OutboxMessage, message_id)
        error = ""
        try:
            email = build_email(message)
            if transport_name() == "smtp":
                _send_smtp(email)
            else:
                _send_folder(email, message)
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
        message.attempts += 1
        db.session.add(MailAttempt(message_id=message.id, at=now, succeeded=not error, error=error))
        if not error:
            message.status, message.sent_at, message.last_error = SENT, now, ""
            counts["sent"] += 1
        elif message.attempts >= max_attempts:
            message.status, message.last_error = FAILED, error
            counts["failed"] += 1
        else:
            message.status, message.last_error = PENDING, error
            message.next_attempt_at = now + _retry_gap(message.attempts)
            counts["retrying"] += 1
        transaction.commit_step()
    return counts


def stuck(*, older_than: timedelta = timedelta(hours=1), now: datetime | None = None) -> list[OutboxMessage]:
    """Messages claimed but never marked: the deliverer died mid-send. A person decides whether to resend."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.status == SENDING, OutboxMessage.next_attempt_at < now - older_than
            )
        )
    )


def letters_to_post(procurement_id: int) -> list[OutboxMessage]:
    """The letters for people who need paper, oldest first: what the lead must print and post."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.procurement_id == procurement_id, OutboxMessage.status == POST)
            .order_by(OutboxMessage.posted_at.is_not(None), OutboxMessage.created_at, OutboxMessage.id)
        )
    )


def mark_posted(message: OutboxMessage, *, posted_on, actor: User) -> None:
    """The lead has put this letter in the post. Recorded once, audited."""
    from . import audit
    from .errors import Refused

    if message.status != POST:
        raise Refused("This message was sent by email, so there is nothing to post.")
    if message.posted_at is not None:
        raise Refused(f"This letter was already marked as posted on {message.posted_at:%d/%m/%Y}.")
    if posted_on is None:
        raise Refused("Enter the date you posted the letter, for example 27/03/2027.", field="posted_on")
    if posted_on > utcnow().date():
        raise Refused("The date posted cannot be in the future.", field="posted_on")
    message.posted_at = datetime.combine(posted_on, datetime.min.time())
    message.posted_by_id = actor.id
    audit.record(
        "letter.posted",
        actor=actor,
        procurement_id=message.procurement_id,
        entity="outbox_message",
        entity_id=message.id,
        after={
            "to": message.user.name if message.user else message.to_address,
            "subject": message.subject,
            "posted_on": posted_on,
        },
    )


def sent_to(procurement_id: int) -> list[OutboxMessage]:
    """Everything queued about a procurement, newest first: what the lead sees as "who was sent what"."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.procurement_id == procurement_id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )
