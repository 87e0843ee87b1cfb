"""The law pages in a real browser, audited with axe: the demo's law page (scoring open, PSR,
value explained), the sections page with the key criteria's weights, and the new-procurement
form with the regime."""

from __future__ import annotations

from playwright.sync_api import expect

from .steps import sign_in

LEAD = "lead@example.org"


def test_the_law_pages_are_accessible(page, audit, live_server):
    sign_in(page, LEAD)
    page.get_by_role("link", name="GP-2027-01").click()
    expect(page.get_by_text("Provider Selection Regime (Health Care Services")).to_be_visible()
    page.get_by_role("link", name="The law and the award").click()
    expect(page.get_by_role("heading", level=1, name="The law and the award")).to_be_visible()
    expect(page.get_by_role("table", name="Key criteria and their weights")).to_contain_text("Quality and innovation")
    audit(page, "law and the award (lead, PSR, scoring open)")
    page.goto(page.url.replace("/law", "/sections"))
    expect(
        page.get_by_role("table", name="Weight of each key criterion (Provider Selection Regime, regulation 5)")
    ).to_be_visible()
    audit(page, "sections with key criteria (lead, scoring open)")
    page.goto("/procurements/new")
    expect(page.get_by_text("Which law does the award run under?")).to_be_visible()
    audit(page, "create a procurement, with the regime")
