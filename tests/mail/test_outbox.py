"""The outbox: queued with the change, delivered over real SMTP, retried, never sent twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from scoring.extensions import db
from scoring.models import MailAttempt, OutboxMessage, Role, utcnow
from scoring.services import mail

from ..helpers import gen_user
from .conftest import html_part, text_part


def _notice(user, **extra):
    return mail.queue(
        user,
        "notice",
        {
            "heading": "Scoring is open",
            "paragraphs": ["You can now score the bids."],
            "action_text": "Start scoring",
            "action_href": mail.link("evaluate.dashboard"),
        },
        **extra,
    )


def test_a_queued_message_arrives_with_text_and_accessible_html_parts(app, smtp_server):
    rep = gen_user(Role.PATIENT, "Pat Patel")
    _notice(rep)
    db.session.commit()

    assert mail.deliver_due() == {"sent": 1, "retrying": 0, "failed": 0}

    [received] = smtp_server.messages
    assert received["To"] == "Pat Patel <pat.patel@example.org>"
    assert received["Subject"] == "Scoring is open"
    assert received["From"] == "Procurement <no-reply@example.nhs.uk>"
    text = text_part(received)
    assert "Dear Pat Patel," in text
    assert "Start scoring:\nhttp://127.0.0.1:5000/evaluate" in text
    html = html_part(received)
    assert '<html lang="en">' in html and "<title>Scoring is open</title>" in html
    assert '<h1 style="font-size:28px' in html
    assert ">Start scoring</a>" in html
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "sent" and message.attempts == 1 and message.sent_at is not None


def test_delivering_again_sends_nothing_twice(app, smtp_server):
    _notice(gen_user(Role.PATIENT))
    db.session.commit()
    mail.deliver_due()
    assert mail.deliver_due() == {"sent": 0, "retrying": 0, "failed": 0}
    assert len(smtp_server.messages) == 1


def test_a_message_being_sent_by_another_deliverer_is_not_sent_again(app, smtp_server):
    message = _notice(gen_user(Role.PATIENT))
    message.status = "sending"  # another run claimed it and died before marking it sent
    db.session.commit()
    assert mail.deliver_due()["sent"] == 0
    assert smtp_server.messages == []
    assert [m.id for m in mail.stuck(now=utcnow() + timedelta(hours=2))] == [message.id]


def test_a_rolled_back_change_sends_nothing(app, smtp_server):
    rep = gen_user(Role.PATIENT)
    _notice(rep)
    db.session.rollback()
    assert mail.deliver_due()["sent"] == 0
    assert smtp_server.messages == []
    assert db.session.scalar(select(OutboxMessage)) is None


def test_a_failing_server_is_retried_with_back_off_then_delivered(app, smtp_server):
    _notice(gen_user(Role.PATIENT, "Pat Patel"))
    db.session.commit()
    smtp_server.refuse_next = 2
    start = utcnow()

    assert mail.deliver_due(now=start)["retrying"] == 1
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "pending" and "451" in message.last_error
    assert message.next_attempt_at == start + timedelta(minutes=1)
    # Not due yet: nothing is tried.
    assert mail.deliver_due(now=start + timedelta(seconds=30)) == {"sent": 0, "retrying": 0, "failed": 0}
    assert mail.deliver_due(now=start + timedelta(minutes=1))["retrying"] == 1
    assert db.session.get(OutboxMessage, message.id).next_attempt_at == start + timedelta(minutes=1 + 5)
    assert mail.deliver_due(now=start + timedelta(minutes=6))["sent"] == 1

    assert smtp_server.refused == 2 and len(smtp_server.messages) == 1
    attempts = db.session.scalars(select(MailAttempt).order_by(MailAttempt.id)).all()
    assert [a.succeeded for a in attempts] == [False, False, True]
    assert "451" in attempts[0].error


def test_gives_up_after_the_maximum_number_of_attempts(app, smtp_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    _notice(gen_user(Role.PATIENT))
    db.session.commit()
    smtp_server.refuse_next = 5
    now = utcnow()
    mail.deliver_due(now=now)
    assert mail.deliver_due(now=now + timedelta(days=1))["failed"] == 1
    assert db.session.scalar(select(OutboxMessage)).status == "failed"
    assert mail.deliver_due(now=now + timedelta(days=2))["sent"] == 0


def test_a_dedupe_key_queues_a_message_once(app):
    rep = gen_user(Role.PATIENT)
    assert _notice(rep, dedupe_key="k1") is not None
    assert _notice(rep, dedupe_key="k1") is None
    db.session.commit()
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1


def test_without_a_mail_server_messages_go_to_the_outbox_folder(app, tmp_path):
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX_FOLDER=str(tmp_path / "outbox"))
    _notice(gen_user(Role.PATIENT, "Pat Patel"))
    db.session.commit()
    assert mail.deliver_due()["sent"] == 1
    [eml] = (tmp_path / "outbox").glob("*.eml")
    assert eml.name == "000001-notice.eml"
    assert "Subject: Scoring is open" in eml.read_text()


def test_deliver_mail_command(app, smtp_server):
    _notice(gen_user(Role.PATIENT))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, will retry 0, gave up on 0 (via smtp)." in result.output
    assert len(smtp_server.messages) == 1
