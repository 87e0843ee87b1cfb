"""A keyboard-only rep can score a bid with focus always visible; the scoring and results pages
reflow at 320 CSS pixels and at 200% zoom. Screenshots go to tests/screenshots/ (git-ignored)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import Score, User

from .steps import (
    DEMO_PASSWORD,
    assert_focus_visible,
    assert_no_horizontal_scroll,
    declare_no_conflicts,
    demo_procurement_id,
    finalise_demo,
    flash,
    horizontal_overflow,
    sign_in,
    tab_to,
)

REP = "rep@example.org"
LEAD = "lead@example.org"


def test_keyboard_only_rep_signs_in_declares_and_saves_a_score(page, live_server, audit):
    keys = page.keyboard
    page.goto("/sign-in")

    tab_to(page, "#email")
    keys.type(REP)
    tab_to(page, "#password")
    keys.type(DEMO_PASSWORD)
    tab_to(page, "button.nhsuk-button[type=submit]")
    keys.press("Enter")
    expect(page).to_have_title(re.compile("^Your evaluations"))

    tab_to(page, "main a[href$='/evaluate/%d']" % demo_procurement_id(live_server))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Conflicts of interest")).to_be_visible()
    for radio in page.get_by_label("No, I have no conflict").all():
        tab_to(page, f"#{radio.get_attribute('id')}")
        keys.press("Space")
        expect(radio).to_be_checked()
    tab_to(page, "form button.nhsuk-button")
    keys.press("Enter")
    flash(page, "Your declarations are saved")

    tab_to(page, "main .nhsuk-task-list a")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Q1: Access to appointments")).to_be_visible()

    tab_to(page, "input[name=score]")  # the first radio: 4
    keys.press("Space")
    expect(page.locator("input[name=score][value='4']")).to_be_checked()
    tab_to(page, "#rationale")
    keys.type("Clear plan for the phones. ")
    # On second thoughts: back into the scale, one point lower.
    tab_to(page, "input[name=score]", backwards=True)
    keys.press("ArrowDown")
    assert_focus_visible(page)
    expect(page.locator("input[name=score][value='3']")).to_be_checked()
    tab_to(page, "#rationale")
    keys.press("End")
    keys.type("Evening clinics help people who work.")
    tab_to(page, "button[name=save_draft]")
    keys.press("Enter")
    flash(page, "Your score for Bidder A, Q1 is saved as a draft.")
    audit(page, "your scores: after keyboard-only save")

    with live_server.services():
        rep = db.session.scalar(db.select(User).where(User.email == REP))
        score = db.session.scalar(db.select(Score).where(Score.evaluator_id == rep.id))
        assert (score.value, score.rationale) == (3, "Clear plan for the phones. Evening clinics help people who work.")


def score_page_url(live_server) -> str:
    from scoring.models import Procurement

    procurement_id = demo_procurement_id(live_server)
    with live_server.services():
        procurement = db.session.get(Procurement, procurement_id)
        bidder, section = procurement.bidders[0], procurement.sections[0]
        return f"/evaluate/{procurement.id}/bidders/{bidder.id}/sections/{section.id}"


def check_reflow(new_context, email, url, heading, name, audit, screenshot):
    """The page at 320 CSS px (WCAG 1.4.10: a 1280 px window at 400%) and at 200% zoom of a
    1280 px window (640 CSS px drawn at twice the density): no sideways scrolling, no axe violation."""
    pages = {}
    for label, options in (
        ("320 px", {"viewport": {"width": 320, "height": 640}}),
        ("200% zoom", {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}),
    ):
        page = new_context(**options).new_page()
        sign_in(page, email)
        page.goto(url)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        screenshot(page, f"{name}-{label.replace('% ', 'pc-').replace(' ', '')}")
        assert_no_horizontal_scroll(page)
        audit(page, f"{name} at {label}")
        pages[label] = page
    return pages


def test_scoring_page_reflows_at_320_px_and_at_200_percent_zoom(new_context, live_server, audit, screenshot):
    declare_no_conflicts(live_server, REP)
    url = score_page_url(live_server)
    pages = check_reflow(new_context, REP, url, "Q1: Access to appointments", "score-page", audit, screenshot)

    narrow = pages["320 px"]
    narrow.get_by_label("Why did you give this score?").fill("x" * 5001)
    narrow.get_by_role("button", name="Save as draft").click()
    expect(narrow).to_have_title(re.compile("^Error: "))
    screenshot(narrow, "score-page-320px-error")
    assert_no_horizontal_scroll(narrow)
    audit(narrow, "score page at 320 px: error, reason too long")


def test_results_page_reflows_at_320_px_and_at_200_percent_zoom(new_context, live_server, audit, screenshot):
    procurement_id = finalise_demo(live_server)
    check_reflow(
        new_context, LEAD, f"/procurements/{procurement_id}/results", "Final result", "results", audit, screenshot
    )


def test_every_page_of_the_journeys_reflows_at_320_px(new_context, live_server, audit, screenshot):
    """The pages the journeys visit, at 320 CSS px, after the result is final (so every page
    exists): none scrolls sideways (wide tables may scroll inside their own region), and axe
    finds nothing at that width either."""
    declare_no_conflicts(live_server, "rep@example.org")
    procurement_id = finalise_demo(live_server)
    p = f"/procurements/{procurement_id}"
    with live_server.services():
        from scoring.models import Procurement, User

        procurement = db.session.get(Procurement, procurement_id)
        section, bidder = procurement.sections[0].id, procurement.bidders[0].id
        rep2 = db.session.scalar(db.select(User.id).where(User.email == "rep2@example.org"))
    pages = {
        LEAD: [
            "/procurements/",
            p,
            f"{p}/what-if",
            f"{p}/moderation",
            f"{p}/moderation/sections/{section}",
            f"{p}/moderation/sections/{section}/bidders/{bidder}",
            f"{p}/moderation/finalise",
            f"{p}/reports",
            f"{p}/reports/{rep2}",
        ],
        "rep2@example.org": [
            "/evaluate/",
            f"/evaluate/{procurement_id}",
            f"/evaluate/{procurement_id}/conflicts",
            f"/evaluate/{procurement_id}/bidders/{bidder}/sections/{section}",
            "/my-moderation",
            f"{p}/reports/{rep2}",
            f"{p}/reports/{rep2}/easy-read",
        ],
    }
    problems = []
    for email, urls in pages.items():
        page = new_context(viewport={"width": 320, "height": 640}).new_page()
        sign_in(page, email)
        for url in urls:
            response = page.goto(url)
            assert response.ok, f"{url} answered {response.status} for {email}"
            overflow = horizontal_overflow(page)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(f"{url} ({email}): {overflow['scrollWidth']} px wide; {overflow['culprits']}")
                screenshot(page, "overflow-320px" + url.replace("/", "-").rstrip("-"))
            audit(page, f"{page.title().split(' – ')[0]} at 320 px (final)")
    assert not problems, "Pages that scroll sideways at 320 px:\n" + "\n".join(problems)
