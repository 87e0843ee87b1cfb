"""An administrator manages accounts: each change audited and ending the person's sessions."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from scoring.extensions import db
from scoring.models import AuditEvent, Role, Score, User, utcnow
from scoring.services import mail
from scoring.services.assignments import candidates

from ..helpers import gen_scores, gen_user, sign_in


def _admin_client(app):
    admin = gen_user(Role.ADMIN, "Ada Admin")
    client = app.test_client()
    sign_in(client, admin)
    return admin, client


def _actions(user):
    return db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "user", AuditEvent.entity_id == user.id)
    ).all()


def test_deactivation_ends_a_live_session_keeps_scores_and_hides_from_assignment(app, procurement, rep):
    gen_scores(procurement, {rep: 3})
    rep_browser = app.test_client()
    sign_in(rep_browser, rep)
    assert rep_browser.get("/evaluate/").status_code == 200
    admin, client = _admin_client(app)

    page = client.get(f"/admin/users/{rep.id}/account")
    assert "Manage Pat Patel's account" in html.unescape(page.text) and "Deactivate account" in page.text
    done = client.post(
        f"/admin/users/{rep.id}/account", data={"action": "deactivate", "reason": "Moved away"}, follow_redirects=True
    )
    assert "Pat Patel's account is deactivated and they have been signed out. Their scores stay." in html.unescape(
        done.text
    )

    assert rep_browser.get("/evaluate/").status_code == 302
    assert sign_in(app.test_client(), rep).status_code == 401
    assert rep not in candidates()
    assert len(db.session.scalars(select(Score).where(Score.evaluator_id == rep.id)).all()) == 4
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivated"))
    assert event.actor_id == admin.id and event.reason == "Moved away"

    client.post(f"/admin/users/{rep.id}/account", data={"action": "reactivate"})
    assert sign_in(app.test_client(), rep).status_code == 302
    assert rep in candidates()
    assert "user.reactivated" in _actions(rep)


def test_a_role_change_is_refused_while_it_would_break_an_open_procurement(app, procurement, rep, lead):
    _, client = _admin_client(app)
    refused = client.post(f"/admin/users/{rep.id}/account", data={"action": "role", "role": "panel"})
    assert refused.status_code == 400
    assert (
        "Pat Patel is assigned to score in GP-TEST-01, which is not final. Remove those assignments first"
        in html.unescape(refused.text)
    )
    assert db.session.get(User, rep.id).role == "patient"
    assert "user.role_changed" not in _actions(rep)

    refused = client.post(f"/admin/users/{lead.id}/account", data={"action": "role", "role": "patient"})
    assert "Lee Lead leads GP-TEST-01. Give it another lead first." in html.unescape(refused.text)


def test_a_role_change_is_audited_and_ends_sessions(app):
    panel = gen_user(Role.PANEL, "Morgan Panel")
    browser = app.test_client()
    sign_in(browser, panel)
    _, client = _admin_client(app)
    done = client.post(
        f"/admin/users/{panel.id}/account", data={"action": "role", "role": "lead"}, follow_redirects=True
    )
    assert "Morgan Panel is now a procurement lead and has been signed out." in html.unescape(done.text)
    assert db.session.get(User, panel.id).role == "lead"
    assert browser.get("/evaluate/").status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
    assert event.before_json == '{"role": "panel"}' and event.after_json == '{"role": "lead"}'


def test_unlock_lets_a_locked_person_sign_in_again(app):
    rep = gen_user(Role.PATIENT, "Pat Patel")
    rep.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert sign_in(app.test_client(), rep).status_code == 401
    _, client = _admin_client(app)
    client.post(f"/admin/users/{rep.id}/account", data={"action": "unlock"})
    assert sign_in(app.test_client(), rep).status_code == 302
    assert "user.unlocked" in _actions(rep)


def test_resend_invitation_sends_a_new_link_and_kills_the_old(app, smtp_server):
    admin, client = _admin_client(app)
    client.post("/admin/users/invite", data={"name": "Nia Newrep", "email": "nia@example.org", "role": "panel"})
    user = db.session.scalar(select(User).where(User.email == "nia@example.org"))
    assert user is not None and user.password_hash is None
    client.post(f"/admin/users/{user.id}/account", data={"action": "resend"})
    mail.deliver_due()
    first, second = smtp_server.messages
    old = first.get_body(preferencelist=("plain",)).get_content().split("/invitation/")[1].split()[0]
    new = second.get_body(preferencelist=("plain",)).get_content().split("/invitation/")[1].split()[0]
    assert old != new
    assert app.test_client().get(f"/invitation/{old}").status_code == 410
    assert "replaced by a newer one" in app.test_client().get(f"/invitation/{old}").text
    assert app.test_client().get(f"/invitation/{new}").status_code == 200
    assert {"user.invited", "user.invitation_resent"} <= set(_actions(user))


def test_an_empty_or_unknown_action_changes_nothing(app):
    rep = gen_user(Role.PATIENT)
    _, client = _admin_client(app)
    response = client.post(f"/admin/users/{rep.id}/account", data={"action": "explode"})
    assert response.status_code == 400 and "Choose one of the actions on this page." in html.unescape(response.text)
    assert db.session.get(User, rep.id).active


def test_an_administrator_cannot_deactivate_themselves(app):
    admin, client = _admin_client(app)
    response = client.post(f"/admin/users/{admin.id}/account", data={"action": "deactivate"})
    assert "You cannot deactivate your own account." in html.unescape(response.text)
