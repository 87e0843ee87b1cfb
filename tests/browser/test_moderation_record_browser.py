"""The pages issue 15 added, in a real browser with axe: the finalise page listing answers without
a reason, a reason warning and keeping it, a section's acceptance form, the score history, the
meeting agenda, the calibration on the moderation overview, and the results with the moderation
record and the price and withdrawal notes (demo in moderation)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import Procurement
from scoring.services import setup

from .steps import demo_procurement_id, flash, sign_in


def test_the_lead_meets_every_new_moderation_page(page, audit, live_server):
    procurement_id = demo_procurement_id(live_server)
    with live_server.services():
        procurement = db.session.get(Procurement, procurement_id)
        setup.close_scoring(procurement, actor=procurement.lead, reason="Pat could not finish in time.")
        q1 = procurement.sections[0]
        bidder = procurement.bidders[0]
        ids = {"q1": q1.id, "a": bidder.id}
    sign_in(page, "lead@example.org")
    base = f"/procurements/{procurement_id}/moderation"

    page.goto(base)
    expect(
        page.get_by_role("heading", level=2, name="How each evaluator scored against the agreed scores")
    ).to_be_visible()
    audit(page, "moderation: overview with calibration (lead)")

    page.goto(f"{base}/finalise")
    expect(page.get_by_role("heading", level=2, name="Answers without a reason")).to_be_visible()
    audit(page, "finalise: answers without a reason")

    page.goto(f"{base}/sections/{ids['q1']}/bidders/{ids['a']}")
    page.locator("textarea#reason").fill("Better than the others.")
    page.get_by_role("button", name="Accept the proposed score").click()
    expect(page.get_by_text("which compares bids").first).to_be_visible()
    audit(page, "consensus page: a reason warning")
    page.get_by_label("Keep this reason as it is (the warning is recorded)").check()
    page.get_by_role("button", name="Accept the proposed score").click()
    flash(page, "Proposed score accepted")

    page.goto(f"{base}/sections/{ids['q1']}/bidders/{ids['a']}/history")
    expect(page.get_by_role("heading", level=1, name=re.compile("^History of the scores"))).to_be_visible()
    audit(page, "score history")

    page.goto(f"{base}/sections/{ids['q1']}/accept")
    expect(page.get_by_role("heading", level=1, name=re.compile("^Accept the proposed scores"))).to_be_visible()
    audit(page, "accept a section's proposed scores")

    page.goto(f"{base}/agenda")
    expect(page.get_by_role("heading", level=1, name="Moderation meeting agenda")).to_be_visible()
    audit(page, "moderation meeting agenda")

    page.goto(f"/procurements/{procurement_id}/results")
    expect(page.get_by_role("heading", level=2, name="What moderation agreed")).to_be_visible()
    audit(page, "results: moderation record and calibration")

    page.goto(f"/procurements/{procurement_id}/progress")
    expect(page.get_by_text("Scores can only be reopened while scoring is open")).to_be_visible()
    audit(page, "progress in moderation: reopening explained")
