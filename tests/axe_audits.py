"""Every axe-core audit of the run, gathered from each parallel worker and listed at the end.

tests/browser/conftest.py's ``audit`` fixture appends to ``AUDITS`` in whichever process runs
the test. Under pytest-xdist that is a worker: each worker hands its list to the controller
when it finishes (tests/conftest.py's hooks), and the controller prints the list and writes
tests/screenshots/axe-audits.json once, for the whole run.
"""

from __future__ import annotations

import json
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

# (test, label, url, title, seconds) for every audit this process knows of.
AUDITS: list[dict] = []


def write_summary(terminalreporter) -> None:
    if not AUDITS:
        return
    from .browser.checks import AXE_EXTRA_RULES, AXE_TAGS

    # Workers finish in any order: sorted, the list reads the same from one run to the next.
    AUDITS.sort(key=lambda a: (a["test"], a.get("order", 0)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "axe-audits.json").write_text(json.dumps(AUDITS, indent=2))
    terminalreporter.section("axe-core accessibility audits")
    terminalreporter.write_line(
        f"{len(AUDITS)} audits of {len({a['url'] for a in AUDITS})} URLs, "
        f"{sum(a['seconds'] for a in AUDITS):.0f} s in all; rules: {', '.join(AXE_TAGS)} and "
        f"{', '.join(AXE_EXTRA_RULES)}. Each audit is listed in {SCREENSHOTS / 'axe-audits.json'}"
    )
    by_test: dict[str, int] = {}
    for a in AUDITS:
        by_test[a["test"]] = by_test.get(a["test"], 0) + 1
    for test, count in by_test.items():
        terminalreporter.write_line(f"  {test}: {count}")
