"""Pictures of the pages people most often print or read on a phone, at 1280 and 320 CSS px,
saved in tests/screenshots/ (git-ignored) for a person to look at: the score page, the easy-read
report (on screen and as printed), a paper score sheet and the audit log, on the demo."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import User

from .steps import declare_no_conflicts, demo_procurement_id, finalise_demo, sign_in

WIDTHS = {"1280px": {"width": 1280, "height": 900}, "320px": {"width": 320, "height": 640}}


def shoot(new_context, screenshot, email, url, heading, name, *, print_media=False):
    for width, viewport in WIDTHS.items():
        page = new_context(viewport=viewport).new_page()
        sign_in(page, email)
        if print_media:
            page.emulate_media(media="print")
        page.goto(url)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        path = screenshot(page, f"{name}-{width}")
        assert path.stat().st_size > 10_000, f"{path} looks empty"


def test_screenshots_of_the_pages_people_print_or_read_on_a_phone(new_context, live_server, screenshot):
    procurement_id = demo_procurement_id(live_server)
    declare_no_conflicts(live_server, "rep@example.org")
    with live_server.services():
        from scoring.models import Procurement

        procurement = db.session.get(Procurement, procurement_id)
        bidder, section = procurement.bidders[0].id, procurement.sections[0].id
        pat = db.session.scalar(db.select(User.id).where(User.email == "rep@example.org"))
        rowan = db.session.scalar(db.select(User.id).where(User.email == "rep2@example.org"))
    shoot(
        new_context,
        screenshot,
        "rep@example.org",
        f"/evaluate/{procurement_id}/bidders/{bidder}/sections/{section}",
        "Q1: Access to appointments",
        "score-page",
    )
    shoot(
        new_context,
        screenshot,
        "lead@example.org",
        f"/procurements/{procurement_id}/paper/{pat}/sheets",
        re.compile("^Score sheets for Pat Patel"),
        "paper-sheets",
    )

    finalise_demo(live_server)
    easy_read = f"/procurements/{procurement_id}/reports/{rowan}/easy-read"
    shoot(new_context, screenshot, "rep2@example.org", easy_read, "What happened to your scores", "easy-read")
    shoot(
        new_context,
        screenshot,
        "rep2@example.org",
        easy_read,
        "What happened to your scores",
        "easy-read-print",
        print_media=True,
    )
    shoot(
        new_context, screenshot, "lead@example.org", f"/procurements/{procurement_id}/audit", "Audit log", "audit-log"
    )
