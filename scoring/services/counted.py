"""Which scores count: the one rule, used by the engine adapter, moderation and the export.

An evaluator's score counts when it is **submitted** and has a **value**, is on a section
scored by evaluators (price sections are scored by formula), and is not for a bidder the
evaluator declared a **conflict** with (a declaration still in force), whenever it was given.
Drafts, including scores a lead has reopened, never count: a result only uses scores their
authors stood by.

`where` is the rule as SQL conditions (the query joins `Section` on the score's section);
`not_conflicted` the conflict part as a correlated EXISTS, for queries that stream rows;
`conflict_pairs` the same conflicts as (evaluator id, bidder id) pairs, for the engine adapter
(which packs scores into numpy arrays and drops the conflicted ones there, faster than the
EXISTS on 900,000 scores) and for code holding Score objects, which asks `is_counted`.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, select

from ..extensions import db
from ..models import Bidder, Declaration, Procurement, Score, ScoredBy, ScoreStatus, Section


def where(procurement_id: int) -> tuple:
    """The conditions, apart from conflicts, on a query of Score joined to its Section."""
    return (
        Section.procurement_id == int(procurement_id),
        Section.scored_by != ScoredBy.PRICE,
        Score.status == ScoreStatus.SUBMITTED,
        Score.value.is_not(None),
    )


def not_conflicted():
    """True for a score whose evaluator has not declared a conflict with its bidder."""
    return ~exists().where(
        and_(
            Declaration.user_id == Score.evaluator_id,
            Declaration.bidder_id == Score.bidder_id,
            Declaration.has_conflict.is_(True),
        )
    )


def conflict_pairs(procurement: Procurement | int, session=None) -> set[tuple[int, int]]:
    """(evaluator id, bidder id) for every conflict of interest declared in the procurement."""
    procurement_id = procurement if isinstance(procurement, int) else procurement.id
    return set(
        (session or db.session)
        .execute(
            select(Declaration.user_id, Declaration.bidder_id)
            .join(Bidder, Declaration.bidder_id == Bidder.id)
            .where(Bidder.procurement_id == procurement_id, Declaration.has_conflict.is_(True))
        )
        .all()
    )


def is_counted(score, conflicted: set[tuple[int, int]] | frozenset = frozenset()) -> bool:
    """`where` and `not_conflicted` for a score already loaded (a Score, or a row with the same
    attributes); ``conflicted`` is `conflict_pairs`. Price sections have no evaluators' scores."""
    return (
        score is not None
        and score.status is ScoreStatus.SUBMITTED
        and score.value is not None
        and (score.evaluator_id, score.bidder_id) not in conflicted
    )
