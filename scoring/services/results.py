"""What the results pages make of a procurement's result.

The result itself comes from the outcome gateway (`scoring.services.outcome`):
the document stored at finalisation when the procurement is final (so what is
shown later is exactly what was decided, whatever the code does since),
otherwise a live run of the engine on today's scores, cached per data version.

This module turns an `Outcome` into view models: rows for the ranking and the
breakdown, the patient influence in words, and the charts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import charts
from ..engine import ranking  # the tie and leader rule is the engine's
from ..extensions import db
from ..models import AuditEvent, Bidder, Procurement, Status, User
from ..numbers import percent, points, score, split  # noqa: F401 (percent, points, score: wording helpers' home)
from . import outcome
from .outcome import DRAWS, Outcome, live_moderation  # noqa: F401  (DRAWS: the official result's draws)

#: Audit actions that change the official weights (set-up and what-if services).
WEIGHT_ACTIONS = ("weights.changed", "weights.applied", "weight.changed")
CHART_NAMES = ("totals-by-section", "totals-by-group", "winner-sweep", "win-probabilities")


# ----------------------------------------------------------------------------- getting the result


def result_document(procurement: Procurement) -> dict[str, Any]:
    """The result's JSON document: ``outcome.outcome(procurement).document`` (see the gateway)."""
    return outcome.outcome(procurement).document


# ----------------------------------------------------------------------------- reading a document


@dataclass(frozen=True)
class BidderResult:
    bidder: Bidder
    label: str  # the engine's label (the code)
    display: str  # what the viewer may call the bidder
    total: float
    rank: int
    failing: bool
    failing_sections: list[str]
    moderated: dict[str, float | None]  # section label -> score
    points: dict[str, float]  # section label -> weighted points
    patient: float
    panel: float
    fixed: float
    cf_total: float
    cf_rank: int
    rank_change: int
    probability: float | None


class ResultView:
    """A result document read for one viewer: rows, sentences and charts."""

    def __init__(self, procurement: Procurement, result: Outcome | dict[str, Any], viewer: User | None = None):
        self.procurement = procurement
        self.outcome = result if isinstance(result, Outcome) else None
        document = result.document if isinstance(result, Outcome) else result
        self.doc = document
        self.view = document["view"]
        self.viewer = viewer
        bidders = {b.id: b for b in procurement.bidders}
        sections = {s.id: s for s in procurement.sections}
        self.sections = [(entry, sections.get(entry["id"])) for entry in self.view["sections"]]
        self.section_by_label = {entry["label"]: entry for entry in self.view["sections"]}
        inf = document["influence"]
        cf = {row["code"]: row for row in inf["counterfactual"]}
        weights = {e["label"]: (e["weight"], e["max_score"]) for e in self.view["sections"]}
        sensitivity = document.get("sensitivity") or {}
        self.bidders: list[BidderResult] = []
        for entry, row in zip(self.view["bidders"], document["bidders"]):
            bidder = bidders[entry["id"]]
            label = row["code"]
            moderated = row["moderated"]
            points = {s: (0.0 if v is None else weights[s][0] * v / weights[s][1]) for s, v in moderated.items()}
            self.bidders.append(
                BidderResult(
                    bidder=bidder,
                    label=label,
                    display=bidder.label_for(viewer) if viewer is not None else bidder.code,
                    total=row["total"],
                    rank=row["rank"],
                    failing=row["failing"],
                    failing_sections=row["failing_sections"],
                    moderated=moderated,
                    points=points,
                    patient=inf["contribution"][label],
                    panel=inf["panel_contribution"][label],
                    fixed=inf["fixed_contribution"][label],
                    cf_total=cf[label]["total"],
                    cf_rank=cf[label]["rank"],
                    rank_change=cf[label]["rank_change"],
                    probability=sensitivity.get(label),
                )
            )
        self.by_label = {b.label: b for b in self.bidders}

    # -- basics
    @property
    def final(self) -> bool:
        return bool(self.view.get("final"))

    @property
    def ranked(self) -> list[BidderResult]:
        return sorted(self.bidders, key=lambda b: (b.rank, self.bidders.index(b)))

    @property
    def winner(self) -> BidderResult | None:
        return self.by_label.get(self.doc.get("winner") or "")

    @property
    def leader(self) -> BidderResult | None:
        return self.by_label.get(self.doc.get("leader") or "")

    @property
    def has_price(self) -> bool:
        return any(e["is_price"] for e in self.view["sections"])

    def name(self, label: str | None) -> str:
        return self.by_label[label].display if label in self.by_label else (label or "")

    def names(self, labels) -> str:
        return join([self.name(label) for label in labels])

    def summary(self) -> list[str]:
        """The engine's sentences, with legal names swapped for codes where the viewer may not see them."""
        sentences = list(self.doc.get("summary", []))
        for b in self.bidders:
            if b.display != b.bidder.name and b.bidder.name and b.bidder.name != b.label:
                sentences = [s.replace(b.bidder.name, b.display) for s in sentences]
        return sentences

    # -- the patient influence, in words
    def influence_sentences(self) -> list[str]:
        inf = self.doc["influence"]
        n = len(self.view["sections"])
        patient_sections = inf["patient_sections"]
        out = []
        if not patient_sections:
            return ["Patient representatives did not score any section, so their scores could not change the result."]
        out.append(
            f"Patient representatives scored {len(patient_sections)} of {n} sections "
            f"({join(patient_sections)}), worth {percent(inf['patient_weight_share'], exact=True)} of the marks."
        )
        leader = self.leader
        cf_winner = inf.get("counterfactual_winner")
        if leader is not None:
            if inf["winner_changed"] and cf_winner:
                out.append(
                    f"Without the patient scores, {self.name(cf_winner)} would have ranked first "
                    f"instead of {leader.display}. The patient scores changed the winner."
                )
            elif inf["winner_changed"]:
                out.append(
                    f"Without the patient scores, no single bidder would have ranked first. "
                    f"With them, {leader.display} did."
                )
            else:
                moved = [b for b in self.bidders if b.rank_change]
                sentence = (
                    f"Without the patient scores, {leader.display} would still have ranked first, "
                    "so the patient scores did not change the winner"
                )
                if moved:
                    sentence += (
                        f", but {len(moved)} {'bidder' if len(moved) == 1 else 'bidders'} would have changed places"
                    )
                out.append(sentence + ".")
        margin, shapley = inf.get("margin", 0.0), inf["shapley"]
        runners = inf.get("runner_up") or []
        if leader is not None and runners and margin >= 0.05:
            runner = self.names(runners)
            p, q = shapley["patient"], shapley["panel"]
            # Rounded together, so the two parts add up to the lead as it is written.
            p_text, q_text = split([p, q], whole=margin)
            if p >= 0 and q >= 0:
                out.append(
                    f"{leader.display} finished {points(margin)} points ahead of {runner}. Sharing that "
                    f"lead out fairly between the two groups (a Shapley split), about {p_text} points "
                    f"of it came from patient scores and {q_text} from the panel's."
                )
            elif p < 0:
                out.append(
                    f"{leader.display} finished {points(margin)} points ahead of {runner}, but the patient "
                    f"scores favoured {runner}: they took about {-p_text} points off the lead "
                    "(a Shapley split of the lead)."
                )
            else:
                out.append(
                    f"{leader.display} finished {points(margin)} points ahead of {runner} because of the "
                    f"patient scores: the panel's scores on their own favoured {runner} by about "
                    f"{-q_text} points (a Shapley split of the lead)."
                )
        tipping = inf.get("tipping_points") or []
        today = self.view["today"]
        if tipping:
            for t in tipping:
                side = "more" if t >= today else "less"
                beyond = self.leader_at(t + 1e-6 if t >= today else t - 1e-6)
                who = f"{beyond} would have ranked first" if beyond else "first place would have been shared"
                out.append(
                    f"If the patient-scored sections had been worth {side} than {percent(t, exact=True)} "
                    f"of the marks (instead of {percent(today, exact=True)}), {who}."
                )
        elif 0 < today < 1 and leader is not None:
            out.append(
                f"However much the patient-scored sections had been worth, {leader.display} would "
                "still have ranked first."
            )
        return out

    def leader_at(self, alpha: float) -> str | None:
        """The display name of the single passing leader when patient sections weigh ``alpha``."""
        alpha = min(max(alpha, 0.0), 1.0)
        lines = self.view["sweep_lines"]
        totals = np.array([alpha * lines[b.label][0] + (1 - alpha) * lines[b.label][1] for b in self.bidders])
        failing = np.array([bool(b.failing) for b in self.bidders], dtype=bool)
        first = ranking.leader(ranking.rank(totals, failing), failing) if self.bidders else None
        return None if first is None else self.name(self.bidders[first].label)

    # -- charts
    def chart(self, name: str, *, draw: bool = True) -> charts.Chart:
        ranked = self.ranked
        labels = [b.label for b in ranked]
        if name == "totals-by-section":
            parts = [(e["code"], [b.points[e["label"]] for b in ranked]) for e in self.view["sections"]]
            return charts.stacked_totals(
                labels,
                parts,
                name=name,
                part_heading="Section",
                title="Each bidder's total, split by section",
                draw=draw,
            )
        if name == "totals-by-group":
            parts = [("Patient scores", [b.patient for b in ranked]), ("Panel scores", [b.panel for b in ranked])]
            if self.has_price:
                parts.append(("Price formula", [b.fixed for b in ranked]))
            return charts.stacked_totals(
                labels,
                parts,
                name=name,
                part_heading="Who scored",
                title="Each bidder's total, split by who scored it",
                draw=draw,
            )
        if name == "winner-sweep":
            lines = self.view["sweep_lines"]
            return charts.winner_sweep(
                labels,
                [lines[x][0] for x in labels],
                [lines[x][1] for x in labels],
                today=self.view["today"],
                tipping_points=self.doc["influence"].get("tipping_points") or [],
                failing=[b.failing for b in ranked],
                name=name,
                draw=draw,
            )
        if name == "win-probabilities":
            return charts.win_probabilities(
                labels, [b.probability or 0.0 for b in ranked], name=name, draws=self.view.get("draws"), draw=draw
            )
        raise KeyError(name)

    def charts(self, *, draw: bool = False) -> dict[str, charts.Chart]:
        """Every chart of the page; by default without drawing (the image route draws).

        Each is built when first looked up, so a page part kept by ``{% cache %}``
        costs nothing for its charts' tables.
        """
        names = [n for n in CHART_NAMES if n != "win-probabilities" or self.doc.get("sensitivity")]
        return _Charts(self, names, draw)


class _Charts(dict):
    """{name: Chart}, each chart built on first lookup; names not in it are missing."""

    def __init__(self, view: ResultView, names: list[str], draw: bool):
        super().__init__()
        self._view, self._names, self._draw = view, names, draw

    def __missing__(self, name: str) -> charts.Chart:
        if name not in self._names:
            raise KeyError(name)
        chart = self[name] = self._view.chart(name, draw=self._draw)
        return chart

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name) -> bool:
        return name in self._names

    def keys(self):
        return list(self._names)

    def values(self):
        return [self[name] for name in self._names]

    def items(self):
        return [(name, self[name]) for name in self._names]


# ----------------------------------------------------------------------------- weights changed


def _scoring_opened_at(procurement: Procurement):
    """When scoring first opened (from the audit log), or None if it never has."""
    return db.session.scalar(
        select(AuditEvent.at)
        .where(
            AuditEvent.procurement_id == procurement.id,
            AuditEvent.action == "procurement.status_changed",
            AuditEvent.after_json.like(f'%"{Status.SCORING}"%'),
        )
        .order_by(AuditEvent.id)
        .limit(1)
    )


def weight_changes(procurement: Procurement) -> list[dict[str, Any]]:
    """Official weight changes made after scoring opened: when, who, from what, to what, why."""
    opened = _scoring_opened_at(procurement)
    if opened is None:
        return []
    events = db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(
            AuditEvent.procurement_id == procurement.id, AuditEvent.action.in_(WEIGHT_ACTIONS), AuditEvent.at >= opened
        )
        .order_by(AuditEvent.id)
    )
    changes = []
    for event in events:
        before, after = _weights_of(event.before_json), _weights_of(event.after_json)
        rows = [
            (code, before.get(code), after.get(code))
            for code in list(dict.fromkeys([*before, *after]))
            if before.get(code) != after.get(code)
        ]
        changes.append(
            {
                "at": event.at,
                "actor": event.actor.name if event.actor else "Someone",
                "changes": rows,
                "reason": event.reason,
            }
        )
    return changes


def price_changes(procurement: Procurement) -> list[dict[str, Any]]:
    """Price changes made after scoring opened: when, who, which bidder, from what, to what, why."""
    opened = _scoring_opened_at(procurement)
    if opened is None:
        return []
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.procurement_id == procurement.id, AuditEvent.action == "price.set", AuditEvent.at >= opened)
        .order_by(AuditEvent.id)
    )
    changes = []
    for event in events:
        before = json.loads(event.before_json) if event.before_json else {}
        after = json.loads(event.after_json) if event.after_json else {}
        changes.append(
            {
                "at": event.at,
                "actor": event.actor.name if event.actor else "Someone",
                "bidder": after.get("bidder") or before.get("bidder"),
                "before": before.get("price"),
                "after": after.get("price"),
                "reason": event.reason,
            }
        )
    return changes


def _weights_of(text: str | None) -> dict[str, float]:
    """{section code: weight} from the audit JSON of any of the weight actions."""
    if not text:
        return {}
    data = json.loads(text)
    if isinstance(data, dict) and isinstance(data.get("weights"), dict):
        data = data["weights"]
    if isinstance(data, dict) and "weight" in data:
        code = data.get("section") or data.get("code") or ""
        return {str(code): data["weight"]}
    if isinstance(data, dict):
        return {str(k): v for k, v in data.items() if isinstance(v, (int, float))}
    return {}


# ----------------------------------------------------------------------------- wording


def join(names) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
