"""The PSR notice of intention to award, drafted from the stored result as text to paste into
the publication service, then edited by the lead and kept (services/regime.save_notice_text).

The regulations list what the notice holds (regulation 11 and Schedule content for the
Competitive Process): the contract and the provider, the decision-makers (individuals, a
committee or job titles, as the final statutory guidance allows), the reasons for the decision
by reference to the key criteria, the conflicts of interest declared and how they were managed,
and when the standstill ends (regulation 12). Fields the tool does not hold are marked
[to complete] so they cannot be missed.
"""

from __future__ import annotations

from ..law import standstill
from ..models import Procurement
from . import regime as law
from .award_record import conflicts, result_of
from .results import points

TO_COMPLETE = "[to complete]"


def draft(procurement: Procurement) -> str:
    result = result_of(procurement)
    notice = law.notice_of(procurement)
    winner = result.winner
    lines = [
        "Notice of intention to award a contract",
        "Health Care Services (Provider Selection Regime) Regulations 2023: the Competitive Process",
        "",
        f"Relevant authority: {TO_COMPLETE}",
        f"Contract: {procurement.title} (reference {procurement.reference})"
        + (f", {procurement.service_type}" if procurement.service_type else ""),
        f"Estimated lifetime value and dates of the contract: {TO_COMPLETE}",
        "",
        "Provider the authority intends to award the contract to: "
        + (f"{winner.bidder.name}" if winner else TO_COMPLETE),
        f"Provider's registered office or principal place of business: {TO_COMPLETE}",
        "",
        "Decision made by: " + (notice.decision_makers if notice and notice.decision_makers else TO_COMPLETE),
        "",
        "Reasons for the decision, by reference to the key criteria (regulation 5):",
    ]
    figures = law.key_criterion_figures(procurement, result.doc)
    notes = law.notes_of(procurement)
    runner = next((b for b in result.ranked if winner is None or b.label != winner.label), None)
    for f in figures:
        if not f.sections:
            lines.append(f"- {f.label}: not assessed by a section. " + (notes.get(f.code) or "Reason: " + TO_COMPLETE))
            continue
        text = f"- {f.label} ({f.weight:g}% of the marks; sections {', '.join(f.sections)}):"
        if winner is not None:
            text += f" the selected provider scored {points(f.points[winner.label])} of {f.weight:g} points"
            if runner is not None:
                text += f"; the next-ranked bid scored {points(f.points[runner.label])}"
            text += "."
        if notes.get(f.code):
            text += f" {notes[f.code]}"
        lines.append(text)
    if winner is not None:
        lines.append(f"Overall the selected provider scored {points(winner.total)} out of 100 and ranked first.")
    lines += ["", "Conflicts of interest declared and how they were managed:"]
    declared = conflicts(procurement)
    if not declared:
        lines.append("- None was declared by anyone involved in the evaluation or the decision.")
    for c in declared:
        lines.append(f"- A {c.role.lower()} declared a conflict with {c.bidder.split(' (')[0]}: {c.managed}")
    lines += ["", "Standstill and representations (regulation 12):"]
    view = law.standstill_of(procurement)
    if view.published:
        lines.append(
            f"The standstill period begins on {view.begins:%-d %B %Y}. Representations may be made "
            f"before midnight at the end of {view.last_day:%-d %B %Y}."
        )
    else:
        lines.append(
            f"The standstill period begins on the day after this notice is published. Representations "
            f"may be made before midnight at the end of the {standstill.STANDSTILL_WORKING_DAYS}th "
            "working day after the day it begins."
        )
    lines.append(f"Representations should be sent to: {TO_COMPLETE}")
    return "\n".join(lines) + "\n"


def current_text(procurement: Procurement) -> tuple[str, bool]:
    """The kept text when the lead has saved one, else a fresh draft; and whether it is kept."""
    notice = law.notice_of(procurement)
    if notice is not None and notice.notice_text:
        return notice.notice_text, True
    return draft(procurement), False
