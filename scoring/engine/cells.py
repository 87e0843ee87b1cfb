"""Reduce the evaluator axis: per cell, each group's scores combined into one.

This is the only module that reads the whole (bidders × sections × evaluators)
cube; everything after it works on (bidders × sections) tables, which are
small. The mean path reads the cube once, in blocks that fit in the CPU cache,
and gets both groups' sums and counts from one matrix product per block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .inputs import EngineInputs

COMBINE_METHODS = ("mean", "median")

#: Cells per block: a block of 2,048 cells × 50 evaluators of doubles is 800 kB,
#: small enough to stay in a 2 MB L2 cache while it is read three times.
BLOCK_CELLS = 2048

#: Column order of the per-group arrays.
PATIENT_COLUMN, PANEL_COLUMN = 0, 1


@dataclass(frozen=True, eq=False)
class CellStats:
    """Per-cell summaries of the evaluators' scores, by group.

    Attributes
    ----------
    combine : str
        ``"mean"`` or ``"median"``.
    sums : (n_bidders, n_sections, 2) float array
        Sum of the patient (column 0) and panel (column 1) scores of each cell.
    counts : (n_bidders, n_sections, 2) int array
        How many patient and panel evaluators scored each cell.
    by_group : (n_bidders, n_sections, 2) float array
        Each group's scores combined (mean or median), NaN where the group
        gave no score.
    combined : (n_bidders, n_sections) float array
        All evaluators' scores combined, NaN where nobody scored the cell.
    """

    combine: str
    sums: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)
    by_group: np.ndarray = field(repr=False)
    combined: np.ndarray = field(repr=False)

    @property
    def scored(self) -> np.ndarray:
        """(n_bidders, n_sections) int: how many evaluators scored each cell."""
        scored: np.ndarray = self.counts.sum(axis=2)
        return scored


def _group_matrix(inputs: EngineInputs) -> np.ndarray:
    patient = inputs.patient_evaluators
    return np.stack([patient, ~patient], axis=1)  # (n_evaluators, 2)


def _sums_and_counts(flat: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-group sums and counts of the non-NaN scores of each row of ``flat``.

    ``flat`` is (cells, evaluators), ``groups`` is (evaluators, 2) bool. Scores
    are at least 0 (checked by `EngineInputs`), so ``fmax(x, 0)`` turns NaN
    into 0 and leaves every score unchanged.
    """
    n_cells, n_evaluators = flat.shape
    sums = np.empty((n_cells, 2))
    missing = np.empty((n_cells, 2), dtype=np.float32)  # counts up to 2**24 are exact
    group64 = groups.astype(np.float64)
    group32 = groups.astype(np.float32)
    block = min(BLOCK_CELLS, max(n_cells, 1))
    values = np.empty((block, n_evaluators))
    holes = np.empty((block, n_evaluators), dtype=np.float32)
    for start in range(0, n_cells, block):
        rows = flat[start : start + block]
        k = rows.shape[0]
        np.fmax(rows, 0.0, out=values[:k])
        np.matmul(values[:k], group64, out=sums[start : start + k])
        np.isnan(rows, out=holes[:k])
        np.matmul(holes[:k], group32, out=missing[start : start + k])
    counts = (groups.sum(axis=0)[None, :] - missing).astype(np.int64)
    return sums, counts


def _nan_median(values: np.ndarray) -> np.ndarray:
    """Median over the last axis ignoring NaN; NaN where a row has no value.

    Sorting puts NaN last, so the median of the first n sorted values is read
    off at positions (n - 1) // 2 and n // 2. Much faster than `np.nanmedian`.
    """
    if values.shape[-1] == 0:
        return np.full(values.shape[:-1], np.nan)
    ordered = np.sort(values, axis=-1)
    n = np.count_nonzero(~np.isnan(values), axis=-1)
    low = np.maximum((n - 1) // 2, 0)[..., None]
    high = np.maximum(n // 2, 0)[..., None]
    with np.errstate(invalid="ignore"):
        median: np.ndarray = 0.5 * (np.take_along_axis(ordered, low, -1) + np.take_along_axis(ordered, high, -1))
    median = median[..., 0]
    median[n == 0] = np.nan
    return median


def cell_stats(inputs: EngineInputs, *, combine: str = "mean") -> CellStats:
    """Combine each cell's scores, for all evaluators and for each group alone.

    Parameters
    ----------
    inputs : EngineInputs
    combine : {"mean", "median"}
        How the evaluators' scores of a cell are combined.

    Returns
    -------
    CellStats

    Notes
    -----
    The mean of a cell is the sum of its scores over their count. The median
    of an even number of scores is the mean of the middle two.
    """
    if combine not in COMBINE_METHODS:
        raise ValueError(f"combine must be 'mean' or 'median'; got {combine!r}")
    n_bidders, n_sections, n_evaluators = inputs.shape
    groups = _group_matrix(inputs)
    flat = inputs.scores.reshape(n_bidders * n_sections, n_evaluators)
    sums, counts = _sums_and_counts(flat, groups)
    if combine == "mean":
        # a cell nobody scored has sum 0 and count 0, and 0 / 0 is the NaN it should be
        with np.errstate(invalid="ignore"):
            by_group = sums / counts
            combined = (sums[:, 0] + sums[:, 1]) / (counts[:, 0] + counts[:, 1])
        by_group = by_group.reshape(n_bidders, n_sections, 2)
        combined = combined.reshape(n_bidders, n_sections)
    else:
        scores = inputs.scores
        by_group = np.stack(
            [_nan_median(scores[:, :, groups[:, g]]) for g in (PATIENT_COLUMN, PANEL_COLUMN)],
            axis=2,
        )
        combined = _nan_median(scores)
    sums = sums.reshape(n_bidders, n_sections, 2)
    counts = counts.reshape(n_bidders, n_sections, 2)
    return CellStats(combine=combine, sums=sums, counts=counts, by_group=by_group, combined=combined)


def spread(inputs: EngineInputs) -> np.ndarray:
    """(n_bidders, n_sections) highest minus lowest score of each cell.

    0 where one evaluator scored the cell, NaN where nobody did.
    """
    scores = inputs.scores
    if scores.shape[2] == 0:
        return np.full(scores.shape[:2], np.nan)
    highest_minus_lowest: np.ndarray = np.fmax.reduce(scores, axis=2) - np.fmin.reduce(scores, axis=2)
    return highest_minus_lowest
