"""The history of one answer's scores, read back from the audit log.

Every saved version of each evaluator's score and reason (a draft saved online,
on paper by the lead, or imported), each submission and reopening of that
evaluator's scores, and each consensus and acceptance version, with who and
when, oldest first. Nothing here is stored twice: the audit log is the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Acceptance, AuditEvent, Bidder, Consensus, Procurement, Role, Score, Section, User

KINDS = {"online": "Draft saved", "paper": "Paper score entered", "import": "Imported"}


@dataclass(frozen=True)
class Version:
    at: datetime
    actor: str  # who made the change
    kind: str  # "Draft saved", "Submitted", "Reopened", "Paper score entered", "Consensus", ...
    value: float | int | None
    rationale: str


@dataclass(frozen=True)
class EvaluatorHistory:
    evaluator: User
    versions: list[Version]


@dataclass(frozen=True)
class CellHistory:
    scores: list[EvaluatorHistory]
    agreed: list[Version]  # consensus and acceptance versions


def _actor(event: AuditEvent) -> str:
    return event.actor.name if event.actor else "Someone"


def cell_history(procurement: Procurement, bidder: Bidder, section: Section) -> CellHistory:
    scores = list(db.session.scalars(select(Score).where(Score.bidder_id == bidder.id, Score.section_id == section.id)))
    by_score = {s.id: s for s in scores}
    evaluator_ids = {s.evaluator_id for s in scores}
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.procurement_id == procurement.id,
            or_(
                and_(AuditEvent.entity == "score", AuditEvent.entity_id.in_(list(by_score) or [0])),
                and_(
                    AuditEvent.entity == "user",
                    AuditEvent.entity_id.in_(list(evaluator_ids) or [0]),
                    AuditEvent.action.in_(("scores.submitted", "scores.reopened")),
                ),
            ),
        )
        .order_by(AuditEvent.id)
    )
    per_evaluator: dict[int, list[Version]] = {}
    last: dict[int, tuple] = {}  # evaluator id -> (value, rationale) of the latest saved version
    for event in events:
        after = json.loads(event.after_json) if event.after_json else {}
        if event.entity == "score":
            evaluator_id = by_score[cast(int, event.entity_id)].evaluator_id  # the query asked for these ids
            last[evaluator_id] = (after.get("value"), after.get("rationale", ""))
            kind = KINDS.get(after.get("source", ""), "Draft saved")
            if after.get("status") == "submitted" and after.get("source") == "import":
                kind = "Imported as submitted"
            per_evaluator.setdefault(evaluator_id, []).append(
                Version(event.at, _actor(event), kind, *last[evaluator_id])
            )
        elif event.entity_id in last:  # a submission or reopening after this cell was scored
            kind = "Submitted" if event.action == "scores.submitted" else "Reopened"
            per_evaluator[event.entity_id].append(
                Version(
                    event.at,
                    _actor(event),
                    kind + (f": {event.reason}" if event.reason else ""),
                    *last[event.entity_id],
                )
            )
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(evaluator_ids) or [0])))}
    histories = [
        EvaluatorHistory(people[i], per_evaluator.get(i, []))
        for i in sorted(evaluator_ids, key=lambda i: (people[i].role is not Role.PATIENT, people[i].id))
    ]

    agreed_rows: list[tuple[Consensus | Acceptance, str]] = [
        (c, "consensus")
        for c in db.session.scalars(
            select(Consensus).where(Consensus.bidder_id == bidder.id, Consensus.section_id == section.id)
        )
    ]
    agreed_rows += [
        (a, "acceptance")
        for a in db.session.scalars(
            select(Acceptance).where(Acceptance.bidder_id == bidder.id, Acceptance.section_id == section.id)
        )
    ]
    agreed_events = []
    for row, entity in agreed_rows:
        agreed_events += list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity == entity, AuditEvent.entity_id == row.id)
                .order_by(AuditEvent.id)
            )
        )
    agreed = []
    for event in sorted(agreed_events, key=lambda e: e.id):
        after = json.loads(event.after_json) if event.after_json else {}
        kind = "Consensus" if event.entity == "consensus" else "Proposed score accepted"
        if after.get("kept_warnings"):
            kind += " (kept with a warning)"
        agreed.append(Version(event.at, _actor(event), kind, after.get("value"), after.get("rationale", "")))
    return CellHistory(histories, agreed)
