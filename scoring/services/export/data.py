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

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, scoped_session

from ...extensions import db
from ...models import (
    Assignment,
    AuditEvent,
    Bidder,
    Consensus,
    Procurement,
    Role,
    Score,
    Section,
    User,
    utcnow,
)
from ...redaction import Redactor, redactor_for
from .. import counted
from .model import ExportData

#: Rows fetched from the database at a time.
CHUNK = 2000


def name_redactor(procurement: Procurement) -> Redactor:
    """The matcher that replaces each bidder's legal name, however it is written, by its code.

    Codes-only exports are shared beyond the procurement team, so names go and
    prices stay (`scoring.redaction` explains the matching).
    """
    return redactor_for(procurement.bidders, prices=False)


def score_rows(
    session: Session | scoped_session[Any], procurement: Procurement, *, redact: Redactor | None = None
) -> Iterator[tuple]:
    """The Scores rows (`SCORE_COLUMNS` order) the engine counts, streamed from the database."""
    evaluator, enterer = aliased(User), aliased(User)
    statement = (
        select(
            evaluator.name,
            evaluator.email,
            evaluator.role,
            Bidder.code,
            Section.code,
            Score.value,
            Score.rationale,
            Score.submitted_at,
            enterer.name,
        )
        .join(Section, Section.id == Score.section_id)
        .join(Bidder, Bidder.id == Score.bidder_id)
        .join(evaluator, evaluator.id == Score.evaluator_id)
        .outerjoin(enterer, enterer.id == Score.entered_by_id)
        .where(*counted.where(procurement.id), Bidder.procurement_id == procurement.id, counted.not_conflicted())
        .order_by(
            Section.position, Section.id, Bidder.position, Bidder.id, evaluator.role.desc(), evaluator.email
        )  # "patient" before "panel"
        .execution_options(yield_per=CHUNK)
    )
    for name, email, role, bidder, section, value, rationale, submitted, entered in session.execute(statement):
        group = "patient" if role == Role.PATIENT else "panel"
        if redact is not None:
            rationale = redact.redact(rationale)
        yield (name, email, group, bidder, section, value, rationale, submitted, entered or "")


def audit_rows(
    session: Session | scoped_session[Any], procurement: Procurement, *, redact: Redactor | None = None
) -> Iterator[tuple]:
    """The procurement's audit events, oldest first (`AUDIT_COLUMNS` order)."""
    actor = aliased(User)
    statement = (
        select(
            AuditEvent.id,
            AuditEvent.at,
            actor.name,
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.reason,
            AuditEvent.before_json,
            AuditEvent.after_json,
        )
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.procurement_id == procurement.id)
        .order_by(AuditEvent.id)
        .execution_options(yield_per=CHUNK)
    )
    for row in session.execute(statement):
        event_id, at, name, action, entity, entity_id, reason, before, after = row
        if redact is not None:
            # The records are JSON with \\u escapes ("Caf\\u00e9"): redacted inside, written unescaped.
            name = redact.redact(name)
            reason, before, after = redact.redact(reason), redact.redact_json(before), redact.redact_json(after)
        yield (event_id, at, name or "", action, entity, entity_id, reason, before, after)


def export_data(
    procurement: Procurement, *, codes_only: bool = False, exported_by: User | None = None, document: dict | None = None
) -> ExportData:
    """Everything the workbook of ``procurement`` shows; the record streams are lazy.

    ``document`` defaults to the outcome gateway's (`scoring.services.outcome`).
    """
    if document is None:
        from .. import outcome

        document = outcome.outcome(procurement).document
    session = db.session
    redact = name_redactor(procurement) if codes_only else None
    if redact is not None:
        # Every string of the result (summary, consensus reasons, titles, labels) goes through it.
        document = redact.redact_value(document)
    sections = list(procurement.sections)
    counts = (
        dict(
            session.execute(
                select(Assignment.section_id, func.count(Assignment.id))
                .where(Assignment.section_id.in_([s.id for s in sections]))
                .group_by(Assignment.section_id)
            ).all()
        )
        if sections
        else {}
    )
    decider = aliased(User)
    consensus_by: dict[tuple[str, str], tuple[str, datetime | None]] = {
        (bidder, section): (name or "", at)
        for bidder, section, name, at in session.execute(
            select(Bidder.code, Section.code, decider.name, Consensus.decided_at)
            .join(Bidder, Bidder.id == Consensus.bidder_id)
            .join(Section, Section.id == Consensus.section_id)
            .outerjoin(decider, decider.id == Consensus.decided_by_id)
            .where(Section.procurement_id == procurement.id)
        )
    }
    law = _law_fields(procurement, document)
    return ExportData(
        **law,
        reference=procurement.reference,
        title=redact.redact(procurement.title) if redact else procurement.title,
        status=procurement.status.label,
        anonymised=procurement.anonymised,
        codes_only=codes_only,
        document=document,
        bidder_names={} if codes_only else {b.code: b.name for b in procurement.bidders},
        section_titles={s.code: redact.redact(s.title) if redact else s.title for s in sections},
        section_evaluators={s.code: int(counts.get(s.id, 0)) for s in sections},
        consensus_by=redact.redact_value(consensus_by) if redact else consensus_by,
        scores=score_rows(session, procurement, redact=redact),
        audit=audit_rows(session, procurement, redact=redact),
        exported_at=utcnow().replace(microsecond=0),
        exported_by=exported_by.name if exported_by is not None else "",
        lead=procurement.lead.name if procurement.lead is not None else "",
        finalised_at=procurement.finalised_at,
    )


def _law_fields(procurement: Procurement, document: dict) -> dict:
    """The regime and, under PSR, each section's key criterion and the figures per key criterion."""
    from ...law import PSR, regime_name
    from ...law import key_criteria as kc
    from ..regime import key_criterion_figures

    if procurement.regime != PSR:
        return {"regime": regime_name(procurement.regime)}
    stored = {e["code"]: e.get("key_criterion") for e in document.get("view", {}).get("sections", [])}
    return {
        "regime": regime_name(procurement.regime),
        "section_key_criteria": {s.code: kc.label(stored.get(s.code, s.key_criterion)) for s in procurement.sections},
        "key_criteria": [f.to_dict() for f in key_criterion_figures(procurement, document)],
    }
