"""An evaluator's journey: declare conflicts, score assigned cells, submit; a lead may reopen.

A "cell" is one bidder and one section. An evaluator's cells are the sections
assigned to them, for every bidder they have not declared a conflict with.
Price sections are never scored by evaluators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import rules, transaction
from ..access import assigned_sections, conflicted_bidder_ids
from ..database import lost_a_race
from ..extensions import db
from ..models import (
    Bidder,
    Declaration,
    Procurement,
    Score,
    ScoreSource,
    ScoreStatus,
    Section,
    Status,
    User,
    utcnow,
)
from . import audit
from .errors import NotAllowed, Refused, StaleVersion


@dataclass(frozen=True)
class Cell:
    bidder: Bidder
    section: Section
    score: Score | None

    @property
    def state(self) -> str:
        if self.score is None or (self.score.value is None and not self.score.rationale.strip()):
            return "not started"
        if self.score.is_submitted:
            return "submitted"
        return "completed" if self.score.is_complete else "in progress"


@dataclass(frozen=True)
class Progress:
    completed: int
    total: int
    submitted: bool

    @property
    def text(self) -> str:
        return f"{self.completed} of {self.total} scored"


@overload
def score_snapshot(score: Score) -> dict: ...
@overload
def score_snapshot(score: None) -> None: ...
def score_snapshot(score: Score | None) -> dict | None:
    if score is None:
        return None
    return {
        "value": score.value,
        "rationale": score.rationale,
        "status": score.status,
        "version": score.version,
        "source": score.source,
    }


def declarations_for(user: User, procurement: Procurement) -> dict[int, Declaration]:
    rows = db.session.scalars(
        select(Declaration)
        .join(Bidder, Declaration.bidder_id == Bidder.id)
        .where(Declaration.user_id == user.id, Bidder.procurement_id == procurement.id)
    )
    return {d.bidder_id: d for d in rows}


def has_declared(user: User, procurement: Procurement) -> bool:
    # Asked on every score form and save: the bidder ids only, not Declaration objects.
    declared = set(
        db.session.scalars(
            select(Declaration.bidder_id)
            .join(Bidder, Declaration.bidder_id == Bidder.id)
            .where(Declaration.user_id == user.id, Bidder.procurement_id == procurement.id)
        )
    )
    return all(b.id in declared for b in procurement.bidders)


def details_too_long(details: str) -> str | None:
    """Conflict details are capped like reasons, since each is stored twice (and audited)."""
    limit = current_app.config["RATIONALE_MAX_CHARS"]
    length = len(details.strip())
    return f"Describe the conflict in {limit:,} characters or fewer. It is {length:,}." if length > limit else None


def declare_conflicts(user: User, procurement: Procurement, answers: dict[int, tuple[bool, str]]) -> None:
    """Record one answer per bidder. A declared conflict cannot be withdrawn by the evaluator.

    ``answers`` maps bidder id to (has_conflict, details).
    """
    if procurement.is_final:
        raise Refused(rules.FINAL_MESSAGE)
    problems = []
    already = declarations_for(user, procurement)
    for bidder in procurement.bidders:
        if bidder.id not in answers:
            problems.append((f"bidder-{bidder.id}", f"Say whether you have a conflict with {bidder.label_for(user)}"))
            continue
        has_conflict, details = answers[bidder.id]
        if has_conflict and not details.strip():
            problems.append((f"details-{bidder.id}", f"Describe your conflict with {bidder.label_for(user)}"))
        elif has_conflict and (too_long := details_too_long(details)):
            problems.append((f"details-{bidder.id}", too_long))
        elif (
            has_conflict
            and procurement.status is Status.MODERATION
            and not (bidder.id in already and already[bidder.id].has_conflict)
        ):
            # A conflict hides the bidder's scores from the result, so after scoring has closed
            # it would silently drop scores already submitted: the lead decides and records it.
            problems.append(
                (
                    f"bidder-{bidder.id}",
                    (
                        f"Scoring has closed, so a new conflict of interest with {bidder.label_for(user)} cannot be "
                        "declared here. Tell your procurement lead about it: they will record it and decide what "
                        "happens to your scores."
                    ),
                )
            )
    if problems:
        error = Refused(problems[0][1], field=problems[0][0])
        error.problems = problems
        raise error

    existing = declarations_for(user, procurement)
    for bidder in procurement.bidders:
        has_conflict, details = answers[bidder.id]
        details = details.strip() if has_conflict else ""
        current = existing.get(bidder.id)
        if current is not None and current.has_conflict and not has_conflict:
            raise Refused(
                f"You have already declared a conflict with {bidder.label_for(user)}. "
                "Only your procurement lead can withdraw it.",
                field=f"bidder-{bidder.id}",
            )
        before = None if current is None else {"has_conflict": current.has_conflict, "details": current.details}
        after = {"has_conflict": has_conflict, "details": details}
        if before == after:
            continue
        if current is None:
            current = Declaration(user_id=user.id, bidder_id=bidder.id)
            db.session.add(current)
        current.has_conflict = has_conflict
        current.details = details
        current.declared_at = utcnow()
        db.session.flush()
        audit.record(
            "declaration.made",
            actor=user,
            procurement_id=procurement.id,
            entity="declaration",
            entity_id=current.id,
            before=before,
            after={**after, "bidder": bidder.code, "evaluator": user.email},
        )


def cells_for(user: User, procurement: Procurement) -> list[Cell]:
    sections = [s for s in assigned_sections(user, procurement) if not s.is_price]
    conflicted = conflicted_bidder_ids(user, procurement)
    bidders = [b for b in procurement.bidders if b.id not in conflicted]
    # By the cells' bidder and section ids, the columns the scores' unique index starts with:
    # by evaluator alone the database reads every score there is.
    scores = {
        (s.bidder_id, s.section_id): s
        for s in db.session.scalars(
            select(Score).where(
                Score.evaluator_id == user.id,
                Score.bidder_id.in_([b.id for b in bidders]),
                Score.section_id.in_([s.id for s in sections]),
            )
        )
    }
    return [Cell(b, s, scores.get((b.id, s.id))) for b in bidders for s in sections]


def completed_count(user: User, bidders: list[Bidder], sections: list[Section]) -> int:
    """How many of ``user``'s answers among ``bidders`` x ``sections`` have a score and a reason:
    `cells_for` and `Score.is_complete` counted in one light query (no Score objects)."""
    rows = db.session.execute(
        select(Score.value, Score.rationale).where(
            Score.evaluator_id == user.id,
            Score.bidder_id.in_([b.id for b in bidders]),
            Score.section_id.in_([s.id for s in sections]),
        )
    )
    return sum(1 for value, rationale in rows if Score.complete(value, rationale))


def progress_for(user: User, procurement: Procurement) -> Progress:
    cells = cells_for(user, procurement)
    completed = sum(1 for c in cells if c.score is not None and c.score.is_complete)
    submitted = bool(cells) and all(c.score is not None and c.score.is_submitted for c in cells)
    return Progress(completed, len(cells), submitted)


def _check_can_score(user: User, procurement: Procurement, bidder: Bidder, section: Section) -> None:
    if procurement.status is not Status.SCORING:
        raise Refused(f"Scoring is not open for {procurement.reference}. It is {procurement.status.label.lower()}.")
    if section.is_price:
        raise NotAllowed("Price sections are scored from the bidders' prices, not by evaluators.")
    if section not in assigned_sections(user, procurement):
        raise NotAllowed("You are not asked to score this section.")
    if bidder.id in conflicted_bidder_ids(user, procurement):
        raise NotAllowed("You declared a conflict of interest with this bidder, so you cannot score it.")
    if not user.is_trained:
        raise NotAllowed(
            "You need to complete patient representative training before you can score. "
            "Once you have, your procurement lead records the date and you can start."
        )


def find_score(evaluator: User, bidder: Bidder, section: Section) -> Score | None:
    return db.session.scalar(
        select(Score).where(
            Score.evaluator_id == evaluator.id,
            Score.bidder_id == bidder.id,
            Score.section_id == section.id,
        )
    )


def save_score(
    *,
    evaluator: User,
    procurement: Procurement,
    bidder: Bidder,
    section: Section,
    value: int | None,
    rationale: str,
    expected_version: int,
    entered_by: User | None = None,
    source: ScoreSource = ScoreSource.ONLINE,
) -> Score:
    """Save a draft score. ``expected_version`` is the version the form was loaded with (0 if none).

    Refuses a stale save (StaleVersion, 409) so that two tabs or a lead and a rep
    never overwrite each other; the caller shows both versions. Several saves in one
    request share its transaction (a paper sheet), so a lost race keeps none of them.
    """
    actor = entered_by or evaluator
    _check_can_score(evaluator, procurement, bidder, section)
    if value is not None and not (0 <= value <= section.max_score):
        raise Refused(
            f"Score {value} is outside the scale for section {section.code}: choose from 0 to {section.max_score}.",
            field="score",
        )
    limit = current_app.config["RATIONALE_MAX_CHARS"]
    rationale = (rationale or "").replace("\r\n", "\n")
    if len(rationale) > limit:
        raise Refused(f"Your reason must be {limit} characters or fewer. It is {len(rationale)}.", field="rationale")

    score = find_score(evaluator, bidder, section)
    current_version = score.version if score is not None else 0
    if expected_version != current_version:
        raise StaleVersion(
            "This score was changed after you opened the page, so your changes were not saved. "
            "Both versions are shown below: check them and save again.",
            current=score,
        )
    if score is not None and score.is_submitted:
        raise Refused(
            "You have already submitted this score. Ask your procurement lead to reopen your scores if you need to change it."
        )
    before = score_snapshot(score)
    if score is None:
        score = Score(evaluator_id=evaluator.id, bidder_id=bidder.id, section_id=section.id, version=0)
        db.session.add(score)
    score.value = value
    score.rationale = rationale
    score.source = ScoreSource(source)
    score.entered_by_id = actor.id
    score.version = current_version + 1
    score.updated_at = utcnow()
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:
        # Another request saved this cell between our version check and our write.
        if not lost_a_race(error):
            raise
        # The database refused the write, so this transaction cannot go on: end it, and read
        # the saved version (shown beside the user's own) in a fresh one.
        transaction.discard()
        raise StaleVersion(
            "This score was changed after you opened the page, so your changes were not saved. "
            "Both versions are shown below: check them and save again.",
            current=find_score(evaluator, bidder, section),
        ) from error
    audit.record(
        "score.saved",
        actor=actor,
        procurement_id=procurement.id,
        entity="score",
        entity_id=score.id,
        before=before,
        after={**score_snapshot(score), "evaluator": evaluator.email, "bidder": bidder.code, "section": section.code},
    )
    return score


def check_can_submit(evaluator: User, procurement: Procurement) -> list[Cell]:
    """The evaluator's cells, or a refusal naming what is missing; ``first`` is the first unfinished cell."""
    if procurement.status is not Status.SCORING:
        raise Refused(f"Scoring is not open for {procurement.reference}.")
    cells = cells_for(evaluator, procurement)
    if not cells:
        raise Refused("You have nothing to score in this procurement.")
    missing = [c for c in cells if c.score is None or not c.score.is_complete]
    if missing:
        names = "; ".join(f"{c.bidder.label_for(evaluator)}, {c.section.code}" for c in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        refused = Refused(f"Every score needs a score and a reason before you submit. Still to do: {names}{more}.")
        refused.first = missing[0]
        raise refused
    return cells


def submit_scores(evaluator: User, procurement: Procurement, *, entered_by: User | None = None) -> int:
    """Submit every assigned cell at once; refuse, naming what is missing, unless all are complete."""
    cells = check_can_submit(evaluator, procurement)
    now = utcnow()
    count = 0
    for cell in cells:
        score = cell.score
        assert score is not None  # check_can_submit refused any cell without a score
        if score.is_submitted:
            continue
        score.status = ScoreStatus.SUBMITTED
        score.submitted_at = now
        score.version += 1
        count += 1
    audit.record(
        "scores.submitted",
        actor=entered_by or evaluator,
        procurement_id=procurement.id,
        entity="user",
        entity_id=evaluator.id,
        after={"evaluator": evaluator.email, "scores": count},
    )
    return count


REOPEN_ONLY_IN_SCORING = (
    "Scores can only be reopened while scoring is open, so that the evaluator can submit them again. "
    "During moderation, first return the procurement to scoring (on the procurement page, with a reason): "
    "every consensus already recorded is kept."
)


def reopen_scores(*, lead: User, procurement: Procurement, evaluator: User, reason: str) -> int:
    """Return an evaluator's submitted scores to draft so they can change them. Needs a reason."""
    from . import lifecycle

    # A reopened rep in moderation could never resubmit (submitting needs scoring open)
    # and the result would silently lose their scores.
    lifecycle.require_scoring(procurement, REOPEN_ONLY_IN_SCORING)
    if not reason.strip():
        raise Refused("Give a reason for reopening these scores.", field="reason")
    scores = [c.score for c in cells_for(evaluator, procurement) if c.score is not None and c.score.is_submitted]
    if not scores:
        raise Refused(f"{evaluator.name} has no submitted scores to reopen.")
    for score in scores:
        score.status = ScoreStatus.DRAFT
        score.version += 1
    audit.record(
        "scores.reopened",
        actor=lead,
        procurement_id=procurement.id,
        entity="user",
        entity_id=evaluator.id,
        after={"evaluator": evaluator.email, "scores": len(scores)},
        reason=reason.strip(),
    )
    from . import mail

    mail.queue(
        evaluator,
        "notice",
        {
            "heading": f"Please look at your scores again: {procurement.title}",
            "paragraphs": [
                f"Your procurement lead has reopened {len(scores)} of your scores so you can change them.",
                f"Their reason: {reason.strip()}",
                "When you have checked them, submit your scores again.",
            ],
            "action_text": "Check your scores",
            "action_href": mail.link("evaluate.dashboard"),
        },
        procurement_id=procurement.id,
    )
    return len(scores)
