"""The outcome gateway: the one way the web, the command line and the exports get a result.

Everything that shows or stores a procurement's result asks this module: the
results page and its charts, the what-if view, the moderation pages, finalising,
the Excel export and ``flask moderate``. It

1. reads the procurement's **data version** (`data_version`, one query);
2. loads the engine inputs with a fixed query plan (`engine_adapter.load_inputs`:
   the same handful of queries whatever the size), runs the engine, and
3. keeps both, per worker process, until the data version changes.

A final procurement's result is the document stored at finalisation: it is
parsed once and returned without running the engine at all.

The data version
----------------
Every change to a procurement writes its audit event in the same transaction
(`scoring.services.audit`) and audit events are never changed or deleted (the
model refuses), so the committed events of a procurement only ever grow: their
**number** changes with every committed change. The version is that number and
the newest event's id. The id alone is not enough on PostgreSQL, where ids are
handed out when a row is inserted, not when it commits: a transaction that took
id 100 can commit after one that took 101, and a reader between the two would
have cached data without change 100 under the newest id 101. The count cannot
be fooled that way.

A request that has itself written something (flushed or executed an UPDATE,
INSERT or DELETE in its open transaction) neither reads nor fills the cache: its
data may be rolled back, and on SQLite a rolled-back audit id is handed out
again. `finalise` is such a request: it computes the result it stores afresh.

Reading the version before the data means the data is at least as new as the
version; a change committed in between only costs one extra run later.

API
---
``data_version(procurement) -> DataVersion``
``inputs(procurement) -> Inputs``            engine inputs and weight-free cell statistics
``moderation(procurement) -> ModerationRun`` moderated cells, totals, ranks (no influence)
``outcome(procurement, draws=DRAWS, seed=0) -> Outcome``  the whole result
``reweighted(procurement, weights, draws=0) -> Analysis``  the what-if: cached cells, new weights
``compute(procurement) -> Outcome``          a fresh run, never cached (finalise)
``chart_svg(outcome, name, draw) -> str``    a drawn chart, kept with the outcome's version
``fragment(outcome, key, render) -> str``    any rendered part, likewise (``{% cache %}`` in templates)
``memo(outcome, key, compute)``              any value derived from the data alone, likewise

Each raises `Refused`, saying why, when the procurement cannot be analysed as it
stands (for example weights that do not add up to 100).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from flask import current_app, has_request_context, request
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..engine import ENGINE_VERSION, Analysis, EngineInputs, Moderation, analyse
from ..engine.cells import CellStats, cell_stats
from ..engine.influence import influence, patient_parts
from ..engine.moderation import moderation_from_cells
from ..engine.sensitivity import win_probabilities
from ..engine.summary import summarise
from ..extensions import db
from ..models import AuditEvent, Consensus, Procurement, Section, utcnow
from .errors import Refused
from .review_figures import participation

#: Monte-Carlo draws for the official result (the engine's default).
DRAWS = 10_000
#: Procurements whose results one worker keeps (least recently used goes first).
CACHE_SIZE = 16


# ----------------------------------------------------------------------------- typed results


@dataclass(frozen=True)
class DataVersion:
    """How many audit events the procurement has, and the newest one's id (see the module text)."""

    procurement_id: int
    events: int
    last_event: int


@dataclass(frozen=True, eq=False)
class Inputs:
    """The engine inputs of one data version, and what links them back to database rows.

    ``bidder_ids`` and ``section_ids`` are in the engine's order; ``meta`` is the
    adapter's (`engine_adapter.load_inputs`); ``cells`` the per-cell statistics,
    which do not depend on the weights, so a what-if only re-weights them.
    """

    version: DataVersion | None
    engine: EngineInputs
    meta: dict[str, Any]
    combine: str
    disagreement: float
    cells: CellStats = field(repr=False)

    @property
    def bidder_ids(self) -> tuple[int, ...]:
        return tuple(row["id"] for row in self.meta["bidders"])

    @property
    def section_ids(self) -> tuple[int, ...]:
        return tuple(row["id"] for row in self.meta["sections"])


@dataclass(frozen=True, eq=False)
class ModerationRun:
    """Moderation only (no influence, no Monte-Carlo): what the moderation pages need."""

    inputs: Inputs
    moderation: Moderation

    def bidder_index(self) -> dict[int, int]:
        return {b: i for i, b in enumerate(self.inputs.bidder_ids)}

    def section_index(self) -> dict[int, int]:
        return {s: i for i, s in enumerate(self.inputs.section_ids)}


@dataclass(frozen=True, eq=False)
class Outcome:
    """A procurement's result.

    Attributes
    ----------
    procurement_id, reference : which procurement
    final : bool
        True when this is the result stored at finalisation (no engine run).
    version : DataVersion or None
        The data version it was computed from; None when final.
    document : dict
        The JSON document: the engine's (`scoring.engine.report`) plus ``"view"``
        (see `build_document`). This is what finalising stores, what the export
        writes and what ``flask moderate --json`` prints.
    analysis : Analysis or None
        The engine's objects behind a live result; None when final.
    inputs : Inputs or None
        The engine inputs behind a live result; None when final.
    """

    procurement_id: int
    reference: str
    final: bool
    version: DataVersion | None
    document: dict[str, Any] = field(repr=False)
    analysis: Analysis | None = field(default=None, repr=False)
    inputs: Inputs | None = field(default=None, repr=False)
    #: When final: the time it was finalised, which stands in for the data version.
    finalised_at: str | None = None

    @property
    def moderation(self) -> Moderation | None:
        return self.analysis.moderation if self.analysis is not None else None

    @property
    def winner(self) -> str | None:
        return self.document.get("winner")

    @property
    def complete(self) -> bool:
        return bool(self.document.get("complete"))

    @property
    def incomplete(self) -> list[dict[str, str]]:
        return list(self.document.get("incomplete") or [])


# ----------------------------------------------------------------------------- the cache


class _Entry:
    __slots__ = ("version", "inputs", "moderation", "outcomes", "charts")

    def __init__(self, version: Any) -> None:
        self.version = version
        self.inputs: Inputs | None = None
        self.moderation: ModerationRun | None = None
        self.outcomes: dict[tuple[int, int | None], Outcome] = {}
        self.charts: dict[tuple, Any] = {}  # fragment(): rendered text; memo(): any value


class OutcomeCache:
    """Per worker (one per app): procurement id -> what was computed for one data version."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[int, _Entry] = OrderedDict()
        #: How many times the engine ran, by kind; tests read it.
        self.runs: dict[str, int] = {"inputs": 0, "moderation": 0, "outcome": 0, "final": 0}

    def entry(self, procurement_id: int, version) -> _Entry:
        with self.lock:
            found = self.entries.get(procurement_id)
            if found is None or found.version != version:
                found = _Entry(version)
                self.entries[procurement_id] = found
            self.entries.move_to_end(procurement_id)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
            return found

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def cache() -> OutcomeCache:
    """This app's cache (each app, so each test's, has its own)."""
    return current_app.extensions.setdefault("scoring.outcome", OutcomeCache())


# ----------------------------------------------------------------------------- writes in this transaction

_WROTE = "scoring.outcome.wrote"
_VERSIONS = "scoring.outcome.versions"


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context):
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state):
    if state.is_update or state.is_delete or state.is_insert:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session):
    session.info.pop(_WROTE, None)


def _clean() -> bool:
    """True when this session has written nothing in its open transaction."""
    session = db.session()
    clean = not (session.info.get(_WROTE) or session.new or session.dirty or session.deleted)
    if not clean and has_request_context():
        request.environ.pop(_VERSIONS, None)  # a version read before the write is no longer the data's
    return clean


# ----------------------------------------------------------------------------- reading


def data_version(procurement: Procurement) -> DataVersion:
    """The procurement's data version: one indexed query on the audit log, once per request.

    Kept with the request for the rest of it (the moderation run and the inputs both
    ask); `_cached` only asks while the request has written nothing, and a write
    forgets it, so nothing the request changed is missed. Outside a request, every call asks.
    """
    seen = request.environ.setdefault(_VERSIONS, {}) if has_request_context() else {}
    found = seen.get(procurement.id)
    if found is None:
        count, last = db.session.execute(
            select(func.count(AuditEvent.id), func.max(AuditEvent.id)).where(
                AuditEvent.procurement_id == procurement.id
            )
        ).one()
        found = seen[procurement.id] = DataVersion(procurement.id, int(count or 0), int(last or 0))
    return found


def _load(procurement: Procurement, version: DataVersion | None) -> Inputs:
    from .engine_adapter import load_inputs

    try:
        engine, meta = load_inputs(db.session, procurement)
    except ValueError as error:
        refused = Refused(f"The result cannot be worked out as the procurement stands: {error}.")
        refused.detail = str(error)  # the engine's own words, for the command line
        raise refused from None
    combine = procurement.combine_method or "mean"
    return Inputs(
        version=version,
        engine=engine,
        meta=meta,
        combine=combine,
        disagreement=float(procurement.disagreement_threshold),
        cells=cell_stats(engine, combine=combine),
    )


def _cached(
    procurement: Procurement,
    build: Callable[[_Entry, DataVersion | None], Any],
    get: Callable[[_Entry], Any],
    put: Callable[[_Entry, Any], None],
):
    """Get from the cache for the current data version, or build (and keep, if clean)."""
    if not _clean():
        return build(_Entry(None), None)
    version = data_version(procurement)
    entry = cache().entry(procurement.id, version)
    found = get(entry)
    if found is None:
        found = build(entry, version)
        put(entry, found)
    return found


def inputs(procurement: Procurement) -> Inputs:
    """The engine inputs for the current data version."""

    def build(entry, version):
        cache().runs["inputs"] += 1
        return _load(procurement, version)

    return _cached(procurement, build, lambda e: e.inputs, lambda e, v: setattr(e, "inputs", v))


def _inputs_of(entry: _Entry, procurement: Procurement, version) -> Inputs:
    if entry.inputs is None:
        cache().runs["inputs"] += 1
        entry.inputs = _load(procurement, version)
    return entry.inputs


def moderation(procurement: Procurement) -> ModerationRun:
    """Moderated cells, totals and ranks for the current data version (fast: no influence)."""

    def build(entry, version):
        loaded = _inputs_of(entry, procurement, version)
        cache().runs["moderation"] += 1
        m = moderation_from_cells(loaded.engine, loaded.cells, disagreement=loaded.disagreement)
        return ModerationRun(inputs=loaded, moderation=m)

    return _cached(procurement, build, lambda e: e.moderation, lambda e, v: setattr(e, "moderation", v))


def outcome(procurement: Procurement, *, draws: int = DRAWS, seed: int | None = 0) -> Outcome:
    """The procurement's result: the stored one when final, else a live run (cached)."""
    if procurement.is_final and procurement.final_result_json:
        return _final(procurement)

    def build(entry, version):
        return _run(procurement, _inputs_of(entry, procurement, version), draws=draws, seed=seed)

    key = (int(draws), seed)
    return _cached(procurement, build, lambda e: e.outcomes.get(key), lambda e, v: e.outcomes.__setitem__(key, v))


def compute(procurement: Procurement, *, draws: int = DRAWS, seed: int | None = 0) -> Outcome:
    """A fresh run on the data as this transaction sees it; never cached (finalise stores it)."""
    return _run(procurement, _load(procurement, None), draws=draws, seed=seed)


def _final(procurement: Procurement) -> Outcome:
    version = ("final", str(procurement.finalised_at))
    entry = cache().entry(procurement.id, version)
    found = entry.outcomes.get((0, None))
    if found is None:
        cache().runs["final"] += 1
        found = Outcome(
            procurement_id=procurement.id,
            reference=procurement.reference,
            final=True,
            version=None,
            document=procurement.final_document(),
            finalised_at=str(procurement.finalised_at),
        )
        entry.outcomes[(0, None)] = found
    return found


def _run(procurement: Procurement, loaded: Inputs, *, draws: int, seed) -> Outcome:
    cache().runs["outcome"] += 1
    analysis = analyse(loaded.engine, combine=loaded.combine, disagreement=loaded.disagreement, draws=draws, seed=seed)
    document = build_document(procurement, loaded, analysis)
    return Outcome(
        procurement_id=procurement.id,
        reference=procurement.reference,
        final=False,
        version=loaded.version,
        document=document,
        analysis=analysis,
        inputs=loaded,
    )


def _number(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def build_document(procurement: Procurement, loaded: Inputs, analysis: Analysis) -> dict[str, Any]:
    """The engine's document plus ``"view"``: what the pages need to link labels to rows.

    The ``"view"`` key holds, in the engine's order: ``bidders`` and ``sections``
    (database id, code, engine label; sections also title, weight, maximum,
    whether price), per cell (``{bidder label: {section label: ...}}``) the
    engine's ``proposed`` score, the ``spread`` and ``disagreement`` flag and the
    ``consensus`` (value and rationale, or null), ``sweep_lines`` (each bidder's
    total over the patient sections alone and over the others: total(α) = α P +
    (1 − α) O), ``today`` (today's patient weight share), ``draws``,
    ``engine_version``, ``computed_at`` and ``final``.
    """
    inputs = loaded.engine
    document = analysis.to_dict(reference=procurement.reference)
    m, inf = analysis.moderation, analysis.influence
    b_labels, s_labels = inputs.bidder_labels, inputs.section_labels
    titles, key_criteria = {}, {}
    for sid, title, key in db.session.execute(
        select(Section.id, Section.title, Section.key_criterion).where(Section.procurement_id == procurement.id)
    ):
        titles[sid], key_criteria[sid] = title, key
    agreed = {
        (b, s): {"value": v, "rationale": r}
        for b, s, v, r in db.session.execute(
            select(Consensus.bidder_id, Consensus.section_id, Consensus.value, Consensus.rationale)
            .join(Section, Consensus.section_id == Section.id)
            .where(Section.procurement_id == procurement.id)
        )
    }
    bidder_ids, section_ids = loaded.bidder_ids, loaded.section_ids

    def per_cell(fn):
        return {b_labels[b]: {s_labels[s]: fn(b, s) for s in range(len(s_labels))} for b in range(len(b_labels))}

    sweep = inf.sweep_detail
    patient_points = np.nan_to_num(m.fraction * np.asarray(inputs.weights)[None, :] * patient_parts(m))
    document["view"] = {
        "final": False,
        "computed_at": utcnow().isoformat(timespec="seconds"),
        "engine_version": ENGINE_VERSION,
        "draws": analysis.options.get("draws"),
        "bidders": [
            {"id": row["id"], "code": row["code"], "label": b_labels[i]} for i, row in enumerate(loaded.meta["bidders"])
        ],
        "sections": [
            {
                "id": row["id"],
                "code": row["code"],
                "label": s_labels[i],
                "title": titles.get(row["id"], ""),
                "weight": float(inputs.weights[i]),
                "max_score": float(inputs.max_scores[i]),
                "is_price": row["is_price"],
                "key_criterion": key_criteria.get(row["id"]),
            }
            for i, row in enumerate(loaded.meta["sections"])
        ],
        "proposed": per_cell(lambda b, s: _number(m.proposed[b, s])),
        "spread": per_cell(lambda b, s: _number(m.spread[b, s])),
        "disagreement": per_cell(lambda b, s: bool(m.disagreement[b, s])),
        "consensus": per_cell(lambda b, s: agreed.get((bidder_ids[b], section_ids[s]))),
        "sweep_lines": {
            b_labels[b]: [float(sweep.patient_totals[b]), float(sweep.other_totals[b])] for b in range(len(b_labels))
        },
        "today": float(sweep.today),
        # Points each cell adds from patient scores, so the figures per PSR key criterion
        # (scoring/law/key_criteria.py) can be worked out from the stored result.
        "patient_points": per_cell(lambda b, s: float(patient_points[b, s])),
        # Counts for the patient voice review (scoring/services/review_figures.py), kept with
        # the final result so the review reads stored documents only.
        "review": participation(procurement),
    }
    from .moderation_record import view_extras  # reasons, calibration, withdrawal (issue 15)

    bidder_rows = {b.id: b for b in procurement.bidders}
    section_rows = {s.id: s for s in procurement.sections}
    document["view"].update(
        view_extras(
            procurement,
            inputs,
            loaded.meta,
            m,
            [bidder_rows[i] for i in bidder_ids],
            [section_rows[i] for i in section_ids],
        )
    )
    return document


def _version_of(result) -> Any:
    if isinstance(result, ModerationRun):
        return result.inputs.version
    if isinstance(result, Outcome):
        return result.version if not result.final else ("final", result.finalised_at)
    return None


def _procurement_id_of(result) -> int | None:
    if isinstance(result, ModerationRun):
        version = result.inputs.version
        return version.procurement_id if version is not None else None
    return getattr(result, "procurement_id", None)


def fragment(result, key: tuple, render: Callable[[], str]) -> str:
    """``render()``, kept with ``result``'s data version under ``key`` (see `scoring.fragments`).

    Rendered afresh, and not kept, when ``result`` has no version (computed in a
    transaction that wrote something, or not from the gateway).
    """
    version, procurement_id = _version_of(result), _procurement_id_of(result)
    if version is None or procurement_id is None:
        return render()
    entry = cache().entry(procurement_id, version)
    found = entry.charts.get(key)
    if found is None:
        found = entry.charts[key] = str(render())
    return found


def memo(result, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept with ``result``'s data version under ``key``: for values derived
    from the procurement's data alone (never from the viewer or the request)."""
    version, procurement_id = _version_of(result), _procurement_id_of(result)
    if version is None or procurement_id is None:
        return compute()
    entry = cache().entry(procurement_id, version)
    key = ("memo", *key)
    if key not in entry.charts:
        entry.charts[key] = compute()
    return entry.charts[key]


def chart_svg(result: Outcome, name: str, draw: Callable[[], str]) -> str:
    """The drawn chart ``name`` of ``result``, drawn once per data version (or once when final)."""
    return fragment(result, ("chart", name), draw)


# ----------------------------------------------------------------------------- the what-if


def reweighted(
    procurement: Procurement,
    weights: Mapping[str, float],
    *,
    draws: int = 0,
    seed: int | None = 0,
    loaded: Inputs | None = None,
) -> Analysis:
    """The analysis with trial ``weights`` ({section code: percent}), from cached inputs.

    Only the weights change, so the cell statistics (and with them every
    moderated score) are reused; ``draws`` 0 skips the Monte-Carlo.
    """
    loaded = loaded or inputs(procurement)
    try:
        engine = loaded.engine.with_weights([float(weights[c]) for c in loaded.engine.section_labels])
    except (KeyError, ValueError) as error:
        raise Refused(f"These weights cannot be used: {error}.") from None
    m = moderation_from_cells(engine, loaded.cells, disagreement=loaded.disagreement)
    inf = influence(m)
    sensitivity = None
    if draws:
        sensitivity = win_probabilities(m.fraction, engine.weights, m.failing, draws=draws, seed=seed)
    options = {
        "combine": loaded.combine,
        "disagreement": loaded.disagreement,
        "draws": int(draws),
        "concentration": 200.0,
        "seed": seed,
    }
    return Analysis(
        moderation=m, influence=inf, sensitivity=sensitivity, summary=summarise(m, inf, sensitivity), options=options
    )


def lent_inputs(procurement: Procurement, weights: Mapping[str, float]) -> Inputs:
    """Inputs when the official weights do not add up to 100 yet (set-up): not cached.

    The adapter (rightly) refuses such weights, so the trial weights are lent to
    the sections for the read only: no flush can happen meanwhile, and expiring
    afterwards discards them.
    """
    with db.session.no_autoflush:
        try:
            for section in procurement.sections:
                section.weight = float(weights[section.code])
            return _load(procurement, None)
        finally:
            for section in procurement.sections:
                db.session.expire(section, ["weight"])


def live_moderation(procurement: Procurement):
    """Moderation only, as ``(moderation, bidders, sections)`` in the engine's order.

    Through the outcome gateway (cached by data version); the models come from the
    procurement's already-loaded relationships, so this adds no query per row.
    """
    run = moderation(procurement)
    bidders = {b.id: b for b in procurement.bidders}
    sections = {s.id: s for s in procurement.sections}
    return (run.moderation, [bidders[i] for i in run.inputs.bidder_ids], [sections[i] for i in run.inputs.section_ids])
