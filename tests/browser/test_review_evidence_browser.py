"""In a real browser: the review's evidence beside the patient share slider follows the slider,
and the review page and board report pass axe with no sideways scroll at 320 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .steps import assert_no_horizontal_scroll, finalise_demo, sign_in


def test_evidence_sentence_and_mark_follow_the_slider(page, audit, live_server):
    from scoring.extensions import db
    from scoring.models import User
    from tests.helpers import gen_procurement
    from tests.review.test_review_whatif import past_final

    finalise_demo(live_server)  # GP-2027-01, finalised: its stored intervals are one procurement
    with live_server.services():
        lead = db.session.scalar(db.select(User).where(User.email == "lead@example.org"))
        past_final(lead, "PAST-01", [[0.3, 0.6]])  # and one decided only between 30% and 60%
        p = gen_procurement(
            lead=lead, reference="GP-NEW-01", open_scoring=False, sections=[("Q1", 50, "panel"), ("Q2", 50, "patient")]
        )
        procurement_id = p.id
    sign_in(page, "lead@example.org")
    page.goto(f"{live_server.url}/procurements/{procurement_id}/what-if")
    sentence = page.locator("#review-evidence-sentence")
    expect(sentence).to_contain_text(
        "procurements finalised in the patient voice review, patient scores at this weight share (50%)"
    )
    audit(page, "what-if in set-up with the review's evidence")
    at_half = sentence.inner_text()
    mark = page.locator("#evidence-rate-today line")
    x_half = float(mark.get_attribute("x1"))
    slider = page.get_by_role("slider", name=re.compile("Share of the marks"))
    slider.focus()
    for _ in range(30):  # 50% -> 20%: PAST-01 is no longer decided
        page.keyboard.press("ArrowLeft")
    expect(page.locator("#share-output")).to_have_text("20%")
    expect(sentence).to_contain_text("weight share (20%) would have decided the winner", timeout=15_000)
    assert sentence.inner_text() != at_half
    expect(page.locator("#evidence-rate-today text")).to_have_text("This procurement: 20%")
    assert float(mark.get_attribute("x1")) < x_half


def test_review_pages_at_phone_width(page, audit, live_server):
    finalise_demo(live_server)
    sign_in(page, "lead@example.org")
    page.set_viewport_size({"width": 320, "height": 800})
    for path, label in (
        ("/review", "patient voice review"),
        ("/review/report", "board report"),
        ("/review/report/easy-read", "board report, easy read"),
    ):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        audit(page, f"{label} at 320 px")
        assert_no_horizontal_scroll(page)
