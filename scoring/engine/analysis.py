"""The full analysis: moderation, influence, sensitivity and the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .cells import cell_stats
from .influence import Influence, influence
from .inputs import EngineInputs
from .moderation import Moderation, moderation_from_cells
from .sensitivity import win_probabilities
from .summary import summarise


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything the engine says about a procurement.

    Attributes
    ----------
    moderation : Moderation
    influence : Influence
    sensitivity : (n_bidders,) float array or None
        Probability of ranking first under random weight changes; None when
        ``draws`` was 0.
    summary : list of str
        Three to six plain-English sentences.
    options : dict
        The options the analysis was run with.
    """

    moderation: Moderation
    influence: Influence
    sensitivity: np.ndarray | None
    summary: list[str]
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, reference: str | None = None) -> dict[str, Any]:
        """The JSON document of the result; see `scoring.engine.report`."""
        from .report import analysis_to_dict

        return analysis_to_dict(self, reference=reference)


def analyse(
    inputs: EngineInputs,
    *,
    combine: str = "mean",
    disagreement: float = 2.0,
    draws: int = 10_000,
    concentration: float = 200.0,
    seed: int | None = 0,
) -> Analysis:
    """Moderate a procurement and measure the patient scores' influence.

    Parameters
    ----------
    inputs : EngineInputs
    combine : {"mean", "median"}
        How evaluators' scores are combined where there is no consensus.
    disagreement : float
        Spread at or above which a cell is flagged.
    draws : int
        Monte-Carlo weight draws for the sensitivity; 0 to skip it.
    concentration : float
        Dirichlet concentration of the draws around today's weights.
    seed : int or None
        Random seed of the draws; the same seed gives the same result.

    Returns
    -------
    Analysis
    """
    m: Moderation = moderation_from_cells(inputs, cell_stats(inputs, combine=combine), disagreement=disagreement)
    inf = influence(m)
    sensitivity = None
    if draws:
        sensitivity = win_probabilities(
            m.fraction, inputs.weights, m.failing, draws=draws, concentration=concentration, seed=seed
        )
    options = {
        "combine": combine,
        "disagreement": float(disagreement),
        "draws": int(draws),
        "concentration": float(concentration),
        "seed": seed,
    }
    return Analysis(
        moderation=m, influence=inf, sensitivity=sensitivity, summary=summarise(m, inf, sensitivity), options=options
    )
