"""What the stored result keeps about moderation itself, beside the engine's numbers.

`view_extras` is added to the result document's ``"view"`` by
`outcome.build_document`, so a final procurement keeps exactly what was known
when it was decided (the award record):

* ``agreement``: per cell, ``"consensus"``, ``"accepted"`` (the lead accepted the
  proposed score with a reason), ``"price"``, or null (no reason: only before final);
* ``accepted``: per cell, the accepted score, its reason and any warning kept, or null;
* ``mean``: per cell, the mean of the evaluators' counted scores (null where none);
* ``calibration``: each evaluator's and each group's scores against the agreed
  scores, with plain-English notes (`scoring.engine.calibration`), for the lead only;
* ``moves``: per group, how many cells moderation moved and by how much;
* ``withdrawal``: per bidder, whether its withdrawal would change the others' order
  (`scoring.engine.withdrawal`: the price formula is relative).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import numbers
from ..engine import calibration, withdrawal
from ..models import Procurement
from .moderation import acceptance_map, consensus_map, evaluator_numbers

GROUP_NAMES = {"patient": "Patient representatives", "panel": "The panel"}


def _number(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def view_extras(procurement: Procurement, inputs, meta: dict, m, bidders, sections) -> dict[str, Any]:
    b_labels, s_labels = inputs.bidder_labels, inputs.section_labels
    agreed, accepted = consensus_map(procurement), acceptance_map(procurement)
    means = calibration.group_means(inputs.scores, inputs.groups, None)

    def per_cell(fn):
        return {b_labels[b]: {s_labels[s]: fn(b, s) for s in range(len(s_labels))} for b in range(len(b_labels))}

    def agreement(b, s):
        key = (bidders[b].id, sections[s].id)
        if sections[s].is_price:
            return "price"
        if key in agreed:
            return "consensus"
        acceptance = accepted.get(key)
        proposed = float(m.proposed[b, s])
        if acceptance is not None and proposed == proposed and abs(acceptance.value - proposed) <= 1e-9:
            return "accepted"
        return None

    def accepted_of(b, s):
        a = accepted.get((bidders[b].id, sections[s].id))
        if a is None or agreement(b, s) != "accepted":
            return None
        return {"value": a.value, "rationale": a.rationale, "kept_warnings": bool(a.kept_warnings)}

    calibrated = calibration_of(procurement, inputs, meta, m)

    prices = np.array([np.nan if b.price is None else b.price for b in bidders], dtype=float)
    price_mask = np.array([s.is_price for s in sections], dtype=bool)
    outs = withdrawal.withdrawals(m.moderated, prices, price_mask, inputs.weights, inputs.max_scores, inputs.thresholds)
    return {
        "agreement": per_cell(agreement),
        "accepted": per_cell(accepted_of),
        "mean": per_cell(lambda b, s: _number(means[b, s])),
        **calibrated,
        "withdrawal": {
            b_labels[w.bidder]: {
                "changes_order": w.changes_order,
                "ranks": {b_labels[i]: r for i, r in w.ranks.items()},
            }
            for w in outs
        },
    }


def calibration_of(procurement: Procurement, inputs, meta: dict, m, run=None) -> dict[str, Any]:
    """``{"calibration": ..., "moves": ...}`` of `view_extras`: each evaluator's and each group's
    scores against the moderated ones, with the notes, and what moderation moved."""
    s_labels = inputs.section_labels
    people, groups = calibration.calibrate(inputs.scores, m.moderated, inputs.groups)
    numbers = evaluator_numbers(procurement, run)
    evaluators = []
    for e, entry in enumerate(meta["evaluators"]):
        evaluators.append(
            {
                "id": entry["id"],
                "name": entry["name"],
                "group": entry["group"],
                "number": numbers.get(entry["id"], ""),
                **people[e].to_dict(s_labels),
            }
        )
    group_rows = {g: {"name": GROUP_NAMES[g], **c.to_dict(s_labels)} for g, c in groups.items()}
    moves = {g: mv.to_dict() for g, mv in calibration.moves(inputs.scores, m.moderated, inputs.groups).items()}
    return {
        "calibration": {"evaluators": evaluators, "groups": group_rows, "notes": notes(evaluators, group_rows)},
        "moves": moves,
    }


# ----------------------------------------------------------------------------- the notes


def _pts(value: float) -> str:
    shown = numbers.points(abs(value))
    return f"{shown} {'point' if shown == '1.0' else 'points'}"


def note_for(who: str, row: dict) -> list[str]:
    """Plain-English sentences about one evaluator's (or group's) calibration row."""
    n, mean, low, high = row["cells"], row["mean"], row["low"], row["high"]
    if not n:
        return []
    answers = f"{n} {'answer' if n == 1 else 'answers'}"
    out = []
    if abs(mean) < 0.05:
        out.append(f"{who} scored on average the same as the agreed score, over {answers}.")
    elif low is not None and (low > 0 or high < 0):
        out.append(
            f"{who} scored on average {_pts(mean)} {'above' if mean > 0 else 'below'} the agreed score "
            f"(95% interval {low:+.1f} to {high:+.1f}, over {answers})."
        )
    else:
        interval = f"; the 95% interval, {low:+.1f} to {high:+.1f}, includes no difference" if low is not None else ""
        out.append(
            f"{who} scored on average {_pts(mean)} {'above' if mean > 0 else 'below'} the agreed score, "
            f"over {answers}{interval}, so this may be chance."
        )
    if row["far_cells"]:
        out.append(
            f"{who} {'were' if who in GROUP_NAMES.values() else 'was'} 2 or more points from the agreed "
            f"score in {row['far_cells']} of {answers}."
        )
    if row["flat_sections"]:
        sections = row["flat_sections"]
        out.append(
            f"{who} gave the same score to every bidder in "
            f"{'section' if len(sections) == 1 else 'sections'} {', '.join(sections)}."
        )
    return out


def notes(evaluators: list[dict], groups: dict[str, dict]) -> list[str]:
    out = []
    for row in evaluators:
        out += note_for(row["name"], row)
    for row in groups.values():
        out += note_for(row["name"], row)
    return out


def live_calibration(procurement: Procurement, run=None) -> dict[str, Any]:
    """The calibration and moves of the scores as they stand (for the moderation overview).

    With ``run`` (`outcome.moderation`), worked out once per data version (it is the
    better part of a second at 60 bidders x 80 sections x 30 evaluators).
    """
    from . import outcome
    from .outcome import live_moderation

    if run is not None:
        return outcome.memo(
            run,
            ("live-calibration",),
            lambda: calibration_of(procurement, run.inputs.engine, run.inputs.meta, run.moderation, run),
        )
    loaded = outcome.inputs(procurement)
    m, _bidders, _sections = live_moderation(procurement)
    return calibration_of(procurement, loaded.engine, loaded.meta, m)
