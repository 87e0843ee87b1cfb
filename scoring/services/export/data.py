"""Fill an `ExportData` from the database: the result document and the record streams.

The result is the results service's document: the one stored at finalisation
for a final procurement, otherwise a live engine run. The Scores sheet lists
exactly the scores the engine counts (`scoring.services.engine_adapter`):
submitted, with a value, not on a price section, and not by an evaluator who
declared a conflict with that bidder. Scores and audit events are read from
the database in chunks as the sheet is written (``yield_per``), never all at
once.

With ``codes_only`` every bidder's legal name is left out, and where a legal
name appears inside free text (a rationale, an audit record) it is replaced by
the bidder's code.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from ...extensions import db
from ...models import (
    Assignment,
    AuditEvent,
    Bidder,
    Consensus,
    Declaration,
    Procurement,
    Role,
    Score,
    ScoredBy,
    ScoreStatus,
    Section,
    User,
    utcnow,
)
from .model import ExportData

#: Rows fetched from the database at a time.
CHUNK = 2000


def name_redactor(procurement: Procurement) -> Callable[[str | None], str | None]:
    names = {b.name: b.code for b in procurement.bidders if b.name and b.name != b.code}
    if not names:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)),
                         re.IGNORECASE)
    lower = {name.casefold(): code for name, code in names.items()}

    def redact(text):
        if not text:
            return text
        return pattern.sub(lambda m: lower[m.group(0).casefold()], text)

    return redact


def score_rows(session: Session, procurement: Procurement, *,
               redact: Callable[[str | None], str | None] | None = None) -> Iterator[tuple]:
    """The Scores rows (`SCORE_COLUMNS` order) the engine counts, streamed from the database."""
    evaluator, enterer = aliased(User), aliased(User)
    conflicted = exists().where(and_(Declaration.user_id == Score.evaluator_id,
                                     Declaration.bidder_id == Score.bidder_id,
                                     Declaration.has_conflict.is_(True)))
    statement = (
        select(evaluator.name, evaluator.email, evaluator.role, Bidder.code, Section.code,
               Score.value, Score.rationale, Score.submitted_at, enterer.name)
        .join(Section, Section.id == Score.section_id)
        .join(Bidder, Bidder.id == Score.bidder_id)
        .join(evaluator, evaluator.id == Score.evaluator_id)
        .outerjoin(enterer, enterer.id == Score.entered_by_id)
        .where(Section.procurement_id == procurement.id,
               Bidder.procurement_id == procurement.id,
               Section.scored_by != ScoredBy.PRICE.value,
               Score.status == ScoreStatus.SUBMITTED.value,
               Score.value.is_not(None),
               ~conflicted)
        .order_by(Section.position, Section.id, Bidder.position, Bidder.id,
                  evaluator.role.desc(), evaluator.email)  # "patient" before "panel"
        .execution_options(yield_per=CHUNK)
    )
    for name, email, role, bidder, section, value, rationale, submitted, entered in \
            session.execute(statement):
        group = "patient" if role == Role.PATIENT.value else "panel"
        if redact is not None:
            rationale = redact(rationale)
        yield (name, email, group, bidder, section, value, rationale, submitted, entered or "")


def audit_rows(session: Session, procurement: Procurement, *,
               redact: Callable[[str | None], str | None] | None = None) -> Iterator[tuple]:
    """The procurement's audit events, oldest first (`AUDIT_COLUMNS` order)."""
    actor = aliased(User)
    statement = (
        select(AuditEvent.id, AuditEvent.at, actor.name, AuditEvent.action, AuditEvent.entity,
               AuditEvent.entity_id, AuditEvent.reason, AuditEvent.before_json,
               AuditEvent.after_json)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.procurement_id == procurement.id)
        .order_by(AuditEvent.id)
        .execution_options(yield_per=CHUNK)
    )
    for row in session.execute(statement):
        event_id, at, name, action, entity, entity_id, reason, before, after = row
        if redact is not None:
            reason, before, after = redact(reason), redact(before), redact(after)
        yield (event_id, at, name or "", action, entity, entity_id, reason, before, after)


def export_data(procurement: Procurement, *, codes_only: bool = False,
                exported_by: User | None = None, document: dict | None = None) -> ExportData:
    """Everything the workbook of ``procurement`` shows; the record streams are lazy.

    ``document`` defaults to the results service's document.
    """
    if document is None:
        from ..results import result_document

        document = result_document(procurement)
    session = db.session
    redact = name_redactor(procurement) if codes_only else None
    if redact is not None:
        document = _redact_document(document, redact)
    sections = list(procurement.sections)
    counts = dict(session.execute(
        select(Assignment.section_id, func.count(Assignment.id))
        .where(Assignment.section_id.in_([s.id for s in sections]))
        .group_by(Assignment.section_id)).all()) if sections else {}
    decider = aliased(User)
    consensus_by = {
        (bidder, section): (name or "", at)
        for bidder, section, name, at in session.execute(
            select(Bidder.code, Section.code, decider.name, Consensus.decided_at)
            .join(Bidder, Bidder.id == Consensus.bidder_id)
            .join(Section, Section.id == Consensus.section_id)
            .outerjoin(decider, decider.id == Consensus.decided_by_id)
            .where(Section.procurement_id == procurement.id))
    }
    return ExportData(
        reference=procurement.reference,
        title=procurement.title,
        status=procurement.status_enum.label,
        anonymised=procurement.anonymised,
        codes_only=codes_only,
        document=document,
        bidder_names={} if codes_only else {b.code: b.name for b in procurement.bidders},
        section_titles={s.code: s.title for s in sections},
        section_evaluators={s.code: int(counts.get(s.id, 0)) for s in sections},
        consensus_by=consensus_by,
        scores=score_rows(session, procurement, redact=redact),
        audit=audit_rows(session, procurement, redact=redact),
        exported_at=utcnow().replace(microsecond=0),
        exported_by=exported_by.name if exported_by is not None else "",
        lead=procurement.lead.name if procurement.lead is not None else "",
        finalised_at=procurement.finalised_at,
    )


def _redact_document(document: dict, redact) -> dict:
    """A copy of the document whose free text (summary, consensus reasons) names codes only."""
    copy = dict(document)
    copy["summary"] = [redact(s) for s in document.get("summary", [])]
    view = dict(document.get("view", {}))
    for key in ("consensus", "accepted"):  # consensus reasons and accepted-score reasons
        if key in view:
            view[key] = {
                bidder: {section: (None if c is None else {**c, "rationale": redact(c["rationale"])})
                         for section, c in cells.items()}
                for bidder, cells in view[key].items()
            }
    copy["view"] = view
    return copy
