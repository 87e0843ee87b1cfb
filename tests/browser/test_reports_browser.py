"""Paper and reports in a real browser: the rep's easy read on screen and printed, and the
lead's score sheets printed and downloaded as PDF. Screenshots go to tests/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ..pdfs import pages, save_png
from .steps import assert_no_horizontal_scroll, demo_procurement_id, finalise_demo, sign_in

REP_WHO_SCORED = "rep2@example.org"
LEAD = "lead@example.org"

#: Every visible piece of text in main and its font size in CSS pixels (16 pt = 21.33 px).
TEXT_SIZES = """() => [...document.querySelectorAll('main *')]
  .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .filter(el => !el.closest('.nhsuk-u-visually-hidden'))
  .map(el => [parseFloat(getComputedStyle(el).fontSize), el.textContent.trim().slice(0, 60)])"""


def test_rep_reads_and_prints_the_easy_read_report(new_context, live_server, audit, screenshot, tmp_path):
    procurement_id = finalise_demo(live_server)
    page = new_context().new_page()
    sign_in(page, REP_WHO_SCORED)
    page.get_by_role("link", name="Moderation and reports").click()
    page.get_by_role("link", name=re.compile("^Your report")).click()
    expect(page.get_by_role("heading", level=1, name="You said, we did")).to_be_visible()
    audit(page, "you said, we did (rep, final)")
    screenshot(page, "report-1280px")
    page.get_by_role("link", name=re.compile("^Easy read version")).click()
    expect(page.get_by_role("heading", level=1, name="What happened to your scores")).to_be_visible()
    images = page.locator(".app-easy-read__icon")
    assert images.count() >= 10
    for i in range(images.count()):
        image = images.nth(i)
        assert image.get_attribute("alt") == ""
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    audit(page, "easy read report (rep, final)")
    screenshot(page, "easy-read-screen-1280px")
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_horizontal_scroll(page)
    screenshot(page, "easy-read-screen-320px")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    small = [(size, words) for size, words in page.evaluate(TEXT_SIZES) if size < 16 * 96 / 72 - 0.01]
    assert not small, f"text smaller than 16 pt in print: {small[:5]}"
    expect(page.get_by_role("link", name=re.compile("Download this report"))).to_be_hidden()
    screenshot(page, "easy-read-print")
    printed = pages(page.pdf(format="A4"))
    total = len(printed)
    for number, words in enumerate(printed, start=1):
        assert f"Page {number} of {total}" in words, words
    assert "What happened to your scores" in printed[0] and "For Rowan Reid" in printed[0] or "For " in printed[0]
    assert re.search(r"About .+\(GP-2027-01\)", printed[0]) and "Contact " in printed[0]
    assert re.search(r"Date \d{1,2} [A-Z][a-z]+ \d{4}", printed[0])
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download this report to print")).click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    assert path.suffix == ".pdf"
    data = path.read_bytes()
    assert all("What happened to your scores" in words for words in pages(data))
    save_png(data, "easy-read-pdf-page-1")
    assert procurement_id == demo_procurement_id(live_server)


def test_lead_prints_and_downloads_a_reps_score_sheets(new_context, live_server, audit, screenshot, tmp_path):
    page = new_context().new_page()
    sign_in(page, LEAD)
    page.goto(f"/procurements/{demo_procurement_id(live_server)}/paper")
    page.get_by_role("link", name=re.compile("Print sheets for Pat Patel")).click()
    expect(page.get_by_role("heading", level=1, name="Score sheets for Pat Patel")).to_be_visible()
    audit(page, "paper score sheets (lead)")
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_horizontal_scroll(page)
    screenshot(page, "paper-sheets-320px")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    screenshot(page, "paper-sheets-print")
    page.emulate_media(media="screen")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the score sheets as a PDF").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    data = path.read_bytes()
    printed = pages(data)
    total = len(printed)
    for number, words in enumerate(printed, start=1):
        assert "GP-2027-01" in words and "Score sheet for Pat Patel" in words, words
        assert re.search(r"(All bidders|Bidder [A-Z]) · Score sheet for Pat Patel", words), words
        assert f"Page {number} of {total}" in words, words
    save_png(data, "paper-sheet-pdf-page-2", page=2)
