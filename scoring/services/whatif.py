"""What-if weights: try other section weights, save them as scenarios, apply one officially.

Weights and the law (Procurement Act 2023, Provider Selection Regime): the award
criteria and their weights are published with the tender, so the official
weights are a design-stage decision. Before scoring opens a lead may apply a
scenario freely; once scoring is open the what-if view is analysis for the
record, and applying a scenario is an exceptional change that needs a written
reason. A final procurement never changes.

Applying writes one audit event, ``weights.applied``, whose ``before`` and
``after`` are ``{section code: weight}`` and whose ``reason`` is the lead's;
the results page reads it to say that the weights changed, from what and why.

The patient weight share (one slider) follows the engine's sweep definition
(`scoring.engine.sweep`): the *patient sections* (scored by patient
representatives alone or with the panel) are rescaled to weigh ``share`` of
the total and the others ``1 - share``, each group keeping its proportions.
Here the patient sections are read from each section's ``scored_by`` (who is
to score it, known at design time); the engine reads them from the scores
given. The two agree once every patient-scored section has a patient score.
Price sections count with the others, as in the engine.

Weights are shown to two decimals; rescaled weights are rounded so and the
left-over is put on the heaviest section, so they still add up to exactly 100.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select

from .. import numbers, rules
from ..extensions import db
from ..models import Procurement, Status, User, WeightScenario, utcnow
from ..problems import Problem
from . import audit
from .errors import Refused, ValidationFailed

#: Monte-Carlo draws for the what-if's sensitivity sentence: fewer than the
#: official result's 10,000, so the page answers while a slider moves.
WHATIF_DRAWS = 2000
DECIMALS = 2


class WeightProblems(ValidationFailed):
    """Weights that cannot be used; ``fields`` names the input of each problem."""

    def __init__(self, problems: Sequence[Problem | tuple[str, str]]):
        pairs = [tuple(problem) for problem in problems]  # (field, message) pairs or rules' Problems
        super().__init__([message for _, message in pairs])
        self.fields = [field for field, _ in pairs]
        self.message = pairs[0][1] if len(pairs) == 1 else self.message


def field_name(section) -> str:
    """The form field (and element id) of a section's weight; by id, as codes may hold spaces."""
    return f"weight-{section.id}"


# ----------------------------------------------------------------------------- weights


def official_weights(procurement: Procurement) -> dict[str, float]:
    return {s.code: float(s.weight) for s in procurement.sections}


def patient_codes(procurement: Procurement) -> list[str]:
    """Sections patient representatives score (alone or with the panel)."""
    return [s.code for s in procurement.sections if s.scored_by.includes("patient")]


def patient_share(procurement: Procurement, weights: Mapping[str, float]) -> float:
    """Fraction (0 to 1) of the total weight held by the patient sections."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(weights[c] for c in patient_codes(procurement)) / total


def _round_to_100(weights: dict[str, float]) -> dict[str, float]:
    """Round to two decimals and put the rounding left-over on the heaviest section,
    so the shown weights still add up to exactly 100."""
    rounded = {code: round(w, DECIMALS) for code, w in weights.items()}
    if not rounded:
        return rounded
    heaviest = max(rounded, key=lambda code: rounded[code])
    rounded[heaviest] = round(rounded[heaviest] + 100.0 - sum(rounded.values()), DECIMALS)
    return rounded


def rescale_to_share(procurement: Procurement, weights: Mapping[str, float], share: float) -> dict[str, float]:
    """Weights with the patient sections worth ``share`` (0 to 1) of 100, proportions kept.

    A group whose sections all weigh 0 shares its part equally among them.
    """
    if not 0.0 <= share <= 1.0 or math.isnan(share):
        raise WeightProblems([("share", "The patient share must be from 0% to 100%.")])
    patient = set(patient_codes(procurement))
    codes = [s.code for s in procurement.sections]
    result: dict[str, float] = {}
    for group, part in ((patient, share), (set(codes) - patient, 1.0 - share)):
        members = [c for c in codes if c in group]
        if not members:
            continue
        weight = sum(weights[c] for c in members)
        for code in members:
            result[code] = 100.0 * part * (weights[code] / weight if weight > 0 else 1 / len(members))
    if not patient or len(patient) == len(codes):  # α cannot move anything
        return _round_to_100({c: float(weights[c]) for c in codes})
    return _round_to_100({c: result[c] for c in codes})


def parse_weights(procurement: Procurement, raw: Mapping[str, Any]) -> dict[str, float]:
    """Read ``{section code: weight}`` typed by the lead; every problem at once.

    ``raw`` maps codes to numbers or text ("20", "12.5", "20%").
    """
    problems: list[Problem | tuple[str, str]] = []
    weights: dict[str, float] = {}
    for section in procurement.sections:
        value, wrong = rules.section_weight(raw.get(section.code), field=field_name(section), code=section.code)
        problems += wrong
        if value is not None:
            weights[section.code] = value
    unknown = sorted(set(raw) - {s.code for s in procurement.sections})
    if unknown:
        problems.append(("weights", f"There is no section {', '.join(unknown)} in this procurement."))
    if not problems:
        first = field_name(procurement.sections[0]) if procurement.sections else "weights"
        problems += rules.weights_total(
            weights.values(), field=first, sentence="The weights add up to {total}. They must add up to 100."
        )
    if problems:
        raise WeightProblems(problems)
    return weights


# ----------------------------------------------------------------------------- analysis


def _inputs(procurement: Procurement, weights: Mapping[str, float]):
    """The gateway's cached inputs and the official moderation; during set-up, when the
    official weights do not add up to 100 yet, inputs read with the trial weights lent
    (not cached) and no official result."""
    from . import outcome

    official = official_weights(procurement)
    if rules.weights_add_up(sum(official.values())):
        run = outcome.moderation(procurement)
        return run.inputs, run.moderation
    return outcome.lent_inputs(procurement, weights), None


def run(
    procurement: Procurement, weights: Mapping[str, float], *, viewer: User, chances: bool = False, draw: bool = False
) -> dict[str, Any]:
    """The result with trial ``weights`` beside the official one, as data (JSON-ready).

    The engine inputs and cell statistics come from the outcome gateway's cache,
    so a move of the slider only re-weights them (moderated cells do not depend
    on the weights). ``chances`` adds the Monte-Carlo chance of ranking first
    (``WHATIF_DRAWS`` draws, tens of milliseconds), which the page asks for once
    the lead stops moving; ``draw`` adds the server-drawn chart for the page
    without JavaScript.

    Keys: ``weights``, ``share`` (patient share, 0 to 1), ``official_share``, ``ranking``
    (rows in trial rank order: ``code``, ``label``, ``total``, ``rank``,
    ``failing``, ``patient_points``, ``official_total``, ``official_rank``,
    ``rank_change``, ``chance`` (0 to 1, or None when not worked out)),
    ``winner`` / ``official_winner`` (labels or None), ``leader``,
    ``complete``, ``missing``, ``scored``, ``summary`` (sentences), ``sweep``
    ([{``share``, ``winner``}]), ``tipping_points``, ``announcement`` (one
    sentence for screen readers), ``chances`` (whether worked out), ``chart``
    (None, or ``title``, ``alt``, ``description``, ``today`` and ``lines``:
    [{``label``, ``patient``, ``other``, ``failing``}], each bidder's total
    ``share × patient + (1 − share) × other``; with ``draw`` also ``head``,
    ``rows`` and ``svg``) and ``changed`` (trial weights differ from the
    official ones).
    """
    from . import outcome

    loaded, official = _inputs(procurement, weights)
    trial = outcome.reweighted(procurement, weights, draws=WHATIF_DRAWS if chances else 0, loaded=loaded)
    official_weights_now = official_weights(procurement)
    codes = list(loaded.engine.bidder_labels)
    by_code = {b.code: b for b in procurement.bidders}
    labels = [by_code[c].label_for(viewer) if c in by_code else c for c in codes]
    m, inf = trial.moderation, trial.influence
    rows = []
    for b in m.order:
        b = int(b)
        row = {
            "code": codes[b],
            "label": labels[b],
            "total": float(m.totals[b]),
            "rank": int(m.ranks[b]),
            "failing": bool(m.failing[b]),
            "patient_points": float(inf.contribution[b]),
            "official_total": None,
            "official_rank": None,
            "rank_change": None,
            "chance": None if trial.sensitivity is None else float(trial.sensitivity[b]),
        }
        if official is not None:
            row.update(
                official_total=float(official.totals[b]),
                official_rank=int(official.ranks[b]),
                rank_change=int(official.ranks[b]) - int(m.ranks[b]),
            )
        rows.append(row)

    def label(index):
        return None if index is None else labels[index]

    share = patient_share(procurement, weights)
    result = {
        "weights": dict(weights),
        "share": share,
        "official_share": patient_share(procurement, official_weights_now),
        "ranking": rows,
        "winner": label(m.winner),
        "leader": label(m.leader),
        "official_winner": label(official.winner) if official is not None else None,
        "official_leader": label(official.leader) if official is not None else None,
        "complete": m.complete,
        "missing": len(m.incomplete),
        "scored": bool(m.patient_sections.any() or m.panel_sections.any()),
        "summary": list(trial.summary),
        "sweep": [{"share": alpha, "winner": label(w)} for alpha, w in inf.sweep],
        "tipping_points": [round(float(t), 6) for t in inf.tipping_points],
        "changed": any(
            abs(weights[c] - official_weights_now[c]) > rules.WEIGHT_TOLERANCE for c in official_weights_now
        ),
        "chances": trial.sensitivity is not None,
        "chart": None,
    }
    result["announcement"] = _announcement(result)
    if result["scored"]:
        from .. import charts

        detail = inf.sweep_detail
        # Codes, not "code (legal name)": long names squeeze the plot out of the picture.
        drawn = charts.winner_sweep(
            codes,
            detail.patient_totals,
            detail.other_totals,
            today=detail.today,
            tipping_points=detail.tipping_points,
            failing=m.failing,
            draw=draw,
        )
        result["chart"] = {
            "title": drawn.title,
            "alt": drawn.alt,
            "description": drawn.description,
            "today": round(float(detail.today), 6),
            "lines": [
                {
                    "label": codes[b],
                    "patient": round(float(detail.patient_totals[b]), 3),
                    "other": round(float(detail.other_totals[b]), 3),
                    "failing": bool(m.failing[b]),
                }
                for b in range(len(codes))
            ],
        }
        if draw:
            result["chart"].update(head=drawn.head, rows=drawn.rows, svg=drawn.svg)
    return result


def _announcement(result: dict[str, Any]) -> str:
    share = numbers.percent(result["share"], exact=True)
    if not result["scored"]:
        return (
            f"Patient-scored sections are worth {share} of the marks. There are no scores yet, "
            "so there is no ranking to show."
        )
    who = result["winner"] or result["leader"]
    if who is None:
        text = "With these weights no single bidder comes first."
    else:
        first = result["ranking"][0]  # a winner or leader is ranked
        verb = "wins" if result["winner"] else "is ahead for now"
        text = f"With these weights {who} {verb} with {numbers.points(first['total'])} points."
    official = result["official_winner"] or result["official_leader"]
    if official and official != who:
        text += f" With the official weights, {official} comes first."
    return text + f" Patient-scored sections are worth {share} of the marks."


# ----------------------------------------------------------------------------- scenarios


def scenarios(procurement: Procurement) -> list[WeightScenario]:
    return list(
        db.session.scalars(
            select(WeightScenario)
            .where(WeightScenario.procurement_id == procurement.id)
            .order_by(WeightScenario.created_at.desc(), WeightScenario.id.desc())
        )
    )


def scenario_weights(scenario: WeightScenario) -> dict[str, float]:
    return {code: float(w) for code, w in json.loads(scenario.weights_json).items()}


def _refuse_if_final(procurement: Procurement) -> None:
    if procurement.is_final:
        raise Refused(rules.FINAL_MESSAGE)


def save_scenario(
    procurement: Procurement, *, name: str, weights: Mapping[str, float | str], actor: User, note: str = ""
) -> WeightScenario:
    """Keep a set of trial weights by name, for the record. Does not change the official weights."""
    _refuse_if_final(procurement)
    name = (name or "").strip()
    if not name:
        raise Refused('Give the scenario a name, for example "Patient sections at 40%".', field="name")
    if len(name) > 200:
        raise Refused("The scenario name must be 200 characters or fewer.", field="name")
    taken = db.session.scalar(
        select(WeightScenario.id).where(
            WeightScenario.procurement_id == procurement.id, func.lower(WeightScenario.name) == name.lower()
        )
    )
    if taken:
        raise Refused(f'There is already a scenario called "{name}". Choose another name.', field="name")
    weights = parse_weights(procurement, weights)
    scenario = WeightScenario(
        procurement_id=procurement.id,
        name=name,
        weights_json=json.dumps(weights, sort_keys=True),
        note=(note or "").strip(),
        created_by_id=actor.id,
    )
    db.session.add(scenario)
    db.session.flush()
    audit.record(
        "scenario.saved",
        actor=actor,
        procurement_id=procurement.id,
        entity="weight_scenario",
        entity_id=scenario.id,
        after={
            "name": name,
            "weights": weights,
            "note": scenario.note,
            "patient_share": round(patient_share(procurement, weights), 6),
        },
    )
    return scenario


def reason_needed(procurement: Procurement) -> bool:
    """Once scoring has opened, the weights were published: changing them needs a reason."""
    return procurement.status is not Status.SETUP


def apply_scenario(
    procurement: Procurement, scenario: WeightScenario, *, actor: User, reason: str = ""
) -> dict[str, dict[str, float]]:
    """Make a saved scenario's weights the official weights. Returns ``{"before", "after"}``.

    No reason is needed during set-up; once scoring is open a written reason is;
    a final procurement is refused.
    """
    _refuse_if_final(procurement)
    if scenario.procurement_id != procurement.id:
        raise Refused("That scenario belongs to another procurement.")
    reason = (reason or "").strip()
    if reason_needed(procurement) and not reason:
        raise Refused(
            f"Scoring has opened for {procurement.reference}, so the weights were published with the "
            "tender. Give a written reason for changing them; it is kept in the audit log and shown "
            "with the results.",
            field="reason",
        )
    weights = scenario_weights(scenario)
    codes = {s.code for s in procurement.sections}
    if set(weights) != codes:
        missing, extra = sorted(codes - set(weights)), sorted(set(weights) - codes)
        detail = "; ".join(
            filter(
                None,
                [
                    f"it has no weight for {', '.join(missing)}" if missing else "",
                    f"it has weights for {', '.join(extra)}, which no longer exist" if extra else "",
                ],
            )
        )
        raise Refused(f'The sections have changed since "{scenario.name}" was saved: {detail}. Save a new scenario.')
    weights = parse_weights(procurement, weights)
    before = official_weights(procurement)
    if before == weights:
        raise Refused(f'"{scenario.name}" has the same weights as the official ones; nothing to change.')
    for section in procurement.sections:
        section.weight = weights[section.code]
    scenario.applied_at = utcnow()
    scenario.applied_by_id = actor.id
    audit.record(
        "weights.applied",
        actor=actor,
        procurement_id=procurement.id,
        entity="weight_scenario",
        entity_id=scenario.id,
        before=before,
        after=weights,
        reason=reason,
    )
    return {"before": before, "after": weights}
