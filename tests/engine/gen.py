"""Builders for engine tests: `gen_inputs` for hand-worked cases, strategies for hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from scoring.engine import EngineInputs

nan = np.nan


def gen_inputs(
    scores, groups, weights, *, max_scores=None, thresholds=None, consensus=None, bidders=None, sections=None
) -> EngineInputs:
    """EngineInputs from nested lists; ``None`` in scores or consensus means not scored."""
    cube = np.array(scores, dtype=float)
    n_sections = cube.shape[1]
    return EngineInputs(
        scores=cube,
        groups=tuple(groups),
        weights=np.array(weights, dtype=float),
        max_scores=np.full(n_sections, 4.0) if max_scores is None else np.array(max_scores, float),
        thresholds=None if thresholds is None else np.array(thresholds, dtype=float),
        consensus=None if consensus is None else np.array(consensus, dtype=float),
        bidder_labels=bidders,
        section_labels=sections,
    )


@st.composite
def procurements(
    draw,
    *,
    max_bidders=5,
    max_sections=4,
    max_evaluators=5,
    groups=None,
    with_consensus=True,
    with_thresholds=True,
    missing=True,
) -> EngineInputs:
    """A small random procurement on the 0-4 scale.

    ``groups`` fixes every evaluator's group ("panel" gives a procurement
    without patient scores); by default each evaluator is drawn.
    """
    n_bidders = draw(st.integers(1, max_bidders))
    n_sections = draw(st.integers(1, max_sections))
    n_evaluators = draw(st.integers(1, max_evaluators))
    if groups is None:
        evaluator_groups = draw(
            st.lists(st.sampled_from(("patient", "panel")), min_size=n_evaluators, max_size=n_evaluators)
        )
    else:
        evaluator_groups = [groups] * n_evaluators
    raw = np.array(draw(st.lists(st.integers(0, 5), min_size=n_sections, max_size=n_sections)), dtype=float)
    if raw.sum() == 0:
        raw[0] = 1.0
    weights = raw / raw.sum() * 100.0
    low = -1 if missing else 0  # -1 stands for "not scored"
    cells = draw(
        st.lists(
            st.integers(low, 4),
            min_size=n_bidders * n_sections * n_evaluators,
            max_size=n_bidders * n_sections * n_evaluators,
        )
    )
    scores = np.array(cells, dtype=float).reshape(n_bidders, n_sections, n_evaluators)
    scores[scores < 0] = nan
    consensus = None
    if with_consensus and draw(st.booleans()):
        agreed = draw(st.lists(st.integers(-3, 4), min_size=n_bidders * n_sections, max_size=n_bidders * n_sections))
        consensus = np.array(agreed, dtype=float).reshape(n_bidders, n_sections)
        consensus[consensus < 0] = nan
    thresholds = None
    if with_thresholds and draw(st.booleans()):
        floors = draw(st.lists(st.integers(-4, 2), min_size=n_sections, max_size=n_sections))
        thresholds = np.array(floors, dtype=float)
        thresholds[thresholds < 0] = nan
    return EngineInputs(
        scores=scores,
        groups=tuple(evaluator_groups),
        weights=weights,
        max_scores=np.full(n_sections, 4.0),
        thresholds=thresholds,
        consensus=consensus,
        bidder_labels=tuple(f"Bidder {chr(65 + i)}" for i in range(n_bidders)),
        section_labels=tuple(f"Q{i + 1}" for i in range(n_sections)),
    )
