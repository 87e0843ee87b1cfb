"""Moderated scores, weighted totals, ranks and the winner.

The **moderated score** of a cell (one bidder, one section) is the consensus
score where moderation recorded one, otherwise the evaluators' scores combined
(their mean by default, or their median). A cell with neither is *incomplete*:
it adds nothing to the bidder's total, the result says which cells they are,
and there is no winner until every cell has a moderated score.

Totals, ranks, failing bidders and ties follow the rules in
`scoring.engine.ranking`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import ranking
from .cells import PANEL_COLUMN, PATIENT_COLUMN, CellStats, cell_stats, spread
from .inputs import EngineInputs

#: Spreads this close below the disagreement threshold still count (float noise).
_SPREAD_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Moderation:
    """The moderated result of a procurement.

    Attributes
    ----------
    inputs : EngineInputs
    combine : str
        How evaluators' scores were combined: ``"mean"`` or ``"median"``.
    disagreement_threshold : float
        A cell whose spread is at least this is flagged.
    cells : CellStats
        Per-cell sums, counts and combinations by group.
    proposed : (n_bidders, n_sections) float array
        The evaluators' scores combined; NaN where nobody scored the cell.
    moderated : (n_bidders, n_sections) float array
        Consensus where there is one, else ``proposed``; NaN where neither.
    fraction : (n_bidders, n_sections) float array
        ``moderated / max_score``, 0 where missing.
    totals : (n_bidders,) float array
        Weighted totals, 0 to 100.
    ranks : (n_bidders,) int array
        1 is best; ties (within 1e-9) share a rank; failing bidders come last.
    failing_sections : (n_bidders, n_sections) bool array
        Moderated score below the section's threshold.
    failing : (n_bidders,) bool array
        Below the threshold in at least one section.
    incomplete : tuple of (bidder_index, section_index)
        Cells with neither consensus nor any score, in bidder then section order.
    leader : int or None
        The single passing bidder ranked 1, even while the result is incomplete
        (a provisional leader); None if no bidder passes or first place is tied.
    tied_first : tuple of int
        The passing bidders sharing first place when there is a tie, else ().
    """

    inputs: EngineInputs = field(repr=False)
    combine: str
    disagreement_threshold: float
    cells: CellStats = field(repr=False)
    proposed: np.ndarray = field(repr=False)
    moderated: np.ndarray = field(repr=False)
    fraction: np.ndarray = field(repr=False)
    totals: np.ndarray
    ranks: np.ndarray
    failing_sections: np.ndarray = field(repr=False)
    failing: np.ndarray
    incomplete: tuple[tuple[int, int], ...] = field(repr=False)
    leader: int | None
    tied_first: tuple[int, ...]

    @property
    def complete(self) -> bool:
        """True when every cell has a moderated score."""
        return not self.incomplete

    @property
    def winner(self) -> int | None:
        """Index of the winning bidder: the leader, once the result is complete.

        None while any cell is incomplete, when there are no bidders, when no
        bidder passes every threshold, or when first place is tied.
        """
        return self.leader if self.complete else None

    @cached_property
    def spread(self) -> np.ndarray:
        """(n_bidders, n_sections) highest minus lowest evaluator score; NaN where none.

        Computed on first use: it reads the whole score cube and the totals do
        not need it.
        """
        return spread(self.inputs)

    @cached_property
    def disagreement(self) -> np.ndarray:
        """(n_bidders, n_sections) bool: spread at or above the disagreement threshold."""
        with np.errstate(invalid="ignore"):
            return self.spread >= self.disagreement_threshold - _SPREAD_TOLERANCE

    @property
    def order(self) -> np.ndarray:
        """Bidder indices in ranking order (rank 1 first; equal ranks in input order)."""
        return ranking.ranking_order(self.ranks)

    @property
    def patient_sections(self) -> np.ndarray:
        """(n_sections,) bool: at least one patient representative scored the section."""
        scored: np.ndarray = np.any(self.cells.counts[:, :, PATIENT_COLUMN], axis=0)
        return scored

    @property
    def panel_sections(self) -> np.ndarray:
        """(n_sections,) bool: at least one panel evaluator scored the section."""
        scored: np.ndarray = np.any(self.cells.counts[:, :, PANEL_COLUMN], axis=0)
        return scored

    @property
    def scored_by(self) -> tuple[str, ...]:
        """Per section: ``"patient"``, ``"panel"``, ``"both"`` or ``"neither"``.

        Read from the scores themselves. ``"neither"`` is a section no evaluator
        scored, such as a price section fed in as consensus.
        """
        names = {(True, True): "both", (True, False): "patient", (False, True): "panel", (False, False): "neither"}
        return tuple(names[(bool(p), bool(q))] for p, q in zip(self.patient_sections, self.panel_sections))


def _check_disagreement(disagreement: float) -> float:
    value = float(disagreement)
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"disagreement must be a number, 0 or more; got {disagreement!r}")
    return value


def moderation_from_cells(inputs: EngineInputs, cells: CellStats, *, disagreement: float = 2.0) -> Moderation:
    """Build the `Moderation` from cell statistics already computed (see `cell_stats`)."""
    threshold = _check_disagreement(disagreement)
    proposed = cells.combined
    consensus = inputs.consensus
    moderated = np.where(np.isnan(consensus), proposed, consensus)
    fraction = ranking.normalised(moderated, inputs.max_scores)
    totals = ranking.weighted_totals(fraction, inputs.weights)
    failing_sections = ranking.failing_sections(moderated, inputs.thresholds)
    failing = np.any(failing_sections, axis=1)
    ranks = ranking.rank(totals, failing)
    incomplete = tuple((int(b), int(s)) for b, s in np.argwhere(np.isnan(moderated)))
    return Moderation(
        inputs=inputs,
        combine=cells.combine,
        disagreement_threshold=threshold,
        cells=cells,
        proposed=proposed,
        moderated=moderated,
        fraction=fraction,
        totals=totals,
        ranks=ranks,
        failing_sections=failing_sections,
        failing=failing,
        incomplete=incomplete,
        leader=ranking.leader(ranks, failing),
        tied_first=ranking.tied_first(ranks, failing),
    )


def moderate(inputs: EngineInputs, *, combine: str = "mean", disagreement: float = 2.0) -> Moderation:
    """Moderate a procurement: moderated cells, totals, ranks and failing bidders.

    Parameters
    ----------
    inputs : EngineInputs
    combine : {"mean", "median"}
        How evaluators' scores are combined where there is no consensus.
    disagreement : float
        Spread (highest minus lowest score of a cell) at or above which the
        cell is flagged for discussion; default 2 points.

    Returns
    -------
    Moderation
    """
    threshold = _check_disagreement(disagreement)
    return moderation_from_cells(inputs, cell_stats(inputs, combine=combine), disagreement=threshold)
