"""What every page must be, checked in the browser: the checks the crawl (test_crawl.py) and the
journeys' ``audit`` run on each page they open.

* axe-core finds nothing: the WCAG 2.0, 2.1 and 2.2 A and AA rules, plus two best-practice rules
  that stand for WCAG 1.3.1 and 2.4.1 as a screen reader user meets them: ``region`` (every
  piece of content inside a landmark, so nothing is skipped when moving by landmarks) and
  ``heading-order`` (no level skipped, e.g. an h3 straight after the h1).
* No markup shown as text: no text node holding ``<`` and a tag name, or an entity such as
  ``&lt;`` (both mean a fragment was escaped twice, and a screen reader reads the tags aloud).
* No sideways scrolling at 320 CSS px (WCAG 1.4.10 Reflow), except inside a table's own scroll
  region.
* The title starts with "Error: " whenever an error summary is shown (GOV.UK / NHS.UK pattern).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from scoring import REPO_ROOT

AXE_JS: Path = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_EXTRA_RULES = ["region", "heading-order"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "rules": {rule: {"enabled": True} for rule in AXE_EXTRA_RULES},
    "resultTypes": ["violations"],
}
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10: a 1280 px window at 400% zoom
WIDE = {"width": 1280, "height": 900}

_AXE_SOURCE: list[str] = []


def axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    return _AXE_SOURCE[0]


# axe and the text and title checks, in one round trip.
# ``typed`` are strings people typed that contain markup on purpose (the test world's names and
# reasons); shown as text they are right, so they are taken out before looking for tags.
PAGE_CHECKS_JS = """
async ([options, typed]) => {
  const axeResult = await axe.run(document, options);
  const problems = [];
  const tag = /<\\/?[a-z][a-z0-9-]*(?=[\\s>\\/])|&(lt|gt|amp|quot|#\\d+|#x[0-9a-f]+);/i;
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: node => skip.has(node.parentElement && node.parentElement.tagName)
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const shown = [document.title];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) shown.push(node.nodeValue);
  for (let text of shown) {
    for (const t of typed) text = text.split(t).join('');
    const found = text.match(tag);
    if (found) {
      const at = Math.max(0, found.index - 30);
      problems.push(`shows markup as text: "${text.slice(at, found.index + 50).trim()}"`);
    }
  }
  const summary = document.querySelector('.nhsuk-error-summary');
  if (summary && summary.getClientRects().length && !document.title.startsWith('Error: ')) {
    problems.push(`shows an error summary but the title "${document.title}" does not start with "Error: "`);
  }
  const violations = axeResult.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => `${n.target.join(' ')}: ${(n.failureSummary || '').split('\\n').slice(-1)[0]}`),
  }));
  return {problems, violations};
}
"""

# How far the page scrolls sideways, and what sticks out. A wide table may scroll inside its own
# region (a scrolling box that holds the table); anything else past the right edge is a failure.
OVERFLOW_JS = """
async () => {
  // The header moves its navigation into a "More" menu on resize, a frame or two later.
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const doc = document.documentElement, width = window.innerWidth;
  const name = el => {
    const caption = el.tagName === 'TABLE' && el.caption ? ` "${el.caption.textContent.trim().slice(0, 50)}"` : '';
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${[...el.classList].map(c => '.' + c).join('')}${caption}`;
  };
  const tableRegion = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (['auto', 'scroll'].includes(overflow) && (up.querySelector('table') || up.closest('table'))) return true;
    }
    return false;
  };
  const sticksOut = el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  };
  // Cut off by a box that does not itself stick out, e.g. the design system's visually hidden
  // text (a table's header row on a phone): nothing to scroll to.
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['hidden', 'clip'].includes(getComputedStyle(up).overflowX) && !sticksOut(up)) return true;
    }
    return false;
  };
  const culprits = [...document.querySelectorAll('body *')]
    .filter(el => sticksOut(el) && !tableRegion(el) && !clipped(el))
    .filter(el => !el.parentElement || !sticksOut(el.parentElement) || tableRegion(el.parentElement))
    .slice(0, 5).map(el => `${name(el)} (${Math.round(el.getBoundingClientRect().right)} px)`);
  return {scrollWidth: Math.max(doc.scrollWidth, document.body.scrollWidth), innerWidth: width, culprits};
}
"""


def check_page(page, *, typed: tuple[str, ...] = ()) -> list[str]:
    """Every check on ``page`` as it is now, at its current width: a list of problems (empty: all good)."""
    # Injected through the DevTools protocol, which the page's CSP does not govern, so the page
    # is checked with its real Content-Security-Policy in force.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(PAGE_CHECKS_JS, [AXE_OPTIONS, list(typed)])
    problems = list(result["problems"])
    for v in result["violations"]:
        problems.append(f"axe {v['id']} ({v['impact']}): {v['help']}; at " + "; ".join(v["nodes"]))
    return problems


def settle_at(page, viewport: dict) -> None:
    """Resize ``page`` and give its scripts up to two seconds to lay it out again.

    The NHS.UK header moves navigation links that no longer fit into its "More" menu from a
    resize listener, which a loaded machine runs some moments after the resize; a page that
    still sticks out after the wait is reported as it is."""
    page.set_viewport_size(viewport)
    try:
        page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth", timeout=2000)
    except PlaywrightTimeout:
        pass


def overflow_at(page, viewport: dict = NARROW) -> list[str]:
    """Resize ``page`` to ``viewport`` and report any sideways scrolling (the page keeps the size)."""
    settle_at(page, viewport)
    found = page.evaluate(OVERFLOW_JS)
    if found["scrollWidth"] <= found["innerWidth"] and not found["culprits"]:
        return []
    return [
        f"scrolls sideways at {found['innerWidth']} px (content {found['scrollWidth']} px wide); "
        f"sticking out: {', '.join(found['culprits']) or 'nothing visible'}"
    ]
