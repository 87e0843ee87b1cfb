"""Paper score sheets: for a patient rep who prefers pen and paper.

The lead prints a sheet per bidder for the rep, then types the rep's scores and
reasons in. Each is saved through ``evaluation.save_score`` as the rep's own score
with source "paper" and entered_by the lead, so it is versioned and audited like
any other; a score the rep has already submitted is never overwritten this way.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..extensions import db
from ..models import Bidder, Declaration, Procurement, ScoreSource, Section, Status, User, utcnow
from . import audit, evaluation, setup
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
                       entries: dict[str, PaperEntry], submit: bool = False, check_only: bool = False) -> int:
    """Save what the lead typed from the rep's paper sheets; every problem is found before any save.

    ``entries`` maps ``cell_key`` to what was typed. Returns how many scores changed.
    With ``submit`` the rep's scores are then submitted on their behalf (the sheet was signed).
    With ``check_only`` every problem is raised as usual but nothing is saved (before the confirmation).
    """
    setup.require_not_final(procurement)
    if procurement.status != Status.SCORING.value:
        raise Refused(f"Paper scores can only be entered while scoring is open. This procurement is "
                      f"{procurement.status_enum.label.lower()}.")
    cells = evaluation.cells_for(evaluator, procurement)
    if not cells:
        raise Refused(f"{evaluator.name} is not asked to score anything in this procurement.")
    limit = current_app.config["RATIONALE_MAX_CHARS"]
    problems: list[tuple[str, str]] = []  # (field id on the entry form, message)
    incomplete: list[str] = []
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
        if entry.value is None or not rationale:
            incomplete.append(where)
        if same or (blank and existing is None):
            continue
        if (existing.version if existing else 0) != entry.expected_version:
            stale = True
            problems.append((f"score-{key}", f"{where}: this score was changed after you opened the page. "
                                             "Reload the page to see the saved score."))
            continue
        if existing is not None and existing.is_submitted:
            problems.append((f"score-{key}", f"{where}: {evaluator.name} has already submitted this score, "
                                             "so it cannot be overwritten from paper. Reopen their scores first."))
            continue
        if entry.value is not None and not 0 <= entry.value <= cell.section.max_score:
            problems.append((f"score-{key}", f"{where}: score {entry.value} is outside the scale. "
                                             f"Choose from 0 to {cell.section.max_score}."))
        if len(rationale) > limit:
            problems.append((f"rationale-{key}", f"{where}: the reason must be {limit} characters or fewer. "
                                                 f"It is {len(rationale)}."))
        to_save.append((cell, PaperEntry(entry.value, rationale, entry.expected_version)))
    if submit and not problems:
        typed = {cell_key(c.bidder, c.section) for c in cells if cell_key(c.bidder, c.section) in entries}
        incomplete += [f"{c.bidder.code}, {c.section.code}" for c in cells
                       if cell_key(c.bidder, c.section) not in typed and not (c.score and c.score.is_complete)]
        if incomplete:
            problems.append(("submit", f"To submit for {evaluator.name}, every bid needs a score and a reason. "
                                       f"Still to do: {'; '.join(incomplete[:5])}"
                                       f"{f' and {len(incomplete) - 5} more' if len(incomplete) > 5 else ''}."))
    if problems:
        messages = [message for _, message in problems]
        error = StaleVersion(messages[0]) if stale and len(problems) == 1 else ValidationFailed(messages)
        error.problems = problems
        raise error
    if check_only:
        return len(to_save)
    for cell, entry in to_save:
        evaluation.save_score(
            evaluator=evaluator, procurement=procurement, bidder=cell.bidder, section=cell.section,
            value=entry.value, rationale=entry.rationale, expected_version=entry.expected_version,
            entered_by=lead, source=ScoreSource.PAPER,
        )
    if submit:
        evaluation.submit_scores(evaluator, procurement, entered_by=lead)
    return len(to_save)


def record_paper_declarations(*, lead: User, procurement: Procurement, evaluator: User,
                              answers: dict[int, tuple[bool, str]]) -> None:
    """Record the conflict-of-interest answers the rep wrote on the first page of their sheets.

    Same rules as ``evaluation.declare_conflicts`` (an answer for every bidder, details for a
    conflict, a declared conflict is withdrawn only through the lead's withdraw action), but the
    audit says the lead entered them from paper on the rep's behalf.
    """
    setup.require_not_final(procurement)
    if evaluator not in _evaluators(procurement):
        raise Refused(f"{evaluator.name} is not asked to score anything in this procurement.")
    problems: list[tuple[str, str]] = []
    for bidder in procurement.bidders:
        if bidder.id not in answers:
            problems.append((f"bidder-{bidder.id}", f"Say whether {evaluator.name} has a conflict with {bidder.code}."))
        elif answers[bidder.id][0] and not answers[bidder.id][1].strip():
            problems.append((f"details-{bidder.id}", f"Write what {evaluator.name} said about the conflict with "
                                                     f"{bidder.code}."))
    existing = evaluation.declarations_for(evaluator, procurement)
    for bidder in procurement.bidders:
        current = existing.get(bidder.id)
        if current is not None and current.has_conflict and bidder.id in answers and not answers[bidder.id][0]:
            problems.append((f"bidder-{bidder.id}", f"{evaluator.name} has declared a conflict with {bidder.code}. "
                                                    "Withdraw it from the conflicts page, with a reason."))
    if problems:
        setup.raise_all(problems)
    for bidder in procurement.bidders:
        has_conflict, details = answers[bidder.id]
        details = details.strip() if has_conflict else ""
        current = existing.get(bidder.id)
        before = None if current is None else {"has_conflict": current.has_conflict, "details": current.details}
        if before == {"has_conflict": has_conflict, "details": details}:
            continue
        if current is None:
            current = Declaration(user_id=evaluator.id, bidder_id=bidder.id)
            db.session.add(current)
        current.has_conflict, current.details, current.declared_at = has_conflict, details, utcnow()
        db.session.flush()
        audit.record("declaration.made", actor=lead, procurement_id=procurement.id, entity="declaration",
                     entity_id=current.id, before=before,
                     after={"has_conflict": has_conflict, "details": details, "bidder": bidder.code,
                            "evaluator": evaluator.email, "source": ScoreSource.PAPER.value})
    db.session.commit()


def _evaluators(procurement: Procurement) -> list[User]:
    from .assignments import evaluators_of

    return evaluators_of(procurement)
