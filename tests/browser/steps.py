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


def flash(page: Page, text: str) -> None:
    expect(page.locator(".nhsuk-notification-banner").filter(has_text=text)).to_be_visible()


# Where keyboard focus is, and whether it can be seen. NHS.UK radios and checkboxes hide
# the native input and draw the focus ring on the label's ::before, so look there for them.
FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body', visible: false, describe: 'nothing focused'};
  const shows = style => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                       || (style.boxShadow && style.boxShadow !== 'none');
  let visible = shows(getComputedStyle(el));
  const label = el.labels && el.labels[0];
  if (!visible && label && (el.type === 'radio' || el.type === 'checkbox')) {
    visible = shows(getComputedStyle(label, '::before'));
  }
  const name = (el.getAttribute('aria-label') || (label && label.innerText) || el.innerText
                || el.value || el.name || '').trim().slice(0, 60);
  return {tag: el.tagName.toLowerCase(), id: el.id, type: el.type || '', visible,
          describe: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}"`};
}
"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUS_JS)


def assert_focus_visible(page: Page) -> dict:
    state = focused(page)
    assert state["visible"], f"Keyboard focus is not visible on {state['describe']} at {page.url}"
    return state


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> dict:
    """Press Tab (or Shift+Tab) until ``selector`` has focus, checking focus is visible each step."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        state = assert_focus_visible(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return state
    raise AssertionError(f"{limit} presses of {key} never reached {selector} on {page.url}")
