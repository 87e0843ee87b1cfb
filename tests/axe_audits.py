"""Every axe-core audit of the run, gathered from each parallel worker and listed at the end.

tests/browser/conftest.py's ``audit`` fixture appends to ``AUDITS`` in whichever process runs
the test. Under pytest-xdist that is a worker: each worker hands its list to the controller
when it finishes (tests/conftest.py's hooks), and the controller prints the list and writes
tests/screenshots/axe-audits.json once, for the whole run.
"""
from __future__ import annotations

import json
from pathlib import Path

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

# (test, label, url, title, rules axe ran, seconds) for every audit this process knows of.
AUDITS: list[dict] = []


def write_summary(terminalreporter) -> None:
    if not AUDITS:
        return
    AUDITS.sort(key=lambda a: (a["test"], a.get("order", 0)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "axe-audits.json").write_text(json.dumps(AUDITS, indent=2))
    rules = sorted({a["rules"] for a in AUDITS})
    terminalreporter.section("axe-core accessibility audits")
    terminalreporter.write_line(
        f"{len(AUDITS)} audits, {len({(a['label']) for a in AUDITS})} distinct page states; "
        f"axe ran {', '.join(map(str, rules))} rules ({', '.join(AXE_TAGS)}) on each"
    )
    for a in AUDITS:
        terminalreporter.write_line(f"  {a['test']}: {a['label']}  [{a['rules']} rules]  {a['url']}")
