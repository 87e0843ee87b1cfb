"""The lead's set-up journey in a real browser (chromium), with CSRF on and axe-core on every screen.

Uses the live-server, browser and axe fixtures of tests/browser (imported below), and the demo
procurement GP-2027-01 for the screens that need scores.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401  (fixtures, used by name)
    audit,
    browser_type_launch_args,
    live_server,
    new_context,
    page,
    screenshot,
    seeded_database,
)
from tests.browser.steps import confirm, demo_procurement_id, expect_error_summary, flash, sign_in

LEAD = "lead@example.org"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def test_lead_sets_up_a_procurement_and_opens_scoring(page, audit, tmp_path):
    sign_in(page, LEAD)
    expect(page.get_by_role("heading", level=1, name="Procurements")).to_be_visible()
    audit(page, "lead: procurements list")

    page.get_by_role("link", name="Create a procurement").click()
    page.get_by_role("button", name="Create procurement").click()
    expect_error_summary(page, "Enter a reference, for example GP-2027-01.")
    audit(page, "lead: create procurement, error")
    page.get_by_label("Reference").fill("GP-2028-07")
    page.get_by_label("Title").fill("Hilltop Surgery GP services")
    page.get_by_label("Yes, show codes only").check()
    page.get_by_role("button", name="Create procurement").click()
    flash(page, "GP-2028-07 is created")
    expect(page.get_by_text("Add at least one section.")).to_be_visible()
    audit(page, "lead: overview in set-up, with what stops scoring opening")

    page.get_by_role("link", name="Sections and weights").click()
    page.get_by_role("link", name="Add a section").click()
    page.get_by_label("Code").fill("Q1")
    page.get_by_label("Title").fill("Access to appointments")
    page.get_by_label("Weight").fill("150")
    page.get_by_role("button", name="Save section").click()
    expect_error_summary(page, "The weight must be between 0 and 100 percent.")
    audit(page, "lead: add section, error")
    page.get_by_label("Weight").fill("60")
    # PSR (the default regime): each section serves a key criterion before scoring can open.
    page.get_by_label("Key criterion this section serves").select_option("access")
    page.get_by_role("button", name="Save section").click()
    page.get_by_role("link", name="Add a section").click()
    page.get_by_label("Code").fill("Q2")
    page.get_by_label("Title").fill("Patient experience")
    page.get_by_label("Weight").fill("40")
    page.get_by_label("Patient representatives only").check()
    page.get_by_label("Key criterion this section serves").select_option("quality")
    page.get_by_role("button", name="Save section").click()
    expect(page.get_by_text("The weights add up to 100%.")).to_be_visible()
    audit(page, "lead: sections with a running total")

    page.get_by_role("link", name=re.compile("Back to GP-2028-07")).click()
    page.get_by_role("link", name="Bidders", exact=True).click()
    for code, name in (("Bidder A", "Riverside Health LLP"), ("Bidder B", "Meadow Care Ltd")):
        page.get_by_role("link", name="Add a bidder").click()
        page.get_by_label("Code").fill(code)
        page.get_by_label("Legal name").fill(name)
        page.get_by_role("button", name="Save bidder").click()
    expect(page.get_by_role("cell", name="Meadow Care Ltd")).to_be_visible()
    audit(page, "lead: bidders")

    page.goto(page.url.replace("/bidders", "/responses"))
    page.get_by_role("link", name=re.compile(r"Q1: Access to appointments\s*, Bidder A")).click()
    page.get_by_label("The bidder's written answer").fill("We will open from 8am to 8pm.")
    upload = tmp_path / "access-plan.pdf"
    upload.write_bytes(PDF)
    page.get_by_label("Attach a document (optional)").set_input_files(str(upload))
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("link", name="access-plan.pdf")).to_be_visible()
    audit(page, "lead: a bidder's answer with a document")

    page.get_by_role("link", name="Back to answers").click()
    page.get_by_role("link", name=re.compile("Back to GP-2028-07")).click()
    page.get_by_role("link", name="Who scores what").click()
    page.get_by_label("Nia Newton scores Q2").check()
    page.get_by_label("Pat Patel scores Q1").check()
    page.get_by_label("Pat Patel scores Q2").check()
    page.get_by_label("Dr Morgan Ellis scores Q1").check()
    page.get_by_role("button", name="Save who scores what").click()
    expect_error_summary(page, "Nia Newton has not completed patient representative training yet")
    audit(page, "lead: assignments, untrained rep refused")
    page.get_by_label("Nia Newton scores Q2").uncheck()
    page.get_by_role("button", name="Save who scores what").click()
    flash(page, "Assignments saved")

    page.get_by_role("link", name=re.compile("Back to GP-2028-07")).click()
    page.get_by_role("button", name="Open scoring").click()
    audit(page, "lead: confirm opening scoring")
    confirm(page, "Open scoring?", "Yes, open scoring")
    flash(page, "Scoring is open")
    expect(page.get_by_text("Scoring open", exact=True)).to_be_visible()
    audit(page, "lead: overview, scoring open")


def test_lead_prints_paper_sheets_enters_them_and_reads_the_audit_log(page, audit, screenshot, live_server):
    procurement_id = demo_procurement_id(live_server)
    sign_in(page, LEAD)
    page.goto(f"/procurements/{procurement_id}")
    page.get_by_role("link", name="Paper score sheets and entering paper scores").click()
    audit(page, "lead: paper sheets, choose an evaluator")
    page.get_by_role("link", name="Print sheets for Pat Patel").click()
    expect(page.locator(".app-score-sheet")).to_have_count(4)  # conflicts page + 3 bidders
    audit(page, "lead: printable score sheets")
    page.emulate_media(media="print")
    screenshot(page, "lead-paper-sheets-print")
    page.emulate_media(media="screen")

    page.goto(f"/procurements/{procurement_id}/paper")
    page.get_by_role("link", name="Enter paper scores for Pat Patel").click()
    audit(page, "lead: paper entry, with the conflict questions")
    for radio in page.get_by_role("radio", name="No").all():
        radio.check()
    page.get_by_role("button", name="Save conflict answers").click()
    flash(page, "conflict of interest answers from paper are saved")
    first = page.locator("fieldset.app-paper-cell").first
    first.get_by_label(re.compile("^Score")).fill("9")
    first.get_by_label("Reason, as written on the sheet").fill("Clear plan for phones.")
    page.get_by_role("button", name="Save paper scores").click()
    expect_error_summary(page, "score 9 is outside the scale")
    audit(page, "lead: paper entry, error")
    first = page.locator("fieldset.app-paper-cell").first
    first.get_by_label(re.compile("^Score")).fill("3")
    page.get_by_role("button", name="Save paper scores").click()
    flash(page, "1 paper score is saved for Pat Patel")

    page.goto(f"/procurements/{procurement_id}/progress")
    expect(page.get_by_role("cell", name="1 of 12 scored")).to_be_visible()
    audit(page, "lead: progress")
    page.get_by_role("link", name="Reopen scores of Rowan Reid").click()
    page.get_by_role("button", name="Reopen scores").click()
    expect_error_summary(page, "Give a reason for reopening these scores.")
    page.get_by_label("Why are you reopening these scores?").fill("Rowan asked to look again at Q2.")
    page.get_by_role("button", name="Reopen scores").click()
    flash(page, "scores are reopened")

    page.goto(f"/procurements/{procurement_id}/weights")
    audit(page, "lead: change weights after opening")
    page.goto(f"/procurements/{procurement_id}/conflicts")
    audit(page, "lead: conflicts")
    page.goto(f"/procurements/{procurement_id}/audit")
    reopened = page.get_by_role(
        "cell",
        name=re.compile(
            r"^Rowan Reid's 12 submitted scores reopened by the lead, "
            r"Lee Lead so they can change them"
        ),
    )
    expect(reopened).to_be_visible()
    audit(page, "lead: audit log")
    page.get_by_label("Action").select_option(label="Score saved")
    page.get_by_role("button", name="Filter").click()
    expect(reopened).to_have_count(0)
    expect(
        page.get_by_role(
            "cell",
            name=re.compile(
                r"^Pat Patel's draft score for Bidder A, section Q1 Access to "
                r"appointments: 3; reason: .Clear plan for phones.., from paper, "
                r"entered by the lead, Lee Lead\.$"
            ),
        )
    ).to_be_visible()
    audit(page, "lead: audit log, filtered")
