"""Load a procurement from the database into the engine's arrays.

What counts
-----------
* **Scores**: an evaluator's score counts when it is *submitted* and has a
  value. Drafts (including scores a lead has reopened) do not count, so a
  procurement's result only ever uses scores their authors stood by. A score
  for a bidder its evaluator has declared a conflict with (a declaration still
  in force) never counts, whenever it was given. Scores on price sections are
  ignored: those are scored by formula.
* **Evaluators**: everyone with at least one counted score, patient
  representatives first, then by user id. A patient representative's group is
  ``"patient"``; every other role's is ``"panel"``.
* **Consensus**: the moderated score agreed for a bidder and section.
* **Price sections** are scored from each bidder's price by
  `scoring.services.pricing` (lowest price / price × maximum) and given to the
  engine as consensus, so they belong to neither group. A bidder without a
  price leaves the cell empty: the result is then incomplete.
* Bidders and sections are in their display order (``position``); the labels
  are their codes; weights, maxima and thresholds come from the sections.

Speed
-----
The scores (up to millions of rows) are read with one query on the session's
own DBAPI connection (so in the same transaction as the caller), packed one
integer per score into one string that numpy parses in C (see `_read_scores`;
rows streamed from the cursor into ``np.fromiter`` when packing is not
possible), then placed in the cube with vectorised indexing: no ORM object per
score. Everything else is small.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, String, cast, func, select
from sqlalchemy.orm import Session, scoped_session

from ..engine import EngineInputs
from ..models import (
    Bidder,
    Consensus,
    Procurement,
    Role,
    Score,
    Section,
    User,
)
from . import counted, pricing

#: A score is packed into one integer when the ranges of its ids and value multiply to less.
PACK_LIMIT = 2**62


def _compiled(session: Session | scoped_session[Session], statement) -> str:
    """``statement`` as SQL text for this database; only ints and constants are inlined."""
    dialect = session.get_bind().dialect
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _read_scores(
    session: Session | scoped_session[Session],
    procurement_id: int,
    bidder_ids: np.ndarray,
    section_ids: np.ndarray,
    top_value: int,
) -> tuple[np.ndarray, ...]:
    """Bidder ids, section ids, evaluator ids and values of the counted scores (int64 arrays).

    Fast path: the database packs each score into one integer,
    ``(((bidder - b0) × sections + (section - s0)) × evaluators + (evaluator - e0))
    × values + value``, and joins them all into one comma-separated string
    (``group_concat`` on SQLite, ``string_agg`` on PostgreSQL), which
    ``np.fromstring`` parses in C: no Python object per score. On 900,000
    scores this takes about half the CPU time of streaming rows through the
    cursor. The same query returns the count and the lowest and highest value;
    if a value could not be packed (outside 0 to ``top_value``, which the
    engine then reports) or the ids are too far apart for 62 bits, the rows
    are streamed from the cursor into ``np.fromiter`` instead.
    """
    nothing = tuple(np.empty(0, dtype=np.int64) for _ in range(4))
    if bidder_ids.size == 0 or section_ids.size == 0:
        return nothing
    e0, e1 = session.execute(select(func.min(User.id), func.max(User.id))).one()
    if e0 is None:
        return nothing
    b0, b1 = int(bidder_ids.min()), int(bidder_ids.max())
    s0, s1 = int(section_ids.min()), int(section_ids.max())
    e0, e1 = int(e0), int(e1)
    n_sections, n_evaluators, n_values = s1 - s0 + 1, e1 - e0 + 1, int(top_value) + 1
    where = counted.where(procurement_id)  # conflicts are dropped by the caller, in numpy
    base = select().select_from(Score).join(Section, Section.id == Score.section_id)
    if (b1 - b0 + 1) * n_sections * n_evaluators * n_values < PACK_LIMIT:
        bidder_id = cast(Score.bidder_id, BigInteger)  # 32-bit ids on PostgreSQL: no overflow
        code = (
            ((bidder_id - b0) * n_sections + (Score.section_id - s0)) * n_evaluators + (Score.evaluator_id - e0)
        ) * n_values + Score.value
        statement = base.add_columns(
            func.aggregate_strings(cast(code, String), ","),
            func.count(),
            func.min(Score.value),
            func.max(Score.value),
        ).where(*where, Score.bidder_id.between(b0, b1), Score.evaluator_id.between(e0, e1))
        # The driver's own cursor (DB-API rows are untyped): an aggregate gives exactly one row.
        cursor: Any = session.connection().connection.cursor()
        try:
            cursor.execute(_compiled(session, statement))
            text, count, low, high = cursor.fetchone()
        finally:
            cursor.close()
        if not count:
            return nothing
        if 0 <= low and high < n_values:
            codes = np.fromstring(text, dtype=np.int64, sep=",")
            if codes.size == count:
                rest, value = np.divmod(codes, n_values)
                rest, evaluator = np.divmod(rest, n_evaluators)
                bidder, section = np.divmod(rest, n_sections)
                return bidder + b0, section + s0, evaluator + e0, value
    statement = base.add_columns(Score.bidder_id, Score.section_id, Score.evaluator_id, Score.value).where(*where)
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(_compiled(session, statement))
        flat = np.fromiter(chain.from_iterable(cursor), dtype=np.int64)
    finally:
        cursor.close()
    return tuple(flat.reshape(-1, 4).T)


def _positions(ids: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Index of each of ``ids`` in ``known`` (all of ``ids`` are in ``known``)."""
    if known.size == 0:
        return np.empty(0, dtype=np.intp)
    low, span = int(known.min()), int(known.max() - known.min()) + 1
    if span <= 4 * known.size + 1_000_000:  # ids of one procurement are close: a lookup table
        table = np.zeros(span, dtype=np.intp)
        table[known - low] = np.arange(known.size)
        return table[ids - low]
    order = np.argsort(known, kind="stable")
    return order[np.searchsorted(known, ids, sorter=order)]


def load_inputs(
    session: Session | scoped_session[Any], procurement: Procurement
) -> tuple[EngineInputs, dict[str, Any]]:
    """The engine's inputs for ``procurement``, and what links them back to the database.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
    procurement : Procurement

    Returns
    -------
    inputs : EngineInputs
    meta : dict
        ``bidders`` and ``sections`` (in the engine's order: ``id``, ``code``;
        sections also ``scored_by`` and ``is_price``), ``evaluators`` (``id``,
        ``email``, ``name``, ``role``, ``group``), ``scores`` (how many
        counted), ``conflicted`` (submitted scores left out because of a
        declared conflict), ``missing_prices`` (codes of bidders without a
        price while there is a price section).

    Raises
    ------
    ValueError
        From `EngineInputs` when the procurement cannot be analysed as it
        stands, for example weights that do not sum to 100.
    """
    sections = list(
        session.scalars(
            select(Section).where(Section.procurement_id == procurement.id).order_by(Section.position, Section.id)
        )
    )
    bidders = list(
        session.scalars(
            select(Bidder).where(Bidder.procurement_id == procurement.id).order_by(Bidder.position, Bidder.id)
        )
    )
    section_ids = np.array([s.id for s in sections], dtype=np.int64)
    bidder_ids = np.array([b.id for b in bidders], dtype=np.int64)

    top_value = int(max((s.max_score for s in sections), default=0))
    bidder, section, evaluator, value = _read_scores(session, procurement.id, bidder_ids, section_ids, top_value)
    ours = np.isin(bidder, bidder_ids)  # a stray row could name another procurement's bidder
    if not ours.all():
        bidder, section, evaluator, value = (a[ours] for a in (bidder, section, evaluator, value))

    conflicts = sorted(counted.conflict_pairs(procurement.id, session))
    n_conflicted = 0
    if conflicts and bidder.size:
        pairs = np.array(conflicts, dtype=np.int64)
        # one int per (evaluator, bidder) pair, to test membership in one vectorised call
        width = int(max(bidder.max(), pairs[:, 1].max())) + 1
        conflicted = np.isin(evaluator * width + bidder, pairs[:, 0] * width + pairs[:, 1])
        n_conflicted = int(conflicted.sum())
        bidder, section, evaluator, value = (a[~conflicted] for a in (bidder, section, evaluator, value))

    evaluator_ids = np.unique(evaluator)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_([int(i) for i in evaluator_ids])))}
    evaluators = sorted((users[int(i)] for i in evaluator_ids), key=lambda u: (u.role is not Role.PATIENT, u.id))
    ordered_ids = np.array([u.id for u in evaluators], dtype=np.int64)

    cube = np.full((len(bidders), len(sections), len(evaluators)), np.nan)
    cube[_positions(bidder, bidder_ids), _positions(section, section_ids), _positions(evaluator, ordered_ids)] = value

    consensus = np.full((len(bidders), len(sections)), np.nan)
    agreed = np.array(
        session.execute(
            select(Consensus.bidder_id, Consensus.section_id, Consensus.value)
            .join(Section, Section.id == Consensus.section_id)
            .where(Section.procurement_id == procurement.id)
        ).all(),
        dtype=np.float64,
    ).reshape(-1, 3)
    agreed = agreed[np.isin(agreed[:, 0], bidder_ids)]
    consensus[
        _positions(agreed[:, 0].astype(np.int64), bidder_ids), _positions(agreed[:, 1].astype(np.int64), section_ids)
    ] = agreed[:, 2]

    prices = {b.id: b.price for b in bidders}
    missing_prices: list[str] = []
    for s, price_section in enumerate(sections):
        if not price_section.is_price:
            continue
        consensus[:, s] = np.nan  # a price section's score is the formula's, never a vote
        for b, (_bidder_id, score) in enumerate(
            pricing.price_scores(prices, max_score=price_section.max_score).items()
        ):
            if score is not None:
                consensus[b, s] = score
        missing_prices = [b.code for b in bidders if b.price is None]

    inputs = EngineInputs(
        scores=cube,
        groups=tuple("patient" if u.role is Role.PATIENT else "panel" for u in evaluators),
        weights=[float(s.weight) for s in sections],
        max_scores=[float(s.max_score) for s in sections],
        thresholds=[np.nan if s.threshold is None else float(s.threshold) for s in sections],
        consensus=consensus,
        bidder_labels=tuple(b.code for b in bidders),
        section_labels=tuple(s.code for s in sections),
        evaluator_labels=tuple(u.email for u in evaluators),
    )
    meta = {
        "bidders": [{"id": b.id, "code": b.code} for b in bidders],
        "sections": [{"id": s.id, "code": s.code, "scored_by": s.scored_by, "is_price": s.is_price} for s in sections],
        "evaluators": [
            {"id": u.id, "email": u.email, "name": u.name, "role": u.role, "group": inputs.groups[e]}
            for e, u in enumerate(evaluators)
        ],
        "scores": int(value.size),
        "conflicted": n_conflicted,
        "missing_prices": missing_prices,
    }
    return inputs, meta
