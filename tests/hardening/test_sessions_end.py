"""Issue 12 item 5: an old session cookie stops working at once after sign-out, a new
password set by an administrator, deactivation or a change of role.

Each test keeps a copy of the signed-in cookie (as a second tab, a shared computer or a
thief would have), makes the change, and then tries the copy.
"""

from __future__ import annotations

import pytest

from scoring.extensions import db
from scoring.models import Role
from scoring.services import accounts

from ..helpers import PASSWORD, gen_user, sign_in


def signed_in_copy(app, user):
    browser = app.test_client()
    assert sign_in(browser, user).status_code == 302
    cookie = browser.get_cookie("session")
    copy = app.test_client()
    copy.set_cookie("session", cookie.value)
    assert copy.get("/admin/users" if user.role in ("admin", "lead") else "/evaluate/").status_code == 200
    return browser, copy


def home_of(user) -> str:
    return "/admin/users" if user.role in ("admin", "lead") else "/evaluate/"


def assert_signed_out(copy, user):
    response = copy.get(home_of(user))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(app, rep):
    browser, copy = signed_in_copy(app, rep)
    assert browser.post("/sign-out").status_code == 302
    assert_signed_out(copy, rep)
    # Signing in again works, with a new cookie.
    assert sign_in(browser, rep).status_code == 302
    assert browser.get("/evaluate/").status_code == 200
    assert_signed_out(copy, rep)


def test_a_password_set_by_an_administrator_ends_the_users_sessions(app, rep):
    admin = gen_user(Role.ADMIN, "Ada Admin")
    _, copy = signed_in_copy(app, rep)
    admin_browser = app.test_client()
    sign_in(admin_browser, admin)
    response = admin_browser.post(f"/admin/users/{rep.id}/password", data={"password": "a brand new passphrase"})
    assert response.status_code == 302
    assert_signed_out(copy, rep)
    assert admin_browser.get("/admin/users").status_code == 200  # the administrator stays signed in
    assert sign_in(app.test_client(), rep, "a brand new passphrase").status_code == 302


@pytest.mark.parametrize("change", ["deactivate", "role"])
def test_deactivation_or_a_new_role_ends_the_users_sessions(app, lead, change):
    _, copy = signed_in_copy(app, lead)
    if change == "deactivate":
        lead.active = False
    else:
        lead.role = Role.PANEL.value
    db.session.commit()
    assert_signed_out(copy, lead)


def test_end_sessions_is_one_call_for_other_screens(app, rep):
    _, copy = signed_in_copy(app, rep)
    accounts.end_sessions(rep)
    db.session.commit()
    assert_signed_out(copy, rep)


def test_unrelated_changes_keep_the_session(app, rep):
    _, copy = signed_in_copy(app, rep)
    rep.name = "Pat Patel-Jones"
    rep.failed_logins = 0
    db.session.commit()
    assert copy.get("/evaluate/").status_code == 200
    assert PASSWORD  # the user's password is unchanged
