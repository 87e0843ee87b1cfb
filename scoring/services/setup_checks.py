"""Checks shared by adding and editing sections and bidders: every problem found at once,
each with the form field it belongs to."""
from __future__ import annotations

import math
import unicodedata

from ..law import DEFAULT_REGIME, clean_regime
from ..law.key_criteria import clean_key_criterion
from ..models import Bidder, Procurement, ScoredBy, Section
from .errors import Refused


def code_key(text: str) -> str:
    """How codes and references are compared for sameness: ignoring case, character width and
    invisible or direction-changing characters (U+200B, U+202E...), which make two codes that
    look the same, or one that reads backwards, without anyone seeing why."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split()).casefold()


def raise_all(problems: list[tuple[str, str]]) -> None:
    """Raise one Refused carrying every problem as (field id, message), like the evaluate pages."""
    error = Refused(problems[0][1], field=problems[0][0])
    error.problems = problems
    raise error


def _number(value, message: str, field: str, *, integer: bool = False):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Refused(message, field=field) from None
    if not math.isfinite(number):  # "nan", "inf" and "1e309" (which is inf) are not numbers anyone means
        raise Refused(message, field=field)
    if integer:
        if number != int(number):
            raise Refused(message, field=field)
        return int(number)
    return number


def clean_section_fields(procurement: Procurement, section: Section | None, *, code, title, weight, max_score,
                          scored_by, question, guidance, threshold, key_criterion=None) -> dict:
    code, title = (code or "").strip(), (title or "").strip()
    problems: list[tuple[str, str]] = []
    if not code:
        problems.append(("code", "Enter a section code, for example Q1."))
    elif len(code) > 30:
        problems.append(("code", "The section code must be 30 characters or fewer."))
    elif any(code_key(s.code) == code_key(code) and s is not section for s in procurement.sections):
        problems.append(("code", f"Section code {code} is already used in this procurement."))
    if not title:
        problems.append(("title", "Enter a section title."))
    try:
        weight = _number(weight, "Enter the weight as a number of percent, for example 20.", "weight")
        if not 0 <= weight <= 100:
            problems.append(("weight", "The weight must be between 0 and 100 percent."))
    except Refused as refused:
        problems.append((refused.field, refused.message))
    try:
        max_score = _number(max_score, "Enter the maximum score as a whole number, for example 4.",
                            "max_score", integer=True)
        if not 1 <= max_score <= 100:
            problems.append(("max_score", "The maximum score must be between 1 and 100."))
    except Refused as refused:
        problems.append((refused.field, refused.message))
        max_score = None
    try:
        scored_by = ScoredBy(scored_by).value
    except ValueError:
        problems.append(("scored_by", "Choose who scores this section: patient representatives, the panel, "
                                      "both, or the price formula."))
    if threshold not in (None, ""):
        try:
            threshold = _number(threshold, "Enter the threshold as a number, or leave it empty.", "threshold")
            if max_score is not None and not 0 <= threshold <= max_score:
                problems.append(("threshold", f"The threshold must be between 0 and the maximum score {max_score}."))
        except Refused as refused:
            problems.append((refused.field, refused.message))
    else:
        threshold = None
    try:
        key_criterion = clean_key_criterion(key_criterion)
    except ValueError:
        problems.append(("key_criterion", "Choose one of the five key criteria, or leave it empty."))
    if problems:
        raise_all(problems)
    return {"code": code, "title": title, "weight": weight, "max_score": max_score, "scored_by": scored_by,
            "question": (question or "").strip(), "guidance": (guidance or "").strip(), "threshold": threshold,
            "key_criterion": key_criterion}


def clean_regime_fields(regime, service_type) -> dict:
    """The regime (psr or pa23) and the free-text service type, checked."""
    problems: list[tuple[str, str]] = []
    try:
        regime = clean_regime(regime or DEFAULT_REGIME)
    except ValueError:
        problems.append(("regime", "Choose the Provider Selection Regime or the Procurement Act 2023."))
    service_type = (service_type or "").strip()
    if len(service_type) > 200:
        problems.append(("service_type", "The service type must be 200 characters or fewer."))
    if problems:
        raise_all(problems)
    return {"regime": regime, "service_type": service_type}


def clean_bidder_fields(procurement: Procurement, bidder: Bidder | None, *, code: str, name: str) -> tuple[str, str]:
    code, name = (code or "").strip(), (name or "").strip()
    problems: list[tuple[str, str]] = []
    if not code:
        problems.append(("code", "Enter a bidder code, for example Bidder A."))
    elif len(code) > 30:
        problems.append(("code", "The bidder code must be 30 characters or fewer."))
    elif any(code_key(b.code) == code_key(code) and b is not bidder for b in procurement.bidders):
        problems.append(("code", f"Bidder code {code} is already used in this procurement."))
    if not name:
        problems.append(("name", "Enter the bidder's legal name."))
    if problems:
        raise_all(problems)
    return code, name
