"""Journey 1, in a real browser: a patient rep declares conflicts, scores, saves a draft,
signs out, comes back and submits. Every page is audited with axe in each state it reaches."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import Score, User

from .steps import SCORE_URL, confirm, expect_error_summary, flash, sign_in, sign_out

REP = "rep@example.org"


def test_rep_declares_scores_saves_a_draft_comes_back_and_submits(page, audit, live_server):
    page.goto("/")
    expect(page).to_have_title(re.compile("^Sign in"))
    audit(page, "sign-in: empty form")
    sign_in(page, REP, password="not-the-right-password", succeeds=False)
    expect_error_summary(page, "Enter a correct email address and password")
    audit(page, "sign-in: wrong password")

    sign_in(page, REP)
    expect(page).to_have_title(re.compile("^Your evaluations"))
    expect(page.get_by_role("cell", name=re.compile("0 of 12 scored"))).to_be_visible()
    audit(page, "evaluator dashboard: nothing scored")

    # Conflicts of interest come first; saying "yes" without details is refused.
    page.get_by_role("link", name="Riverside Surgery GP services").click()
    expect(page.get_by_role("heading", level=1, name="Conflicts of interest")).to_be_visible()
    audit(page, "conflicts: empty form")
    bidder_a = page.get_by_role("group", name="Do you have a conflict of interest with Bidder A?")
    bidder_a.get_by_label("Yes, I have a conflict").check()
    for letter in "BC":
        page.get_by_role("group", name=f"Do you have a conflict of interest with Bidder {letter}?").get_by_label(
            "No, I have no conflict"
        ).check()
    page.get_by_role("button", name="Save and continue").click()
    expect_error_summary(page, "Describe your conflict with Bidder A")
    audit(page, "conflicts: error, yes without details")
    page.get_by_role("link", name=re.compile("Describe your conflict with Bidder A")).click()
    expect(page.get_by_label("If yes, describe your conflict with Bidder A")).to_be_focused()
    bidder_a.get_by_label("No, I have no conflict").check()
    page.get_by_role("button", name="Save and continue").click()
    flash(page, "Your declarations are saved")

    expect(page.get_by_text("You have scored 0 of 12.")).to_be_visible()
    audit(page, "your scores: nothing scored")
    page.get_by_role("link", name="Bidder A: Q1 Access to appointments").click()
    expect(page.get_by_role("heading", level=1, name="Q1: Access to appointments")).to_be_visible()
    expect(page.get_by_text("Bidder A, question 1 of 4 \u2014 0 of 12 scored")).to_be_visible()
    audit(page, "score page: empty form")

    # A reason over the limit is refused, with the error linked to the field.
    scale = page.get_by_role("group", name="What score do you give this answer?")
    scale.get_by_label("3 – Good").check()
    reason = page.get_by_label("Why did you give this score?")
    reason.fill("x" * 5001)
    page.get_by_role("button", name="Save as draft").click()
    expect_error_summary(page, "Your reason must be 5000 characters or fewer")
    expect(
        page.get_by_role("group", name="What score do you give this answer?").get_by_label("3 – Good")
    ).to_be_checked()
    audit(page, "score page: error, reason too long")

    # A draft may lack its reason.
    page.get_by_label("Why did you give this score?").fill("")
    page.get_by_role("button", name="Save as draft").click()
    flash(page, "Saved as a draft without a reason for Bidder A, Q1.")
    expect(page.locator(".nhsuk-notification-banner--success")).to_have_count(0)
    expect(page.get_by_text("You have scored 0 of 12.")).to_be_visible()
    audit(page, "your scores: one draft in progress")

    # Score the other eleven cells with "Save and go to next".
    page.get_by_role("link", name="Bidder A: Q2 Patient experience and involvement").click()
    scored = []
    values = [4, 3, 2, 1, 0, 2, 3, 4, 3, 2, 1]
    for i, value in enumerate(values):
        expect(page).to_have_url(SCORE_URL)
        heading = page.get_by_role("heading", level=1).inner_text()
        audit(page, f"score page: empty form ({len(scored) + 2} of 12)")
        page.get_by_role("group", name="What score do you give this answer?").get_by_label(
            re.compile(rf"^\s*{value} – ")
        ).check()
        page.get_by_label("Why did you give this score?").fill(
            f"Reason {i + 2}: the answer to {heading} deserves {value}."
        )
        page.get_by_role("button", name="Save and go to next").click()
        scored.append(heading)
    # "Save and go to next" brings the rep back to the draft still missing its reason, and says why.
    expect(page.get_by_role("heading", level=1, name="Q1: Access to appointments")).to_be_visible()
    flash(page, "You are back at Bidder A, Q1 because it still has no reason.")
    expect(
        page.get_by_role("group", name="What score do you give this answer?").get_by_label("3 – Good")
    ).to_be_checked()
    audit(page, "score page: saved draft reopened")

    sign_out(page)
    audit(page, "sign-in: signed out")
    sign_in(page, REP)
    expect(page.get_by_role("cell", name=re.compile("11 of 12 scored"))).to_be_visible()
    audit(page, "evaluator dashboard: 11 of 12 scored")
    page.get_by_role("link", name="Riverside Surgery GP services").click()
    expect(page.get_by_text("You have scored 11 of 12.")).to_be_visible()

    # Submitting with one reason missing is refused and names the cell.
    page.get_by_role("button", name="Submit my scores").click()
    expect_error_summary(page, "Still to do: Bidder A, Q1")
    audit(page, "your scores: error, submitted with one reason missing")

    page.get_by_role("link", name="Bidder A: Q1 Access to appointments").click()
    page.get_by_label("Why did you give this score?").fill("A clear plan for the phones and evening clinics.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("You have scored 12 of 12.")).to_be_visible()
    expect(page.get_by_text("You have scored everything.")).to_be_visible()
    audit(page, "your scores: everything scored")

    page.get_by_role("button", name="Submit my scores").click()
    audit(page, "confirm: submit your scores")
    confirm(page, "Submit your scores?", "Yes, submit my scores")
    expect(page.locator(".nhsuk-panel").get_by_role("heading", name="Scores submitted")).to_be_visible()
    expect(page).to_have_title(re.compile("^Scores submitted"))
    audit(page, "scores submitted")
    page.get_by_role("link", name="See your scores").click()
    expect(page.get_by_text("You have submitted your scores.")).to_be_visible()
    audit(page, "your scores: submitted")

    with live_server.services():
        rep = db.session.scalar(db.select(User).where(User.email == REP))
        scores = db.session.scalars(db.select(Score).where(Score.evaluator_id == rep.id)).all()
        assert len(scores) == 12
        assert all(s.status == "submitted" and s.value is not None and s.rationale for s in scores)
        assert sorted(s.value for s in scores) == sorted(values + [3])
