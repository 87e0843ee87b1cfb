"""What a person does in the browser, one step at a time, shared by the journeys."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "demo-scoring-2027"  # every demo login shares it (scoring.services.demo)

SCORE_URL = re.compile(r"/evaluate/\d+/bidders/\d+/sections/\d+$")


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD, *, succeeds: bool = True) -> None:
    if "/sign-in" not in page.url:
        page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if succeeds:
        flash(page, "You are signed in as")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_title(re.compile("^Sign in"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def expect_error_summary(page: Page, *messages: str) -> None:
    """The NHS.UK error summary is shown, focused, lists each message, and the title says Error."""
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for message in messages:
        expect(summary.get_by_role("link", name=re.compile(re.escape(message)))).to_be_visible()


def confirm(page: Page, heading: str, button: str) -> None:
    """The confirmation page before a step that cannot be undone: it says so, then the person goes ahead."""
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name="You cannot undo this")).to_be_visible()
    page.get_by_role("button", name=button).click()


def flash(page: Page, text: str) -> None:
    expect(page.locator(".nhsuk-notification-banner").filter(has_text=text)).to_be_visible()


# Where keyboard focus is, and whether it can be seen: the focused element (or, for NHS.UK
# radios and checkboxes, which hide the native input, its label's ::before; for the NHS.UK
# scroll region, which draws its ring on its own ::after) must draw a non-transparent outline
# or box-shadow, and look different from when it is not focused (an NHS.UK button always has
# a shadow; focus turns it yellow).
FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {visible: false, describe: 'nothing focused'};
  const clear = colour => colour === 'transparent' || /^rgba\\(.*,\\s*0\\)$/.test(colour);
  const ring = style => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                         && !clear(style.outlineColor))
                      || (style.boxShadow && style.boxShadow !== 'none'
                          && !style.boxShadow.startsWith('rgba(0, 0, 0, 0)'));
  const label = el.labels && el.labels[0];
  const hiddenInput = label && (el.type === 'radio' || el.type === 'checkbox');
  const drawn = () => {
    const style = hiddenInput ? getComputedStyle(label, '::before') : getComputedStyle(el);
    const after = getComputedStyle(el, '::after');
    const afterRing = after.content !== 'none' && after.display !== 'none' && ring(after);
    return {ring: ring(style) || afterRing,
            look: [style.outlineStyle, style.outlineColor, style.boxShadow, style.backgroundColor,
                   style.color, afterRing ? after.boxShadow : ''].join('|')};
  };
  const focusedLook = drawn();
  el.blur();
  const restingLook = drawn();
  el.focus({preventScroll: true});
  const name = (el.getAttribute('aria-label') || (label && label.innerText) || el.innerText
                || el.value || el.name || '').trim().slice(0, 60);
  return {visible: focusedLook.ring && focusedLook.look !== restingLook.look
                   && document.activeElement === el,
          describe: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}"`};
}
"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUS_JS)


def assert_focus_visible(page: Page) -> dict:
    state = focused(page)
    assert state["visible"], f"Keyboard focus is not visible on {state['describe']} at {page.url}"
    return state


# NHS.UK scripts move focus to a success banner or an error summary when they start. Wait for
# them, so that focus is not taken from under a Tab the test has already pressed.
SCRIPTS_STARTED_JS = """
() => [...document.querySelectorAll(
         '[data-module="nhsuk-notification-banner"], [data-module="nhsuk-error-summary"]')]
      .every(el => el.hasAttribute(`data-${el.dataset.module}-init`))
"""


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> dict:
    """Press Tab (or Shift+Tab) until ``selector`` has focus, checking focus is visible each step."""
    key = "Shift+Tab" if backwards else "Tab"
    page.wait_for_function(SCRIPTS_STARTED_JS)
    for _ in range(limit):
        page.keyboard.press(key)
        state = assert_focus_visible(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return state
    raise AssertionError(f"{limit} presses of {key} never reached {selector} on {page.url}")


def demo_procurement_id(live_server) -> int:
    from scoring.extensions import db
    from scoring.models import Procurement
    from scoring.services.demo import DEMO_REFERENCE

    with live_server.services():
        return db.session.scalar(db.select(Procurement.id).where(Procurement.reference == DEMO_REFERENCE))


def declare_no_conflicts(live_server, email: str) -> None:
    """Set-up through the service layer, for tests whose subject is not the declaration."""
    from scoring.extensions import db
    from scoring.models import Procurement, User
    from scoring.services import evaluation

    with live_server.services():
        user = db.session.scalar(db.select(User).where(User.email == email))
        procurement = db.session.get(Procurement, demo_procurement_id(live_server))
        evaluation.declare_conflicts(user, procurement, {b.id: (False, "") for b in procurement.bidders})


def horizontal_overflow(page: Page) -> dict:
    """How far the page scrolls sideways, and the widest elements if it does."""
    return page.evaluate(
        """() => {
          const doc = document.documentElement, width = window.innerWidth;
          const name = el => {
            const caption = el.tagName === 'TABLE' && el.caption ? ` "${el.caption.textContent.trim().slice(0, 50)}"` : '';
            return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}${caption}`;
          };
          // Inside a box that scrolls or clips sideways (a table's scroll region), sticking out is fine.
          const contained = el => {
            for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
              if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)) return true;
            }
            return false;
          };
          // The outermost elements that stick out (their children would only repeat them).
          const culprits = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1 && !contained(el))
            .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
            .slice(0, 5)
            .map(name);
          return {scrollWidth: doc.scrollWidth, innerWidth: width, culprits};
        }"""
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    from .checks import settle_at

    settle_at(page, page.viewport_size)  # after a resize, the header's script needs its moment
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= overflow["innerWidth"], (
        f"{page.url} scrolls sideways at {overflow['innerWidth']} px "
        f"(content is {overflow['scrollWidth']} px wide); widest: {overflow['culprits']}"
    )


def finalise_demo(live_server, reason: str = "Closed for the test without Pat's scores.") -> int:
    """Close scoring and finalise the demo through the service layer; returns its id."""
    from scoring.extensions import db
    from scoring.models import Procurement
    from scoring.services import finalise, setup

    from ..helpers import accept_the_rest

    procurement_id = demo_procurement_id(live_server)
    with live_server.services():
        procurement = db.session.get(Procurement, procurement_id)
        setup.close_scoring(procurement, actor=procurement.lead, reason=reason)
        accept_the_rest(procurement, procurement.lead)
        finalise.finalise(procurement, actor=procurement.lead)
        db.session.commit()
    return procurement_id
