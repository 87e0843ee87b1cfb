"""Three to six plain-English sentences about the result, for patient representatives.

Short sentences, everyday words, numbers rounded the way people say them
("about 1.3 points", "30% of the marks"). No statistics words: the Shapley
split is "of Bidder A's 3.8-point lead, about 1.3 points came from patient
scores"; the sensitivity is "came first in 62 out of every 100 tries".

Sentences, most important first; at most six are kept:
1. a warning while scores are still missing;
2. how much of the marks patient representatives scored;
3. who came first, and by how much;
4. what would have happened without the patient scores;
5. where the lead came from;
6. how much the patient sections would have to weigh to change the winner;
7. how firm the winner is when the weights change a little;
8. whether patients and the panel put the bidders in the same order;
9. how many bidders missed a minimum score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import numbers  # the one rounding rule for every figure people read
from .influence import Influence
from .moderation import Moderation

MAX_SENTENCES = 6
MIN_SENTENCES = 3


def percent(fraction: float, *, exact: bool = False) -> str:
    """0.3 -> "30%"; with ``exact``, one decimal where it matters (0.4444 -> "44.4%")."""
    return numbers.percent(fraction, exact=exact)


def points(value: float, digits: int = 1) -> str:
    """A number of points, to one decimal by default: 3.75 -> "3.8"."""
    return numbers.points(value, digits)


def join_names(names: Sequence[str]) -> str:
    """["A"] -> "A"; ["A", "B", "C"] -> "A, B and C"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _missing(m: Moderation) -> str | None:
    if m.complete:
        return None
    n = len(m.incomplete)
    verb = "is" if n == 1 else "are"
    return (
        f"These results are not final: {_plural(n, 'score', 'scores')} {verb} still "
        "missing, so no winner can be named yet."
    )


def _share(m: Moderation, inf: Influence) -> str:
    n_sections = m.inputs.n_sections
    k = int(inf.patient_sections.sum())
    if k == 0:
        return "Patient representatives did not score any section, so their scores could not change the result."
    if k < n_sections:
        which = f"{k} of {n_sections} sections"
    else:
        which = {1: "the only section", 2: "both sections"}.get(n_sections, f"all {n_sections} sections")
    return (
        f"Patient representatives scored {which}, worth {percent(inf.patient_weight_share, exact=True)} of the marks."
    )


def _first(m: Moderation, labels: Sequence[str], runners: Sequence[int]) -> str:
    if m.inputs.n_bidders == 0:
        return "There are no bidders to rank."
    totals = m.totals
    if m.tied_first:
        names = join_names([labels[i] for i in m.tied_first])
        return (
            f"{names} tied for first place with {points(totals[m.tied_first[0]])} points "
            "out of 100; the procurement's tie-break rule decides between them."
        )
    if m.leader is None:
        return "No bidder reached the minimum score in every section, so none can win."
    verb = "ranked" if m.complete else "is currently"
    first, second = totals[m.leader], totals[runners[0]] if runners else None
    digits = 1
    while second is not None and digits < 3 and points(first, digits) == points(second, digits):
        digits += 1  # "51.63 ahead of 51.58", not "51.6 ahead of 51.6"
    sentence = f"{labels[m.leader]} {verb} first with {points(first, digits)} points out of 100"
    if runners:
        sentence += f", ahead of {join_names([labels[i] for i in runners])} with {points(totals[runners[0]], digits)}"
    return sentence + "."


def _without(m: Moderation, inf: Influence, labels: Sequence[str]) -> str | None:
    if not inf.patient_sections.any() or m.inputs.n_bidders == 0:
        return None
    if inf.counterfactual_empty:
        return (
            "Patient representatives scored every section that carries marks, so "
            "without their scores there would be nothing to compare."
        )
    cf = inf.counterfactual_winner
    if cf is None:
        top = np.flatnonzero((inf.counterfactual_ranks == 1) & ~inf.counterfactual_failing)
        if top.size == 0:
            return "Without the patient scores, no bidder would have reached every minimum score."
        return (
            f"Without the patient scores, {join_names([labels[int(i)] for i in top])} would have tied for first place."
        )
    if inf.winner_changed:
        instead = f" instead of {labels[m.leader]}" if m.leader is not None else ""
        return f"Without the patient scores, {labels[cf]} would have ranked first{instead}."
    moved = int(np.count_nonzero(inf.rank_change))
    sentence = f"Without the patient scores, {labels[cf]} would still have ranked first"
    if moved:
        sentence += f", but {_plural(moved, 'bidder', 'bidders')} would have changed places"
    return sentence + "."


def _lead(m: Moderation, inf: Influence, labels: Sequence[str]) -> str | None:
    split = inf.split
    if split.winner is None or not split.runners_up or not inf.patient_sections.any() or not m.panel_sections.any():
        return None
    winner = labels[split.winner]
    runner = join_names([labels[i] for i in split.runners_up])
    margin, patient, panel = split.margin, split.patient, split.panel
    if margin < 0.05:
        return None
    # Rounded together, so the two parts add up to the lead as it is written.
    patient_part, panel_part = numbers.split([patient, panel], whole=margin)
    if patient >= 0 and panel >= 0:
        return (
            f"Of {winner}'s {points(margin)}-point lead over {runner}, about "
            f"{patient_part} points came from patient scores and {panel_part} "
            "from the panel's."
        )
    if patient < 0:
        helped, hurt = "the panel's scores", "the patient scores"
        by_helped, by_hurt = panel_part, patient_part
    else:
        helped, hurt = "the patient scores", "the panel's scores"
        by_helped, by_hurt = patient_part, panel_part
    return (
        f"{winner} finished {points(margin)} points ahead of {runner}: {helped} put "
        f"{winner} about {by_helped} points ahead, and {hurt} took about "
        f"{-by_hurt} points of that back."
    )


def _tipping(m: Moderation, inf: Influence, labels: Sequence[str]) -> str | None:
    sweep = inf.sweep_detail
    if not inf.patient_sections.any() or inf.counterfactual_empty:
        return None
    nearest = inf.nearest_tipping_point
    if nearest is None:
        winners = {w for _, w in inf.sweep}
        if m.leader is not None and winners == {m.leader} and 0 < sweep.today < 1:
            return (
                f"However much the patient-scored sections had been worth, "
                f"{labels[m.leader]} would still have ranked first."
            )
        return None
    beyond = sweep.winner_beyond(nearest)
    direction = "more" if nearest >= sweep.today else "less"
    who = f"{labels[beyond]} would have ranked first" if beyond is not None else "first place would have been shared"
    return (
        f"If the patient-scored sections had been worth {direction} than "
        f"{percent(nearest, exact=True)} of the marks (instead of "
        f"{percent(sweep.today, exact=True)}), {who}."
    )


def _firmness(m: Moderation, sensitivity: np.ndarray | None, labels: Sequence[str]) -> str | None:
    if sensitivity is None or m.inputs.n_bidders == 0 or not sensitivity.sum() > 0:
        return None
    if m.leader is not None:
        chance = points(100 * float(sensitivity[m.leader]), 0)
        how_often = "every time" if chance == "100" else f"in {chance} out of every 100 tries"
        return (
            f"When the section weights were changed a little at random, "
            f"{labels[m.leader]} still came first {how_often}."
        )
    best = int(np.argmax(sensitivity))
    return (
        f"When the section weights were changed a little at random, {labels[best]} "
        f"came first most often, in {points(100 * float(sensitivity[best]), 0)} out of "
        "every 100 tries."
    )


def _agreement(inf: Influence) -> str | None:
    tau = inf.kendall_tau
    if tau is None:
        return None
    if tau >= 0.7:
        order = "in a very similar order"
    elif tau >= 0.4:
        order = "in a fairly similar order"
    elif tau >= 0.1:
        order = "in a somewhat similar order"
    elif tau > -0.4:
        order = "in quite different orders"
    else:
        order = "in nearly opposite orders"
    return f"On the sections they both scored, patient representatives and the panel put the bidders {order}."


def _failing(m: Moderation) -> str | None:
    n = int(m.failing.sum())
    if n == 0:
        return None
    ranked = "so it is ranked last" if n == 1 else "so they are ranked last"
    return f"Not every bidder reached the minimum score in each section: {n} of {m.inputs.n_bidders} did not, {ranked}."


def summarise(m: Moderation, inf: Influence, sensitivity: np.ndarray | None) -> list[str]:
    """Three to six plain-English sentences describing the result and the patients' influence.

    Parameters
    ----------
    m : Moderation
    inf : Influence
    sensitivity : (n_bidders,) float array or None
        Probability of ranking first; None if it was not computed.

    Returns
    -------
    list of str
    """
    labels = m.inputs.bidder_labels
    runners = inf.split.runners_up
    candidates = [
        _missing(m),
        _share(m, inf),
        _first(m, labels, runners),
        _without(m, inf, labels),
        _lead(m, inf, labels),
        _tipping(m, inf, labels),
        _firmness(m, sensitivity, labels),
        _agreement(inf),
        _failing(m),
    ]
    sentences = [s for s in candidates if s][:MAX_SENTENCES]
    if len(sentences) < MIN_SENTENCES:
        sentences.append(
            "Each bidder's total is out of 100: in each section, its score as a share of "
            "the highest possible score, times the section's weight."
        )
    return sentences[:MAX_SENTENCES]
