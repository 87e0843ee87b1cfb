"""The checks a procurement's data must pass, each written once.

Every function here returns a list of `Problem`s (field, message) and changes nothing; the
callers decide what to do with them. The set-up services (and through them the web forms), the
Excel importer (which puts "Sections row 4: " in front of each message), the what-if page and
the lifecycle all call these, so a value one of them refuses, every one of them refuses, with
the same words (`tests/planning/test_rules_agree.py` sends the same bad values through the
forms and a workbook).

The values may come typed into a form (text) or read from an Excel cell (numbers, dates, text),
so each check reads both: `number` is the one way a number is read.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from .engine.inputs import WEIGHT_SUM_TOLERANCE
from .law import DEFAULT_REGIME, clean_regime
from .law.key_criteria import KEY_CRITERIA, clean_key_criterion
from .models import Bidder, Procurement, Role, ScalePoint, ScoredBy, Section
from .problems import Problem

#: Section weights must add up to 100 within this (the engine refuses inputs outside it too).
WEIGHT_TOLERANCE = WEIGHT_SUM_TOLERANCE

#: What every change to a final procurement is told.
FINAL_MESSAGE = "This procurement is final. Nothing can be changed."


def column_length(column: Any) -> int:
    """The most characters a String column holds (the length it is declared with)."""
    length = getattr(column.type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{column} is declared without a length")
    return length


# The longest text each column holds (scoring/input_guard.py refuses longer text at flush,
# with a message that cannot say which field): checked here so the message can.
REFERENCE_MAX = column_length(Procurement.__table__.c.reference)
TITLE_MAX = column_length(Procurement.__table__.c.title)
SERVICE_TYPE_MAX = column_length(Procurement.__table__.c.service_type)
SECTION_CODE_MAX = column_length(Section.__table__.c.code)
SECTION_TITLE_MAX = column_length(Section.__table__.c.title)
BIDDER_CODE_MAX = column_length(Bidder.__table__.c.code)
BIDDER_NAME_MAX = column_length(Bidder.__table__.c.name)
SCALE_LABEL_MAX = column_length(ScalePoint.__table__.c.label)
MAX_SCORE_LIMIT = 100


# ----------------------------------------------------------------------------- reading values


def text(value: Any) -> str:
    """A form value or an Excel cell as trimmed text (a whole-number float without its ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def number(value: Any) -> float | None:
    """A number typed into a form or read from a cell; None if it is not one.

    Thousands commas and a trailing % are allowed ("1,250", "20%"); "nan", "inf" and "1e309"
    (which is inf) are not numbers anyone means, and True/False from a cell is not a number.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        cleaned = text(value).replace(",", "").removesuffix("%").strip()
        if not cleaned:
            return None
        try:
            result = float(cleaned)
        except ValueError:
            return None
    return result if math.isfinite(result) else None


def whole(value: Any) -> int | None:
    result = number(value)
    return int(result) if result is not None and result.is_integer() else None


def blank(value: Any) -> bool:
    return text(value) == ""


def code_key(code: str) -> str:
    """How codes and references are compared for sameness: ignoring case, character width and
    invisible or direction-changing characters (U+200B, U+202E...), which make two codes that
    look the same, or one that reads backwards, without anyone seeing why."""
    code = unicodedata.normalize("NFKC", code or "")
    code = "".join(ch for ch in code if unicodedata.category(ch) != "Cf")
    return " ".join(code.split()).casefold()


def visible(value: str) -> str:
    """Text with its invisible characters written out, so a message shows what is really there
    (a U+202E would otherwise turn the rest of the message backwards)."""
    return "".join(f"[U+{ord(ch):04X}]" if unicodedata.category(ch) == "Cf" else ch for ch in value)


def _filled_in(field: str, value: str, *, missing: str | None, label: str, most: int) -> Problem | None:
    """The one "enter it" and "at most N characters" check; ``missing`` None means it may be empty."""
    if not value:
        return Problem(field, missing) if missing else None
    if len(value) > most:
        return Problem(field, f"{label} must be {most} characters or fewer. It is {len(value):,}.")
    return None


def _taken(kind: str, code: str, taken: Mapping[str, str]) -> Problem | None:
    """``taken`` maps the code_key of each code already used to where it is used."""
    where = taken.get(code_key(code))
    if where is None:
        return None
    hidden = (
        " (the two differ only by invisible or direction-changing characters)"
        if any(unicodedata.category(ch) == "Cf" for ch in code)
        else ""
    )
    return Problem("code", f"{kind} code {visible(code)} is already used {where}{hidden}.")


def taken_codes(items: Iterable, but: object = None) -> dict[str, str]:
    """The codes of a procurement's sections or bidders (except ``but``), for `section` and `bidder`."""
    return {code_key(item.code): "in this procurement" for item in items if item is not but}


# ----------------------------------------------------------------------------- the procurement


def procurement(
    *, reference: Any, title: Any, regime: Any = None, service_type: Any = None, reference_taken: bool = False
) -> tuple[dict, list[Problem]]:
    """A new procurement's details: (clean values, problems)."""
    reference, title = text(reference), text(title)
    problems = procurement_reference(reference, taken=reference_taken)
    problems += procurement_title(title)
    clean, more = regime_fields(regime, service_type)
    return {"reference": reference, "title": title, **clean}, problems + more


def procurement_reference(value: Any, *, taken: bool = False) -> list[Problem]:
    """``taken``: another procurement has it (`setup.reference_taken`, which asks the database)."""
    value = text(value)
    found = _filled_in(
        "reference",
        value,
        missing="Enter a reference, for example GP-2027-01.",
        label="The reference",
        most=REFERENCE_MAX,
    )
    if found:
        return [found]
    if taken:
        return [Problem("reference", f"A procurement with the reference {value} already exists.")]
    return []


def procurement_title(title: Any) -> list[Problem]:
    found = _filled_in("title", text(title), missing="Enter a title.", label="The title", most=TITLE_MAX)
    return [found] if found else []


def regime_fields(regime: Any, service_type: Any) -> tuple[dict, list[Problem]]:
    """The regime (psr or pa23) and the free-text service type."""
    problems: list[Problem] = []
    try:
        regime = clean_regime(text(regime) or DEFAULT_REGIME)
    except ValueError:
        problems.append(Problem("regime", "Choose the Provider Selection Regime or the Procurement Act 2023."))
    service_type = text(service_type)
    if found := _filled_in("service_type", service_type, missing=None, label="The service type", most=SERVICE_TYPE_MAX):
        problems.append(found)
    return {"regime": regime, "service_type": service_type}, problems


# ----------------------------------------------------------------------------- sections


def section_weight(value: Any, *, field: str = "weight", code: str = "") -> tuple[float | None, list[Problem]]:
    """One section's weight in percent, 0 to 100. ``code`` names the section where a page
    shows several weights at once."""
    of = f" of section {code}" if code else ""
    result = number(value)
    if result is None:
        return None, [Problem(field, f"Enter the weight{of} as a number of percent, for example 20.")]
    if not 0 <= result <= 100:
        return None, [Problem(field, f"The weight{of} must be between 0 and 100 percent.")]
    return result, []


def weights_add_up(total: float) -> bool:
    return abs(total - 100.0) <= WEIGHT_TOLERANCE


TOTAL_SENTENCE = "Section weights add up to {total}%. They must add up to 100%."


def weights_total(weights: Iterable[float], *, field: str = "", sentence: str = TOTAL_SENTENCE) -> list[Problem]:
    """Section weights must add up to 100. Callers that show the total in other words (the
    workbook, the what-if page, a change after opening) pass their ``sentence``; the rule and its
    one tolerance are here."""
    total = sum(weights)
    return [] if weights_add_up(total) else [Problem(field, sentence.format(total=f"{total:g}"))]


def section(
    *,
    code: Any,
    title: Any,
    weight: Any,
    max_score: Any,
    scored_by: Any,
    question: Any = "",
    guidance: Any = "",
    threshold: Any = None,
    key_criterion: Any = None,
    taken: Mapping[str, str] = {},
) -> tuple[dict, list[Problem]]:
    """One section's fields: (clean values, problems). A clean value is None where it has a
    problem. ``taken``: the codes already used (see `taken_codes`)."""
    code, title = text(code), text(title)
    problems: list[Problem] = []
    problems += [
        found
        for found in (
            _filled_in(
                "code",
                code,
                missing="Enter a section code, for example Q1.",
                label="The section code",
                most=SECTION_CODE_MAX,
            )
            or _taken("Section", code, taken),
            _filled_in(
                "title", title, missing="Enter a section title.", label="The section title", most=SECTION_TITLE_MAX
            ),
        )
        if found
    ]
    weight_value, more = section_weight(weight)
    problems += more
    top = whole(max_score)
    if top is None:
        problems.append(Problem("max_score", "Enter the maximum score as a whole number, for example 4."))
    elif not 1 <= top <= MAX_SCORE_LIMIT:
        problems.append(Problem("max_score", f"The maximum score must be between 1 and {MAX_SCORE_LIMIT}."))
        top = None
    try:
        scored_by = ScoredBy(text(scored_by).casefold())
    except ValueError:
        problems.append(
            Problem(
                "scored_by",
                "Choose who scores this section: patient representatives, the panel, both, or the price formula.",
            )
        )
        scored_by = None
    bar = None
    if not blank(threshold):
        bar = number(threshold)
        if bar is None:
            problems.append(Problem("threshold", "Enter the threshold as a number, or leave it empty."))
        elif top is not None and not 0 <= bar <= top:
            problems.append(Problem("threshold", f"The threshold must be between 0 and the maximum score {top}."))
    try:
        key_criterion = clean_key_criterion(key_criterion)
    except ValueError:
        problems.append(
            Problem(
                "key_criterion",
                "Choose one of the five key criteria (" + ", ".join(KEY_CRITERIA) + "), or leave it empty.",
            )
        )
        key_criterion = None
    return {
        "code": code,
        "title": title,
        "weight": weight_value,
        "max_score": top,
        "scored_by": scored_by,
        "question": text(question),
        "guidance": text(guidance),
        "threshold": bar,
        "key_criterion": key_criterion,
    }, problems


# ----------------------------------------------------------------------------- bidders


def bidder_price(value: Any, *, code: str, field: str = "price") -> tuple[float | None, list[Problem]]:
    """A bidder's price in pounds ("£1,250,000.50"); empty means not known yet. Above £0: the
    price formula divides by it."""
    if isinstance(value, str):
        value = value.replace("£", "").replace(" ", "")
    if blank(value):
        return None, []
    result = number(value)
    if result is None:
        return None, [Problem(field, f"Enter the price for {code} as a number of pounds, for example 1250000.")]
    if result <= 0:
        return None, [Problem(field, f"Enter a price above £0 for {code}.")]
    return result, []


def bidder(*, code: Any, name: Any, price: Any = None, taken: Mapping[str, str] = {}) -> tuple[dict, list[Problem]]:
    """One bidder's fields: (clean values, problems)."""
    code, name = text(code), text(name)
    problems: list[Problem] = []
    problems += [
        found
        for found in (
            _filled_in(
                "code",
                code,
                missing="Enter a bidder code, for example Bidder A.",
                label="The bidder code",
                most=BIDDER_CODE_MAX,
            )
            or _taken("Bidder", code, taken),
            _filled_in(
                "name",
                name,
                missing="Enter the bidder's legal name.",
                label="The bidder's legal name",
                most=BIDDER_NAME_MAX,
            ),
        )
        if found
    ]
    amount, more = bidder_price(price, code=code or "this bidder")
    return {"code": code, "name": name, "price": amount}, problems + more


# ----------------------------------------------------------------------------- scale


def scale(points: list[tuple[str, str]], sections: Iterable[Section]) -> list[Problem]:
    """A scale of (label, descriptor) valued 0, 1, 2... in order."""
    problems: list[Problem] = []
    if len(points) < 2:
        problems.append(Problem("label-0", "The scale needs at least two points, for example 0 and 1."))
    for value, (label, _descriptor) in enumerate(points):
        if not text(label):
            problems.append(Problem(f"label-{value}", f"Enter a label for score {value}."))
        elif len(text(label)) > SCALE_LABEL_MAX:
            problems.append(
                Problem(f"label-{value}", f"The label for score {value} must be {SCALE_LABEL_MAX} characters or fewer.")
            )
    top = len(points) - 1
    for section in sections:
        if not section.is_price and section.max_score > top:
            problems.append(
                Problem(
                    "label-0",
                    f"Section {section.code} has a maximum score of {section.max_score}, "
                    f"so the scale needs points up to {section.max_score}.",
                )
            )
    return problems


# ----------------------------------------------------------------------------- readiness and final


def readiness(procurement: Procurement) -> list[Problem]:
    """Everything that stops scoring from opening, in plain English."""
    from .services import regime  # the PSR rule (reg 5) lives with the regime

    problems: list[Problem] = []
    if not procurement.sections:
        problems.append(Problem("", "Add at least one section."))
    else:
        problems += weights_total(s.weight for s in procurement.sections)
    if not procurement.bidders:
        problems.append(Problem("", "Add at least one bidder."))
    for section in procurement.sections:
        if section.is_price:
            missing = [b.code for b in procurement.bidders if b.price is None]
            if missing:
                problems.append(Problem("", f"Price section {section.code} needs a price for {', '.join(missing)}."))
            continue
        evaluators = [a.user for a in section.assignments]
        scored_by = section.scored_by
        if not evaluators:
            problems.append(Problem("", f"Section {section.code} has no evaluator."))
        if scored_by.includes("patient") and not any(u.role is Role.PATIENT and u.is_trained for u in evaluators):
            problems.append(
                Problem(
                    "",
                    f"Section {section.code} is scored by patient representatives but has "
                    "no trained patient representative.",
                )
            )
        if scored_by.includes("panel") and not any(u.role is Role.PANEL for u in evaluators):
            problems.append(Problem("", f"Section {section.code} is scored by the panel but has no panel evaluator."))
    problems += [Problem("", message) for message in regime.readiness_problems(procurement)]
    return problems


def final(procurement: Procurement) -> list[Problem]:
    """Final means frozen: every service that changes a procurement asks this first."""
    return [Problem("", FINAL_MESSAGE)] if procurement.is_final else []
