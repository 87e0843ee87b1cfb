"""Agreement between and within the groups of evaluators.

Between the groups
    Kendall's tau-b between the bidder rankings from patient scores alone and
    from panel scores alone, on the shared sections (those both groups scored).
    A bidder's score for a group is the weighted average over the shared
    sections of that group's combined score (mean or median) as a fraction of
    the maximum, over the cells the group scored. Every bidder with a score
    from both groups counts, failing or not. Two scores within 1e-9 are tied.
    tau-b = (concordant - discordant) / sqrt((pairs - ties in x) × (pairs - ties in y)),
    computed directly over all pairs (numpy, no library). None when fewer than
    two bidders, no shared section, or one ranking is all ties.

Within each group
    Krippendorff's alpha with the ordinal metric, implemented here in numpy
    from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
    Alpha-Reliability"). Units are the cells (bidder, section), coders the
    group's evaluators, values the raw scores; a cell counts when at least two
    of the group's evaluators scored it. None when no cell has two scores from
    the group or all the scores are equal.
"""

from __future__ import annotations

import numpy as np

from .cells import BLOCK_CELLS, PANEL_COLUMN, PATIENT_COLUMN
from .moderation import Moderation
from .ranking import TIE_TOLERANCE

#: Scales with at most this many points (0 to 20) take the fast counting path.
_MAX_FAST_LEVELS = 21


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float | None:
    """Kendall's tau-b of two score vectors; pairs with a NaN are left out.

    Parameters
    ----------
    x, y : (n,) float arrays

    Returns
    -------
    float in [-1, 1], or None when undefined.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if x.size < 2:
        return None
    dx = x[:, None] - x[None, :]
    dy = y[:, None] - y[None, :]
    sx = np.where(np.abs(dx) <= TIE_TOLERANCE, 0, np.sign(dx))
    sy = np.where(np.abs(dy) <= TIE_TOLERANCE, 0, np.sign(dy))
    upper = np.triu(np.ones(sx.shape, dtype=bool), k=1)
    untied_x = np.abs(sx[upper]).sum()
    untied_y = np.abs(sy[upper]).sum()
    if untied_x == 0 or untied_y == 0:
        return None
    return float((sx[upper] * sy[upper]).sum() / np.sqrt(untied_x * untied_y))


def group_scores_on_shared(m: Moderation) -> tuple[np.ndarray, np.ndarray]:
    """Each bidder's patient-alone and panel-alone score on the shared sections.

    Returns
    -------
    patient, panel : (n_bidders,) float arrays
        Weighted average fraction of the maximum; NaN where the group scored
        none of the bidder's shared cells (or there is no shared section).
    """
    inputs = m.inputs
    shared = m.patient_sections & m.panel_sections
    weights = np.asarray(inputs.weights)[shared]
    if shared.any() and not weights.sum() > 0:
        weights = np.ones_like(weights)  # shared sections all weigh 0: count them equally
    out = []
    for column in (PATIENT_COLUMN, PANEL_COLUMN):
        fraction = m.cells.by_group[:, shared, column] / np.asarray(inputs.max_scores)[shared]
        scored = ~np.isnan(fraction)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(np.where(scored, fraction, 0.0) @ weights / (scored @ weights))
    return out[0], out[1]


def rank_agreement(m: Moderation) -> float | None:
    """Kendall's tau-b between the patient-alone and panel-alone bidder rankings."""
    patient, panel = group_scores_on_shared(m)
    return kendall_tau_b(patient, panel)


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Map each value to the index of its level; NaN to len(levels). None if no value."""
    present = values[~np.isnan(values)]
    if present.size == 0:
        return None
    low, high = present.min(), present.max()
    if low >= 0 and high <= 10_000 and np.array_equal(present, np.floor(present)):
        levels = np.arange(int(high) + 1, dtype=float)  # the usual 0..max integer scale
        codes = np.where(np.isnan(values), levels.size, values).astype(np.intp)
    else:
        levels = np.unique(present)
        codes = np.searchsorted(levels, values)  # NaN sorts after every level
    return levels, codes


def _unit_counts(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """(units, n_levels) how many coders gave each level in each unit."""
    n_units = codes.shape[0]
    width = n_levels + 1  # the last column counts NaN
    index = codes + (np.arange(n_units, dtype=np.intp) * width)[:, None]
    counts = np.bincount(index.ravel(), minlength=n_units * width)
    return counts.reshape(n_units, width)[:, :n_levels]


def alpha_from_counts(counts: np.ndarray) -> float | None:
    """Krippendorff's ordinal alpha from per-unit value counts.

    Parameters
    ----------
    counts : (units, levels) array, levels in increasing order

    Notes
    -----
    Coincidences o_ck = sum over units of (n_uc n_uk - [c = k] n_uc) / (m_u - 1)
    over units with m_u >= 2 values; n_c = sum_k o_ck; ordinal distance
    d_ck = (sum_{g between c and k} n_g - (n_c + n_k) / 2) squared;
    alpha = 1 - (n - 1) sum o d / sum_c sum_k n_c n_k d.
    """
    counts = np.asarray(counts, dtype=float)
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return None
    counts, m = counts[pairable], m[pairable]
    scaled = counts / (m - 1)[:, None]
    coincidence = scaled.T @ counts - np.diag(scaled.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    cumulative = np.cumsum(n_c)
    distance = (cumulative[None, :] - cumulative[:, None] + (n_c[:, None] - n_c[None, :]) / 2) ** 2
    expected = (np.outer(n_c, n_c) * distance).sum()
    if not expected > 0:
        return None
    return float(1.0 - (n - 1) * (coincidence * distance).sum() / expected)


def krippendorff_alpha_ordinal(ratings: np.ndarray) -> float | None:
    """Krippendorff's alpha (ordinal) of a units × coders table, NaN where not rated.

    Parameters
    ----------
    ratings : (n_units, n_coders) float array
    """
    ratings = np.asarray(ratings, dtype=float)
    coded = _codes(ratings)
    if coded is None:
        return None
    levels, codes = coded
    return alpha_from_counts(_unit_counts(codes, levels.size))


def _integer_level_counts(m: Moderation, n_levels: int) -> np.ndarray | None:
    """(cells, n_levels, 2) how many patient / panel evaluators gave each integer score.

    One pass over the cube per level, in cache-sized blocks, each level's
    counts for both groups coming from one matrix product. None if some score
    is not a whole number from 0 to ``n_levels - 1`` (the counts then fall
    short of the number of scores).
    """
    inputs = m.inputs
    n_bidders, n_sections, n_evaluators = inputs.shape
    n_cells = n_bidders * n_sections
    flat = inputs.scores.reshape(n_cells, n_evaluators)
    patient = inputs.patient_evaluators
    groups = np.stack([patient, ~patient], axis=1).astype(np.float32)
    counts = np.empty((n_cells, n_levels, 2), dtype=np.float32)
    block = min(BLOCK_CELLS, max(n_cells, 1))
    equal = np.empty((block, n_evaluators), dtype=np.float32)
    for start in range(0, n_cells, block):
        rows = flat[start : start + block]
        k = rows.shape[0]
        for level in range(n_levels):
            np.equal(rows, level, out=equal[:k])
            np.matmul(equal[:k], groups, out=counts[start : start + k, level])
    if counts.sum(dtype=np.float64) != m.cells.counts.sum():
        return None
    return counts


def group_reliability(m: Moderation) -> dict[str, float | None]:
    """Krippendorff's ordinal alpha within the patient and within the panel group."""
    inputs = m.inputs
    patient = inputs.patient_evaluators
    members = {"patient": patient, "panel": ~patient}
    result: dict[str, float | None] = {name: None for name in members}
    active = [name for name, mask in members.items() if mask.sum() >= 2]
    if not active or inputs.n_bidders * inputs.n_sections == 0:
        return result
    top = float(np.max(inputs.max_scores))
    n_levels = int(np.floor(top)) + 1
    counts = _integer_level_counts(m, n_levels) if n_levels <= _MAX_FAST_LEVELS else None
    for name in active:
        if counts is not None:
            column = PATIENT_COLUMN if name == "patient" else PANEL_COLUMN
            result[name] = alpha_from_counts(counts[:, :, column])
        else:  # scores that are not whole numbers: the general (slower) path
            n_bidders, n_sections, n_evaluators = inputs.shape
            flat = inputs.scores.reshape(n_bidders * n_sections, n_evaluators)
            result[name] = krippendorff_alpha_ordinal(flat[:, members[name]])
    return result
