"""Journey 3, in a real browser: the lead closes scoring, the panel's disagreements are moderated
to a consensus, the lead finalises, reads the results with their charts and downloads the Excel
workbook, which opens with openpyxl; a patient rep then reads what difference their scores made.
(The results page at 320 px and 200% zoom is in test_keyboard_and_reflow.py.)"""

from __future__ import annotations

import re

import openpyxl
from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import Consensus, Procurement

from .steps import (
    confirm,
    demo_procurement_id,
    expect_error_summary,
    flash,
    sign_in,
)

LEAD = "lead@example.org"
REP_WHO_SCORED = "rep2@example.org"
CLOSE_REASON = "Pat was unwell and could not finish; the panel agreed to go ahead without Pat's scores."


def record_consensus(page, audit, *, first: bool) -> None:
    """On a consensus page: (the first time, a refused save), then the proposed score, rounded."""
    expect(page.get_by_role("heading", level=2, name="The evaluators' scores")).to_be_visible()
    if first:
        audit(page, "consensus: empty form")
        page.get_by_role("button", name="Save the consensus").click()
        expect_error_summary(page)
        audit(page, "consensus: error, nothing chosen")
    proposed = (
        page.locator(".nhsuk-summary-list__row", has_text="Proposed score")
        .locator(".nhsuk-summary-list__value")
        .inner_text()
    )
    value = round(float(re.search(r"\d+(\.\d+)?", proposed).group()))
    page.get_by_role("group", name="What score did the panel agree?").get_by_label(
        re.compile(rf"^\s*{value} – ")
    ).check()
    page.get_by_label("Why did the panel agree this score?").fill(
        f"The panel discussed the different views and agreed {value}."
    )
    page.get_by_role("button", name="Save the consensus").click()
    flash(page, "Consensus saved for")


def test_lead_closes_scoring_moderates_finalises_reads_results_and_downloads_excel(
    page, new_context, audit, screenshot, live_server, tmp_path
):  # noqa: PLR0915 (one story)
    procurement_id = demo_procurement_id(live_server)
    sign_in(page, LEAD)
    page.get_by_role("link", name="GP-2027-01").click()

    # Pat has not submitted, so closing scoring needs a reason.
    page.get_by_role("button", name="Close scoring").click()
    expect_error_summary(page)
    audit(page, "procurement overview (lead): error, closing without a reason")
    page.get_by_label(re.compile("Reason, if anyone has not submitted yet")).fill(CLOSE_REASON)
    page.get_by_role("button", name="Close scoring").click()
    expect(page.get_by_text(CLOSE_REASON)).to_be_visible()  # the reason is carried to the confirmation
    audit(page, "confirm: close scoring")
    confirm(page, "Close scoring?", "Yes, close scoring")
    flash(page, "Scoring is closed")
    audit(page, "procurement overview (lead, in moderation)")

    page.get_by_role("link", name="Moderation", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Moderation meeting")).to_be_visible()
    audit(page, "moderation: overview")

    # Walk the sections; record a consensus wherever the evaluators disagree.
    page.get_by_role("link", name="Q1: Access to appointments").click()
    recorded = accepted = 0
    while True:
        expect(page).to_have_title(re.compile("^Moderation of "))
        audit(page, f"moderation: section {page.get_by_role('heading', level=1).inner_text()[:2]}")
        table = page.get_by_role("table", name=re.compile("^Scores for "))
        flagged = table.locator("tbody tr", has=page.locator(".nhsuk-tag--red", has_text="Disagree")).filter(
            has=page.get_by_role("link", name=re.compile("^Record consensus"))
        )
        while flagged.count():
            flagged.first.get_by_role("link", name=re.compile("^Record consensus")).click()
            record_consensus(page, audit, first=recorded == 0)
            recorded += 1
            if recorded == 1:
                audit(page, "moderation: section after a consensus is saved")
        # Every other answer needs a reason too: the lead accepts the proposed scores, one reason each.
        accept_link = page.get_by_role("link", name=re.compile("^Accept the proposed scores of"))
        if accept_link.count():
            accept_link.click()
            expect(page.get_by_role("heading", level=1, name=re.compile("^Accept the proposed scores"))).to_be_visible()
            if accepted == 0:
                audit(page, "moderation: accept a section's proposed scores")
            for box in page.locator("main textarea").all():
                box.fill("The evaluators agreed and the answer meets the criteria the guidance sets out.")
                accepted += 1
            page.get_by_role("button", name="Accept these proposed scores").click()
            flash(page, "accepted in")
        next_section = page.get_by_role("navigation", name="Sections").get_by_role("link", name=re.compile("^Next"))
        if not next_section.count():
            break
        next_section.click()
    assert recorded, "the demo should have at least one disagreement to moderate"
    assert accepted, "the demo should have undisputed answers to accept"

    page.get_by_role("link", name="Back to all sections").click()
    expect(page.locator("#progress")).to_contain_text(str(recorded))
    page.get_by_role("link", name="Finalise the result").click()
    expect(page.get_by_role("heading", level=1, name="Finalise the result")).to_be_visible()
    expect(page.get_by_text("Every answer has a score with a reason")).to_be_visible()
    audit(page, "finalise: ready")
    page.get_by_role("button", name="Finalise the result").click()
    flash(page, "The result is final")

    # The results, with their charts and each chart's figures as a table.
    expect(page.get_by_role("heading", level=1, name="Final result")).to_be_visible()
    charts = page.locator("main img, main svg[role=img], main figure")
    expect(charts.first).to_be_visible()
    for image in page.locator("main img").all():
        assert image.get_attribute("alt"), "every chart image needs a text alternative"
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    audit(page, "results: final, with charts")
    for details in page.locator("main details").all():
        details.locator("summary").click()
    audit(page, "results: final, every chart's table opened")
    screenshot(page, "results-1280px")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = openpyxl.load_workbook(path)
    assert "Summary" in workbook.sheetnames and "Scores" in workbook.sheetnames, workbook.sheetnames
    assert workbook["Scores"].max_row > 1

    # A patient rep who scored reads what difference their scores made.
    rep = new_context().new_page()
    sign_in(rep, REP_WHO_SCORED)
    rep.get_by_role("link", name="Moderation and reports").click()
    expect(rep.get_by_role("heading", level=1, name="Moderation and reports")).to_be_visible()
    audit(rep, "moderation and reports (patient rep, final)")
    rep.get_by_role("link", name=re.compile("^Your report")).click()
    expect(rep.get_by_role("heading", level=1)).to_be_visible()
    audit(rep, "you said, we did: report")
    rep.get_by_role("link", name=re.compile("^Easy read version")).click()
    expect(rep.get_by_role("heading", level=1)).to_be_visible()
    audit(rep, "you said, we did: easy read")
    rep.get_by_role("link", name=re.compile("Moderation and reports")).click()
    rep.get_by_role("link", name=re.compile("^Moderation: everyone's scores")).click()
    expect(rep.get_by_role("heading", level=1, name="Moderation meeting")).to_be_visible()
    audit(rep, "moderation: overview (patient rep, final)")

    with live_server.services():
        procurement = db.session.get(Procurement, procurement_id)
        assert procurement.status == "final"
        section_ids = [s.id for s in procurement.sections]
        consensus = db.session.scalars(db.select(Consensus).where(Consensus.section_id.in_(section_ids))).all()
        assert len(consensus) == recorded
        assert all("The panel discussed" in c.rationale for c in consensus)
        from scoring.models import Acceptance

        assert db.session.scalar(db.select(db.func.count()).select_from(Acceptance)) == accepted
