"""The moderation meeting's agenda: every answer to discuss, the widest disagreement first.

Each item has the evaluators' scores (by name: the agenda is the lead's), the
proposed score, the scale descriptors and room for the agreed score and reason.
Printed from the page, or downloaded as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Procurement, User
from . import outcome
from .moderation import BoardRow, board, sections_for


@dataclass(frozen=True)
class Item:
    number: int
    row: BoardRow
    scores: list[tuple[str, int]]


def agenda(procurement: Procurement, viewer: User) -> list[Item]:
    run = outcome.moderation(procurement)
    rows = []
    for section in sections_for(viewer, procurement):
        if section.is_price:
            continue
        rows += [r for r in board(procurement, viewer, section, run).rows if r.proposed is not None]
    # Widest spread first; then flagged, then the order of the sections and bidders.
    rows.sort(key=lambda r: (-(r.spread or 0.0), not r.flagged))
    items = []
    for n, row in enumerate(rows, start=1):
        scores = [
            (column.label, score.value)
            for column, score in row.scores
            if score is not None and score.value is not None and score.is_submitted
        ]
        items.append(Item(n, row, scores))
    return items


def as_text(procurement: Procurement, items: list[Item]) -> str:
    from .results import score

    lines = [
        f"Moderation meeting agenda: {procurement.reference} {procurement.title}",
        "",
        "Answers in order of disagreement, widest first.",
        "",
        "Scale:",
    ]
    lines += [f"  {p.value} {p.label}: {p.descriptor}" for p in procurement.scale_points]
    for item in items:
        row = item.row
        lines += [
            "",
            f"{item.number}. {row.bidder.code}, {row.section.code}: {row.section.title}"
            + ("  [Disagree]" if row.flagged else ""),
            "   Scores: " + ", ".join(f"{who} {value}" for who, value in item.scores),
            f"   Proposed score: {score(row.proposed)}; scores {score(row.spread)} apart",
            "   Agreed score: ____    Reason: ______________________________________________",
            "",
            "   ______________________________________________________________________",
        ]
    return "\n".join(lines) + "\n"
