"""Moderation: the panel meets and agrees one score for each cell (bidder × section).

Recording a consensus follows the same rules as saving a score:

* it is **versioned**: a save based on an old version raises `StaleVersion`
  (409) carrying the saved consensus, so the page shows both and nothing is lost;
* it needs a **reason** and a whole-number score **within the section's scale**;
* it is only possible while the procurement is **in moderation** (never once final);
* it is **audited** (``consensus.recorded``) with the before and after, in the
  same transaction;
* evaluators' own scores are **never changed**: this module does not write
  `Score` rows, so the record keeps both the original scores and the consensus.

Who records: the lead (or an administrator) records any cell; an evaluator may
record a cell of a section they were asked to score, for a bidder they have no
conflict with, so a section can be moderated by the people who scored it (the
patient-only section by the patient representatives). Price sections are scored
by formula from prices, never moderated.

Who is named: leads and administrators see evaluators by name; evaluators see
each other as "Patient rep 1", "Panel member 2" (and themselves as "You"), the
same numbers in every section of the procurement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast, overload

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from .. import rules
from ..access import assigned_sections, conflicted_bidder_ids, is_lead_of
from ..extensions import db
from ..models import (
    Acceptance,
    Assignment,
    AuditEvent,
    Bidder,
    Consensus,
    Procurement,
    Role,
    Score,
    ScoreSource,
    ScoreStatus,
    Section,
    Status,
    User,
    utcnow,
)
from . import audit, counted, reasons
from .errors import NotAllowed, ReasonWarnings, Refused, StaleVersion

FINAL_MESSAGE = rules.FINAL_MESSAGE


@overload
def consensus_snapshot(consensus: Consensus) -> dict: ...
@overload
def consensus_snapshot(consensus: None) -> None: ...
def consensus_snapshot(consensus: Consensus | None) -> dict | None:
    if consensus is None:
        return None
    snapshot = {
        "value": consensus.value,
        "rationale": consensus.rationale,
        "version": consensus.version,
        "source": consensus.source,
    }
    if consensus.kept_warnings:
        snapshot["kept_warnings"] = reasons.load(consensus.kept_warnings)
    return snapshot


def find_consensus(bidder: Bidder, section: Section) -> Consensus | None:
    return db.session.scalar(
        select(Consensus).where(Consensus.bidder_id == bidder.id, Consensus.section_id == section.id)
    )


def consensus_map(procurement: Procurement) -> dict[tuple[int, int], Consensus]:
    """(bidder id, section id) -> consensus, for every consensus recorded in the procurement."""
    rows = db.session.scalars(
        select(Consensus)
        .join(Section, Consensus.section_id == Section.id)
        .where(Section.procurement_id == procurement.id)
    )
    return {(c.bidder_id, c.section_id): c for c in rows}


# ----------------------------------------------------------------------------- who may do what


def is_staff(user: User, procurement: Procurement) -> bool:
    """Leads of this procurement and administrators: they see names and every section."""
    return is_lead_of(user, procurement)


def sections_for(user: User, procurement: Procurement) -> list[Section]:
    """The sections ``user`` moderates: all for a lead; the assigned, non-price ones for an evaluator."""
    if is_staff(user, procurement):
        return list(procurement.sections)
    return [s for s in assigned_sections(user, procurement) if not s.is_price]


def bidders_for(user: User, procurement: Procurement, pairs: set[tuple[int, int]] | None = None) -> list[Bidder]:
    """Bidders ``user`` may moderate: all for a lead; those without a declared conflict for an evaluator.

    ``pairs`` is `conflict_pairs(procurement)` when the caller has it already.
    """
    if is_staff(user, procurement):
        return list(procurement.bidders)
    if pairs is not None:
        conflicted = {bidder for evaluator, bidder in pairs if evaluator == user.id}
    else:
        conflicted = conflicted_bidder_ids(user, procurement)
    return [b for b in procurement.bidders if b.id not in conflicted]


def check_can_record(user: User, procurement: Procurement, bidder: Bidder, section: Section) -> None:
    """Raise Refused/NotAllowed unless ``user`` may record the consensus of this cell now."""
    if procurement.is_final:
        raise Refused(FINAL_MESSAGE)
    if procurement.status is not Status.MODERATION:
        raise Refused(
            f"Consensus can only be recorded during moderation. {procurement.reference} is "
            f"{procurement.status.label.lower()}."
        )
    if bidder.procurement_id != procurement.id or section.procurement_id != procurement.id:
        raise NotAllowed("That bidder or section is not part of this procurement.")
    if section.is_price:
        raise NotAllowed(
            f"Section {section.code} is a price section. Its scores come from the bidders' prices, not from moderation."
        )
    if is_staff(user, procurement):
        return
    if section not in sections_for(user, procurement):
        raise NotAllowed(f"You did not score section {section.code}, so you cannot record its consensus.")
    if bidder not in bidders_for(user, procurement):
        raise NotAllowed("You declared a conflict of interest with this bidder, so you cannot moderate it.")


# ----------------------------------------------------------------------------- recording


def _lock_in_moderation(procurement: Procurement) -> None:
    """Lock the procurement row while it is still in moderation, or refuse.

    A no-op conditional UPDATE: on PostgreSQL it holds the row lock until commit,
    so finalising (which flips the status with the same kind of UPDATE) waits
    for this consensus, and two consensus saves of one procurement queue up, which
    makes the version check below safe. On SQLite the first write locks the database.
    """
    # An UPDATE's result is a CursorResult (Session.execute is typed as the plain Result).
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(Procurement)
            .where(Procurement.id == procurement.id, Procurement.status == Status.MODERATION)
            .values(status=Procurement.status)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        # The saved status, not the one this request loaded (someone may have just finalised).
        status = db.session.scalar(select(Procurement.status).where(Procurement.id == procurement.id))
        raise Refused(FINAL_MESSAGE if status == Status.FINAL else "Consensus can only be recorded during moderation.")


def record_consensus(
    *,
    actor: User,
    procurement: Procurement,
    bidder: Bidder,
    section: Section,
    value: int | None,
    rationale: str,
    expected_version: int,
    source: ScoreSource = ScoreSource.ONLINE,
    keep_warnings: bool = True,
) -> Consensus:
    """Record (or change) the agreed score of one cell. ``expected_version`` is 0 for a new one.

    Raises
    ------
    Refused
        Not in moderation, no score, a score outside the scale, no reason, a reason too long.
    NotAllowed
        A price section, or an evaluator outside their sections or with a conflict.
    StaleVersion
        Someone recorded this cell since the form was loaded; ``current`` is theirs.
    ReasonWarnings
        With ``keep_warnings=False``, when the reason compares bids or is short
        (`scoring.services.reasons`); with True (the default, for imports and
        scripts) the warnings are recorded with the consensus instead.
    """
    check_can_record(actor, procurement, bidder, section)
    problems: list[tuple[str, str]] = []
    if value is None:
        problems.append(("score", f"Choose the agreed score from 0 to {section.max_score}."))
    elif not (0 <= int(value) <= section.max_score) or int(value) != value:
        problems.append(
            (
                "score",
                f"Score {value} is outside the scale for section {section.code}: choose from 0 to {section.max_score}.",
            )
        )
    rationale = (rationale or "").replace("\r\n", "\n").strip()
    limit = current_app.config["RATIONALE_MAX_CHARS"]
    if not rationale:
        problems.append(
            (
                "rationale",
                "Give the reason the panel agreed this score. Bidders are told it in their assessment summary.",
            )
        )
    elif len(rationale) > limit:
        problems.append(("rationale", f"The reason must be {limit} characters or fewer. It is {len(rationale)}."))
    if problems:
        error = Refused(problems[0][1], field=problems[0][0])
        error.problems = problems
        raise error
    warnings = reasons.warnings_for(rationale, bidder, procurement)
    if warnings and not keep_warnings:
        raise ReasonWarnings([("rationale", w) for w in warnings])

    _lock_in_moderation(procurement)
    consensus = find_consensus(bidder, section)
    current_version = consensus.version if consensus is not None else 0
    if expected_version != current_version:
        raise StaleVersion(
            "Someone recorded a consensus for this answer after you opened the page, so yours was not "
            "saved. Both versions are shown: check them and save again.",
            current=find_consensus(bidder, section),
        )
    before = consensus_snapshot(consensus)
    if consensus is None:
        consensus = Consensus(bidder_id=bidder.id, section_id=section.id, version=0)
        db.session.add(consensus)
    assert value is not None  # a missing score was refused above
    consensus.value = int(value)
    consensus.rationale = rationale
    consensus.source = ScoreSource(source)
    consensus.decided_by_id = actor.id
    consensus.decided_at = utcnow()
    consensus.version = current_version + 1
    consensus.kept_warnings = reasons.dump(warnings)
    db.session.flush()
    audit.record(
        "consensus.recorded",
        actor=actor,
        procurement_id=procurement.id,
        entity="consensus",
        entity_id=consensus.id,
        before=before,
        after={**consensus_snapshot(consensus), "bidder": bidder.code, "section": section.code},
        reason=rationale,
    )
    return consensus


def consensus_history(consensus: Consensus | None) -> list[dict]:
    """Every recording of this consensus, oldest first: when, who, from what score, to what, why."""
    if consensus is None:
        return []
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == "consensus.recorded",
            AuditEvent.entity == "consensus",
            AuditEvent.entity_id == consensus.id,
        )
        .order_by(AuditEvent.id)
    )
    history = []
    for event in events:
        before = json.loads(event.before_json) if event.before_json else None
        after = json.loads(event.after_json) if event.after_json else {}
        history.append(
            {
                "at": event.at,
                "actor": event.actor,
                "before": before and before.get("value"),
                "after": after.get("value"),
                "reason": event.reason,
            }
        )
    return history


# ----------------------------------------------------------------------------- naming evaluators


def evaluators_in(procurement: Procurement) -> list[User]:
    """Everyone assigned to, or with a score in, any section: patient reps first, each by id."""
    assigned = (
        select(Assignment.user_id)
        .join(Section, Assignment.section_id == Section.id)
        .where(Section.procurement_id == procurement.id)
    )
    # Joined through the bidder: (bidder_id, ...) leads the scores' unique index, where a join
    # through the section makes SQLite scan every score once per section.
    scored = (
        select(Score.evaluator_id)
        .join(Bidder, Score.bidder_id == Bidder.id)
        .where(Bidder.procurement_id == procurement.id)
    )
    users = db.session.scalars(select(User).where(User.id.in_(assigned.union(scored).scalar_subquery())))
    return sorted(users, key=lambda u: (u.role is not Role.PATIENT, u.id))


def evaluator_numbers(procurement: Procurement, run=None) -> dict[int, str]:
    """user id -> "Patient rep 1" / "Panel member 1": stable labels that hide who is who.

    With ``run`` (`outcome.moderation`), worked out once per data version: the query
    reads every score of the procurement.
    """
    if run is not None:
        from . import outcome

        return outcome.memo(run, ("evaluator-numbers",), lambda: evaluator_numbers(procurement))
    labels: dict[int, str] = {}
    counts = {"patient": 0, "panel": 0}
    for user in evaluators_in(procurement):
        group = "patient" if user.role is Role.PATIENT else "panel"
        counts[group] += 1
        labels[user.id] = f"{'Patient rep' if group == 'patient' else 'Panel member'} {counts[group]}"
    return labels


def evaluator_label(
    viewer: User, evaluator: User, procurement: Procurement, numbers: dict[int, str] | None = None
) -> str:
    """How ``viewer`` sees ``evaluator``: a name for staff, "You", or a number."""
    if evaluator.id == viewer.id:
        return "You"
    if is_staff(viewer, procurement):
        return evaluator.name
    numbers = numbers if numbers is not None else evaluator_numbers(procurement)
    return numbers.get(evaluator.id, "Another evaluator")


# ----------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class Column:
    user: User
    label: str
    group: str  # "patient" or "panel"


@dataclass(frozen=True)
class BoardRow:
    """One bidder in one section: each evaluator's score, the engine's proposal, the consensus."""

    bidder: Bidder
    section: Section
    scores: list[tuple[Column, Score | ScoreRow | None]]
    proposed: float | None
    spread: float | None
    flagged: bool
    consensus: Consensus | None
    moderated: float | None
    price_score: float | None = None
    acceptance: Acceptance | None = None  # the lead's acceptance of today's proposed score

    @property
    def agreed(self) -> bool:
        return self.consensus is not None

    @property
    def has_reason(self) -> bool:
        return self.consensus is not None or self.acceptance is not None


@dataclass(frozen=True)
class Board:
    section: Section
    columns: list[Column]
    rows: list[BoardRow]

    @property
    def agreed(self) -> int:
        return sum(1 for r in self.rows if r.agreed)

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.rows if r.flagged)

    @property
    def flagged_open(self) -> int:
        return sum(1 for r in self.rows if r.flagged and not r.agreed)

    @property
    def open_undisputed(self) -> int:
        """Answers with a proposed score, no disagreement and no reason yet: the lead may accept them all."""
        if self.section.is_price:
            return 0
        return sum(1 for r in self.rows if r.proposed is not None and not r.flagged and not r.has_reason)


@dataclass(frozen=True)
class Progress:
    """How far moderation has got, over the cells a user moderates."""

    agreed: int
    total: int
    flagged_open: int
    incomplete: list[tuple[Bidder, Section]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return f"{self.agreed} of {self.total} agreed"


_SUBMITTED = ScoreStatus.SUBMITTED


class ScoreRow(NamedTuple):
    """What a moderation board shows of one score (as a `Score` would, without the ORM).

    A tuple, not a dataclass: a section of 60 bidders x 30 evaluators makes 1,800 of them."""

    bidder_id: int
    evaluator_id: int
    value: int | None
    rationale: str
    status: str

    @property
    def is_submitted(self) -> bool:
        return self.status == _SUBMITTED


def counted_score(score: Score | ScoreRow | None, conflicted: set[tuple[int, int]] | frozenset = frozenset()) -> bool:
    """Scores the engine counts: the rule is `counted.is_counted`. ``conflicted`` holds
    (evaluator id, bidder id) pairs, from `conflict_pairs`."""
    return counted.is_counted(score, conflicted)


def conflict_pairs(procurement: Procurement, run=None) -> set[tuple[int, int]]:
    """(evaluator id, bidder id) for every conflict of interest declared in the procurement
    (the rule: `counted.conflict_pairs`). With ``run`` (`outcome.moderation`), read once per data
    version (declarations are audited)."""
    if run is not None:
        from . import outcome

        return outcome.memo(run, ("conflict-pairs",), lambda: frozenset(counted.conflict_pairs(procurement)))
    return counted.conflict_pairs(procurement)


def _run(procurement: Procurement, run=None):
    """The moderation run (`outcome.moderation`) when the caller has not got it already."""
    from . import outcome

    if isinstance(run, outcome.ModerationRun):
        return run
    return outcome.moderation(procurement)  # cached by data version, so a repeat costs nothing


def _triple(procurement: Procurement, run=None):
    """``(moderation, bidders, sections)`` in the engine's order, from a run or the gateway."""
    from .outcome import ModerationRun, live_moderation

    if run is None:
        return live_moderation(procurement)
    if isinstance(run, ModerationRun):
        bidders = {b.id: b for b in procurement.bidders}
        sections = {s.id: s for s in procurement.sections}
        return (
            run.moderation,
            [bidders[i] for i in run.inputs.bidder_ids],
            [sections[i] for i in run.inputs.section_ids],
        )
    return run


def agreed_cells(procurement: Procurement) -> set[tuple[int, int]]:
    """(bidder id, section id) of every cell with a consensus: one query."""
    return set(
        db.session.execute(
            select(Consensus.bidder_id, Consensus.section_id)
            .join(Section, Consensus.section_id == Section.id)
            .where(Section.procurement_id == procurement.id)
        ).all()
    )


def board(procurement: Procurement, viewer: User, section: Section, run=None) -> Board:
    """The moderation table of one section as ``viewer`` may see it.

    ``run`` is `outcome.moderation(procurement)` when the caller has it already.
    A fixed number of queries, whatever the number of bidders and evaluators.
    """
    from . import pricing

    run = _run(procurement, run)
    m = run.moderation
    s = run.section_index()[section.id]
    b_index = run.bidder_index()
    numbers = evaluator_numbers(procurement, run)
    # Plain rows, not Score objects: a section of 20 bidders x 15 evaluators is 300 of them.
    # Found through the bidders, whose ids lead the scores' unique index: by section id alone
    # the database reads every score of every procurement (26 ms at 60 x 80 x 30 on SQLite).
    scores = {
        (row[0], row[1]): ScoreRow._make(row)
        for row in db.session.execute(
            select(Score.bidder_id, Score.evaluator_id, Score.value, Score.rationale, Score.status).where(
                Score.section_id == section.id,
                Score.bidder_id.in_(select(Bidder.id).where(Bidder.procurement_id == procurement.id)),
            )
        )
    }
    staff = is_staff(viewer, procurement)
    people = set(
        db.session.scalars(
            select(User).join(Assignment, Assignment.user_id == User.id).where(Assignment.section_id == section.id)
        )
    )
    missing = {evaluator for _, evaluator in scores} - {u.id for u in people}
    if missing:  # scores of people no longer assigned
        people |= set(db.session.scalars(select(User).where(User.id.in_(missing))))
    columns = [
        Column(
            user=u,
            label=evaluator_label(viewer, u, procurement, numbers),
            group="patient" if u.role is Role.PATIENT else "panel",
        )
        for u in sorted(people, key=lambda u: (u.role is not Role.PATIENT, numbers.get(u.id, ""), u.id))
    ]
    column_ids = [(column, column.user.id) for column in columns]
    agreed = {c.bidder_id: c for c in db.session.scalars(select(Consensus).where(Consensus.section_id == section.id))}
    accepted = {
        (a.bidder_id, a.section_id): a
        for a in db.session.scalars(select(Acceptance).where(Acceptance.section_id == section.id))
    }
    conflicted = conflict_pairs(procurement, run)
    prices = pricing.section_scores(procurement) if section.is_price else {}
    proposed_, spread_, moderated_ = (m.proposed[:, s].tolist(), m.spread[:, s].tolist(), m.moderated[:, s].tolist())
    flagged_ = m.disagreement[:, s].tolist()
    rows = []
    for bidder in bidders_for(viewer, procurement, conflicted):
        b, bidder_id = b_index[bidder.id], bidder.id
        cells: list[tuple[Column, Score | ScoreRow | None]] = []
        for column, user_id in column_ids:
            score = scores.get((bidder_id, user_id))
            if score is not None:
                if (user_id, bidder_id) in conflicted:
                    score = None  # a declared conflict: the score never counts, so it is not shown
                elif not staff and not counted_score(score, conflicted):
                    score = None  # evaluators never see drafts, nor scores the result leaves out
            cells.append((column, score))
        proposed, spread, moderated = proposed_[b], spread_[b], moderated_[b]
        proposed = None if proposed != proposed else proposed
        acceptance = accepted.get((bidder_id, section.id))
        rows.append(
            BoardRow(
                bidder=bidder,
                section=section,
                scores=cells,
                proposed=proposed,
                spread=None if spread != spread else spread,
                flagged=bool(flagged_[b]),
                consensus=agreed.get(bidder_id),
                moderated=None if moderated != moderated else moderated,
                price_score=prices.get((bidder_id, section.id)),
                acceptance=acceptance if _accepted_now(acceptance, proposed) else None,
            )
        )
    return Board(section=section, columns=columns, rows=rows)


@dataclass(frozen=True)
class SectionSummary:
    """One line of the moderation overview: how far a section has got, without its scores."""

    section: Section
    total: int
    agreed: int
    flagged_open: int


def overview(procurement: Procurement, viewer: User, run=None) -> tuple[list[SectionSummary], Progress]:
    """The overview's line per section ``viewer`` moderates, and the progress over them all.

    A fixed number of queries: the sections, the bidders, the consensus cells and
    (for an evaluator) their conflicts, whatever the size of the procurement.
    """
    run = _run(procurement, run)
    m = run.moderation
    agreed = agreed_cells(procurement)
    sections = sections_for(viewer, procurement)
    bidders = bidders_for(viewer, procurement)
    b_index, s_index = run.bidder_index(), run.section_index()
    rows = [b_index[b.id] for b in bidders]
    summaries = []
    for section in sections:
        s = s_index[section.id]
        done = sum(1 for b in bidders if (b.id, section.id) in agreed)
        open_flags = sum(
            1 for b, i in zip(bidders, rows) if (b.id, section.id) not in agreed and bool(m.disagreement[i, s])
        )
        summaries.append(SectionSummary(section=section, total=len(bidders), agreed=done, flagged_open=open_flags))
    return summaries, progress(procurement, viewer, run, agreed=agreed, sections=sections, bidders=bidders)


def progress(
    procurement: Procurement, viewer: User, moderation=None, *, agreed=None, sections=None, bidders=None
) -> Progress:
    """Consensus recorded over the (non-price) cells ``viewer`` moderates, and what is still missing."""
    run = _run(procurement, moderation)
    m = run.moderation
    all_bidders = {b.id: b for b in procurement.bidders}
    all_sections = {s.id: s for s in procurement.sections}
    mine_s = {s.id for s in (sections if sections is not None else sections_for(viewer, procurement)) if not s.is_price}
    mine_b = {b.id for b in (bidders if bidders is not None else bidders_for(viewer, procurement))}
    agreed = agreed if agreed is not None else agreed_cells(procurement)
    bidder_ids, section_ids = run.inputs.bidder_ids, run.inputs.section_ids
    cells = [(b, s) for b in bidder_ids for s in section_ids if b in mine_b and s in mine_s]
    b_index, s_index = run.bidder_index(), run.section_index()
    done = sum(1 for cell in cells if cell in agreed)
    flagged_open = sum(1 for b, s in cells if (b, s) not in agreed and bool(m.disagreement[b_index[b], s_index[s]]))
    staff = is_staff(viewer, procurement)
    incomplete = [
        (all_bidders[bidder_ids[b]], all_sections[section_ids[s]])
        for b, s in m.incomplete
        if bidder_ids[b] in mine_b and (section_ids[s] in mine_s or all_sections[section_ids[s]].is_price and staff)
    ]
    return Progress(agreed=done, total=len(cells), flagged_open=flagged_open, incomplete=incomplete)


# ----------------------------------------------------------------------------- accepting the proposed score
#
# Every score a bidder gets needs a reason it can be told (Lancashire Care v Lancashire CC
# [2018] EWHC 1589 (TCC): moderation notes must explain the consensus scores). A cell the
# panel did not discuss gets one from the lead accepting the proposed score with a reason.

#: Proposed scores this close are the same score (float noise from the mean).
SAME_SCORE = 1e-9


def find_acceptance(bidder: Bidder, section: Section) -> Acceptance | None:
    return db.session.scalar(
        select(Acceptance).where(Acceptance.bidder_id == bidder.id, Acceptance.section_id == section.id)
    )


def acceptance_map(procurement: Procurement) -> dict[tuple[int, int], Acceptance]:
    rows = db.session.scalars(
        select(Acceptance)
        .join(Section, Acceptance.section_id == Section.id)
        .where(Section.procurement_id == procurement.id)
    )
    return {(a.bidder_id, a.section_id): a for a in rows}


def acceptance_snapshot(acceptance: Acceptance | None) -> dict | None:
    if acceptance is None:
        return None
    snapshot = {"value": acceptance.value, "rationale": acceptance.rationale, "version": acceptance.version}
    if acceptance.kept_warnings:
        snapshot["kept_warnings"] = reasons.load(acceptance.kept_warnings)
    return snapshot


def proposed_of(procurement: Procurement, bidder: Bidder, section: Section, moderation=None) -> float | None:
    """The proposed score of one cell now (the evaluators' scores combined), None if nobody scored it."""
    m, bidders, sections = _triple(procurement, moderation)
    value = float(m.proposed[bidders.index(bidder), sections.index(section)])
    return None if value != value else value


def _clean_reason(rationale: str, field: str, what: str) -> str:
    rationale = (rationale or "").replace("\r\n", "\n").strip()
    limit = current_app.config["RATIONALE_MAX_CHARS"]
    if not rationale:
        raise Refused(
            f"Give the reason for accepting {what}. Bidders are told it in their assessment summary.", field=field
        )
    if len(rationale) > limit:
        raise Refused(f"The reason must be {limit} characters or fewer. It is {len(rationale)}.", field=field)
    return rationale


def _check_can_accept(actor: User, procurement: Procurement, bidder: Bidder, section: Section) -> None:
    check_can_record(actor, procurement, bidder, section)
    if not is_staff(actor, procurement):
        raise NotAllowed("Only the procurement lead can accept a proposed score without a consensus.")


def _accept(actor, procurement, bidder, section, proposed, rationale, expected_version, warnings):
    acceptance = find_acceptance(bidder, section)
    current_version = acceptance.version if acceptance is not None else 0
    if expected_version is not None and expected_version != current_version:
        raise StaleVersion(
            "Someone accepted this score after you opened the page, so yours was not saved. "
            "Check the saved reason and save again.",
            current=find_acceptance(bidder, section),
        )
    before = acceptance_snapshot(acceptance)
    if acceptance is None:
        acceptance = Acceptance(bidder_id=bidder.id, section_id=section.id, version=0)
        db.session.add(acceptance)
    acceptance.value = proposed
    acceptance.rationale = rationale
    acceptance.kept_warnings = reasons.dump(warnings)
    acceptance.decided_by_id = actor.id
    acceptance.decided_at = utcnow()
    acceptance.version = current_version + 1
    db.session.flush()
    audit.record(
        "acceptance.recorded",
        actor=actor,
        procurement_id=procurement.id,
        entity="acceptance",
        entity_id=acceptance.id,
        before=before,
        after={**acceptance_snapshot(acceptance), "bidder": bidder.code, "section": section.code},
        reason=rationale,
    )
    return acceptance


def record_acceptance(
    *,
    actor: User,
    procurement: Procurement,
    bidder: Bidder,
    section: Section,
    rationale: str,
    expected_version: int | None = None,
    keep_warnings: bool = True,
) -> Acceptance:
    """The lead accepts the proposed score of one cell, with a reason (audited ``acceptance.recorded``)."""
    _check_can_accept(actor, procurement, bidder, section)
    proposed = proposed_of(procurement, bidder, section)
    if proposed is None:
        raise Refused(
            f"Nobody scored {bidder.code}, {section.code}, so there is no proposed score to accept. "
            "Record a consensus instead."
        )
    rationale = _clean_reason(rationale, "reason", f"the proposed score {score_words(proposed)}")
    warnings = reasons.warnings_for(rationale, bidder, procurement)
    if warnings and not keep_warnings:
        raise ReasonWarnings([("reason", w) for w in warnings])
    _lock_in_moderation(procurement)
    acceptance = _accept(actor, procurement, bidder, section, proposed, rationale, expected_version, warnings)
    return acceptance


def accept_section(
    *,
    actor: User,
    procurement: Procurement,
    section: Section,
    reasons_by_bidder: dict[int, str],
    keep_warnings: bool = True,
) -> int:
    """Accept the proposed scores of a section's undisputed cells, one reason each; all or nothing.

    Blank reasons are skipped (those cells stay open); at least one is needed.
    Returns how many cells were accepted.
    """
    cells = {row.bidder.id: row for row in undisputed_open(procurement, actor, section)}
    problems: list[tuple[str, str]] = []
    warned: list[tuple[str, str]] = []
    chosen = []
    for bidder_id, text in reasons_by_bidder.items():
        row = cells.get(bidder_id)
        if row is None or not (text or "").strip():
            continue
        field = f"reason-{bidder_id}"
        try:
            rationale = _clean_reason(text, field, f"{row.bidder.code}'s proposed score")
        except Refused as refused:
            problems.append((field, f"{row.bidder.code}: {refused.message}"))
            continue
        warnings = reasons.warnings_for(rationale, row.bidder, procurement)
        warned += [(field, f"{row.bidder.code}: {w}") for w in warnings]
        chosen.append((row, rationale, warnings))
    if not chosen and not problems:
        problems.append(("", "Give a reason for at least one bidder's proposed score."))
    if problems:
        error = Refused(problems[0][1], field=problems[0][0])
        error.problems = problems
        raise error
    if warned and not keep_warnings:
        raise ReasonWarnings(warned)
    _lock_in_moderation(procurement)
    for row, rationale, warnings in chosen:
        _check_can_accept(actor, procurement, row.bidder, section)
        _accept(actor, procurement, row.bidder, section, row.proposed, rationale, None, warnings)
    return len(chosen)


def score_words(value: float | None) -> str:
    from .score_text import score

    return score(value)


def undisputed_open(procurement: Procurement, viewer: User, section: Section, moderation=None) -> list[BoardRow]:
    """A section's cells that evaluators scored, with no disagreement and no reason yet."""
    if section.is_price:
        return []
    return [
        row
        for row in board(procurement, viewer, section, moderation).rows
        if row.proposed is not None and not row.flagged and not row.has_reason
    ]


def _accepted_now(acceptance: Acceptance | None, proposed: float | None) -> bool:
    return acceptance is not None and proposed is not None and abs(acceptance.value - proposed) <= SAME_SCORE


@dataclass(frozen=True)
class Blocker:
    """A cell that stops the result being finalised, and what to do about it."""

    bidder: Bidder
    section: Section
    message: str
    kind: str = "no_reason"  # or "unscored" (needs a consensus) or "stale" (accepted a score since changed)


def blockers(procurement: Procurement, moderation=None) -> list[Blocker]:
    """Every evaluator-scored (or unscored) cell without a consensus or a current acceptance, in board order."""
    m, bidders, sections = _triple(procurement, moderation)
    agreed, accepted = consensus_map(procurement), acceptance_map(procurement)
    out = []
    for b, bidder in enumerate(bidders):
        for s, section in enumerate(sections):
            if section.is_price or (bidder.id, section.id) in agreed:
                continue
            proposed = float(m.proposed[b, s])
            where = f"{bidder.code}, {section.code}"
            if proposed != proposed:
                out.append(
                    Blocker(bidder, section, f"{where}: nobody scored this answer. Record a consensus.", "unscored")
                )
                continue
            acceptance = accepted.get((bidder.id, section.id))
            if acceptance is not None and not _accepted_now(acceptance, proposed):
                out.append(
                    Blocker(
                        bidder,
                        section,
                        (
                            f"{where}: {score_words(acceptance.value)} was accepted, but the proposed score is now "
                            f"{score_words(proposed)}. Accept it again with a reason, or record a consensus."
                        ),
                        "stale",
                    )
                )
            elif acceptance is None:
                out.append(
                    Blocker(
                        bidder,
                        section,
                        (
                            f"{where}: no reason yet. Record a consensus, or accept the proposed score "
                            f"{score_words(proposed)} with a reason."
                        ),
                    )
                )
    return out


def kept_warnings(procurement: Procurement) -> int:
    """How many consensus and acceptance reasons in force were kept despite a warning."""
    agreed = consensus_map(procurement)
    rows = list(agreed.values()) + [a for key, a in acceptance_map(procurement).items() if key not in agreed]
    return sum(1 for r in rows if r.kept_warnings)
