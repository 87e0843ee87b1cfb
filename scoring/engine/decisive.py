"""When the patient scores decide the winner, as the patient weight share α moves.

For a share α in [0, 1], re-weight as the sweep does (`scoring.engine.sweep`):
the patient sections (patient-only and shared) together weigh α, the others
1 − α, each group keeping its own proportions.

W(α)
    The winner at those weights with every score: the single passing bidder
    with the highest ``α P + (1 − α) O`` (P, O as in the sweep).
C(α)
    The winner at those weights without the patient scores (the counterfactual
    of `scoring.engine.influence.group_alone`): shared sections moderated from
    the panel's scores alone, patient-only sections dropped, the rest rescaled.
    Dropping a patient-only section and rescaling divides every bidder's total
    by the same positive factor ``α s + (1 − α)`` (s: the shared sections'
    part of the patient weight), so C ranks bidders by ``α Pc + (1 − α) O``,
    with Pc the panel-only totals over the patient sections (0 in the dropped
    ones) rescaled as P is. Passing is the counterfactual's own (thresholds on
    the sections kept), which does not depend on α.

The patient scores are **decisive at α** when W(α) ≠ C(α) (either may be "no
single winner"). Both are upper envelopes of lines in α, so the α where either
changes are found in closed form by `sweep._envelope`, with no grid search; the
decisive set is the union of the pieces between those points where the two
winners differ, returned as closed intervals. Two conventions:

* at an isolated α where bidders tie exactly (an interval's end) the interval
  is counted as decisive: intervals are closed and touching ones are merged;
* at α = 1 with no shared sections the counterfactual has no weight left and
  no winner; that single point is ignored (the interval near 1 is the limit).

If the patient sections or the others weigh nothing, α moves nothing (as in the
sweep): the patient scores are decisive on all of [0, 1] when today's winner
differs from the counterfactual's, and nowhere otherwise.

Across many procurements, the **decisive rate** D(α) is the share of them whose
intervals contain α. `alpha_half` gives the smallest α with D(α) ≥ ½, exactly:
D only changes at interval ends, and with closed intervals it reaches its
value on each step at the step's left end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from . import ranking
from .cells import PANEL_COLUMN
from .influence import group_alone
from .moderation import Moderation
from .sweep import TABLE_ALPHAS, _envelope

#: Pieces shorter than this are the rounding of a single point, not an interval.
_POINT = 1e-12

Piece = tuple[float, float, "int | None"]
Interval = tuple[float, float]


@dataclass(frozen=True)
class Decisive:
    """Where, over α in [0, 1], the patient scores decide the winner.

    Attributes
    ----------
    intervals : tuple of (start, end)
        Closed, sorted, disjoint intervals of α where W(α) ≠ C(α).
    with_patient, without_patient : tuple of (start, end, winner)
        The pieces of W and of C (winner None for a tie or no passing bidder).
    """

    intervals: tuple[Interval, ...]
    with_patient: tuple[Piece, ...]
    without_patient: tuple[Piece, ...]

    def at(self, alpha: float) -> bool:
        return is_decisive(self.intervals, alpha)

    def as_lists(self) -> list[list[float]]:
        return [[float(a), float(b)] for a, b in self.intervals]


def winner_pieces(a: np.ndarray, c: np.ndarray, passing: np.ndarray) -> tuple[Piece, ...]:
    """Pieces (start, end, winner) of the upper envelope of the passing bidders' lines a + c α.

    ``passing`` is a boolean mask over all bidders; winners are indices into all bidders.
    """
    index = np.flatnonzero(np.asarray(passing, dtype=bool))
    if index.size == 0:
        return ((0.0, 1.0, None),)
    pieces: list[Piece] = []
    for start, end, leading in _envelope(np.asarray(a, float)[index], np.asarray(c, float)[index]):
        winner = int(index[next(iter(leading))]) if len(leading) == 1 else None
        if pieces and pieces[-1][2] == winner:
            pieces[-1] = (pieces[-1][0], end, winner)
        else:
            pieces.append((start, end, winner))
    return tuple(pieces)


def _winner_on(pieces: Sequence[Piece], middle: float) -> int | None:
    for start, end, winner in pieces:
        if start <= middle <= end:
            return winner
    return None


def compare_pieces(with_patient: Sequence[Piece], without_patient: Sequence[Piece]) -> tuple[Interval, ...]:
    """Closed intervals where the two piecewise-constant winners differ (touching ones merged)."""
    edges = sorted(
        {
            0.0,
            1.0,
            *(p[0] for p in with_patient),
            *(p[1] for p in with_patient),
            *(p[0] for p in without_patient),
            *(p[1] for p in without_patient),
        }
    )
    intervals: list[list[float]] = []
    for start, end in zip(edges, edges[1:]):
        if end - start <= _POINT:
            continue
        middle = 0.5 * (start + end)
        if _winner_on(with_patient, middle) == _winner_on(without_patient, middle):
            continue
        if intervals and start - intervals[-1][1] <= _POINT:
            intervals[-1][1] = end
        else:
            intervals.append([start, end])
    return tuple((float(a), float(b)) for a, b in intervals)


def decisive_from_lines(
    p: np.ndarray, o: np.ndarray, passing: np.ndarray, p_without: np.ndarray, passing_without: np.ndarray
) -> Decisive:
    """The decisive intervals from the lines α P + (1 − α) O with and α Pc + (1 − α) O without.

    Parameters
    ----------
    p, o : (n_bidders,) the with-patient lines' ends (value at α = 1 and at α = 0)
    passing : (n_bidders,) bool, bidders who can win with every score
    p_without : (n_bidders,) the counterfactual's value at α = 1 (its value at 0 is ``o``)
    passing_without : (n_bidders,) bool, bidders who pass in the counterfactual
    """
    o = np.asarray(o, float)
    w = winner_pieces(o, np.asarray(p, float) - o, passing)
    c = winner_pieces(o, np.asarray(p_without, float) - o, passing_without)
    return Decisive(compare_pieces(w, c), w, c)


def decisive(m: Moderation) -> Decisive:
    """The exact intervals of α where the patient scores of ``m`` decide the winner."""
    weights = np.asarray(m.inputs.weights, dtype=float)
    patient = m.patient_sections
    patient_weight = float(weights[patient].sum())
    other_weight = float(weights[~patient].sum())
    without = group_alone(m, PANEL_COLUMN)
    if not (patient_weight > 0 and other_weight > 0):
        # α cannot move the totals (as in the sweep): today's winners hold on all of [0, 1]
        w = ((0.0, 1.0, m.leader),)
        c = ((0.0, 1.0, without.leader),)
        return Decisive(compare_pieces(w, c), w, c)
    scale_p, scale_o = 100.0 / patient_weight, 100.0 / other_weight
    p = m.fraction[:, patient] @ weights[patient] * scale_p
    o = m.fraction[:, ~patient] @ weights[~patient] * scale_o
    fraction_without = ranking.normalised(without.moderated, np.asarray(m.inputs.max_scores, float))
    p_without = fraction_without[:, patient] @ weights[patient] * scale_p
    return decisive_from_lines(p, o, ~m.failing, p_without, ~without.failing)


def is_decisive(intervals: Iterable[Sequence[float]], alpha: float) -> bool:
    """Whether α lies in one of the closed intervals."""
    return any(a - _POINT <= alpha <= b + _POINT for a, b in intervals)


def decisive_rate(all_intervals: Sequence[Iterable[Sequence[float]]], alpha: float) -> float:
    """D(α): the share of the procurements whose intervals contain α (0 when there are none)."""
    all_intervals = [list(i) for i in all_intervals]
    if not all_intervals:
        return 0.0
    return sum(is_decisive(i, alpha) for i in all_intervals) / len(all_intervals)


def rate_table(
    all_intervals: Sequence[Iterable[Sequence[float]]], alphas: Sequence[float] = TABLE_ALPHAS
) -> list[tuple[float, float, list[int]]]:
    """(α, D(α), indices of the procurements decisive at α) for each α of the chart table."""
    all_intervals = [list(i) for i in all_intervals]
    table = []
    for alpha in alphas:
        members = [k for k, i in enumerate(all_intervals) if is_decisive(i, alpha)]
        rate = len(members) / len(all_intervals) if all_intervals else 0.0
        table.append((float(alpha), rate, members))
    return table


def _counts(all_intervals: Sequence[Iterable[Sequence[float]]], alphas: np.ndarray) -> np.ndarray:
    """How many procurements are decisive at each α: one procurement's intervals are disjoint,
    so counting the intervals that contain α counts the procurements (with `is_decisive`'s slack)."""
    starts = np.sort(np.array([float(a) for i in all_intervals for a, _ in i] or [np.inf]))
    ends = np.sort(np.array([float(b) for i in all_intervals for _, b in i] or [np.inf]))
    return np.searchsorted(starts - _POINT, alphas, side="right") - np.searchsorted(ends + _POINT, alphas, side="left")


def alpha_half(all_intervals: Sequence[Iterable[Sequence[float]]]) -> float | None:
    """The smallest α in [0, 1] with D(α) ≥ ½, or None if D never reaches one half.

    D is a step function that changes only at interval ends; on each step it
    takes its value at the step's left end (intervals are closed), so checking
    0 and every end finds the exact minimum.
    """
    all_intervals = [list(i) for i in all_intervals]
    if not all_intervals:
        return None
    candidates = np.array(sorted({0.0, *(float(x) for i in all_intervals for pair in i for x in pair)}))
    reached = np.flatnonzero(2 * _counts(all_intervals, candidates) >= len(all_intervals))
    return float(candidates[reached[0]]) if reached.size else None


def rate_steps(all_intervals: Sequence[Iterable[Sequence[float]]]) -> list[tuple[float, float, float]]:
    """D(α) exactly, as steps (start, end, rate) covering [0, 1], for drawing the curve.

    Between two consecutive interval ends D is constant; each step carries its
    value inside the step. At a step's ends D may be higher (closed intervals),
    which `alpha_half` and `decisive_rate` take into account; a picture cannot show
    a single point, so the steps leave it out. Neighbouring steps with the same
    rate are merged.
    """
    all_intervals = [list(i) for i in all_intervals]
    if not all_intervals:
        return [(0.0, 1.0, 0.0)]
    edges = sorted({0.0, 1.0, *(min(max(float(x), 0.0), 1.0) for i in all_intervals for pair in i for x in pair)})
    pairs = [(a, b) for a, b in zip(edges, edges[1:]) if b - a > _POINT]
    counts: np.ndarray | list[int] = (
        _counts(all_intervals, np.array([0.5 * (a + b) for a, b in pairs])) if pairs else []
    )
    steps: list[tuple[float, float, float]] = []
    for (start, end), count in zip(pairs, counts):
        rate = int(count) / len(all_intervals)
        if steps and steps[-1][2] == rate:
            steps[-1] = (steps[-1][0], end, rate)
        else:
            steps.append((start, end, rate))
    return steps or [(0.0, 1.0, decisive_rate(all_intervals, 0.0))]
