"""Paper score sheets: for a patient rep who prefers pen and paper.

The lead prints a sheet per bidder for the rep, then types the rep's scores and
reasons in. Each is saved through ``evaluation.save_score`` as the rep's own score
with source "paper" and entered_by the lead, so it is versioned and audited like
any other; a score the rep has already submitted is never overwritten this way.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..models import Bidder, Procurement, ScoreSource, Section, Status, User
from . import evaluation, setup
from .errors import Refused, StaleVersion, ValidationFailed


@dataclass(frozen=True)
class PaperEntry:
    """What the lead typed for one cell. ``value`` None and blank reason means left empty."""

    value: int | None
    rationale: str
    expected_version: int


def sheets_for(rep: User, procurement: Procurement) -> list[tuple[Bidder, list[evaluation.Cell]]]:
    """One sheet per bidder the rep may score, each with the rep's assigned sections in order."""
    sheets: dict[int, tuple[Bidder, list]] = {}
    for cell in evaluation.cells_for(rep, procurement):
        sheets.setdefault(cell.bidder.id, (cell.bidder, []))[1].append(cell)
    return list(sheets.values())


def cell_key(bidder: Bidder, section: Section) -> str:
    return f"{bidder.id}-{section.id}"


def enter_paper_scores(*, lead: User, procurement: Procurement, evaluator: User,
                       entries: dict[str, PaperEntry], submit: bool = False) -> int:
    """Save what the lead typed from the rep's paper sheets; every problem is found before any save.

    ``entries`` maps ``cell_key`` to what was typed. Returns how many scores changed.
    With ``submit`` the rep's scores are then submitted on their behalf (the sheet was signed).
    """
    setup.require_not_final(procurement)
    if procurement.status != Status.SCORING.value:
        raise Refused(f"Paper scores can only be entered while scoring is open. This procurement is "
                      f"{procurement.status_enum.label.lower()}.")
    cells = evaluation.cells_for(evaluator, procurement)
    if not cells:
        raise Refused(f"{evaluator.name} is not asked to score anything in this procurement.")
    limit = current_app.config["RATIONALE_MAX_CHARS"]
    problems: list[str] = []
    to_save: list[tuple[evaluation.Cell, PaperEntry]] = []
    stale = False
    for cell in cells:
        key = cell_key(cell.bidder, cell.section)
        entry = entries.get(key)
        if entry is None:
            continue
        rationale = (entry.rationale or "").replace("\r\n", "\n").strip()
        where = f"{cell.bidder.code}, {cell.section.code}"
        existing = cell.score
        same = (existing is not None and existing.value == entry.value
                and existing.rationale.strip() == rationale)
        blank = entry.value is None and not rationale
        if same or (blank and existing is None):
            continue
        if (existing.version if existing else 0) != entry.expected_version:
            stale = True
            problems.append(f"{where}: this score was changed after you opened the page. "
                            "Reload the page to see the saved score.")
            continue
        if existing is not None and existing.is_submitted:
            problems.append(f"{where}: {evaluator.name} has already submitted this score, so it cannot be "
                            "overwritten from paper. Reopen their scores first.")
            continue
        if entry.value is not None and not 0 <= entry.value <= cell.section.max_score:
            problems.append(f"{where}: score {entry.value} is outside the scale. "
                            f"Choose from 0 to {cell.section.max_score}.")
        if len(rationale) > limit:
            problems.append(f"{where}: the reason must be {limit} characters or fewer. It is {len(rationale)}.")
        to_save.append((cell, PaperEntry(entry.value, rationale, entry.expected_version)))
    if problems:
        error = StaleVersion(problems[0]) if stale and len(problems) == 1 else ValidationFailed(problems)
        error.problems = problems
        raise error
    for cell, entry in to_save:
        evaluation.save_score(
            evaluator=evaluator, procurement=procurement, bidder=cell.bidder, section=cell.section,
            value=entry.value, rationale=entry.rationale, expected_version=entry.expected_version,
            entered_by=lead, source=ScoreSource.PAPER,
        )
    if submit:
        evaluation.submit_scores(evaluator, procurement, entered_by=lead)
    return len(to_save)
