"""Every lead screen is for that procurement's lead (and admins): others get 403, unknown ids 404."""

from __future__ import annotations

import pytest

from scoring.models import Role

from ..helpers import gen_user, sign_in

PAGES = [
    "/{p}",
    "/{p}/edit",
    "/{p}/scale",
    "/{p}/sections",
    "/{p}/sections/new",
    "/{p}/sections/{s}/edit",
    "/{p}/sections/{s}/delete",
    "/{p}/weights",
    "/{p}/bidders",
    "/{p}/bidders/new",
    "/{p}/bidders/{b}/edit",
    "/{p}/responses",
    "/{p}/bidders/{b}/sections/{s}",
    "/{p}/assignments",
    "/{p}/conflicts",
    "/{p}/progress",
    "/{p}/paper",
    "/{p}/paper/{r}/sheets",
    "/{p}/paper/{r}/enter",
    "/{p}/audit",
]
POSTS = ["/{p}/open", "/{p}/close", "/{p}/prices"]


def url(template, procurement, rep, **overrides):
    values = {"p": procurement.id, "s": procurement.sections[0].id, "b": procurement.bidders[0].id, "r": rep.id}
    values.update(overrides)
    return "/procurements" + template.format(**values)


# One test per person, looping over the pages: each sign-in costs a password hash.
def test_the_lead_can_open_every_page(lead_client, procurement, rep):
    for page in PAGES:
        assert lead_client.get(url(page, procurement, rep)).status_code == 200, page


def test_an_admin_can_open_every_page(client, procurement, rep):
    sign_in(client, gen_user(Role.ADMIN, "Alex Admin"))
    for page in PAGES:
        assert client.get(url(page, procurement, rep)).status_code == 200, page


def test_another_lead_is_forbidden_everywhere(client, procurement, rep):
    sign_in(client, gen_user(Role.LEAD, "Lou Otherlead"))
    for page in PAGES + POSTS:
        method = client.post if page in POSTS else client.get
        assert method(url(page, procurement, rep)).status_code == 403, page


@pytest.mark.parametrize("role", [Role.PATIENT, Role.PANEL])
def test_evaluators_are_forbidden_everywhere(client, procurement, rep, panel, role):
    sign_in(client, rep if role == Role.PATIENT else panel)
    for page in PAGES + POSTS + ["/", "/new"]:
        method = client.post if page in POSTS else client.get
        target = "/procurements" + page if page in ("/", "/new") else url(page, procurement, rep)
        assert method(target).status_code == 403, page


@pytest.mark.parametrize("page", ["/{p}", "/{p}/sections/{s}/edit", "/{p}/bidders/{b}/edit", "/{p}/paper/{r}/enter"])
def test_unknown_ids_are_not_found(lead_client, procurement, rep, page):
    for override in ({"p": 9999}, {"s": 9999}, {"b": 9999}, {"r": 9999}):
        target = url(page, procurement, rep, **override)
        if target != url(page, procurement, rep):
            assert lead_client.get(target).status_code == 404, target


def test_signed_out_visitors_are_sent_to_sign_in(client, procurement):
    response = client.get(f"/procurements/{procurement.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_lead_nav_entry_points_to_the_procurements(lead_client, procurement):
    page = lead_client.get("/procurements/").get_data(as_text=True)
    assert 'href="/procurements/"' in page
