"""Invitations and forgotten passwords, end to end through a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from scoring.extensions import db
from scoring.models import AuditEvent, Role, User, utcnow
from scoring.services import invitations, mail

from ..helpers import PASSWORD, gen_user, sign_in
from .conftest import html_part, text_part

NEW_PASSWORD = "purple-otter-lantern"


def _link_in(message) -> str:
    [href] = re.findall(r"http://127\.0\.0\.1:5000(/\S+)", text_part(message))
    assert href in html_part(message)
    return href


def _invite_by_cli(app, email="new.rep@example.org"):
    result = app.test_cli_runner().invoke(
        args=["invite", email, "--name", "Nia Newrep", "--role", "patient", "--trained-on", "2026-02-01"]
    )
    assert result.exit_code == 0, result.output
    assert "Invited patient representative Nia Newrep <new.rep@example.org>." in result.output
    return result


def test_an_invitation_arrives_and_its_link_sets_a_password_and_signs_in(app, client, smtp_server):
    _invite_by_cli(app)
    mail.deliver_due()
    [message] = smtp_server.messages
    assert message["To"] == "Nia Newrep <new.rep@example.org>"
    assert "as a patient representative" in text_part(message)
    href = _link_in(message)

    page = client.get(href)
    assert page.status_code == 200 and "Choose your password" in page.text
    refused = client.post(href, data={"password": "short", "confirm": "short"})
    assert refused.status_code == 400 and "12 characters" in refused.text
    mismatch = client.post(href, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "The two passwords are different" in mismatch.text

    done = client.post(href, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is set. You are signed in as Nia Newrep." in done.text
    user = db.session.scalar(select(User).where(User.email == "new.rep@example.org"))
    assert user.check_password(NEW_PASSWORD) and str(user.training_completed_on) == "2026-02-01"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == user.id)).all()
    assert {"user.created", "user.invited", "user.invitation_accepted"} <= set(actions)

    # The second time, the link says it has been used and points to sign-in.
    client.post("/sign-out")
    again = client.get(href)
    assert again.status_code == 410
    assert "This link has already been used." in again.text and "Sign in" in again.text
    assert (
        client.post(href, data={"password": "another-long-password", "confirm": "another-long-password"}).status_code
        == 410
    )
    assert not db.session.get(User, user.id).check_password("another-long-password")


def test_an_invitation_link_expires_after_seven_days_and_offers_a_new_one(app, client, smtp_server):
    admin = gen_user(Role.ADMIN, "Ada Admin")
    user = invitations.invite(email="late@example.org", name="Lou Late", role="panel", actor=admin)
    db.session.commit()
    mail.deliver_due()
    href = _link_in(smtp_server.messages[0])
    token = href.rsplit("/", 1)[1]

    assert invitations.check(token, "invite", now=utcnow() + timedelta(days=6, hours=23))
    row = invitations.check(token, "invite")
    row.expires_at = utcnow() - timedelta(seconds=1)  # as if 7 days had passed
    db.session.commit()

    page = client.get(href)
    assert page.status_code == 410
    assert "This link has expired. Links in these emails work for 7 days." in page.text
    assert "Email me a new invitation" in page.text
    sent = client.post(f"{href}/new")
    assert "Check your email" in sent.text
    mail.deliver_due()
    assert len(smtp_server.messages) == 2
    new_href = _link_in(smtp_server.messages[1])
    assert new_href != href
    # The old link stays dead; the new one works.
    assert client.get(href).status_code == 410
    assert client.post(new_href, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_a_forged_or_edited_link_is_refused(app, client):
    response = client.get("/invitation/abc.def")
    assert response.status_code == 410 and "This link is not valid." in response.text


def test_the_forgotten_password_page_answers_the_same_whether_or_not_the_email_has_an_account(app, client, smtp_server):
    gen_user(Role.PATIENT, "Pat Patel")
    known = client.post("/forgotten-password", data={"email": "pat.patel@example.org"})
    unknown = client.post("/forgotten-password", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def page(response, email):
        return re.sub(r'nonce="[^"]+"', "", response.text.replace(email, "X"))

    assert page(known, "pat.patel@example.org") == page(unknown, "nobody@example.org")
    mail.deliver_due()
    assert [m["To"] for m in smtp_server.messages] == ["Pat Patel <pat.patel@example.org>"]
    assert "Forgotten your password?" in client.get("/sign-in").text


def test_a_password_reset_round_trip_ends_every_other_session(app, smtp_server):
    rep = gen_user(Role.PATIENT, "Pat Patel")
    other_device = app.test_client()
    sign_in(other_device, rep)
    assert other_device.get("/evaluate/").status_code == 200

    browser = app.test_client()
    browser.post("/forgotten-password", data={"email": "pat.patel@example.org"})
    mail.deliver_due()
    [message] = smtp_server.messages
    assert message["Subject"] == "Reset your password"
    href = _link_in(message)
    done = browser.post(href, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "You are signed in as Pat Patel" in done.text

    assert other_device.get("/evaluate/").status_code == 302  # signed out there
    assert browser.get("/evaluate/").status_code == 200
    assert sign_in(app.test_client(), rep, PASSWORD).status_code == 401
    assert browser.get(href).status_code == 410


def test_a_reset_link_lasts_one_hour(app, smtp_server):
    rep = gen_user(Role.PATIENT)
    invitations.request_reset(rep.email)
    db.session.commit()
    mail.deliver_due()
    token = _link_in(smtp_server.messages[0]).rsplit("/", 1)[1]
    assert invitations.check(token, "reset", now=utcnow() + timedelta(minutes=59))
    try:
        invitations.check(token, "reset", now=utcnow() + timedelta(minutes=61))
    except invitations.LinkProblem as problem:
        assert problem.kind == "expired" and "1 hour" in problem.message
    else:
        raise AssertionError("an hour-old reset link was accepted")
