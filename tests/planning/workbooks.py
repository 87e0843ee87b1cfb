"""Build import workbooks in tests: a good one by default, then break one thing at a time."""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from io import BytesIO

from openpyxl import Workbook

GOOD = {
    "Procurement": [
        ["field", "value"],
        ["reference", "IMP-01"],
        ["title", "Imported GP services"],
        ["anonymised", "yes"],
    ],
    "Sections": [
        ["code", "title", "weight", "max_score", "scored_by", "threshold", "question", "guidance", "key_criterion"],
        ["Q1", "Access", 40, 4, "both", None, "How will patients get appointments?", "", "access"],
        ["Q2", "Experience", 30, 4, "patient", None, "How will you listen?", "", "quality"],
        ["Q3", "Safety", 30, 4, "panel", 1, "How will care be safe?", "", "quality"],
    ],
    "Bidders": [["code", "name"], ["Bidder A", "Alpha Health Ltd"], ["Bidder B", "Beta Care LLP"]],
    "Evaluators": [
        ["email", "name", "group", "training_completed"],
        ["new.rep@example.org", "Nell Rep", "patient", date(2026, 2, 1)],
        ["new.panel@example.org", "Dr Pan", "panel", None],
    ],
}


def full_scores() -> list[list]:
    """Every score for both evaluators (rep: Q1, Q2; panel: Q1, Q3) for both bidders."""
    rows = [["evaluator", "bidder", "section", "score", "rationale"]]
    plan = {"new.rep@example.org": ("Q1", "Q2"), "new.panel@example.org": ("Q1", "Q3")}
    values = iter([3, 2, 4, 1, 2, 3, 3, 4])
    for email, sections in plan.items():
        for bidder in ("Bidder A", "Bidder B"):
            for section in sections:
                value = next(values)
                rows.append([email, bidder, section, value, f"Reason for {value}"])
    return rows


def sheets(**changes) -> dict:
    """The good sheets with some replaced (``Scores=[...]``); a value of None drops the sheet."""
    result = deepcopy(GOOD)
    for name, rows in changes.items():
        if rows is None:
            result.pop(name, None)
        else:
            result[name] = rows
    return result


def workbook_bytes(data: dict | None = None) -> bytes:
    data = sheets() if data is None else data
    book = Workbook()
    book.remove(book.active)
    for name, rows in data.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
