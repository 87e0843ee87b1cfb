"""What the engine is given: the score cube and the rules of the procurement.

`EngineInputs` checks everything once, when it is built, so the rest of the
engine can trust its arrays. A mistake raises `ValueError` with a message that
names the array, the bidder, the section or the evaluator at fault.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

PATIENT = "patient"
PANEL = "panel"
GROUPS = (PATIENT, PANEL)

#: Weights must sum to 100 within this tolerance.
WEIGHT_SUM_TOLERANCE = 1e-6


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


def _labels(given: Sequence[str] | None, count: int, stem: str, name: str) -> tuple[str, ...]:
    if given is None:
        return tuple(f"{stem} {i + 1}" for i in range(count))
    labels = tuple(str(label) for label in given)
    if len(labels) != count:
        raise ValueError(f"{name} has {len(labels)} labels but scores has {count} {stem.lower()}s")
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise ValueError(f"{name} must be unique; {label!r} appears more than once")
        seen.add(label)
    return labels


def _vector(values: Sequence[float] | np.ndarray, name: str, n_sections: int) -> np.ndarray:
    array = np.array(values, dtype=float)
    if array.shape != (n_sections,):
        raise ValueError(
            f"{name} has shape {array.shape} but scores has {n_sections} sections; expected ({n_sections},)"
        )
    return array


def _check_weights(weights: np.ndarray, section_labels: tuple[str, ...]) -> None:
    """Each weight a number, 0 or more, together 100 (within the tolerance)."""
    for s, (label, weight) in enumerate(zip(section_labels, weights)):
        where = f"section {label!r} (index {s})"
        if not np.isfinite(weight):
            raise ValueError(f"weight of {where} is {weight}; it must be a number")
        if weight < 0:
            raise ValueError(f"weight of {where} is {_number(weight)}; weights must be 0 or more")
    total = float(weights.sum())
    if abs(total - 100.0) > WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"weights sum to {total:.10g}; they must sum to 100")


def _number(value: float) -> str:
    """Format a number for an error message: 4 rather than 4.0, 2.5 as 2.5."""
    return f"{value:g}"


# The constructor is written out (init=False) because it takes optional labels, thresholds and
# consensus but always stores them filled in, so every field is typed as what the engine reads.
@dataclass(frozen=True, eq=False, init=False)
class EngineInputs:
    """The scores of one procurement and the rules for turning them into a result.

    Parameters
    ----------
    scores : (n_bidders, n_sections, n_evaluators) float array
        Each evaluator's score for each bidder and section, NaN where the
        evaluator did not score the cell (not assigned, conflicted or not yet
        scored). Scores lie between 0 and the section's maximum. The array is
        not copied (it can be large): do not change it afterwards.
    groups : (n_evaluators,) sequence of str
        Each evaluator's group, ``"patient"`` or ``"panel"``.
    weights : (n_sections,) float array
        Section weights in percent, each 0 or more, summing to 100 (within 1e-6).
    max_scores : (n_sections,) float array
        Each section's maximum score, more than 0.
    thresholds : (n_sections,) float array or None
        Minimum moderated score to pass each section, NaN where there is none.
    consensus : (n_bidders, n_sections) float array or None
        Consensus scores agreed in moderation, NaN where there is none. A price
        section, whose scores are computed from prices, is given here too.
    bidder_labels, section_labels, evaluator_labels : sequence of str or None
        Names used in messages and summaries; default "Bidder 1", "Section 1",
        "Evaluator 1" and so on. Bidder and section labels must be unique.

    Raises
    ------
    ValueError
        On a wrong shape, an unknown group, a weight below 0 or weights not
        summing to 100, a maximum that is not above 0, a threshold, score or
        consensus outside 0 to the section maximum, or repeated labels.

    Notes
    -----
    After checking, ``groups`` and the labels are tuples, ``thresholds`` and
    ``consensus`` are arrays (all NaN when not given), and every array is
    read-only.
    """

    scores: np.ndarray = field(repr=False)
    groups: tuple[str, ...]
    weights: np.ndarray
    max_scores: np.ndarray
    thresholds: np.ndarray
    consensus: np.ndarray = field(repr=False)
    bidder_labels: tuple[str, ...]
    section_labels: tuple[str, ...]
    evaluator_labels: tuple[str, ...] = field(repr=False)

    def __init__(
        self,
        scores: np.ndarray,
        groups: Sequence[str],
        weights: Sequence[float] | np.ndarray,
        max_scores: Sequence[float] | np.ndarray,
        thresholds: Sequence[float] | np.ndarray | None = None,
        consensus: Sequence[Sequence[float]] | np.ndarray | None = None,
        bidder_labels: Sequence[str] | None = None,
        section_labels: Sequence[str] | None = None,
        evaluator_labels: Sequence[str] | None = None,
    ) -> None:
        set_ = object.__setattr__
        scores = np.asarray(scores, dtype=float)
        if scores.ndim != 3:
            raise ValueError(
                f"scores must be a 3-dimensional array (bidders, sections, evaluators); got shape {scores.shape}"
            )
        n_bidders, n_sections, n_evaluators = scores.shape

        groups = tuple(groups)
        if len(groups) != n_evaluators:
            raise ValueError(f"groups has {len(groups)} entries but scores has {n_evaluators} evaluators")
        bidder_labels = _labels(bidder_labels, n_bidders, "Bidder", "bidder_labels")
        section_labels = _labels(section_labels, n_sections, "Section", "section_labels")
        evaluator_labels = _labels(evaluator_labels, n_evaluators, "Evaluator", "evaluator_labels")
        for e, group in enumerate(groups):
            if group not in GROUPS:
                raise ValueError(
                    f"evaluator {evaluator_labels[e]!r} (index {e}) has unknown group "
                    f"{group!r}; expected 'patient' or 'panel'"
                )

        weights = _vector(weights, "weights", n_sections)
        max_scores = _vector(max_scores, "max_scores", n_sections)
        if thresholds is None:
            thresholds = np.full(n_sections, np.nan)
        else:
            thresholds = _vector(thresholds, "thresholds", n_sections)
        if consensus is None:
            consensus = np.full((n_bidders, n_sections), np.nan)
        else:
            consensus = np.array(consensus, dtype=float)
            if consensus.shape != (n_bidders, n_sections):
                raise ValueError(
                    f"consensus has shape {consensus.shape}; expected "
                    f"({n_bidders}, {n_sections}) (bidders, sections) to match scores"
                )

        _check_weights(weights, section_labels)
        for s, (label, top) in enumerate(zip(section_labels, max_scores)):
            where = f"section {label!r} (index {s})"
            if not (np.isfinite(top) and top > 0):
                raise ValueError(f"maximum score of {where} is {_number(top)}; it must be more than 0")
            threshold = thresholds[s]
            if not np.isnan(threshold) and not 0 <= threshold <= top:
                raise ValueError(
                    f"threshold of {where} is {_number(threshold)}; it must lie between "
                    f"0 and the section maximum of {_number(top)}"
                )

        def cell(b: int, s: int) -> str:
            return f"bidder {bidder_labels[b]!r}, section {section_labels[s]!r}"

        top = max_scores[None, :, None]
        for problem, bad in (
            ("is not a number", np.isinf(scores)),
            ("is below 0", scores < 0),
            ("is above the section maximum", scores > top),
        ):
            if bad.any():
                b, s, e = (int(i) for i in np.argwhere(bad)[0])
                value = scores[b, s, e]
                limit = f" of {_number(max_scores[s])}" if "maximum" in problem else ""
                raise ValueError(
                    f"score {_number(value)} by evaluator {evaluator_labels[e]!r} "
                    f"(index {e}) for {cell(b, s)} {problem}{limit}"
                )
        for problem, bad in (
            ("is not a number", np.isinf(consensus)),
            ("is below 0", consensus < 0),
            ("is above the section maximum", consensus > max_scores[None, :]),
        ):
            if bad.any():
                b, s = (int(i) for i in np.argwhere(bad)[0])
                limit = f" of {_number(max_scores[s])}" if "maximum" in problem else ""
                raise ValueError(f"consensus {_number(consensus[b, s])} for {cell(b, s)} {problem}{limit}")

        set_(self, "scores", _read_only(scores))
        set_(self, "groups", groups)
        set_(self, "weights", _read_only(weights))
        set_(self, "max_scores", _read_only(max_scores))
        set_(self, "thresholds", _read_only(thresholds))
        set_(self, "consensus", _read_only(consensus))
        set_(self, "bidder_labels", bidder_labels)
        set_(self, "section_labels", section_labels)
        set_(self, "evaluator_labels", evaluator_labels)

    def with_weights(self, weights: Sequence[float] | np.ndarray) -> EngineInputs:
        """The same inputs with other section weights, checked as the constructor checks them.

        Only the weights are checked again: the scores, which can be millions, were
        checked once and are shared, not copied (a what-if re-weights them many times).
        """
        checked = _vector(weights, "weights", self.n_sections)
        _check_weights(checked, self.section_labels)
        other = copy.copy(self)
        object.__setattr__(other, "weights", _read_only(checked))
        return other

    @property
    def shape(self) -> tuple[int, int, int]:
        """(n_bidders, n_sections, n_evaluators)."""
        return self.scores.shape

    @property
    def n_bidders(self) -> int:
        return int(self.scores.shape[0])

    @property
    def n_sections(self) -> int:
        return int(self.scores.shape[1])

    @property
    def n_evaluators(self) -> int:
        return int(self.scores.shape[2])

    @property
    def patient_evaluators(self) -> np.ndarray:
        """(n_evaluators,) bool: True for patient representatives."""
        return np.array([g == PATIENT for g in self.groups], dtype=bool)
