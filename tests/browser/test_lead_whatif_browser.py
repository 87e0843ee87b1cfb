"""Journey 2, in a real browser: a lead tries other weights on the demo procurement (GP-2027-01),
sees the ranking change at once, saves the weights as a scenario and applies it with a reason."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import AuditEvent, Procurement

from .steps import demo_procurement_id, expect_error_summary, flash, sign_in

LEAD = "lead@example.org"
# With the official weights (20/15/10/25/15/15) Bidder C comes first; putting half the
# marks on Q5 (workforce) puts Bidder A first.
TRIAL = {"Q1": 10, "Q2": 10, "Q3": 10, "Q4": 10, "Q5": 50, "Q6": 10}
SCENARIO = "Workforce at half the marks"
REASON = "The panel agreed workforce is the main risk; correcting an error in the published weights."


def weight_box(page, code):
    return page.get_by_label(re.compile(rf"^\s*{code}: "))


def first_place(page):
    return page.get_by_role("table", name="Ranking with these weights").locator("tbody tr").first


def test_lead_tries_weights_sees_the_ranking_change_saves_and_applies_a_scenario(page, audit, live_server):
    procurement_id = demo_procurement_id(live_server)
    sign_in(page, LEAD)
    audit(page, "procurements: the lead's list")
    page.get_by_role("link", name="GP-2027-01").click()
    expect(page.get_by_role("heading", level=1, name="Riverside Surgery GP services")).to_be_visible()
    audit(page, "procurement overview (lead, scoring open)")

    page.get_by_role("link", name="Try other weights (what-if)").click()
    expect(page.get_by_role("heading", level=1, name="What-if weights")).to_be_visible()
    expect(first_place(page)).to_contain_text("Bidder C")
    audit(page, "what-if: official weights")

    # The patient-share slider, dragged with the keyboard: the ranking follows, drawn in the
    # browser from data (the JSON carries no picture and no HTML); the chances come after.
    answers = []

    def collect(response):
        if "what-if.json" in response.url:
            answers.append(response)

    page.on("response", collect)
    slider = page.get_by_role("slider", name=re.compile("Share of the marks"))
    slider.focus()
    for _ in range(15):  # 60% -> 75%: Bidder A overtakes Bidder B for second place
        page.keyboard.press("ArrowRight")
    expect(page.locator("#share-output")).to_have_text("75%")
    ranking = page.get_by_role("table", name="Ranking with these weights").locator("tbody tr")
    expect(ranking.nth(1)).to_contain_text("Bidder A")
    expect(page.locator("#whatif-chances")).to_have_text("The chances of coming first are up to date.", timeout=15_000)
    page.keyboard.press("Home")  # 0%: only the panel's sections count, and Bidder B draws level
    expect(page.locator("#share-output")).to_have_text("0%")
    expect(first_place(page)).to_contain_text("Bidder B")
    expect(page.locator("svg.app-chart[role=img] title")).to_have_text(re.compile("Who would win"))
    audit(page, "what-if: slider moved with the keyboard, chart drawn in the browser")
    assert answers, "moving the slider asked the server nothing"
    for response in answers:
        body = response.text()
        assert "<svg" not in body and "data:image" not in body and '"html"' not in body, body[:200]
    page.remove_listener("response", collect)

    # With JavaScript the result follows the typing, without a page load.
    for code, weight in TRIAL.items():
        weight_box(page, code).fill(str(weight))
    expect(page.locator("#weights-total")).to_have_text("100")
    expect(first_place(page)).to_contain_text("Bidder A")
    expect(page.locator("#whatif-announce")).to_contain_text("Bidder A")  # the live region
    audit(page, "what-if: other weights, result updated in place")

    # Weights that do not add up are refused, live and on posting the form.
    weight_box(page, "Q6").fill("20")
    expect(page.locator("#weights-total")).to_have_text("110")
    expect(page.locator(".app-live-error").first).to_be_visible()
    audit(page, "what-if: live error, weights add up to 110")
    page.get_by_role("button", name="Show the result with these weights").click()
    expect_error_summary(page, "100")
    audit(page, "what-if: error, weights add up to 110 (form posted)")

    # The same page without JavaScript's help: the form posts and the result is rendered.
    weight_box(page, "Q6").fill("10")
    page.get_by_role("button", name="Show the result with these weights").click()
    expect(page).not_to_have_title(re.compile("^Error"))
    expect(first_place(page)).to_contain_text("Bidder A")

    page.get_by_label("Name of the scenario").fill(SCENARIO)
    page.get_by_label("Note for the record (optional)").fill("Tried at the planning meeting.")
    page.get_by_role("button", name="Save scenario").click()
    flash(page, f'Scenario "{SCENARIO}" is saved')
    expect(first_place(page)).to_contain_text("Bidder A")
    expect(page.get_by_role("table", name=re.compile("Scenarios saved"))).to_contain_text(SCENARIO)
    audit(page, "what-if: scenario saved and shown")

    page.get_by_role("link", name=re.compile(rf"Apply as official weights\W+{SCENARIO}")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("as the official weights"))).to_be_visible()
    audit(page, "apply scenario: empty form")
    page.get_by_role("button", name="Apply as official weights").click()
    expect_error_summary(page)
    audit(page, "apply scenario: error, no reason")
    page.get_by_label(re.compile("Reason for changing the official weights")).fill(REASON)
    page.get_by_role("button", name="Apply as official weights").click()
    flash(page, "are now the official weights")
    for code, weight in TRIAL.items():
        expect(weight_box(page, code)).to_have_value(str(weight))
    expect(first_place(page)).to_contain_text("Bidder A")
    audit(page, "what-if: scenario applied")

    with live_server.services():
        procurement = db.session.get(Procurement, procurement_id)
        assert {s.code: s.weight for s in procurement.sections} == TRIAL
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.procurement_id == procurement_id, AuditEvent.reason == REASON)
        ).all()
        assert events, "applying the scenario wrote no audit event with the lead's reason"


def share_box(page):
    return page.get_by_label(re.compile(r"^\s*Share of the marks for "))


def test_without_javascript_the_share_shown_is_the_share_sent_and_focus_goes_to_the_result(new_context, live_server):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, LEAD)
    page.goto(f"/procurements/{demo_procurement_id(live_server)}/what-if")
    # A box showing its own value: nothing on the page can claim a share the form will not send.
    expect(share_box(page)).to_have_value("60")
    expect(page.locator("#share-output")).to_be_hidden()

    share_box(page).fill("30")
    page.get_by_role("button", name="Use the patient share").click()
    expect(page).to_have_url(re.compile(r"/what-if#result$"))
    expect(page.get_by_role("heading", level=2, name="Result with these weights")).to_be_focused()
    expect(share_box(page)).to_have_value("30")
    expect(page.locator("#whatif-announce")).to_contain_text("Patient-scored sections are worth 30% of the marks")

    share_box(page).fill("about half")
    page.get_by_role("button", name="Use the patient share").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the patient share as a number from 0 to 100")
    expect(share_box(page)).to_have_value("about half")  # what the lead typed stays


def test_with_javascript_the_share_is_a_slider_whose_readout_follows_it(page, live_server, audit):
    sign_in(page, LEAD)
    page.goto(f"/procurements/{demo_procurement_id(live_server)}/what-if")
    slider = page.get_by_role("slider", name=re.compile(r"^\s*Share of the marks for "))
    readout = page.locator("#share-output")
    expect(slider).to_have_value("60")
    expect(readout).to_have_text("60%")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(slider).to_have_value("65")
    expect(readout).to_have_text("65%")
    expect(page.locator("#whatif-announce")).to_contain_text("65%")  # whatif.js showed the result
    page.get_by_role("button", name="Use the patient share").click()
    expect(page.get_by_role("heading", level=2, name="Result with these weights")).to_be_focused()
    expect(slider).to_have_value("65")
    expect(readout).to_have_text("65%")
    audit(page, "what-if: after posting the patient share")
