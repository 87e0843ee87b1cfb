"""Issue 17's pages in a real browser: "Your account", changing a password, the lead's invite
page, letters to post and who was sent what. Each passes axe and reflows at 320 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .steps import assert_no_horizontal_scroll, demo_procurement_id, flash, sign_in

REP, LEAD = "rep@example.org", "lead@example.org"


def _check(page, audit, label):
    audit(page, label)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_rep_chooses_paper_by_post_and_the_lead_sees_the_letter_to_post(page, live_server, audit):
    procurement_id = demo_procurement_id(live_server)
    sign_in(page, REP)
    page.get_by_role("link", name="Your account").click()
    expect(page).to_have_title(re.compile("^Your account"))
    _check(page, audit, "Your account")
    page.get_by_label("Paper, by post (no emails)").check()
    page.get_by_label("Anything else about how you need information").fill("Phone before sending")
    page.get_by_role("button", name="Save").click()
    flash(page, "Your communication needs are saved.")

    page.get_by_role("link", name="Change your password").click()
    _check(page, audit, "Change your password")
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_title(re.compile("^Error: Change your password"))
    _check(page, audit, "Change your password, refused")

    # A notice for the rep while they need paper: the reopened-scores notice is one.
    from scoring.extensions import db
    from scoring.models import Procurement, User
    from scoring.services import mail

    with live_server.services():
        rep = db.session.scalar(db.select(User).where(User.email == REP))
        procurement = db.session.get(Procurement, procurement_id)
        mail.queue(
            rep,
            "notice",
            {
                "heading": f"Please look at your scores again: {procurement.title}",
                "paragraphs": ["Your procurement lead has reopened your scores."],
            },
            procurement_id=procurement_id,
        )
        db.session.commit()

    page.context.clear_cookies()
    sign_in(page, LEAD)
    page.goto(f"/procurements/{procurement_id}")
    expect(page.get_by_role("heading", name="Letters to post")).to_be_visible()
    _check(page, audit, "Procurement page with a letter to post")
    page.get_by_role("button", name="Record it as posted").click()
    flash(page, "marked as posted on")
    page.get_by_role("link", name=re.compile("^Emails and letters")).click()
    expect(page.get_by_role("cell", name=re.compile("Letter posted on"))).to_be_visible()
    _check(page, audit, "Who was sent what")

    page.goto(f"/procurements/{procurement_id}/invite")
    _check(page, audit, "Invite an evaluator")
    page.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_title(re.compile("^Error: Invite an evaluator"))
    _check(page, audit, "Invite an evaluator, refused")
