"""How much the patient representatives' scores shaped the result.

Which group scored a section is read from the scores: a section is a *patient
section* if any patient representative scored any of its cells, a *panel
section* likewise, *shared* if both. A section nobody scored (a price section
whose scores are computed from prices and given as consensus) is *fixed*: it
belongs to neither group, stays in every counterfactual, and never counts
towards the patient weight share or contribution.

Definitions
-----------
Patient weight share
    Total weight of the patient sections (alone or shared), as a fraction.
Contribution
    The part of a bidder's total that came from patient scores:
    ``sum over sections of weight × moderated / maximum × patient part``, where
    the patient part of a cell is 1 in a patient-only section, 0 in a panel-only
    or fixed section, and in a shared section: without consensus, the patient
    scores' share of the sum of the cell's scores; with consensus, the patient
    evaluators' share of the evaluators who scored the cell (if nobody scored
    that cell, the patient share of all the scores in the section). The panel
    part is the rest of a scored section, so patient + panel + fixed parts add
    up to the total.
Counterfactual (without patient scores)
    Shared sections are moderated from the panel's scores alone (their mean or
    median, ignoring consensus, which the patients took part in); a cell of a
    shared section that no panel member scored keeps its moderated score, as
    there is nothing to put in its place. Patient-only sections are dropped and
    the remaining weights rescaled to 100. Thresholds apply to the sections
    kept. Rank change is counterfactual rank minus actual rank: positive when
    the patient scores moved the bidder up.
Shapley split
    Of the winner's margin over the runner-up (the average of the runners-up
    if they tie), between the two groups. v(G) is that margin computed from the
    groups in G alone, in the same way as the counterfactual; v(no group) is 0.
    A group that scored nothing is a null player (adding it changes nothing),
    so with no patient scores the patient part is 0. With no single winner or
    no passing runner-up, both parts are 0. Fixed sections are kept in v(G)
    for every G that contains a group that scored something.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import agreement, ranking
from .cells import PANEL_COLUMN, PATIENT_COLUMN
from .moderation import Moderation
from .sweep import Sweep, patient_weight_sweep


@dataclass(frozen=True, eq=False)
class GroupAlone:
    """The result recomputed from one group's scores alone (plus fixed sections).

    Attributes
    ----------
    moderated : (n_bidders, n_sections) float array, NaN in dropped sections
    weights : (n_sections,) float array, rescaled to 100 (all 0 if nothing is left)
    dropped : (n_sections,) bool array, sections only the other group scored
    totals, ranks, failing : (n_bidders,) arrays
    leader : int or None
    empty : bool
        True when no weight is left (every weighted section was dropped).
    """

    moderated: np.ndarray = field(repr=False)
    weights: np.ndarray
    dropped: np.ndarray
    totals: np.ndarray
    ranks: np.ndarray
    failing: np.ndarray
    leader: int | None
    empty: bool


def patient_parts(m: Moderation) -> np.ndarray:
    """(n_bidders, n_sections) fraction of each moderated score credited to patient scores."""
    counts, sums = m.cells.counts, m.cells.sums
    n_patient = counts[:, :, PATIENT_COLUMN]
    n_all = counts.sum(axis=2)
    sum_patient = sums[:, :, PATIENT_COLUMN]
    sum_all = sums.sum(axis=2)
    patient, panel = m.patient_sections, m.panel_sections
    with np.errstate(invalid="ignore", divide="ignore"):
        by_evaluators = n_patient / n_all
        section_share = n_patient.sum(axis=0) / n_all.sum(axis=0)  # cells nobody scored
        by_evaluators = np.where(n_all > 0, by_evaluators, section_share[None, :])
        by_scores = np.where(sum_all > 0, sum_patient / sum_all, by_evaluators)
    has_consensus = ~np.isnan(m.inputs.consensus)
    shared_part = np.where(has_consensus, by_evaluators, by_scores)
    part = np.where((patient & panel)[None, :], shared_part, 0.0)
    part = np.where((patient & ~panel)[None, :], 1.0, part)
    return np.nan_to_num(part, nan=0.0)


def contributions(m: Moderation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split each bidder's total into the parts from patient, panel and fixed sections.

    Returns
    -------
    patient, panel, fixed : (n_bidders,) float arrays
        They add up to ``m.totals`` (up to rounding).
    """
    weighted = m.fraction * np.asarray(m.inputs.weights)[None, :]
    part = patient_parts(m)
    scored = (m.patient_sections | m.panel_sections)[None, :]
    patient = (weighted * part).sum(axis=1)
    panel = (weighted * np.where(scored, 1.0 - part, 0.0)).sum(axis=1)
    fixed = (weighted * ~scored).sum(axis=1)
    return patient, panel, fixed


def group_alone(m: Moderation, column: int) -> GroupAlone:
    """Recompute totals and ranks from one group's scores alone.

    ``column`` is `PANEL_COLUMN` for the counterfactual without patient scores,
    `PATIENT_COLUMN` for the result without the panel's scores.
    """
    inputs = m.inputs
    own = m.panel_sections if column == PANEL_COLUMN else m.patient_sections
    other = m.patient_sections if column == PANEL_COLUMN else m.panel_sections
    dropped = other & ~own
    shared = own & other
    group_value = m.cells.by_group[:, :, column]
    moderated = m.moderated
    if shared.any() or dropped.any():
        replace = shared[None, :] & ~np.isnan(group_value)
        moderated = np.where(replace, group_value, moderated)
        moderated[:, dropped] = np.nan
    weights = np.array(inputs.weights, dtype=float)
    empty = False
    if dropped.any():
        weights[dropped] = 0.0
        kept = weights.sum()
        empty = not kept > 0
        if not empty:
            weights = weights * (100.0 / kept)
    fraction = ranking.normalised(moderated, inputs.max_scores)
    totals = ranking.weighted_totals(fraction, weights)
    failing = np.any(ranking.failing_sections(moderated, inputs.thresholds), axis=1)
    ranks = ranking.rank(totals, failing)
    return GroupAlone(
        moderated=moderated,
        weights=weights,
        dropped=dropped,
        totals=totals,
        ranks=ranks,
        failing=failing,
        leader=None if empty else ranking.leader(ranks, failing),
        empty=empty,
    )


@dataclass(frozen=True)
class ShapleySplit:
    """The winner's margin over the runner-up, split between the two groups.

    Attributes
    ----------
    patient, panel : float
        The two parts; they add up to ``margin``.
    margin : float
        Winner's total minus the runner-up's (0 when there is no comparison).
    winner : int or None
    runners_up : tuple of int
        The bidders the margin is measured against (several when tied).
    """

    patient: float
    panel: float
    margin: float
    winner: int | None
    runners_up: tuple[int, ...]

    def as_dict(self) -> dict[str, float]:
        return {"patient": self.patient, "panel": self.panel}


def shapley_split(m: Moderation, without_patient: GroupAlone, without_panel: GroupAlone) -> ShapleySplit:
    """Shapley values of the two groups in the game v(G) = winner's margin from G alone.

    With two players the Shapley value of the patients is
    ``(v({patient}) - v({})) / 2 + (v({patient, panel}) - v({panel})) / 2``.
    ``without_patient`` gives v({panel}); ``without_panel`` gives v({patient}).
    """
    winner = m.leader
    runners = ranking.runners_up(m.ranks, m.failing, winner)
    if winner is None or not runners:
        return ShapleySplit(0.0, 0.0, 0.0, winner, runners)
    others = list(runners)

    def margin(totals: np.ndarray) -> float:
        return float(totals[winner] - totals[others].mean())

    patient_active = bool(m.patient_sections.any())
    panel_active = bool(m.panel_sections.any())
    actual = margin(m.totals)
    if not (patient_active or panel_active):
        return ShapleySplit(0.0, 0.0, actual, winner, runners)
    v_both = actual
    v_panel = margin(without_patient.totals) if panel_active else 0.0
    v_patient = margin(without_panel.totals) if patient_active else 0.0
    patient = 0.5 * v_patient + 0.5 * (v_both - v_panel)
    panel = 0.5 * v_panel + 0.5 * (v_both - v_patient)
    return ShapleySplit(patient, panel, actual, winner, runners)


def patient_weight_share(m: Moderation) -> float:
    """Total weight of the sections patient representatives scored, as a fraction (0 to 1)."""
    return float(np.asarray(m.inputs.weights)[m.patient_sections].sum() / 100.0)


@dataclass(frozen=True, eq=False)
class Influence:
    """Every measure of the patient scores' influence on the result.

    Attributes
    ----------
    patient_weight_share : float
        Weight of the patient sections as a fraction, 0 to 1.
    patient_sections : (n_sections,) bool array
    contribution : (n_bidders,) float array
        Points of each bidder's total that came from patient scores.
    panel_contribution, fixed_contribution : (n_bidders,) float arrays
        The panel's part and the fixed (price) sections' part; with
        ``contribution`` they add up to the totals.
    counterfactual_totals, counterfactual_ranks : (n_bidders,) arrays
        Without patient scores.
    counterfactual_failing : (n_bidders,) bool array
    rank_change : (n_bidders,) int array
        Counterfactual rank minus actual rank (positive: patient scores moved
        the bidder up).
    counterfactual_winner : int or None
    counterfactual_empty : bool
        True when patients scored every weighted section, so nothing is left.
    winner_changed : bool
        The (provisional) leader differs with and without patient scores.
    shapley : dict
        ``{"patient": x, "panel": y}``, the split of the winner's margin.
    split : ShapleySplit
        The same with the margin and the bidders it is measured between.
    tipping_points : tuple of float
        α in [0, 1] where the winner changes in the patient-weight sweep.
    nearest_tipping_point : float or None
    sweep : list of (alpha, winner)
        The winner at α = 0, 0.05, ..., 1.
    sweep_detail : Sweep
    kendall_tau : float or None
        Agreement of patient-alone and panel-alone rankings on shared sections.
    krippendorff_alpha : dict
        ``{"patient": x or None, "panel": y or None}``, ordinal, within each group.
    """

    patient_weight_share: float
    patient_sections: np.ndarray
    contribution: np.ndarray
    panel_contribution: np.ndarray
    fixed_contribution: np.ndarray
    counterfactual_totals: np.ndarray
    counterfactual_ranks: np.ndarray
    counterfactual_failing: np.ndarray
    rank_change: np.ndarray
    counterfactual_winner: int | None
    counterfactual_empty: bool
    winner_changed: bool
    shapley: dict[str, float]
    split: ShapleySplit
    tipping_points: tuple[float, ...]
    nearest_tipping_point: float | None
    sweep: list[tuple[float, int | None]]
    sweep_detail: Sweep = field(repr=False)
    kendall_tau: float | None
    krippendorff_alpha: dict[str, float | None]


def influence(m: Moderation) -> Influence:
    """Measure how much the patient scores shaped the result of ``m``.

    See the module docstring for every definition.
    """
    patient, panel, fixed = contributions(m)
    without_patient = group_alone(m, PANEL_COLUMN)
    without_panel = group_alone(m, PATIENT_COLUMN)
    split = shapley_split(m, without_patient, without_panel)
    sweep = patient_weight_sweep(m.fraction, m.inputs.weights, m.patient_sections, m.failing)
    return Influence(
        patient_weight_share=patient_weight_share(m),
        patient_sections=m.patient_sections,
        contribution=patient,
        panel_contribution=panel,
        fixed_contribution=fixed,
        counterfactual_totals=without_patient.totals,
        counterfactual_ranks=without_patient.ranks,
        counterfactual_failing=without_patient.failing,
        rank_change=without_patient.ranks - m.ranks,
        counterfactual_winner=without_patient.leader,
        counterfactual_empty=without_patient.empty,
        winner_changed=without_patient.leader != m.leader,
        shapley=split.as_dict(),
        split=split,
        tipping_points=sweep.tipping_points,
        nearest_tipping_point=sweep.nearest,
        sweep=sweep.table,
        sweep_detail=sweep,
        kendall_tau=agreement.rank_agreement(m),
        krippendorff_alpha=agreement.group_reliability(m),
    )
