"""Writing a checked import: one transaction through the set-up services.

The plan from `check` is written through the same services the web screens use
(`setup.create_procurement`, `add_section`, `add_bidder`, `assign_evaluator`, `open_scoring`,
`accounts.create_user`), so the same rules and audit events apply, in the caller's one
transaction (scoring/transaction.py commits it). A rule the checks missed is still a
`Refused`: it is reported like the other problems and the caller rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from ...extensions import db
from ...models import Consensus, Procurement, Score, ScoreSource, ScoreStatus, Status, User, utcnow
from .. import accounts, audit, lifecycle, setup
from ..errors import Refused, ValidationFailed
from .check import GROUP_ROLES, ImportPlan
from .read import and_list


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class ImportResult:
    procurement: Procurement
    created_users: list[User]
    scores: int
    submitted: list[str]  # evaluator emails whose scores were submitted
    drafts: list[str]  # evaluator emails whose scores were kept as drafts
    consensus: int

    @property
    def summary(self) -> str:
        p = self.procurement
        parts = [
            f"Imported {p.reference}: {count(len(p.sections), 'section', 'sections')}, "
            f"{count(len(p.bidders), 'bidder', 'bidders')}"
        ]
        parts.append(count(self.scores, "score", "scores") if self.scores else "no scores")
        if self.consensus:
            parts.append(count(self.consensus, "consensus score", "consensus scores"))
        text = ", ".join(parts) + f". It is now {p.status.label.lower()}."
        if self.created_users:
            n = len(self.created_users)
            text += (
                f" {count(n, 'new account was', 'new accounts were')} created without a "
                f"password; invite {'that person' if n == 1 else 'those people'} by email so they can "
                "choose one and sign in."
            )
        if self.drafts:
            text += (
                f" The scores of {count(len(self.drafts), 'evaluator', 'evaluators')} were "
                "incomplete, so they are saved as drafts: " + and_list(self.drafts) + "."
            )
        return text


def write(plan: ImportPlan, *, actor: User, open_scoring: bool = False) -> ImportResult:
    """Create the procurement the plan describes, with ``actor`` as its lead, all or nothing."""
    try:
        # Everything is checked already; flushing before every query of the set-up
        # services would only slow a large import down.
        with db.session.no_autoflush:
            return _write(plan, actor=actor, open_scoring=open_scoring)
    except Refused as refused:  # a rule the checks missed: still nothing is written (the caller rolls back)
        raise ValidationFailed([problem.message for problem in refused.found]) from refused


def _write(plan: ImportPlan, *, actor: User, open_scoring: bool) -> ImportResult:
    procurement = setup.create_procurement(
        reference=plan.reference,
        title=plan.title,
        lead=actor,
        actor=actor,
        anonymised=plan.anonymised,
        regime=plan.regime,
        service_type=plan.service_type,
    )
    sections = {
        row.code: setup.add_section(
            procurement,
            code=row.code,
            title=row.title,
            weight=row.weight,
            max_score=row.max_score,
            scored_by=row.scored_by,
            question=row.question,
            guidance=row.guidance,
            threshold=row.threshold,
            key_criterion=row.key_criterion,
            actor=actor,
        )
        for row in plan.sections
    }
    bidders = {
        row.code: setup.add_bidder(procurement, code=row.code, name=row.name, price=row.price, actor=actor)
        for row in plan.bidders
    }
    users: dict[str, User] = {}
    created: list[User] = []
    for row in plan.evaluators:
        user = row.existing
        if user is None:
            user = accounts.create_user(
                email=row.email,
                name=row.name,
                role=GROUP_ROLES[row.group],
                password=None,
                training_completed_on=row.training_completed,
                actor=actor,
            )
            created.append(user)
        users[row.email] = user
        for section_row in plan.sections_for(row.group):
            setup.assign_evaluator(sections[section_row.code], user, actor=actor)

    if plan.scores or plan.consensus or open_scoring:
        setup.open_scoring(procurement, actor=actor)

    now = utcnow()
    cells_needed = {row.email: len(plan.bidders) * len(plan.sections_for(row.group)) for row in plan.evaluators}
    given: dict[str, int] = {}
    for score_row in plan.scores:
        given[score_row.evaluator] = given.get(score_row.evaluator, 0) + 1
    complete = {email for email, count in given.items() if count == cells_needed[email]}
    # One executemany INSERT for the scores, not one ORM object (and one statement)
    # each: a large import has thousands. The new ids are then read back in one query.
    score_rows: list[dict[str, Any]] = [
        {
            "bidder_id": bidders[row.bidder].id,
            "section_id": sections[row.section].id,
            "evaluator_id": users[row.evaluator].id,
            "value": row.value,
            "rationale": row.rationale,
            "status": ScoreStatus.SUBMITTED if row.evaluator in complete else ScoreStatus.DRAFT,
            "source": ScoreSource.IMPORT,
            "entered_by_id": actor.id,
            "version": 1,
            "updated_at": now,
            "submitted_at": now if row.evaluator in complete else None,
        }
        for row in plan.scores
    ]
    score_ids: list[int] = []
    if score_rows:
        db.session.execute(insert(Score), score_rows)
        ids = {
            (b, s, e): i
            for i, b, s, e in db.session.execute(
                select(Score.id, Score.bidder_id, Score.section_id, Score.evaluator_id).where(
                    Score.section_id.in_([section.id for section in sections.values()])
                )
            )
        }
        score_ids = [ids[(r["bidder_id"], r["section_id"], r["evaluator_id"])] for r in score_rows]
    consensus = [
        Consensus(
            bidder_id=bidders[row.bidder].id,
            section_id=sections[row.section].id,
            value=row.value,
            rationale=row.rationale,
            source=ScoreSource.IMPORT,
            decided_by_id=actor.id,
            decided_at=now,
            version=1,
        )
        for row in plan.consensus
    ]
    db.session.add_all(consensus)
    db.session.flush()
    for score_row, values, score_id in zip(plan.scores, score_rows, score_ids):
        audit.record(
            "score.imported",
            actor=actor,
            procurement_id=procurement.id,
            entity="score",
            entity_id=score_id,
            after={
                "value": score_row.value,
                "rationale": score_row.rationale,
                "status": values["status"],
                "version": 1,
                "source": "import",
                "evaluator": score_row.evaluator,
                "bidder": score_row.bidder,
                "section": score_row.section,
                "row": score_row.row,
            },
        )
    for consensus_row, agreed in zip(plan.consensus, consensus):
        audit.record(
            "consensus.imported",
            actor=actor,
            procurement_id=procurement.id,
            entity="consensus",
            entity_id=agreed.id,
            after={
                "value": agreed.value,
                "rationale": agreed.rationale,
                "version": 1,
                "source": "import",
                "bidder": consensus_row.bidder,
                "section": consensus_row.section,
                "row": consensus_row.row,
            },
        )
    if plan.consensus:
        lifecycle.change_status(procurement, Status.MODERATION, actor=actor, reason="Imported with consensus scores.")
    result = ImportResult(
        procurement=procurement,
        created_users=created,
        scores=len(score_ids),
        submitted=sorted(complete),
        drafts=sorted(set(given) - complete),
        consensus=len(consensus),
    )
    audit.record(
        "procurement.imported",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        after={
            "reference": procurement.reference,
            "sections": len(sections),
            "bidders": len(bidders),
            "evaluators": len(users),
            "new_accounts": [u.email for u in created],
            "scores": len(score_ids),
            "consensus": len(consensus),
            "status": procurement.status,
            "submitted": result.submitted,
            "drafts": result.drafts,
        },
    )
    return result
