"""How firm is the winner if the weights were a little different?

Draw many sets of section weights at random around today's weights and count
how often each bidder comes first. The draws follow a Dirichlet distribution
with mean today's weights and the given concentration: the larger it is, the
closer the draws stay to today's weights (with concentration κ, a section of
weight w moves by about sqrt(w (1 - w) / (κ + 1)), e.g. ±3 points for a 30%
section at κ = 200). Sections of weight 0 stay at 0.

Each draw is made from independent gamma variates, one per section with shape
κ × weight / 100, divided by their sum (the standard construction of a
Dirichlet draw). All draws' totals come from one matrix product: (draws × sections) @
(sections × bidders). Failing bidders never come first. A draw in which k
bidders tie for first (within 1e-9) gives each of them 1/k.
"""

from __future__ import annotations

import numpy as np

from .ranking import TIE_TOLERANCE


def win_probabilities(
    fraction: np.ndarray,
    weights: np.ndarray,
    failing: np.ndarray,
    *,
    draws: int = 10_000,
    concentration: float = 200.0,
    seed: int | None = 0,
) -> np.ndarray:
    """Each bidder's probability of ranking first when the weights are perturbed.

    Parameters
    ----------
    fraction : (n_bidders, n_sections) float array
        Moderated score / maximum, 0 where missing.
    weights : (n_sections,) float array, percent
    failing : (n_bidders,) bool array
    draws : int, at least 1
    concentration : float, more than 0
    seed : int or None
        Seed of `numpy.random.default_rng`; the same seed gives the same result.

    Returns
    -------
    (n_bidders,) float array, summing to 1 when at least one bidder passes.
    """
    if int(draws) != draws or draws < 1:
        raise ValueError(f"draws must be a whole number, 1 or more; got {draws!r}")
    if not (np.isfinite(concentration) and concentration > 0):
        raise ValueError(f"concentration must be more than 0; got {concentration!r}")
    draws = int(draws)
    weights = np.asarray(weights, dtype=float)
    n_bidders = fraction.shape[0]
    probability = np.zeros(n_bidders)
    passing = np.flatnonzero(~np.asarray(failing, dtype=bool))
    moving = weights > 0
    if passing.size == 0 or not moving.any():
        return probability
    rng = np.random.default_rng(seed)
    shape = concentration * weights[moving] / weights[moving].sum()
    # One row of gamma variates per section: drawing with a scalar shape is
    # about 1.5x faster than broadcasting an array of shapes.
    gammas = np.empty((shape.size, draws))
    for row, section_shape in zip(gammas, shape):
        rng.standard_gamma(section_shape, size=draws, out=row)
    gammas /= gammas.sum(axis=0)  # each column: one draw of weights
    scores = fraction[np.ix_(passing, np.flatnonzero(moving))] * 100.0  # (bidders, sections)
    totals = gammas.T @ scores.T  # the one matmul: (draws, bidders)
    first = totals.argmax(axis=1)
    best = totals[np.arange(draws), first]
    leading = totals >= (best - TIE_TOLERANCE)[:, None]
    if np.count_nonzero(leading) == draws:  # no draw has a tie for first
        wins = np.bincount(first, minlength=passing.size).astype(float)
    else:
        wins = (leading / np.count_nonzero(leading, axis=1)[:, None]).sum(axis=0)
    probability[passing] = wins / draws
    return probability
