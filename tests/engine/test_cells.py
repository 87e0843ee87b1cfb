"""Per-cell sums, counts and combinations, overall and for each group alone."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.engine import cells
from scoring.engine.cells import PANEL_COLUMN, PATIENT_COLUMN, cell_stats

from .gen import gen_inputs, nan

# one bidder, two sections; evaluators: patient, patient, panel, panel
SCORES = [[[4, 1, 2, nan], [nan, nan, nan, nan]]]
GROUPS = ["patient", "patient", "panel", "panel"]


def test_sums_and_counts_are_split_by_group():
    stats = cell_stats(gen_inputs(SCORES, GROUPS, [50, 50]))
    assert stats.sums[0, 0].tolist() == [5.0, 2.0]
    assert stats.counts[0, 0].tolist() == [2, 1]
    assert stats.counts[0, 1].tolist() == [0, 0]
    assert stats.scored.tolist() == [[3, 0]]


def test_mean_overall_and_by_group_with_nan_where_nobody_scored():
    stats = cell_stats(gen_inputs(SCORES, GROUPS, [50, 50]))
    assert stats.combined[0, 0] == pytest.approx(7 / 3)
    assert stats.by_group[0, 0, PATIENT_COLUMN] == 2.5
    assert stats.by_group[0, 0, PANEL_COLUMN] == 2.0
    assert np.isnan(stats.combined[0, 1]) and np.isnan(stats.by_group[0, 1]).all()


def test_median_overall_and_by_group():
    # all: 1, 2, 4 -> 2; patients: 1, 4 -> 2.5; panel: 2
    stats = cell_stats(gen_inputs(SCORES, GROUPS, [50, 50]), combine="median")
    assert stats.combined[0, 0] == 2.0
    assert stats.by_group[0, 0].tolist() == [2.5, 2.0]
    assert np.isnan(stats.combined[0, 1])


def test_blocks_give_the_same_sums_as_one_pass(monkeypatch):
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 5, (7, 5, 6)).astype(float)
    scores[rng.random(scores.shape) < 0.3] = nan
    inputs = gen_inputs(scores, ["patient", "panel"] * 3, [20] * 5)
    monkeypatch.setattr(cells, "BLOCK_CELLS", 4)  # 35 cells in 9 blocks, the last one short
    stats = cell_stats(inputs)
    patient = np.nansum(scores[:, :, ::2], axis=2)
    assert stats.sums[:, :, PATIENT_COLUMN] == pytest.approx(patient)
    assert stats.counts.sum(axis=2).tolist() == (~np.isnan(scores)).sum(axis=2).tolist()


def test_no_evaluators_means_nothing_is_scored():
    stats = cell_stats(gen_inputs(np.zeros((2, 1, 0)), [], [100]))
    assert np.isnan(stats.combined).all() and stats.counts.sum() == 0
