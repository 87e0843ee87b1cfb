"""The result as a JSON document and as a plain-text table.

The JSON document (`analysis_to_dict`) has these keys; totals and points are
on the 0 to 100 scale, shares, probabilities and tipping points are fractions
from 0 to 1, bidders and sections are named by their labels (codes), and
bidder lists are in input order:

``reference``, ``engine_version``, ``options``
    The procurement's reference and how the result was computed.
``complete``, ``incomplete``
    Whether every cell has a moderated score; the cells that do not, as
    ``{"bidder": code, "section": code}``.
``sections``
    ``code``, ``weight``, ``max_score``, ``threshold`` (or null) and
    ``scored_by``: "patient", "panel", "both" or "neither" (price).
``bidders``
    ``code``, ``total``, ``rank``, ``failing``, ``failing_sections`` (codes),
    ``moderated`` ({section code: score or null}), ``patient_contribution``.
``winner``, ``leader``, ``tied_first``
    The winner's code (null while incomplete, tied or nobody passes); the
    provisional leader; the codes sharing first place.
``influence``
    ``patient_weight_share``, ``patient_sections``, ``contribution``,
    ``panel_contribution``, ``fixed_contribution`` ({code: points}),
    ``counterfactual`` (``code``, ``total``, ``rank``, ``rank_change``,
    ``failing``), ``counterfactual_winner``, ``winner_changed``, ``shapley``
    (``patient``, ``panel``), ``margin``, ``runner_up`` (codes),
    ``tipping_points``, ``nearest_tipping_point``, ``sweep``
    ([{``alpha``, ``winner``}]), ``kendall_tau``, ``krippendorff_alpha``
    (``patient``, ``panel``), ``decisive_intervals`` ([[start, end], ...]: the
    closed intervals of patient weight share where the patient scores decide the
    winner, `scoring.engine.decisive`).
``sensitivity``
    {code: probability of ranking first}, or null when not computed.
``summary``
    The plain-English sentences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import numbers
from .decisive import decisive
from .moderation import Moderation

if TYPE_CHECKING:
    from .analysis import Analysis


def _number(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def _code(labels: Sequence[str], index: int | None) -> str | None:
    return None if index is None else labels[index]


def moderation_to_dict(m: Moderation) -> dict[str, Any]:
    """The moderation part of the document: sections, bidders, winner, completeness."""
    from .version import ENGINE_VERSION

    inputs = m.inputs
    bidders, sections = inputs.bidder_labels, inputs.section_labels
    return {
        "engine_version": ENGINE_VERSION,
        "complete": m.complete,
        "incomplete": [{"bidder": bidders[b], "section": sections[s]} for b, s in m.incomplete],
        "sections": [
            {
                "code": code,
                "weight": float(inputs.weights[s]),
                "max_score": float(inputs.max_scores[s]),
                "threshold": _number(inputs.thresholds[s]),
                "scored_by": m.scored_by[s],
            }
            for s, code in enumerate(sections)
        ],
        "bidders": [
            {
                "code": code,
                "total": float(m.totals[b]),
                "rank": int(m.ranks[b]),
                "failing": bool(m.failing[b]),
                "failing_sections": [sections[s] for s in range(len(sections)) if m.failing_sections[b, s]],
                "moderated": {sections[s]: _number(m.moderated[b, s]) for s in range(len(sections))},
            }
            for b, code in enumerate(bidders)
        ],
        "winner": _code(bidders, m.winner),
        "leader": _code(bidders, m.leader),
        "tied_first": [bidders[i] for i in m.tied_first],
    }


def analysis_to_dict(analysis: Analysis, *, reference: str | None = None) -> dict[str, Any]:
    """The whole result as a JSON-ready dict (only str, float, int, bool, None, list, dict)."""
    m, inf = analysis.moderation, analysis.influence
    bidders = m.inputs.bidder_labels
    sections = m.inputs.section_labels
    document: dict[str, Any] = {"reference": reference}
    document.update(moderation_to_dict(m))
    document["options"] = dict(analysis.options)
    for b, row in enumerate(document["bidders"]):
        row["patient_contribution"] = float(inf.contribution[b])
    document["influence"] = {
        "patient_weight_share": inf.patient_weight_share,
        "patient_sections": [sections[s] for s in range(len(sections)) if inf.patient_sections[s]],
        "contribution": {code: float(inf.contribution[b]) for b, code in enumerate(bidders)},
        "panel_contribution": {code: float(inf.panel_contribution[b]) for b, code in enumerate(bidders)},
        "fixed_contribution": {code: float(inf.fixed_contribution[b]) for b, code in enumerate(bidders)},
        "counterfactual": [
            {
                "code": code,
                "total": float(inf.counterfactual_totals[b]),
                "rank": int(inf.counterfactual_ranks[b]),
                "rank_change": int(inf.rank_change[b]),
                "failing": bool(inf.counterfactual_failing[b]),
            }
            for b, code in enumerate(bidders)
        ],
        "counterfactual_winner": _code(bidders, inf.counterfactual_winner),
        "winner_changed": bool(inf.winner_changed),
        "shapley": {k: float(v) for k, v in inf.shapley.items()},
        "margin": float(inf.split.margin),
        "runner_up": [bidders[i] for i in inf.split.runners_up],
        "tipping_points": [float(t) for t in inf.tipping_points],
        "nearest_tipping_point": inf.nearest_tipping_point,
        "sweep": [{"alpha": alpha, "winner": _code(bidders, w)} for alpha, w in inf.sweep],
        "kendall_tau": inf.kendall_tau,
        "krippendorff_alpha": dict(inf.krippendorff_alpha),
        # Stored with the final result so the patient voice review needs no engine run.
        "decisive_intervals": decisive(m).as_lists(),
    }
    document["sensitivity"] = (
        None
        if analysis.sensitivity is None
        else {code: float(analysis.sensitivity[b]) for b, code in enumerate(bidders)}
    )
    document["summary"] = list(analysis.summary)
    return document


def to_text(analysis: Analysis, *, reference: str | None = None) -> str:
    """A readable table of the ranking and the influence, then the summary."""
    m, inf = analysis.moderation, analysis.influence
    labels = m.inputs.bidder_labels
    width = max([len("Bidder")] + [len(x) for x in labels])
    lines = []
    if reference:
        lines += [f"Procurement {reference}", ""]
    header = (
        f"{'Rank':>4}  {'Bidder':<{width}}  {'Total':>6}  {'From patients':>13}  "
        f"{'Without patients':>16}  {'Rank without':>12}  {'Chance of 1st':>13}  Status"
    )
    lines += [header, "-" * len(header)]
    for b in m.order:
        status = "fails a threshold" if m.failing[b] else ""
        chance = "" if analysis.sensitivity is None else numbers.percent(analysis.sensitivity[b], exact=True)
        lines.append(
            f"{m.ranks[b]:>4}  {labels[b]:<{width}}  {numbers.points(m.totals[b], 2):>6}  "
            f"{numbers.points(inf.contribution[b], 2):>13}  {numbers.points(inf.counterfactual_totals[b], 2):>16}  "
            f"{inf.counterfactual_ranks[b]:>12}  {chance:>13}  {status}".rstrip()
        )
    lines.append("")
    lines.append(
        f"Winner: {_code(labels, m.winner) or '(none yet)'}"
        + ("" if m.complete else f"  ({len(m.incomplete)} cells still missing)")
    )
    lines.append(f"Patient weight share: {numbers.percent(inf.patient_weight_share, exact=True)}")
    lines.append(f"Winner without patient scores: {_code(labels, inf.counterfactual_winner) or '(none)'}")
    patient_part, panel_part = numbers.split([inf.shapley["patient"], inf.shapley["panel"]], 2, whole=inf.split.margin)
    lines.append(f"Lead split: patient {patient_part}, panel {panel_part} points")
    tipping = ", ".join(numbers.percent(t, exact=True) for t in inf.tipping_points) or "none"
    lines.append(f"Tipping points (patient weight share): {tipping}")
    lines += ["", *analysis.summary]
    return "\n".join(lines)
