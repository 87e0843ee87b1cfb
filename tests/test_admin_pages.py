"""The administrator's pages: choosing a role on purpose, dates in the format the hint gives, who can help."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from scoring.extensions import db
from scoring.models import Role, User, utcnow

from .helpers import gen_user, sign_in


def read(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def admin_client(client, app):
    sign_in(client, gen_user(Role.ADMIN, "Ada Admin"))
    return client


def test_add_a_user_has_no_role_chosen_and_says_what_each_role_may_do(admin_client):
    page = read(admin_client.get("/admin/users/new"))
    radios = re.findall(r'<input class="nhsuk-radios__input"[^>]*name="role"[^>]*>', page)
    assert len(radios) == len(Role) and not any("checked" in r for r in radios)
    assert "<select" not in page
    assert "Adds users and sets passwords (which also unlocks a locked account)" in page
    assert "Can only be asked to score once their training date is recorded." in page
    assert "Sets up and runs the procurements they lead" in page


def test_adding_a_user_without_choosing_a_role_is_refused_and_nothing_is_saved(admin_client):
    before = db.session.scalar(db.select(db.func.count(User.id)))
    response = admin_client.post("/admin/users/new", data={"name": "Nia Newton", "email": "nia@example.org"})
    page = read(response)
    assert response.status_code == 400
    assert 'href="#role"' in page
    assert "Choose what this person will do" in page and "Not a valid choice" not in page
    assert db.session.scalar(db.select(db.func.count(User.id))) == before


def test_a_date_is_taken_and_shown_as_the_hint_gives_it(admin_client):
    page = read(admin_client.get("/admin/users/new"))
    assert "For example, 27/03/2026" in page and 'type="date"' not in page
    response = admin_client.post(
        "/admin/users/new",
        data={
            "name": "Nia Newton",
            "email": "nia@example.org",
            "role": "patient",
            "training_completed_on": "27/03/2026",
        },
    )
    assert response.status_code == 302
    nia = db.session.scalar(db.select(User).where(User.email == "nia@example.org"))
    assert nia.role == "patient" and nia.training_completed_on == date(2026, 3, 27)


def test_a_date_in_another_format_is_refused_with_the_format_and_kept_in_the_field(admin_client):
    rep = gen_user(Role.PATIENT, "Nia Newton", trained=False)
    response = admin_client.post(f"/admin/users/{rep.id}/training", data={"training_completed_on": "03/27/2026"})
    page = read(response)
    assert response.status_code == 400
    assert "Enter the date as day/month/year, for example 27/03/2026" in page
    assert 'value="03/27/2026"' in page
    db.session.refresh(rep)
    assert rep.training_completed_on is None


def test_the_training_page_shows_a_saved_date_as_the_hint_gives_it(admin_client):
    rep = gen_user(Role.PATIENT, "Pat Patel")  # trained on 15 January 2026
    page = read(admin_client.get(f"/admin/users/{rep.id}/training"))
    assert 'value="15/01/2026"' in page and "For example, 27/03/2026" in page
    response = admin_client.post(f"/admin/users/{rep.id}/training", data={"training_completed_on": "1 February 2026"})
    assert response.status_code == 302
    db.session.refresh(rep)
    assert rep.training_completed_on == date(2026, 2, 1)


def test_a_locked_account_is_told_an_administrator_can_unlock_it(client, rep):
    rep.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    response = sign_in(client, rep)
    page = read(response)
    assert response.status_code == 401
    assert "ask an administrator to set a new password, which unlocks it straight away." in page
    assert "procurement lead to help" not in page


def test_a_refused_page_names_who_can_give_access(client, lead, rep, procurement):
    other_lead = gen_user(Role.LEAD, "Lou Otherlead")
    sign_in(client, other_lead)
    response = client.get(f"/procurements/{procurement.id}")
    assert response.status_code == 403
    assert "If you think you should have access, ask an administrator." in read(response)
    client.post("/sign-out")
    outsider = gen_user(Role.PATIENT, "Olu Outsider")
    sign_in(client, outsider)
    response = client.get(f"/evaluate/{procurement.id}")
    assert response.status_code == 403
    assert "ask the procurement lead who asked you to score" in read(response)
