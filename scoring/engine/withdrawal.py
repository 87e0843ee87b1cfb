"""Would one bidder's withdrawal change the order of the others?

Sections scored against the criteria do not depend on who else bid, but a price
section does: its score is lowest price ÷ price × maximum, so removing the
cheapest bid lowers the bar and raises every other bidder's price score, each
by a different amount (more for the cheaper ones). That can reorder the rest.
This module recomputes the totals without each bidder in turn, with the price
scores re-based on the lowest remaining price, and compares the order of the
bidders left (ties and failing bidders by the rules of `scoring.engine.ranking`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ranking


@dataclass(frozen=True)
class Withdrawal:
    bidder: int  # the bidder who withdraws
    changes_order: bool  # the others' order differs from today's
    ranks: dict[int, int]  # other bidder index -> rank without ``bidder``
    totals: dict[int, float]  # other bidder index -> total without ``bidder``


def _result(
    moderated: np.ndarray,
    prices: np.ndarray,
    price_sections: np.ndarray,
    weights: np.ndarray,
    max_scores: np.ndarray,
    thresholds: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    moderated = moderated.copy()
    if price_sections.any():
        known = prices[~np.isnan(prices)]
        if known.size:
            lowest = known.min()
            with np.errstate(invalid="ignore", divide="ignore"):
                column = lowest / prices
            moderated[:, price_sections] = column[:, None] * max_scores[None, price_sections]
    totals = ranking.weighted_totals(ranking.normalised(moderated, max_scores), weights)
    failing = np.any(ranking.failing_sections(moderated, thresholds), axis=1)
    return totals, ranking.rank(totals, failing)


def _order_pairs(ranks: np.ndarray) -> np.ndarray:
    """sign(rank_i − rank_j) for every pair: the order, ties included."""
    order: np.ndarray = np.sign(ranks[:, None] - ranks[None, :])
    return order


def withdrawals(
    moderated: np.ndarray,
    prices: np.ndarray,
    price_sections: np.ndarray,
    weights: np.ndarray,
    max_scores: np.ndarray,
    thresholds: np.ndarray | None = None,
) -> list[Withdrawal]:
    """For each bidder: whether the others' order changes if it withdraws.

    Parameters
    ----------
    moderated : (n_bidders, n_sections) moderated scores (price sections' values are replaced)
    prices : (n_bidders,) prices, NaN where unknown
    price_sections : (n_sections,) bool, the sections scored by the price formula
    weights, max_scores, thresholds : (n_sections,) as in `EngineInputs`
    """
    moderated = np.asarray(moderated, dtype=float)
    prices = np.asarray(prices, dtype=float)
    price_sections = np.asarray(price_sections, dtype=bool)
    weights = np.asarray(weights, dtype=float)
    max_scores = np.asarray(max_scores, dtype=float)
    thresholds = np.full(weights.shape, np.nan) if thresholds is None else np.asarray(thresholds, dtype=float)
    n = moderated.shape[0]
    _totals, today = _result(moderated, prices, price_sections, weights, max_scores, thresholds)
    out = []
    for w in range(n):
        keep = np.array([b for b in range(n) if b != w], dtype=np.int64)
        totals, ranks = _result(moderated[keep], prices[keep], price_sections, weights, max_scores, thresholds)
        changed = bool((_order_pairs(ranks) != _order_pairs(today[keep])).any()) if keep.size else False
        out.append(
            Withdrawal(
                w,
                changed,
                {int(b): int(r) for b, r in zip(keep, ranks)},
                {int(b): float(t) for b, t in zip(keep, totals)},
            )
        )
    return out
