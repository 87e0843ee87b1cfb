"""Weighted totals, ranks and the winner: the tie rules live here, and only here.

Rules
-----
* A bidder's **weighted total** is the sum over sections of
  ``weight × moderated score / maximum score``: 0 to 100 when the weights sum
  to 100. A cell with no moderated score yet adds nothing (the result is then
  incomplete, see `scoring.engine.moderation`).
* Two totals **tie** when they differ by at most 1e-9 (`TIE_TOLERANCE`), which
  absorbs floating-point noise and nothing else.
* A bidder **fails** when its moderated score in any section is below that
  section's threshold by more than 1e-9. Failing bidders rank after every
  passing bidder.
* **Rank** 1 is best. Within the passing bidders (and then within the failing
  ones), a bidder's rank is 1 + the number of bidders in its group whose total
  is higher by more than the tolerance; so tied bidders share a rank and the
  next rank is skipped (1, 2, 2, 4). Failing bidders' ranks continue after the
  last passing bidder's.
* The **leader** is the single passing bidder ranked 1. There is none when no
  bidder passes or when two or more passing bidders tie for first: the engine
  does not break ties; the procurement's own tie-break rule (for example the
  lower price) decides and is recorded by the lead.
"""

from __future__ import annotations

import numpy as np

TIE_TOLERANCE = 1e-9


def normalised(moderated: np.ndarray, max_scores: np.ndarray) -> np.ndarray:
    """(n_bidders, n_sections) moderated score as a fraction of the maximum, 0 where missing."""
    fraction = moderated / max_scores[None, :]
    return np.where(np.isnan(fraction), 0.0, fraction)


def weighted_totals(fraction: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(n_bidders,) sum over sections of weight × fraction of the maximum score.

    Parameters
    ----------
    fraction : (n_bidders, n_sections) float array, from `normalised`
    weights : (n_sections,) float array, percent
    """
    totals: np.ndarray = fraction @ np.asarray(weights, dtype=float)
    return totals


def failing_sections(moderated: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """(n_bidders, n_sections) bool: moderated score below the section threshold.

    A missing moderated score or a missing threshold never fails.
    """
    with np.errstate(invalid="ignore"):
        return moderated < thresholds[None, :] - TIE_TOLERANCE


def rank(totals: np.ndarray, failing: np.ndarray) -> np.ndarray:
    """(n_bidders,) int ranks, 1 best, ties sharing a rank, failing bidders last.

    Parameters
    ----------
    totals : (n_bidders,) float array
    failing : (n_bidders,) bool array
    """
    totals = np.asarray(totals, dtype=float)
    failing = np.asarray(failing, dtype=bool)
    ranks = np.empty(totals.shape, dtype=np.int64)
    offset = 0
    for members in (~failing, failing):
        group = totals[members]
        ordered = np.sort(group)
        # bidders whose total is higher than mine by more than the tolerance
        higher = group.size - np.searchsorted(ordered, group + TIE_TOLERANCE, side="right")
        ranks[members] = offset + 1 + higher
        offset += group.size
    return ranks


def leader(ranks: np.ndarray, failing: np.ndarray) -> int | None:
    """Index of the single passing bidder ranked 1, or None (no bidder, none passing, or a tie)."""
    first = np.flatnonzero((ranks == 1) & ~failing)
    return int(first[0]) if first.size == 1 else None


def tied_first(ranks: np.ndarray, failing: np.ndarray) -> tuple[int, ...]:
    """Indices of the passing bidders ranked 1 when two or more share first place, else ()."""
    first = np.flatnonzero((ranks == 1) & ~failing)
    return tuple(int(i) for i in first) if first.size > 1 else ()


def runners_up(ranks: np.ndarray, failing: np.ndarray, winner: int | None) -> tuple[int, ...]:
    """Passing bidders with the best rank after the winner (several if they tie), or ()."""
    if winner is None:
        return ()
    others = ~failing
    others[winner] = False
    if not others.any():
        return ()
    best = ranks[others].min()
    return tuple(int(i) for i in np.flatnonzero(others & (ranks == best)))


def ranking_order(ranks: np.ndarray) -> np.ndarray:
    """Bidder indices from rank 1 down; equal ranks keep the input order."""
    return np.argsort(ranks, kind="stable")
