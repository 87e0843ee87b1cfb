"""What the workbook is written from: the result document plus the streams of records.

The writer never touches the database. The app fills an `ExportData` from the
database (`scoring.services.export.data`); the benchmark and tests fill it
directly. The result is the results service's document: the engine's JSON
(`scoring.engine.report`) with its ``"view"`` key (`scoring.services.results`),
so a final procurement exports exactly the result stored when it was decided.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Columns of the Scores sheet and the CSV, in order. The import reads them back.
SCORE_COLUMNS = (
    "evaluator",
    "evaluator_email",
    "group",
    "bidder",
    "section",
    "score",
    "rationale",
    "submitted_at",
    "entered_by",
)

#: Columns of the Audit sheet.
AUDIT_COLUMNS = ("id", "at", "actor", "action", "entity", "entity_id", "reason", "before", "after")


@dataclass
class ExportData:
    """Everything one workbook shows.

    Attributes
    ----------
    reference, title, status : str
        The procurement; ``status`` in words ("Moderation", "Final").
    anonymised : bool
    codes_only : bool
        True to leave bidders' legal names out of every sheet.
    document : dict
        The result document (engine JSON plus ``"view"``).
    bidder_names : dict
        Bidder code -> legal name; empty when ``codes_only``.
    section_titles : dict
        Section code -> title.
    section_evaluators : dict
        Section code -> how many evaluators are assigned.
    scores : iterable of 9-tuples
        The Scores rows in `SCORE_COLUMNS` order, read once as they are written
        (a database cursor in the app, a generator in the benchmark).
    audit : iterable of 9-tuples
        The Audit rows in `AUDIT_COLUMNS` order, read once.
    consensus_by : dict
        (bidder code, section code) -> (who decided, when), for the Disagreements sheet.
    exported_at : datetime
    exported_by : str
    lead : str
    finalised_at : datetime or None
    """

    reference: str
    title: str
    status: str
    anonymised: bool
    document: dict[str, Any]
    scores: Iterable[Sequence]
    audit: Iterable[Sequence] = ()
    codes_only: bool = False
    bidder_names: dict[str, str] = field(default_factory=dict)
    section_titles: dict[str, str] = field(default_factory=dict)
    section_evaluators: dict[str, int] = field(default_factory=dict)
    consensus_by: dict[tuple[str, str], tuple[str, datetime | None]] = field(default_factory=dict)
    exported_at: datetime | None = None
    exported_by: str = ""
    lead: str = ""
    finalised_at: datetime | None = None
    # The law (scoring/law): the regime's name, each section's PSR key criterion (words), and the
    # figures per key criterion (`KeyCriterionFigures.to_dict()`), empty unless under PSR.
    regime: str = ""
    section_key_criteria: dict[str, str] = field(default_factory=dict)
    key_criteria: list[dict] = field(default_factory=list)

    def bidder_name(self, code: str) -> str | None:
        """The legal name to show beside ``code``, or None (codes only, or no other name)."""
        if self.codes_only:
            return None
        name = self.bidder_names.get(code)
        return name if name and name != code else None

    @property
    def shows_names(self) -> bool:
        return not self.codes_only and any(self.bidder_name(b["code"]) for b in self.document["bidders"])


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def document_from_analysis(
    analysis,
    *,
    reference: str,
    titles: dict[str, str] | None = None,
    price_sections: Sequence[str] = (),
    consensus: dict[tuple[str, str], tuple[float, str]] | None = None,
    computed_at: datetime | None = None,
) -> dict[str, Any]:
    """A result document made straight from an engine `Analysis`, without the database.

    The benchmark and the tests use it; the app takes the results service's
    document (`scoring.services.outcome.Outcome.document`), whose ``"view"``
    has the same keys used here (and more).
    """
    from ...engine import ENGINE_VERSION

    m, inf = analysis.moderation, analysis.influence
    inputs = m.inputs
    b_labels, s_labels = inputs.bidder_labels, inputs.section_labels
    titles = titles or {}
    consensus = consensus or {}
    document = analysis.to_dict(reference=reference)
    spread, disagreement, proposed = m.spread, m.disagreement, m.proposed

    def per_cell(fn):
        return {b_labels[b]: {s_labels[s]: fn(b, s) for s in range(len(s_labels))} for b in range(len(b_labels))}

    def consensus_of(b, s):
        given = consensus.get((b_labels[b], s_labels[s]))
        return None if given is None else {"value": given[0], "rationale": given[1]}

    sweep = inf.sweep_detail
    document["view"] = {
        "final": False,
        "computed_at": (computed_at or datetime.now()).isoformat(timespec="seconds"),
        "engine_version": ENGINE_VERSION,
        "draws": analysis.options.get("draws"),
        "bidders": [{"id": None, "code": code, "label": code} for code in b_labels],
        "sections": [
            {
                "id": None,
                "code": code,
                "label": code,
                "title": titles.get(code, code),
                "weight": float(inputs.weights[i]),
                "max_score": float(inputs.max_scores[i]),
                "is_price": code in price_sections,
            }
            for i, code in enumerate(s_labels)
        ],
        "proposed": per_cell(lambda b, s: _number(proposed[b, s])),
        "spread": per_cell(lambda b, s: _number(spread[b, s])),
        "disagreement": per_cell(lambda b, s: bool(disagreement[b, s])),
        "consensus": per_cell(consensus_of),
        "sweep_lines": {
            b_labels[b]: [float(sweep.patient_totals[b]), float(sweep.other_totals[b])] for b in range(len(b_labels))
        },
        "today": float(sweep.today),
    }
    return document
