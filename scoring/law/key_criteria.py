"""PSR key criteria: each section serves one, and the figures per key criterion.

PSR regulation 5 lists the key criteria a relevant authority must consider, and under the
Competitive Process (regulation 11) the contract award criteria are set with them in mind; the
statutory guidance asks the authority to explain their relative importance, and lets it explain
why one is less relevant to a service. Regulation 24(f) asks for a record of how the key
criteria were taken into account. Pure functions only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: PSR reg 5(a)-(e), in the regulation's order: code -> the regulation's words.
KEY_CRITERIA: dict[str, str] = {
    "quality": "Quality and innovation",
    "value": "Value",
    "integration": "Integration, collaboration and service sustainability",
    "access": "Improving access, reducing health inequalities and facilitating choice",
    "social_value": "Social value",
}


def label(code: str | None) -> str:
    return KEY_CRITERIA.get(code or "", "Not mapped to a key criterion")


def clean_key_criterion(value: Any) -> str | None:
    """A key criterion code from what a person typed (code or the regulation's words); '' -> None.

    Raises ValueError for anything else."""
    text = str(value or "").strip()
    if not text:
        return None
    folded = text.casefold().replace("-", "_").replace(" ", "_")
    if folded in KEY_CRITERIA:
        return folded
    for code, words in KEY_CRITERIA.items():
        if text.casefold() == words.casefold():
            return code
    raise ValueError(value)


def unmapped_sections(sections: Iterable[tuple[str, str | None]]) -> list[str]:
    """Codes of the sections (code, key criterion) with no key criterion: scoring cannot open
    under PSR while there are any (each award criterion must serve a reg 5 key criterion)."""
    return [code for code, criterion in sections if not criterion]


def uncovered_key_criteria(criteria: Iterable[str | None]) -> list[str]:
    """Key criteria no section serves. A warning, not a refusal: the statutory guidance lets the
    authority explain why a key criterion is less relevant, and that explanation is recorded."""
    used = {c for c in criteria if c}
    return [code for code in KEY_CRITERIA if code not in used]


@dataclass(frozen=True)
class KeyCriterionFigures:
    code: str
    label: str
    sections: list[str]
    weight: float  # the sum of its sections' weights, percent
    patient_weight: float  # the part of that weight in sections patient reps scored
    patient_share: float | None  # patient_weight / weight (None when the weight is 0)
    points: dict[str, float] = field(default_factory=dict)  # bidder -> points in it
    patient_points: dict[str, float] | None = None  # bidder -> points from patients

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "sections": self.sections,
            "weight": self.weight,
            "patient_weight": self.patient_weight,
            "patient_share": self.patient_share,
            "points": self.points,
            "patient_points": self.patient_points,
        }


def figures(sections: list[dict], bidders: list[dict]) -> list[KeyCriterionFigures]:
    """Per key criterion: its weight, the patient-scored part of it, and each bidder's points.

    ``sections``: ``{"code", "weight", "max_score", "key_criterion", "patient"}`` where
    ``patient`` says patient representatives scored it (alone or with the panel).
    ``bidders``: ``{"code", "moderated": {section: score or None}, "patient_points":
    {section: points} or None}``; points are weight x moderated / maximum, as in the totals.
    Every key criterion is listed, in regulation 5's order, even one with no section (weight 0);
    sections with no key criterion are left out (under PSR scoring cannot open with any).
    """
    out = []
    for code, words in KEY_CRITERIA.items():
        mine = [s for s in sections if s.get("key_criterion") == code]
        weight = float(sum(s["weight"] for s in mine))
        patient_weight = float(sum(s["weight"] for s in mine if s.get("patient")))
        points: dict[str, float] = {}
        patient_points: dict[str, float] | None = {}
        for bidder in bidders:
            total = 0.0
            for s in mine:
                value = bidder["moderated"].get(s["code"])
                total += 0.0 if value is None else s["weight"] * value / s["max_score"]
            points[bidder["code"]] = total
            per_section = bidder.get("patient_points")
            if per_section is None or patient_points is None:
                patient_points = None
            else:
                patient_points[bidder["code"]] = float(sum(per_section.get(s["code"], 0.0) for s in mine))
        out.append(
            KeyCriterionFigures(
                code=code,
                label=words,
                sections=[s["code"] for s in mine],
                weight=weight,
                patient_weight=patient_weight,
                patient_share=(patient_weight / weight) if weight > 0 else None,
                points=points,
                patient_points=patient_points,
            )
        )
    return out


def figures_from_document(document: dict, key_criterion_of: dict[str, str | None]) -> list[KeyCriterionFigures]:
    """`figures` from a result document (the engine's JSON plus its ``view``).

    ``key_criterion_of`` maps section code -> key criterion for documents stored before the
    view carried it; the stored value wins when present, so a final result keeps its mapping.
    """
    view = document.get("view", {})
    scored_by = {s["code"]: s.get("scored_by") for s in document.get("sections", [])}
    sections = []
    for entry in view.get("sections", []):
        sections.append(
            {
                "code": entry["label"],
                "weight": entry["weight"],
                "max_score": entry["max_score"],
                "key_criterion": entry.get("key_criterion", key_criterion_of.get(entry["code"])),
                "patient": scored_by.get(entry["label"]) in ("patient", "both"),
            }
        )
    patient_points = view.get("patient_points")
    bidders = [
        {
            "code": row["code"],
            "moderated": row["moderated"],
            "patient_points": None if patient_points is None else patient_points.get(row["code"], {}),
        }
        for row in document.get("bidders", [])
    ]
    return figures(sections, bidders)
