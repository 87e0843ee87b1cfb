"""The moderation table as the meeting uses it, in a real browser: every "Reason" toggle says
whose reason and which answer it opens, the Consensus column is on screen at 1280 px without
scrolling the table, and after a consensus is saved focus is back on the cell just agreed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from scoring.extensions import db
from scoring.models import Procurement

from .steps import demo_procurement_id, flash, sign_in

LEAD = "lead@example.org"


def close_demo_scoring(live_server) -> tuple[int, int, list[int]]:
    """Close the demo's scoring (Pat has not submitted); returns its id, Q1's id and the bidders' ids."""
    from scoring.services import setup

    procurement_id = demo_procurement_id(live_server)
    with live_server.services():
        procurement = db.session.get(Procurement, procurement_id)
        setup.close_scoring(procurement, actor=procurement.lead, reason="Pat could not finish.")
        db.session.commit()
        return procurement_id, procurement.sections[0].id, [b.id for b in procurement.bidders]


def test_each_reason_names_its_evaluator_and_answer_and_consensus_is_on_screen(page, live_server, audit):
    procurement_id, q1, bidders = close_demo_scoring(live_server)
    sign_in(page, LEAD)
    page.goto(f"/procurements/{procurement_id}/moderation/sections/{q1}")
    table = page.get_by_role("table", name=re.compile("^Scores for Q1"))

    # Each toggle, with the row and column it sits in, as a screen reader user moves through the table.
    toggles = table.evaluate("""table => [...table.querySelectorAll('td summary')].map(summary => {
      const cell = summary.closest('td'), row = cell.parentElement;
      const column = table.tHead.rows[0].cells[cell.cellIndex].textContent.trim();
      return [row.querySelector('th').textContent.trim(), column, summary.textContent.split(/\\s+/).join(' ').trim()];
    })""")
    reasons = [(bidder, column, name) for bidder, column, name in toggles if column != "Consensus"]
    # Rowan and Sam (patient reps), Dr Morgan Ellis and Jo Finch (panel) gave a reason for each of 3 bidders.
    assert len(reasons) == 12, toggles
    for bidder, column, name in reasons:
        assert name == f"Reason {column} gave for {bidder}, Q1", (bidder, column, name)

    # The Consensus column, where the meeting records its decisions, is on screen without scrolling.
    header = table.get_by_role("columnheader", name="Consensus")
    region = page.locator(".nhsuk-scroll__content", has=table)
    box, visible = header.bounding_box(), region.bounding_box()
    assert box["x"] + box["width"] <= min(visible["x"] + visible["width"], 1280) + 1, (
        f"the Consensus column ends at {box['x'] + box['width']:.0f} px, past the visible "
        f"{visible['x'] + visible['width']:.0f} px"
    )
    assert region.evaluate("el => el.scrollLeft") == 0
    audit(page, "moderation: section at 1280 px")


def test_after_saving_a_consensus_focus_is_on_the_cell_just_agreed(page, live_server, audit):
    procurement_id, q1, bidders = close_demo_scoring(live_server)
    sign_in(page, LEAD)
    page.goto(f"/procurements/{procurement_id}/moderation/sections/{q1}/bidders/{bidders[1]}")
    page.get_by_role("group", name="What score did the panel agree?").get_by_label(re.compile(r"^\s*3 – ")).check()
    page.get_by_label("Why did the panel agree this score?").fill(
        "The answer gives a clear plan for same-day appointments and says who will run it."
    )
    page.get_by_role("button", name="Save the consensus").click()

    flash(page, "Consensus saved for Bidder B (Meadow Primary Care Ltd), Q1.")
    cell = page.locator(f"#consensus-{bidders[1]}")
    expect(page).to_have_url(re.compile(rf"/moderation/sections/{q1}#consensus-{bidders[1]}$"))
    expect(cell).to_be_focused()
    expect(cell).to_contain_text("Agreed: 3")
    expect(cell.locator("summary")).to_have_text(
        re.compile(r"Why\s+the panel agreed 3 for Bidder B \(Meadow Primary Care Ltd\), Q1")
    )
    audit(page, "moderation: section, focus on the consensus just saved")
