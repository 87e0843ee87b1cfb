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
    query = select(Procurement).where(Procurement.status == Status.FINAL.value,
                                      Procurement.final_result_json.is_not(None))
    if viewer is None:
        pass
    elif viewer.role == Role.LEAD.value:
        query = query.where(Procurement.lead_id == viewer.id)
    elif viewer.role not in (Role.ADMIN.value, Role.REVIEWER.value):
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


def _winner_name(procurement: Procurement, code: str | None) -> str | None:
    if code is None:
        return None
    bidder = db.session.scalar(select(Bidder).where(Bidder.procurement_id == procurement.id,
                                                    Bidder.code == code))
    return bidder.name if bidder is not None and bidder.name else code


def row(procurement: Procurement) -> dict[str, Any]:
    """One review row from the stored final result."""
    doc = json.loads(procurement.final_result_json)
    inf = doc["influence"]
    view = doc.get("view", {})
    counts = view.get("review") or {}
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
        "bidders": counts.get("bidders", len(doc.get("bidders", []))),
        "sections": counts.get("sections", len(doc.get("sections", []))),
        "patient_reps_taking_part": counts.get("patient_reps_taking_part"),
        "patient_reps_on_paper": counts.get("patient_reps_on_paper"),
        "submitted_all_share": counts.get("submitted_all_share"),
        "patient_weight_share": share,
        # the awarded provider is named; the counterfactual winner only by code
        "winner": _winner_name(procurement, doc.get("winner")),
        "winner_code": doc.get("winner"),
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
    rows = [row(p) for p in visible_procurements(viewer, filters)]
    intervals = [r["decisive_intervals"] for r in rows]
    table = [{"alpha": alpha, "rate": rate, "decisive": [rows[k]["reference"] for k in members]}
             for alpha, rate, members in rate_table(intervals)]
    return {"procurements": rows, "decisive_rate": table, "alpha_half": alpha_half(intervals),
            "decisive_steps": rate_steps(intervals)}


def charts(data: dict[str, Any], *, today: float | None = None) -> dict[str, Any]:
    """The review's two charts (inline SVG, `scoring.review_charts`) from `review`'s data."""
    from ..review_charts import decisive_rate_chart, margin_scatter

    rows = data["procurements"]
    return {
        "rate": decisive_rate_chart(data["decisive_steps"], [(r["alpha"], r["rate"]) for r in data["decisive_rate"]],
                                    total=len(rows), alpha_half=data["alpha_half"], today=today,
                                    names=[r["decisive"] for r in data["decisive_rate"]]),
        "scatter": margin_scatter([(r["reference"], r["patient_weight_share"], r["shapley_patient_share"])
                                   for r in rows]),
    }


#: The keys of each procurement in `flask review --json` (issue 18), in order.
JSON_KEYS = ("reference", "patient_weight_share", "winner", "counterfactual_winner", "winner_changed",
             "shapley_patient", "margin", "nearest_tipping_point", "kendall_tau", "decisive_intervals")


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """The command line's JSON document; ``winner`` is the winner's code, like the counterfactual's."""
    procurements = []
    for r in data["procurements"]:
        item = {key: r[key] for key in JSON_KEYS}
        item["winner"] = r["winner_code"]
        procurements.append(item)
    return {"procurements": procurements, "decisive_rate": data["decisive_rate"],
            "alpha_half": data["alpha_half"]}


_INTERVALS_CACHE: dict[tuple, list[list[list[float]]]] = {}


def _all_intervals() -> list[list[list[float]]]:
    """Every finalised procurement's stored decisive intervals. A final result never changes and
    finalising cannot be undone, so how many there are and the latest finalising time identify
    the set: parsed once per worker, not on every move of the what-if slider."""
    from sqlalchemy import func

    final = (Procurement.status == Status.FINAL.value, Procurement.final_result_json.is_not(None))
    counts = select(func.count(Procurement.id), func.max(Procurement.finalised_at), func.max(Procurement.id))
    key = (id(db.engine), str(db.engine.url), *db.session.execute(counts.where(*final)).one())
    if key not in _INTERVALS_CACHE:
        _INTERVALS_CACHE.clear()
        _INTERVALS_CACHE[key] = [
            [list(x) for x in json.loads(text)["influence"].get("decisive_intervals") or []]
            for text in db.session.scalars(select(Procurement.final_result_json).where(*final))]
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
    return {"decisive": decided, "total": len(intervals), "share": share,
            "sentence": evidence_sentence(decided, len(intervals), share),
            "table": [(alpha, rate) for alpha, rate, _ in rate_table(intervals)],
            "steps": rate_steps(intervals), "alpha_half": alpha_half(intervals)}


#: Said beside the evidence wherever it is shown: the review informs the weights, it does not set them.
NOT_ADVICE = ("This is evidence from past procurements, not advice: the right weights depend on this "
              "service and what matters to its patients.")


def evidence_sentence(decided: int, total: int, share: float) -> str:
    return (f"In {decided} of the {total} procurements finalised in the patient "
            f"voice review, patient scores at this weight share ({round(100 * share)}%) would have "
            "decided the winner.")


def evidence_chart(ev: dict[str, Any]):
    """The D(α) curve for the what-if page, with this procurement's share marked."""
    from ..review_charts import decisive_rate_chart

    return decisive_rate_chart(ev["steps"], ev["table"], total=ev["total"], alpha_half=ev["alpha_half"],
                               today=ev["share"], prefix="evidence-rate")
