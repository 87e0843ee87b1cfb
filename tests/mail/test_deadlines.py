"""Scoring deadlines: shown to evaluators, reminders sent once each, opening and closing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from scoring.extensions import db
from scoring.models import AuditEvent, OutboxMessage, Status
from scoring.services import deadlines, mail, setup
from scoring.services.errors import Refused

from ..helpers import gen_procurement, gen_scores, sign_in

# Friday 12 March 2027, 5pm in London (GMT, so 17:00 UTC).
DEADLINE_DAY, FIVE_PM = date(2027, 3, 12), time(17, 0)


def _set_deadline(procurement, lead, now=datetime(2027, 3, 1, 9, 0)):
    deadlines.set_dates(
        procurement, deadline_day=DEADLINE_DAY, deadline_time=FIVE_PM, meeting_on=date(2027, 3, 19), actor=lead, now=now
    )
    db.session.commit()


def test_the_due_sentence_is_in_london_time():
    class P:
        scoring_deadline = deadlines.from_london(DEADLINE_DAY, FIVE_PM)

    assert P.scoring_deadline == datetime(2027, 3, 12, 17, 0)
    assert (
        deadlines.due_sentence(P, now=datetime(2027, 3, 9, 10, 0))
        == "Scores are due by 5pm on Friday 12 March — 3 days left"
    )
    assert (
        deadlines.due_sentence(P, now=datetime(2027, 3, 12, 8, 0)) == "Scores are due by 5pm on Friday 12 March — today"
    )
    summer = deadlines.from_london(date(2027, 6, 4), time(12, 0))
    assert summer == datetime(2027, 6, 4, 11, 0)  # British Summer Time


def test_evaluators_see_the_deadline_and_the_lead_sets_it(app, client, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    sign_in(client, lead)
    saved = client.post(
        f"/procurements/{procurement.id}/dates",
        data={"deadline_day": "2099-03-13", "deadline_time": "17:00", "meeting_on": "2099-03-20"},
        follow_redirects=True,
    )
    assert "Dates saved." in saved.text
    assert "Scores are due by 5pm on Friday 13 March" in saved.text
    refused = client.post(
        f"/procurements/{procurement.id}/dates",
        data={"deadline_day": "2099-03-13", "deadline_time": "", "meeting_on": ""},
    )
    assert refused.status_code == 400 and "Enter both the date and the time scores are due" in refused.text
    client.post("/sign-out")
    sign_in(client, rep)
    page = client.get(f"/evaluate/{procurement.id}", follow_redirects=True)
    assert "Scores are due by 5pm on Friday 13 March —" in page.text
    assert "days left" in page.text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "procurement.dates_set"))


def test_opening_scoring_notifies_each_evaluator(app, lead, rep, panel, smtp_server):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel], open_scoring=False)
    procurement.scoring_deadline = datetime(2099, 3, 13, 17, 0)
    setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    mail.deliver_due()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "Morgan Panel <morgan.panel@example.org>",
        "Pat Patel <pat.patel@example.org>",
    ]
    body = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "conflict of interest" in body and "Scores are due by 5pm on Friday 13 March" in body


def test_reminders_are_sent_once_at_each_point_however_often_the_command_runs(app, lead, rep, panel, smtp_server):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    _set_deadline(procurement, lead)
    gen_scores(procurement, {panel: 3})  # the panel member has finished; the rep has not

    def run(now):
        total = sum(deadlines.send_reminders(now=now) for _ in range(3))
        db.session.commit()
        return total

    assert run(datetime(2027, 3, 4, 9, 0)) == 0  # 8 days before: nothing yet
    assert run(datetime(2027, 3, 5, 9, 0)) == 2  # 7 days: the rep, and the lead's summary
    assert run(datetime(2027, 3, 6, 9, 0)) == 0
    assert run(datetime(2027, 3, 10, 9, 0)) == 2  # 2 days
    assert run(datetime(2027, 3, 12, 7, 0)) == 2  # on the day
    assert run(datetime(2027, 3, 12, 18, 0)) == 0  # after the deadline
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    reminders = [m for m in messages if m.dedupe_key.startswith("reminder")]
    assert [(m.to_address, m.subject) for m in reminders] == [
        ("pat.patel@example.org", "Reminder: scores due in 7 days"),
        ("lee.lead@example.org", "Who is behind with scoring: GP-TEST-01"),
        ("pat.patel@example.org", "Reminder: scores due in 2 days"),
        ("lee.lead@example.org", "Who is behind with scoring: GP-TEST-01"),
        ("pat.patel@example.org", "Reminder: scores due today"),
        ("lee.lead@example.org", "Who is behind with scoring: GP-TEST-01"),
    ]
    assert "1 person has not submitted: Pat Patel." in reminders[1].text_body
    mail.deliver_due()
    assert len([m for m in smtp_server.messages if "Reminder" in m["Subject"]]) == 3


def test_send_reminders_command(app, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    procurement.scoring_deadline = datetime.utcnow() + timedelta(hours=30)
    db.session.commit()
    first = app.test_cli_runner().invoke(args=["send-reminders"])
    second = app.test_cli_runner().invoke(args=["send-reminders"])
    assert first.exit_code == 0 and "Queued 3 reminders." in first.output
    assert "Queued 0 reminders." in second.output


def test_closing_before_the_deadline_needs_a_reason(app, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    gen_scores(procurement, {rep: 3, panel: 2})
    procurement.scoring_deadline = datetime(2099, 3, 13, 17, 0)
    db.session.commit()
    try:
        setup.close_scoring(procurement, actor=lead)
    except Refused as refused:
        assert "The scoring deadline has not passed yet" in refused.message
    else:
        raise AssertionError("closed before the deadline without a reason")
    db.session.rollback()
    setup.close_scoring(procurement, actor=lead, reason="Everyone finished early")
    assert db.session.get(type(procurement), procurement.id).status == Status.MODERATION.value
