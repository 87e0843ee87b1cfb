"""Evaluator calibration: how each evaluator's scores sit against the agreed scores.

For the lead, to plan training and to read the disagreement; never used to change
a score. Everything here is pure numpy on the engine's arrays.

Definitions
-----------
* An evaluator's **differences** are, over the cells they scored that have an
  agreed (moderated) score, their score minus the agreed score. Positive means
  they scored above what was agreed (generous), negative below (harsh).
* **Mean difference**: the mean of the differences, in points.
* **95% interval**: mean ± t × sd / √n, with sd the sample standard deviation
  (n − 1) and t Student's 97.5% quantile on n − 1 degrees of freedom (table
  below, exact to 3 decimals; beyond 30 degrees of freedom interpolated in
  1 / df towards 1.960). None with fewer than 2 cells. It treats the cells as
  independent, which they are not quite (the same answer is read by everyone),
  so it is a guide, not a test.
* **Two or more away**: the share of differences whose size is 2 points or
  more (within 1e-9).
* **Same score to every bidder**: a section in which the evaluator scored at
  least two bidders and gave them all the same score.
* A **group** (patient, panel) pools its evaluators' differences: the cells
  count once per evaluator.

Moderation moves
----------------
For each cell that a group scored and that has an agreed score, the group's
mean score beside the agreed one: the cell is **moved** when they differ by
more than 1e-9; reported per group are the cells, the cells moved, and the
mean size and mean signed value (agreed − group mean) of the moves over all
its cells. ``"all"`` uses every evaluator's scores (the proposed score when
the procurement combines by mean).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

_TOLERANCE = 1e-9
#: Student's t, 97.5% quantile, for 1..30 degrees of freedom.
_T975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)
#: Beyond the table: (degrees of freedom, t), interpolated linearly in 1 / df.
_T975_TAIL = ((30, 2.042), (40, 2.021), (60, 2.000), (120, 1.980), (np.inf, 1.960))
FAR = 2.0


def t975(df: int) -> float:
    """Student's t 97.5% quantile for ``df`` degrees of freedom (df >= 1)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= 30:
        return _T975[df - 1]
    for (d0, t0), (d1, t1) in zip(_T975_TAIL, _T975_TAIL[1:]):
        if df <= d1:
            x0, x1, x = 1 / d0, (0.0 if d1 == np.inf else 1 / d1), 1 / df
            return t0 + (t1 - t0) * (x0 - x) / (x0 - x1)
    return 1.960  # pragma: no cover - the last bound is infinite


@dataclass(frozen=True)
class Calibration:
    """One evaluator's, or one group's, scores against the agreed scores."""

    cells: int
    mean: float | None
    low: float | None
    high: float | None
    far: float | None  # share of cells 2 or more points away
    far_cells: int
    flat_sections: tuple[int, ...]  # section indices with the same score to every bidder

    def to_dict(self, section_labels: Sequence[str] | None = None) -> dict[str, Any]:
        return {
            "cells": self.cells,
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
            "far": self.far,
            "far_cells": self.far_cells,
            "flat_sections": [section_labels[s] if section_labels else s for s in self.flat_sections],
        }


def _summarise(differences: np.ndarray, flat: tuple[int, ...]) -> Calibration:
    n = int(differences.size)
    if n == 0:
        return Calibration(0, None, None, None, None, 0, flat)
    mean = float(differences.mean())
    low = high = None
    if n >= 2:
        half = t975(n - 1) * float(differences.std(ddof=1)) / np.sqrt(n)
        low, high = mean - half, mean + half
    far_cells = int((np.abs(differences) >= FAR - _TOLERANCE).sum())
    return Calibration(n, mean, low, high, far_cells / n, far_cells, flat)


def _flat_sections(scores_e: np.ndarray) -> tuple[int, ...]:
    """Sections (columns of a bidders × sections array) with 2+ scores, all equal."""
    given = ~np.isnan(scores_e)
    counts = given.sum(axis=0)
    with np.errstate(invalid="ignore"):
        top = np.nanmax(np.where(given, scores_e, -np.inf), axis=0)
        bottom = np.nanmin(np.where(given, scores_e, np.inf), axis=0)
    return tuple(int(s) for s in np.flatnonzero((counts >= 2) & (top - bottom <= _TOLERANCE)))


def calibrate(
    scores: np.ndarray, agreed: np.ndarray, groups: Sequence[str]
) -> tuple[list[Calibration], dict[str, Calibration]]:
    """Per-evaluator and per-group calibration.

    Parameters
    ----------
    scores : (n_bidders, n_sections, n_evaluators) float, NaN where not scored
    agreed : (n_bidders, n_sections) float, the moderated scores, NaN where none
    groups : (n_evaluators,) "patient" or "panel"
    """
    scores = np.asarray(scores, dtype=float)
    agreed = np.asarray(agreed, dtype=float)
    groups = tuple(groups)
    if scores.ndim != 3 or agreed.shape != scores.shape[:2] or len(groups) != scores.shape[2]:
        raise ValueError(f"scores {scores.shape}, agreed {agreed.shape} and {len(groups)} groups do not match")
    differences = scores - agreed[:, :, None]  # NaN wherever either is missing
    people = []
    for e in range(scores.shape[2]):
        d = differences[:, :, e]
        people.append(_summarise(d[~np.isnan(d)], _flat_sections(scores[:, :, e])))
    by_group = {}
    for group in ("patient", "panel"):
        members = [e for e, g in enumerate(groups) if g == group]
        if not members:
            continue
        d = differences[:, :, members]
        flat = tuple(sorted({s for e in members for s in people[e].flat_sections}))
        by_group[group] = _summarise(d[~np.isnan(d)], flat)
    return people, by_group


@dataclass(frozen=True)
class Moves:
    """How far moderation moved one group's mean scores."""

    cells: int  # cells the group scored that have an agreed score
    moved: int  # of those, cells whose agreed score differs from the group's mean
    mean_size: float | None  # mean |agreed − group mean| over the cells
    mean_signed: float | None  # mean (agreed − group mean) over the cells

    def to_dict(self) -> dict[str, Any]:
        return {"cells": self.cells, "moved": self.moved, "mean_size": self.mean_size, "mean_signed": self.mean_signed}


def group_means(scores: np.ndarray, groups: Sequence[str], group: str | None) -> np.ndarray:
    """(n_bidders, n_sections) mean score of the evaluators in ``group`` (None: everyone); NaN where none."""
    members = [e for e, g in enumerate(groups) if group is None or g == group]
    if not members:
        return np.full(scores.shape[:2], np.nan)
    chosen = scores[:, :, members]
    counts = (~np.isnan(chosen)).sum(axis=2)
    sums = np.nansum(chosen, axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def moves(scores: np.ndarray, agreed: np.ndarray, groups: Sequence[str]) -> dict[str, Moves]:
    """Moderation moves for ``"all"``, ``"patient"`` and ``"panel"`` (groups with no evaluator left out)."""
    scores = np.asarray(scores, dtype=float)
    agreed = np.asarray(agreed, dtype=float)
    out = {}
    for key, group in (("all", None), ("patient", "patient"), ("panel", "panel")):
        if group is not None and group not in groups:
            continue
        delta = agreed - group_means(scores, groups, group)
        delta = delta[~np.isnan(delta)]
        n = int(delta.size)
        out[key] = Moves(
            n,
            int((np.abs(delta) > _TOLERANCE).sum()),
            float(np.abs(delta).mean()) if n else None,
            float(delta.mean()) if n else None,
        )
    return out
