"""Paper score sheets: for a patient rep who prefers pen and paper.

The lead prints a sheet per bidder for the rep, then types the rep's scores and
reasons in. Each is saved through ``evaluation.save_score`` as the rep's own score
with source "paper" and entered_by the lead, so it is versioned and audited like
any other; a score the rep has already submitted is never overwritten this way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, cast

from flask import current_app
from sqlalchemy import select

from .. import transaction
from ..extensions import db
from ..models import Bidder, Declaration, Procurement, Response, ScoreSource, Section, Status, User, utcnow
from . import audit, evaluation, lifecycle, setup
from .errors import Refused, StaleVersion


@dataclass(frozen=True)
class PaperEntry:
    """What the lead typed for one cell: ``value`` as typed (or an int), None or "" for no score.

    A blank score and a blank reason together mean the cell was left empty.
    """

    value: int | str | None
    rationale: str
    expected_version: int


#: Lines in each printed reason box: room for a few handwritten sentences at about 9 mm a line.
REASON_LINES = 10


class SheetQuestion(NamedTuple):
    section: Section
    answer: str  # the bidder's written answer, as the rep may read it
    documents: list[str]  # names of the attached documents, which are in the printed bid pack


class Sheet(NamedTuple):
    bidder: Bidder
    cells: list[evaluation.Cell]
    questions: list[SheetQuestion]


def sheets_for(rep: User, procurement: Procurement) -> list[Sheet]:
    """One sheet per bidder the rep may score, each with the rep's assigned questions in order
    and the bidder's answer to each (attached documents are named: they go in the bid pack)."""
    from ..moderation.rep_report import for_rep

    responses = {
        (r.bidder_id, r.section_id): r
        for r in db.session.scalars(
            select(Response)
            .join(Section, Response.section_id == Section.id)
            .where(Section.procurement_id == procurement.id)
        )
    }
    sheets: dict[int, Sheet] = {}
    for cell in evaluation.cells_for(rep, procurement):
        sheet = sheets.setdefault(cell.bidder.id, Sheet(cell.bidder, [], []))
        response = responses.get((cell.bidder.id, cell.section.id))
        sheet.cells.append(cell)
        sheet.questions.append(
            SheetQuestion(
                cell.section,
                for_rep((response.text or "").strip(), procurement, rep) if response else "",
                [d.filename for d in response.documents] if response else [],
            )
        )
    return list(sheets.values())


def cell_key(bidder: Bidder, section: Section) -> str:
    return f"{bidder.id}-{section.id}"


def _typed_value(value: int | str | None) -> int | None | str:
    """The score as a number, None when blank, or the text typed when it is not a whole number."""
    if value is None or isinstance(value, int):
        return value
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return value


def enter_paper_scores(
    *,
    lead: User,
    procurement: Procurement,
    evaluator: User,
    entries: dict[str, PaperEntry],
    submit: bool = False,
    check_only: bool = False,
) -> int:
    """Save what the lead typed from the rep's paper sheets.

    Every problem on the sheet is found and reported together, and nothing is saved
    unless there are none. ``entries`` maps ``cell_key`` to what was typed. Returns how
    many scores changed. With ``submit`` the rep's scores are then submitted on their
    behalf (the sheet was signed). With ``check_only`` every problem is raised as usual
    but nothing is saved (asked before the confirmation page).
    """
    lifecycle.require_not_final(procurement)
    if procurement.status is not Status.SCORING:
        raise Refused(
            f"Paper scores can only be entered while scoring is open. This procurement is "
            f"{procurement.status.label.lower()}."
        )
    cells = evaluation.cells_for(evaluator, procurement)
    if not cells:
        raise Refused(f"{evaluator.name} is not asked to score anything in this procurement.")
    limit = current_app.config["RATIONALE_MAX_CHARS"]
    problems: list[tuple[str, str]] = []  # (field id on the entry form, message)
    if not evaluation.has_declared(evaluator, procurement):
        # Scores for a bidder the rep turns out to have a conflict with must never be saved.
        problems.append(
            (
                "declarations",
                f"Enter {evaluator.name}'s conflict of interest answers from the "
                "first page of their sheets before their scores.",
            )
        )
    incomplete: list[str] = []
    to_save: list[tuple[evaluation.Cell, PaperEntry]] = []
    stale = False
    for cell in cells:
        key = cell_key(cell.bidder, cell.section)
        entry = entries.get(key)
        where = f"{cell.bidder.code}, {cell.section.code}"
        if entry is None:
            if not (cell.score and cell.score.is_complete):
                incomplete.append(where)
            continue
        rationale = (entry.rationale or "").replace("\r\n", "\n").strip()
        value = _typed_value(entry.value)
        if isinstance(value, str):
            problems.append(
                (f"score-{key}", f"{where}: enter the score as a whole number from 0 to {cell.section.max_score}.")
            )
            continue
        existing = cell.score
        same = existing is not None and existing.value == value and existing.rationale.strip() == rationale
        blank = value is None and not rationale
        if value is None or not rationale:
            incomplete.append(where)
        if same or (blank and existing is None):
            continue
        if (existing.version if existing else 0) != entry.expected_version:
            stale = True
            problems.append(
                (
                    f"score-{key}",
                    f"{where}: this score was changed after you opened the page. "
                    "Reload the page to see the saved score.",
                )
            )
            continue
        if existing is not None and existing.is_submitted:
            problems.append(
                (
                    f"score-{key}",
                    f"{where}: {evaluator.name} has already submitted this score, "
                    "so it cannot be overwritten from paper. Reopen their scores first.",
                )
            )
            continue
        if value is not None and not 0 <= value <= cell.section.max_score:
            problems.append(
                (
                    f"score-{key}",
                    f"{where}: score {value} is outside the scale. Choose from 0 to {cell.section.max_score}.",
                )
            )
        if len(rationale) > limit:
            problems.append(
                (
                    f"rationale-{key}",
                    f"{where}: the reason must be {limit} characters or fewer. It is {len(rationale)}.",
                )
            )
        to_save.append((cell, PaperEntry(value, rationale, entry.expected_version)))
    if submit and incomplete:
        problems.append(
            (
                "submit",
                f"To submit for {evaluator.name}, every bid needs a score and a reason. "
                f"Still to do: {'; '.join(incomplete[:5])}"
                f"{f' and {len(incomplete) - 5} more' if len(incomplete) > 5 else ''}.",
            )
        )
    if problems:
        error = StaleVersion(problems[0][1]) if stale and len(problems) == 1 else Refused.of(problems)
        error.problems = problems
        raise error
    if check_only:
        return len(to_save)
    # One transaction for the whole sheet: if the rep (or anyone) saves one of these cells in
    # another worker meanwhile, the database refuses that write, everything is rolled back and
    # the lead is told which cells changed, so a sheet is never left half-entered.
    try:
        for cell, entry in to_save:
            evaluation.save_score(
                evaluator=evaluator,
                procurement=procurement,
                bidder=cell.bidder,
                section=cell.section,
                value=cast(int | None, entry.value),  # a value that is not a whole number was refused above
                rationale=entry.rationale,
                expected_version=entry.expected_version,
                entered_by=lead,
                source=ScoreSource.PAPER,
            )
        if submit:
            evaluation.submit_scores(evaluator, procurement, entered_by=lead)
    except StaleVersion:
        # Some cells may be written already: end the transaction so that none is kept and the
        # saved versions are read afresh.
        transaction.discard()
        _raise_conflicting_cells(evaluator, to_save)
    return len(to_save)


def _raise_conflicting_cells(evaluator: User, to_save: list[tuple[evaluation.Cell, PaperEntry]]) -> None:
    """After a lost race, name every cell whose saved version is no longer the one the lead loaded."""
    problems = []
    for cell, entry in to_save:
        current = evaluation.find_score(evaluator, cell.bidder, cell.section)
        if (current.version if current else 0) != entry.expected_version:
            problems.append(
                (
                    f"score-{cell_key(cell.bidder, cell.section)}",
                    f"{cell.bidder.code}, {cell.section.code}: this score was changed after you opened "
                    "the page. Reload the page to see the saved score.",
                )
            )
    summary = (
        "None of this sheet's scores were saved, because someone else saved "
        f"{'a score' if len(problems) == 1 else 'scores'} on it meanwhile. Your typing is kept below."
    )
    error = StaleVersion(summary)
    error.problems = [("", summary)] + problems
    raise error


def record_paper_declarations(
    *, lead: User, procurement: Procurement, evaluator: User, answers: dict[int, tuple[bool, str]]
) -> None:
    """Record the conflict-of-interest answers the rep wrote on the first page of their sheets.

    Same rules as ``evaluation.declare_conflicts`` (an answer for every bidder, details for a
    conflict, a declared conflict is withdrawn only through the lead's withdraw action), but the
    audit says the lead entered them from paper on the rep's behalf.
    """
    lifecycle.require_not_final(procurement)
    if evaluator not in _evaluators(procurement):
        raise Refused(f"{evaluator.name} is not asked to score anything in this procurement.")
    problems: list[tuple[str, str]] = []
    for bidder in procurement.bidders:
        if bidder.id not in answers:
            problems.append((f"bidder-{bidder.id}", f"Say whether {evaluator.name} has a conflict with {bidder.code}."))
        elif answers[bidder.id][0] and not answers[bidder.id][1].strip():
            problems.append(
                (f"details-{bidder.id}", f"Write what {evaluator.name} said about the conflict with {bidder.code}.")
            )
        elif answers[bidder.id][0] and (too_long := evaluation.details_too_long(answers[bidder.id][1])):
            problems.append((f"details-{bidder.id}", too_long))
    existing = evaluation.declarations_for(evaluator, procurement)
    for bidder in procurement.bidders:
        current = existing.get(bidder.id)
        if current is not None and current.has_conflict and bidder.id in answers and not answers[bidder.id][0]:
            problems.append(
                (
                    f"bidder-{bidder.id}",
                    f"{evaluator.name} has declared a conflict with {bidder.code}. "
                    "Withdraw it from the conflicts page, with a reason.",
                )
            )
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
        audit.record(
            "declaration.made",
            actor=lead,
            procurement_id=procurement.id,
            entity="declaration",
            entity_id=current.id,
            before=before,
            after={
                "has_conflict": has_conflict,
                "details": details,
                "bidder": bidder.code,
                "evaluator": evaluator.email,
                "source": ScoreSource.PAPER,
            },
        )


def _evaluators(procurement: Procurement) -> list[User]:
    from .progress import evaluators_of

    return evaluators_of(procurement)
