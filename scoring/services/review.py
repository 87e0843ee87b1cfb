"""The patient voice review: procurement-level figures across finalised procurements.

Everything comes from the documents stored at finalising (`outcome.build_document`,
with ``influence.decisive_intervals`` and ``view.review``): no engine run and no
score is read. A row holds procurement-level figures only: no evaluator's name
or score, and bidders by code except the awarded provider (the winner, named as
in the contract award).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer

from ..engine.decisive import alpha_half, rate_steps, rate_table
from ..extensions import db
from ..models import Bidder, Procurement, Role, Status, User


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    until: date | None = None
    regime: str | None = None
    service_type: str | None = None


def visible_procurements(viewer: User | None, filters: Filters = Filters()) -> list[Procurement]:
    """Finalised procurements the viewer may review: all for involvement leads and
    administrators, their own for procurement leads, none for anyone else. ``None``
    (the command line, run by whoever runs the server) sees all."""
    # The stored document is big and rows are cached (`row`): load it only when a row is made.
    query = (
        select(Procurement)
        .options(defer(Procurement.final_result_json))
        .where(Procurement.status == Status.FINAL, Procurement.final_result_json.is_not(None))
    )
    if viewer is None:
        pass
    elif viewer.role is Role.LEAD:
        query = query.where(Procurement.lead_id == viewer.id)
    elif viewer.role not in (Role.ADMIN, Role.REVIEWER):
        return []
    if filters.since:
        query = query.where(Procurement.finalised_at >= datetime.combine(filters.since, time.min))
    if filters.until:
        query = query.where(Procurement.finalised_at <= datetime.combine(filters.until, time.max))
    if filters.regime:
        query = query.where(Procurement.regime == filters.regime)
    if filters.service_type:
        query = query.where(Procurement.service_type == filters.service_type)
    return list(db.session.scalars(query.order_by(Procurement.finalised_at, Procurement.reference)))


def service_types(viewer: User | None) -> list[str]:
    """The service types of the procurements the viewer may review, for the filter."""
    return sorted({p.service_type for p in visible_procurements(viewer) if p.service_type})


def _winner_name(procurement: Procurement, code: str | None, names: dict[tuple[int, str], str]) -> str | None:
    return None if code is None else names.get((procurement.id, code)) or code


def _bidder_names(procurements: list[Procurement]) -> dict[tuple[int, str], str]:
    """Every bidder's name by (procurement id, code), in one query for rows not made yet."""
    ids = [p.id for p in procurements if _row_key(p) not in _ROWS]
    if not ids:
        return {}
    found = select(Bidder.procurement_id, Bidder.code, Bidder.name).where(Bidder.procurement_id.in_(ids))
    return {(pid, code): name for pid, code, name in db.session.execute(found) if name}


#: Rows already made, by database, procurement and finalising time. A final result never changes
#: and finalising cannot be undone, so a row once made stays right; parsing 200 stored documents
#: on every review page would cost seconds.
_ROWS: dict[tuple, dict[str, Any]] = {}
_ROWS_KEPT = 5000


def _row_key(procurement: Procurement) -> tuple:
    return (id(db.engine), str(db.engine.url), procurement.id, procurement.reference, procurement.finalised_at)


def row(procurement: Procurement, names: dict[tuple[int, str], str]) -> dict[str, Any]:
    """One review row from the stored final result (a copy: callers may change it); ``names``:
    the bidders' names by (procurement id, code), from `_bidder_names`."""
    key = _row_key(procurement)
    if key not in _ROWS:
        if len(_ROWS) >= _ROWS_KEPT:
            _ROWS.clear()
        _ROWS[key] = _make_row(procurement, names)
    made = _ROWS[key]
    return {
        **made,
        "krippendorff_alpha": dict(made["krippendorff_alpha"]),
        "decisive_intervals": [list(x) for x in made["decisive_intervals"]],
    }


def stored_figures(document: dict[str, Any]) -> str:
    """The review row's figures from a final result document, as stored beside it at finalising."""
    inf = document["influence"]
    counts = document.get("view", {}).get("review") or {}
    figures = {
        "bidders": counts.get("bidders", len(document.get("bidders", []))),
        "sections": counts.get("sections", len(document.get("sections", []))),
        "patient_reps_taking_part": counts.get("patient_reps_taking_part"),
        "patient_reps_on_paper": counts.get("patient_reps_on_paper"),
        "submitted_all_share": counts.get("submitted_all_share"),
        "winner_code": document.get("winner"),
        "influence": {
            key: inf.get(key)
            for key in (
                "patient_weight_share",
                "nearest_tipping_point",
                "margin",
                "shapley",
                "counterfactual_winner",
                "winner_changed",
                "kendall_tau",
                "krippendorff_alpha",
                "decisive_intervals",
            )
        },
    }
    return json.dumps(figures, sort_keys=True)


def _figures(procurement: Procurement) -> dict[str, Any]:
    # Procurements finalised before the figures were stored fall back to the whole document.
    stored = procurement.review_figures_json or stored_figures(procurement.final_document())
    return json.loads(stored)


def _make_row(procurement: Procurement, names: dict[tuple[int, str], str]) -> dict[str, Any]:
    figures = _figures(procurement)
    inf = figures["influence"]
    share = float(inf["patient_weight_share"])
    nearest = inf.get("nearest_tipping_point")
    margin = float(inf.get("margin") or 0.0)
    shapley_patient = float((inf.get("shapley") or {}).get("patient", 0.0))
    return {
        "reference": procurement.reference,
        "title": procurement.title,
        "regime": procurement.regime,
        "service_type": procurement.service_type or "",
        "finalised": procurement.finalised_at.date().isoformat() if procurement.finalised_at else None,
        "bidders": figures["bidders"],
        "sections": figures["sections"],
        "patient_reps_taking_part": figures["patient_reps_taking_part"],
        "patient_reps_on_paper": figures["patient_reps_on_paper"],
        "submitted_all_share": figures["submitted_all_share"],
        "patient_weight_share": share,
        # the awarded provider is named; the counterfactual winner only by code
        "winner": _winner_name(procurement, figures["winner_code"], names),
        "winner_code": figures["winner_code"],
        "counterfactual_winner": inf.get("counterfactual_winner"),
        "winner_changed": bool(inf.get("winner_changed")),
        "shapley_patient": shapley_patient,
        "margin": margin,
        "shapley_patient_share": shapley_patient / margin if margin > 0 else None,
        "nearest_tipping_point": nearest,
        "tipping_distance": None if nearest is None else abs(float(nearest) - share),
        "kendall_tau": inf.get("kendall_tau"),
        "krippendorff_alpha": dict(inf.get("krippendorff_alpha") or {}),
        "decisive_intervals": [list(x) for x in inf.get("decisive_intervals") or []],
    }


def review(viewer: User | None, filters: Filters = Filters()) -> dict[str, Any]:
    """Rows, the decisive rate D(α) at α = 0, 0.05, ..., 1 and α½ for the procurements in view."""
    procurements = visible_procurements(viewer, filters)
    names = _bidder_names(procurements)
    rows = [row(p, names) for p in procurements]
    intervals = [r["decisive_intervals"] for r in rows]
    table = [
        {"alpha": alpha, "rate": rate, "decisive": [rows[k]["reference"] for k in members]}
        for alpha, rate, members in rate_table(intervals)
    ]
    return {
        "procurements": rows,
        "decisive_rate": table,
        "alpha_half": alpha_half(intervals),
        "decisive_steps": rate_steps(intervals),
    }


def charts(data: dict[str, Any], *, today: float | None = None) -> dict[str, Any]:
    """The review's two charts (inline SVG, `scoring.review_charts`) from `review`'s data."""
    from ..review_charts import decisive_rate_chart, margin_scatter

    rows = data["procurements"]
    return {
        "rate": decisive_rate_chart(
            data["decisive_steps"],
            [(r["alpha"], r["rate"]) for r in data["decisive_rate"]],
            total=len(rows),
            alpha_half=data["alpha_half"],
            today=today,
            names=[r["decisive"] for r in data["decisive_rate"]],
        ),
        "scatter": margin_scatter(
            [(r["reference"], r["patient_weight_share"], r["shapley_patient_share"]) for r in rows]
        ),
    }


#: The keys of each procurement in `flask review --json` (issue 18), in order.
JSON_KEYS = (
    "reference",
    "patient_weight_share",
    "winner",
    "counterfactual_winner",
    "winner_changed",
    "shapley_patient",
    "margin",
    "nearest_tipping_point",
    "kendall_tau",
    "decisive_intervals",
)


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """The command line's JSON document; ``winner`` is the winner's code, like the counterfactual's."""
    procurements = []
    for r in data["procurements"]:
        item = {key: r[key] for key in JSON_KEYS}
        item["winner"] = r["winner_code"]
        procurements.append(item)
    return {"procurements": procurements, "decisive_rate": data["decisive_rate"], "alpha_half": data["alpha_half"]}


_INTERVALS_CACHE: dict[tuple, list[list[list[float]]]] = {}


def _all_intervals() -> list[list[list[float]]]:
    """Every finalised procurement's stored decisive intervals. A final result never changes and
    finalising cannot be undone, so how many there are and the latest finalising time identify
    the set: parsed once per worker, not on every move of the what-if slider."""
    from sqlalchemy import func

    final = (Procurement.status == Status.FINAL, Procurement.final_result_json.is_not(None))
    counts = select(func.count(Procurement.id), func.max(Procurement.finalised_at), func.max(Procurement.id))
    key = (id(db.engine), str(db.engine.url), *db.session.execute(counts.where(*final)).one())
    if key not in _INTERVALS_CACHE:
        _INTERVALS_CACHE.clear()
        found = db.session.scalars(select(Procurement).options(defer(Procurement.final_result_json)).where(*final))
        _INTERVALS_CACHE[key] = [
            [list(x) for x in _figures(p)["influence"].get("decisive_intervals") or []] for p in found
        ]
    return _INTERVALS_CACHE[key]


def evidence(share: float) -> dict[str, Any] | None:
    """For the what-if page in set-up: of all finalised procurements, how many the patient
    scores would have decided at this patient weight share, and D(α) for the curve.
    Aggregates only (no references), so any lead may see it. None when nothing is finalised."""
    from ..engine.decisive import is_decisive

    intervals = _all_intervals()
    if not intervals:
        return None
    decided = sum(is_decisive(i, share) for i in intervals)
    return {
        "decisive": decided,
        "total": len(intervals),
        "share": share,
        "sentence": evidence_sentence(decided, len(intervals), share),
        "table": [(alpha, rate) for alpha, rate, _ in rate_table(intervals)],
        "steps": rate_steps(intervals),
        "alpha_half": alpha_half(intervals),
    }


#: Said beside the evidence wherever it is shown: the review informs the weights, it does not set them.
NOT_ADVICE = (
    "This is evidence from past procurements, not advice: the right weights depend on this "
    "service and what matters to its patients."
)


def evidence_sentence(decided: int, total: int, share: float) -> str:
    from ..numbers import percent

    at = f"patient scores at this weight share ({percent(share)})"
    if total == 1:
        return (
            f"In the one procurement finalised in the patient voice review, {at} would "
            f"{'' if decided else 'not '}have decided the winner."
        )
    return (
        f"In {decided} of the {total} procurements finalised in the patient "
        f"voice review, {at} would have decided the winner."
    )


def evidence_chart(ev: dict[str, Any]):
    """The D(α) curve for the what-if page, with this procurement's share marked."""
    from ..review_charts import decisive_rate_chart

    return decisive_rate_chart(
        ev["steps"],
        ev["table"],
        total=ev["total"],
        alpha_half=ev["alpha_half"],
        today=ev["share"],
        prefix="evidence-rate",
    )
