"""Issue 17: leads inviting evaluators, the moderation meeting notice, and each person's
communication needs (Accessible Information Standard) honoured: letters instead of emails
for paper by post, easy read links, large print PDFs, "Your account"."""

from __future__ import annotations

import html
import json
from datetime import date, datetime, timedelta
from io import BytesIO

from sqlalchemy import select

from scoring.extensions import db
from scoring.models import AccountToken, AuditEvent, OutboxMessage, Role, User, utcnow
from scoring.services import assignments, deadlines, evaluation, finalise, mail, setup

from ..helpers import accept_the_rest, gen_procurement, gen_scores, gen_user, sign_in, to_moderation
from ..pdfs import font_sizes, pages
from .conftest import text_part


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _messages(user) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id))
    )


def _actions(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# ----------------------------------------------------------------------------- paper by post


def test_a_paper_by_post_rep_gets_no_email_and_appears_on_the_leads_posting_list(
    app, client, lead, rep, panel, smtp_server
):
    sign_in(client, rep)
    saved = client.post(
        "/account", data={"need": "post", "note": "Phone before sending anything"}, follow_redirects=True
    )
    assert "Your communication needs are saved." in _text(saved)
    client.post("/sign-out")

    procurement = gen_procurement(lead=lead, evaluators=[rep, panel], open_scoring=False)
    procurement.scoring_deadline = datetime(2099, 3, 13, 17, 0)
    setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    assert mail.deliver_due()["sent"] == 1
    assert [m["To"] for m in smtp_server.messages] == ["Morgan Panel <morgan.panel@example.org>"]
    [letter] = _messages(rep)
    assert letter.status == mail.POST and letter.sent_at is None and letter.attempts == 0

    # Reminders become letters too, and a later delivery run still emails nothing to the rep.
    deadlines.send_reminders(now=datetime(2099, 3, 6, 8, 0))
    db.session.commit()
    mail.deliver_due()
    assert all("Pat Patel" not in m["To"] for m in smtp_server.messages)
    assert [m.status for m in _messages(rep)] == [mail.POST, mail.POST]

    sign_in(client, lead)
    overview = _text(client.get(f"/procurements/{procurement.id}"))
    assert "Letters to post" in overview
    assert f"Pat Patel: Scoring is open: {procurement.title}" in overview
    assert "Their note: Phone before sending anything" in overview
    assert "Put in <a" in overview and "their score sheets (PDF)" in overview  # the envelope at opening
    assert f"/procurements/{procurement.id}/paper/{rep.id}/sheets.pdf" in overview

    pdf = client.get(f"/procurements/{procurement.id}/letters/{letter.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pages(pdf.data))
    assert "Scoring is open" in text and "Dear Pat Patel" in text and "With this letter: your score sheets" in text

    refused = client.post(
        f"/procurements/{procurement.id}/letters/{letter.id}/posted", data={"posted_on": "31/02/2027"}
    )
    assert refused.status_code == 400
    assert "Enter the date you posted the letter as day/month/year" in _text(refused)
    assert f'href="#posted_on-{letter.id}"' in refused.text and f'id="posted_on-{letter.id}-error"' in refused.text
    future = (utcnow() + timedelta(days=3)).strftime("%d/%m/%Y")
    refused = client.post(f"/procurements/{procurement.id}/letters/{letter.id}/posted", data={"posted_on": future})
    assert refused.status_code == 400 and "cannot be in the future" in _text(refused)
    assert letter.posted_at is None and not _actions("letter.posted")

    today = utcnow().date()
    done = client.post(
        f"/procurements/{procurement.id}/letters/{letter.id}/posted",
        data={"posted_on": today.strftime("%d/%m/%Y")},
        follow_redirects=True,
    )
    assert f"marked as posted on {today:%d/%m/%Y}" in _text(done)
    assert f"Posted on {today:%d/%m/%Y}" in _text(done) and "by Lee Lead" in _text(done)
    [event] = _actions("letter.posted")
    assert event.actor_id == lead.id and event.procurement_id == procurement.id
    again = client.post(
        f"/procurements/{procurement.id}/letters/{letter.id}/posted", data={"posted_on": today.strftime("%d/%m/%Y")}
    )
    assert again.status_code == 400 and "already marked as posted" in _text(again)
    assert len(_actions("letter.posted")) == 1

    sent = _text(client.get(f"/procurements/{procurement.id}/messages"))
    assert f"Letter posted on {today:%d/%m/%Y}" in sent
    assert "Letter waiting to be posted" in sent  # the reminder
    assert "Emailed" in sent  # the panel member's notice
    audit = _text(client.get(f"/procurements/{procurement.id}/audit"))
    assert f"marked as posted on {today.day} {today:%B %Y} by the lead, Lee Lead" in audit


def test_an_email_is_never_sent_for_a_letter_and_account_links_still_are(app, rep, panel, lead, smtp_server):
    rep.communication_need = "post"
    db.session.commit()
    from scoring.services import invitations

    invitations.request_reset(rep.email)  # they asked on the website, so the link is emailed
    db.session.commit()
    mail.deliver_due()
    assert [m["Subject"] for m in smtp_server.messages] == ["Reset your password"]
    other = gen_procurement(lead=lead, evaluators=[rep, panel])
    assert [m.status for m in _messages(rep)][-1] == mail.POST
    mail.deliver_due()
    assert [m["To"] for m in smtp_server.messages][1:] == ["Morgan Panel <morgan.panel@example.org>"]
    other_page = app.test_client()
    sign_in(other_page, lead)
    assert other_page.get(f"/procurements/{other.id}/letters/{_messages(rep)[0].id}.pdf").status_code == 404


# ----------------------------------------------------------------------------- Your account


def test_each_person_sees_and_changes_their_own_needs_under_your_account(app, client, rep):
    sign_in(client, rep)
    page = _text(client.get("/account"))
    assert "Your account" in page and "How do you need information from us?" in page
    assert "Standard: emails and the website" in page and "Change your password" in page
    assert 'href="/account"' in client.get("/evaluate/").get_data(as_text=True)  # in the header

    bad = client.post("/account", data={"need": "carrier-pigeon", "note": ""})
    assert bad.status_code == 400 and "Choose how you need information" in _text(bad)
    long = client.post("/account", data={"need": "large_print", "note": "x" * 1001})
    assert long.status_code == 400 and "The note must be 1,000 characters or fewer" in _text(long)
    assert db.session.get(User, rep.id).communication_need == "standard"

    client.post("/account", data={"need": "large_print", "note": "BSL interpreter at meetings"})
    same = client.post(
        "/account", data={"need": "large_print", "note": "BSL interpreter at meetings"}, follow_redirects=True
    )
    assert "Nothing changed." in _text(same)
    person = db.session.get(User, rep.id)
    assert (person.communication_need, person.communication_note) == ("large_print", "BSL interpreter at meetings")
    [event] = _actions("user.communication_needs_set")
    assert event.actor_id == rep.id and event.entity_id == rep.id


def test_changing_your_own_password_ends_your_other_sessions_and_keeps_this_one(app, client, rep):
    other_device = app.test_client()
    sign_in(other_device, rep)
    sign_in(client, rep)
    wrong = client.post(
        "/account/password",
        data={"current_password": "nope", "password": "new-plum-kettle-sky", "confirm": "new-plum-kettle-sky"},
    )
    assert wrong.status_code == 400 and "Your current password is not right" in _text(wrong)
    differ = client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery",
            "password": "new-plum-kettle-sky",
            "confirm": "new-plum-kettle",
        },
    )
    assert differ.status_code == 400 and "The two new passwords are different" in _text(differ)
    weak = client.post(
        "/account/password",
        data={"current_password": "correct-horse-battery", "password": "password", "confirm": "password"},
    )
    assert weak.status_code == 400 and "at least 12 characters" in _text(weak)
    assert other_device.get("/evaluate/").status_code == 200

    done = client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery",
            "password": "new-plum-kettle-sky",
            "confirm": "new-plum-kettle-sky",
        },
        follow_redirects=True,
    )
    assert "Your password is changed." in _text(done)
    assert client.get("/evaluate/").status_code == 200  # this browser carries on
    assert other_device.get("/evaluate/").status_code == 302  # the other is signed out
    assert sign_in(app.test_client(), rep, password="new-plum-kettle-sky").status_code == 302
    assert len(_actions("user.password_changed")) == 1


def test_an_administrator_sets_needs_on_a_persons_account_page(app, client, rep):
    admin = gen_user(Role.ADMIN, "Ada Admin")
    sign_in(client, admin)
    page = _text(client.get(f"/admin/users/{rep.id}/account"))
    assert "How does Pat Patel need information?" in page
    done = client.post(
        f"/admin/users/{rep.id}/account",
        data={"action": "needs", "need": "easy_read", "note": ""},
        follow_redirects=True,
    )
    assert "Pat Patel's communication needs are saved." in _text(done)
    assert "Easy read" in _text(done)
    bad = client.post(f"/admin/users/{rep.id}/account", data={"action": "needs", "need": "", "note": ""})
    assert bad.status_code == 400 and "Choose how you need information" in _text(bad)
    [event] = _actions("user.communication_needs_set")
    assert event.actor_id == admin.id


# ----------------------------------------------------------------------------- easy read and large print


def _finalised(lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    gen_scores(procurement, {rep: 3, panel: 2})
    to_moderation(procurement, lead)
    accept_the_rest(procurement, lead)
    finalise.finalise(procurement, actor=lead)
    db.session.commit()
    return procurement


def test_an_easy_read_persons_report_link_opens_the_easy_read_version(app, client, lead, rep, panel):
    rep.communication_need = "easy_read"
    db.session.commit()
    procurement = _finalised(lead, rep, panel)
    [notice] = [m for m in _messages(rep) if m.subject.startswith("Your report is ready")]
    easy = f"/procurements/{procurement.id}/reports/{rep.id}/easy-read"
    assert easy in notice.text_body
    sign_in(client, rep)
    assert easy in client.get("/my-moderation").get_data(as_text=True)
    assert client.get(easy).status_code == 200


def test_a_large_print_persons_sheets_and_report_print_in_large_print(app, client, lead, rep, panel):
    rep.communication_need = "large_print"
    db.session.commit()
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    sign_in(client, lead)
    sheets = client.get(f"/procurements/{procurement.id}/paper/{rep.id}/sheets.pdf")
    assert sheets.status_code == 200
    assert min(size for _, size, _ in font_sizes(sheets.data) if size > 12) >= 22
    assert "needs large print" in _text(client.get(f"/procurements/{procurement.id}/paper/{rep.id}/sheets"))
    # Someone with no recorded need gets the standard size unless the lead asks for large.
    standard = client.get(f"/procurements/{procurement.id}/paper/{panel.id}/sheets.pdf")
    assert min(size for _, size, _ in font_sizes(standard.data) if size > 12) < 22

    client.post("/sign-out")
    gen_scores(procurement, {rep: 3, panel: 2})
    to_moderation(procurement, lead)
    accept_the_rest(procurement, lead)
    finalise.finalise(procurement, actor=lead)
    db.session.commit()
    sign_in(client, lead)
    report = client.get(f"/procurements/{procurement.id}/reports/{rep.id}/easy-read.pdf")
    assert report.status_code == 200
    body = [size for _, size, text in font_sizes(report.data) if size > 17 and len(text) > 20]
    assert body and min(body) >= 24


# ----------------------------------------------------------------------------- invitations by a lead


def test_a_lead_invites_an_evaluator_to_their_own_procurement_but_not_a_lead(
    app, client, lead, procurement, smtp_server
):
    sign_in(client, lead)
    page = _text(client.get(f"/procurements/{procurement.id}/invite"))
    assert "Invite an evaluator" in page and "Only an administrator can invite a procurement lead" in page
    refused = client.post(
        f"/procurements/{procurement.id}/invite", data={"name": "Lou Lead", "email": "lou@example.org", "role": "lead"}
    )
    assert refused.status_code == 400 and "Only an administrator can invite a procurement lead" in _text(refused)
    bad_date = client.post(
        f"/procurements/{procurement.id}/invite",
        data={"name": "Rita Rep", "email": "rita@example.org", "role": "patient", "training_completed_on": "next week"},
    )
    assert bad_date.status_code == 400 and "Enter the training date as day/month/year" in _text(bad_date)
    assert db.session.scalar(select(User).where(User.email.in_(["lou@example.org", "rita@example.org"]))) is None

    done = client.post(
        f"/procurements/{procurement.id}/invite",
        data={
            "name": "Rita Rep",
            "email": "rita@example.org",
            "role": "patient",
            "training_completed_on": "02/02/2026",
        },
        follow_redirects=True,
    )
    assert "Invitation sent to Rita Rep at rita@example.org" in _text(done)
    rita = db.session.scalar(select(User).where(User.email == "rita@example.org"))
    assert rita.role == "patient" and rita.training_completed_on == date(2026, 2, 2) and rita.password_hash is None
    [event] = _actions("user.invited")
    assert event.procurement_id == procurement.id and event.actor_id == lead.id
    mail.deliver_due()
    [message] = [m for m in smtp_server.messages if "rita@example.org" in m["To"]]
    assert f"to help evaluate {procurement.title}" in text_part(message)
    assert "Rita Rep" in _text(client.get(f"/procurements/{procurement.id}/messages"))

    other = gen_user(Role.LEAD, "Olu Other")
    other_client = app.test_client()
    sign_in(other_client, other)
    assert (
        other_client.post(
            f"/procurements/{procurement.id}/invite", data={"name": "Sam", "email": "sam@example.org", "role": "panel"}
        ).status_code
        == 403
    )


def test_importing_new_evaluators_offers_to_invite_them_all_after_a_confirm_step(app, client, lead, smtp_server):
    from ..planning.workbooks import workbook_bytes

    sign_in(client, lead)
    imported = client.post(
        "/procurements/import",
        content_type="multipart/form-data",
        data={"workbook": (BytesIO(workbook_bytes()), "procurement.xlsx")},
    )
    assert imported.status_code == 302 and imported.headers["Location"].endswith("/invite-new-people")
    confirm = _text(client.get(imported.headers["Location"]))
    assert "Invite 2 new people by email?" in confirm
    assert "Nell Rep (new.rep@example.org), patient representative, gets an email" in confirm
    assert "Dr Pan (new.panel@example.org), panel evaluator, gets an email" in confirm
    assert "invite those people by email" in confirm  # the import's summary says what comes next
    assert not db.session.scalars(select(AccountToken)).all()  # nothing sent before the confirm

    done = client.post(imported.headers["Location"], data={"confirm": "yes"}, follow_redirects=True)
    assert "Invitations sent to 2 people." in _text(done)
    mail.deliver_due()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "Dr Pan <new.panel@example.org>",
        "Nell Rep <new.rep@example.org>",
    ]
    [event] = _actions("procurement.people_invited")
    assert sorted(json.loads(event.after_json)["names"]) == ["Dr Pan", "Nell Rep"]
    again = client.get(imported.headers["Location"])
    assert "Nobody to invite" in _text(again)
    assert client.post(imported.headers["Location"], data={"confirm": "yes"}).status_code == 302
    assert len(_actions("procurement.people_invited")) == 1


# ----------------------------------------------------------------------------- deadlines, meeting, notices


def test_the_dashboard_shows_the_deadline_and_the_meeting(app, client, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    procurement.scoring_deadline = datetime(2099, 3, 13, 17, 0)
    procurement.moderation_meeting_on = date(2099, 3, 20)
    db.session.commit()
    sign_in(client, rep)
    page = _text(client.get("/evaluate/"))
    assert "Scores are due by 5pm on Friday 13 March — " in page and "days left" in page
    assert "The moderation meeting is on Friday 20 March 2099." in page
    overview = _text(client.get(f"/evaluate/{procurement.id}", follow_redirects=True))
    assert "The moderation meeting is on Friday 20 March 2099." in overview


def test_the_moderation_meeting_notice_is_queued_once_with_a_link(app, lead, rep, panel, smtp_server):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    deadlines.set_dates(
        procurement,
        deadline_day=date(2099, 3, 13),
        deadline_time=datetime(1, 1, 1, 17).time(),
        meeting_on=date(2099, 3, 20),
        actor=lead,
    )
    db.session.commit()
    assert not [m for m in _messages(rep) if m.subject.startswith("Moderation meeting")]  # not while scoring
    gen_scores(procurement, {rep: 3, panel: 2})
    to_moderation(procurement, lead, reason="Everyone finished early")
    setup.return_to_scoring(procurement, actor=lead, reason="One more look")
    to_moderation(procurement, lead, reason="Closed again")
    for person in (rep, panel):
        [notice] = [m for m in _messages(person) if m.subject.startswith("Moderation meeting")]
        assert "The moderation meeting is on Friday 20 March 2099." in notice.text_body
        assert f"/procurements/{procurement.id}/moderation" in notice.text_body
    mail.deliver_due()
    meeting_mails = [m for m in smtp_server.messages if m["Subject"].startswith("Moderation meeting")]
    assert len(meeting_mails) == 2
    assert "Open the moderation page" in text_part(meeting_mails[0])

    # A changed date is news: one more each.
    deadlines.set_dates(
        procurement,
        deadline_day=date(2099, 3, 13),
        deadline_time=datetime(1, 1, 1, 17).time(),
        meeting_on=date(2099, 3, 27),
        actor=lead,
    )
    db.session.commit()
    assert len([m for m in _messages(rep) if m.subject.startswith("Moderation meeting")]) == 2


def test_each_notice_arrives_in_the_outbox_once(app, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel], open_scoring=False)
    setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    assert len([m for m in _messages(rep) if m.subject.startswith("Scoring is open")]) == 1
    deadlines.notify_scoring_opened(procurement)  # asked again: the key stops a second copy
    assert len([m for m in _messages(rep) if m.subject.startswith("Scoring is open")]) == 1

    bidder = procurement.bidders[0]
    evaluation.declare_conflicts(
        rep, procurement, {b.id: (b.id == bidder.id, "My cousin works there") for b in procurement.bidders}
    )
    db.session.commit()
    from scoring.models import Declaration

    declaration = db.session.scalar(
        select(Declaration).where(Declaration.user_id == rep.id, Declaration.bidder_id == bidder.id)
    )
    assignments.withdraw_conflict(declaration, reason="Cousin left in 2019", actor=lead)
    assert len([m for m in _messages(rep) if m.subject.startswith("You can now score")]) == 1

    gen_scores(procurement, {rep: 3, panel: 2})
    evaluation.reopen_scores(lead=lead, procurement=procurement, evaluator=rep, reason="Q2 reasons are missing")
    assert len([m for m in _messages(rep) if m.subject.startswith("Please look")]) == 1
    gen_scores(procurement, {rep: 3})
    to_moderation(procurement, lead)
    accept_the_rest(procurement, lead)
    finalise.finalise(procurement, actor=lead)
    db.session.commit()
    deadlines.notify_report_ready(procurement)
    assert len([m for m in _messages(rep) if m.subject.startswith("Your report is ready")]) == 1
    assert not [m for m in _messages(panel) if m.subject.startswith("Your report is ready")]  # reps only
