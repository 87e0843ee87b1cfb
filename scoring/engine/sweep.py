"""The patient-weight sweep: who would win if patient sections weighed more or less.

Scale the weights of the patient sections (those patient representatives
scored, alone or with the panel) so that together they weigh α, and the other
sections 1 − α, each group keeping its own proportions. A bidder's total is
then linear in α::

    total(α) = α × P + (1 − α) × O

where P is the bidder's total over the patient sections alone (their weights
rescaled to 100) and O its total over the others. Today's share α₀ gives back
the actual totals. The winner at α is the single passing bidder with the
highest total(α) (none if tied within 1e-9).

The α at which the winner changes are found in closed form: walking the upper
envelope of the bidders' lines from α = 0 to 1, each step jumps to the nearest
point where a steeper line overtakes the leading one. Only the points where
the set of leading bidders actually changes are kept, so they are the exact
tipping points, with no grid search. If the patient sections or the others
weigh nothing, α cannot move the totals and there are no tipping points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ranking import TIE_TOLERANCE

#: The α values of the chart table: 0, 0.05, ..., 1.
TABLE_ALPHAS = tuple(round(0.05 * i, 2) for i in range(21))


@dataclass(frozen=True)
class Sweep:
    """Where the winner changes as the patient sections' share of the weight moves.

    Attributes
    ----------
    today : float
        Today's share of the weight held by patient sections (α₀).
    tipping_points : tuple of float
        Sorted α in [0, 1] at which the winner changes.
    nearest : float or None
        The tipping point nearest to ``today``.
    pieces : tuple of (start, end, winner)
        The α intervals between tipping points and the winner on each (None
        for a tie or when no bidder passes).
    table : list of (alpha, winner)
        The winner at α = 0, 0.05, ..., 1, for a chart.
    patient_totals, other_totals : (n_bidders,) float arrays
        P and O above: total(α) = α P + (1 − α) O.
    """

    today: float
    tipping_points: tuple[float, ...]
    nearest: float | None
    pieces: tuple[tuple[float, float, int | None], ...]
    table: list[tuple[float, int | None]]
    patient_totals: np.ndarray
    other_totals: np.ndarray

    def winner_beyond(self, alpha: float) -> int | None:
        """The winner just past tipping point ``alpha``, moving away from today's share."""
        for start, end, winner in self.pieces:
            if alpha >= self.today and start == alpha:
                return winner
            if alpha < self.today and end == alpha:
                return winner
        return None


def _single(top: np.ndarray) -> int | None:
    return int(top[0]) if top.size == 1 else None


def _envelope(a: np.ndarray, c: np.ndarray) -> list[tuple[float, float, frozenset[int]]]:
    """Upper envelope of the lines a + c α on [0, 1], as (start, end, leading set).

    Leading set: the lines within the tie tolerance of the top at the middle of
    the piece. Consecutive pieces with the same leading set are merged.
    """
    pieces: list[tuple[float, float, frozenset[int]]] = []
    start = 0.0
    top_at_zero = np.flatnonzero(a >= a.max() - TIE_TOLERANCE)
    current = int(top_at_zero[np.argmax(c[top_at_zero])])  # leads just after 0
    while True:
        steeper = np.flatnonzero(c > c[current])
        crossings = (a[current] - a[steeper]) / (c[steeper] - c[current])
        ahead = crossings > start
        if ahead.any():
            steeper, crossings = steeper[ahead], crossings[ahead]
            nxt = float(crossings.min())
        else:
            nxt = np.inf
        end = min(nxt, 1.0)
        middle = 0.5 * (start + end)
        values = a + c * middle
        leading = frozenset(int(i) for i in np.flatnonzero(values >= values[current] - TIE_TOLERANCE))
        if pieces and pieces[-1][2] == leading:
            pieces[-1] = (pieces[-1][0], end, leading)
        else:
            pieces.append((start, end, leading))
        if nxt >= 1.0:
            return pieces
        meeting = steeper[crossings <= nxt + 1e-12]
        current = int(meeting[np.argmax(c[meeting])])
        start = nxt


def patient_weight_sweep(
    fraction: np.ndarray, weights: np.ndarray, patient_sections: np.ndarray, failing: np.ndarray
) -> Sweep:
    """Tipping points and chart table of the patient-weight sweep.

    Parameters
    ----------
    fraction : (n_bidders, n_sections) float array
        Moderated score / maximum, 0 where missing.
    weights : (n_sections,) float array, percent
    patient_sections : (n_sections,) bool array
    failing : (n_bidders,) bool array
        Failing bidders cannot win at any α (thresholds do not depend on weights).
    """
    weights = np.asarray(weights, dtype=float)
    patient_weight = float(weights[patient_sections].sum())
    other_weight = float(weights[~patient_sections].sum())
    today = patient_weight / 100.0
    actual = fraction @ weights
    if patient_weight > 0 and other_weight > 0:
        patient_totals = fraction[:, patient_sections] @ weights[patient_sections] * (100.0 / patient_weight)
        other_totals = fraction[:, ~patient_sections] @ weights[~patient_sections] * (100.0 / other_weight)
    else:  # α cannot move anything: every bidder's line is flat at its total
        patient_totals = other_totals = actual

    passing = np.flatnonzero(~np.asarray(failing, dtype=bool))
    a = other_totals[passing]
    c = patient_totals[passing] - other_totals[passing]

    if passing.size == 0:
        return Sweep(
            today,
            (),
            None,
            ((0.0, 1.0, None),),
            [(alpha, None) for alpha in TABLE_ALPHAS],
            patient_totals,
            other_totals,
        )
    table: list[tuple[float, int | None]] = []
    values = a[None, :] + np.asarray(TABLE_ALPHAS)[:, None] * c[None, :]
    for alpha, row in zip(TABLE_ALPHAS, values):
        top = np.flatnonzero(row >= row.max() - TIE_TOLERANCE)
        winner = _single(top)
        table.append((alpha, None if winner is None else int(passing[winner])))

    pieces: list[tuple[float, float, int | None]] = []
    for start, end, leading in _envelope(a, c):
        winner = int(passing[next(iter(leading))]) if len(leading) == 1 else None
        if pieces and pieces[-1][2] == winner:
            pieces[-1] = (pieces[-1][0], end, winner)
        else:
            pieces.append((start, end, winner))
    tipping = tuple(end for start, end, winner in pieces[:-1])
    nearest = min(tipping, key=lambda t: (abs(t - today), t)) if tipping else None
    return Sweep(today, tipping, nearest, tuple(pieces), table, patient_totals, other_totals)
