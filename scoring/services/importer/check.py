"""Checking an import workbook: rows to problems, through `scoring.rules`.

Every sheet's rows are checked and *every* problem is collected with its sheet and the row
number Excel shows ("Sections row 4: Enter a section title."). A section or bidder row is
checked by the same rule as the set-up forms (`rules.section`, `rules.bidder`), with "Sections
row N: " in front of its message, so the two accept and refuse the same values. The rest (who
evaluates, the scores, whether scoring can open with them) compares the sheets with each other.
Nothing is written: the result is an `ImportPlan` for `write`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ... import rules
from ...extensions import db
from ...law import DEFAULT_REGIME, PSR
from ...models import Role, ScoredBy, User
from .. import accounts, setup
from ..errors import Refused, ValidationFailed
from ..import_template import GROUP_CHOICES, SHEETS
from .read import Problems, Sheet, Workbook, cell_date, cell_key, cell_text, cell_whole, cell_yes_no, shown

GROUP_ROLES = {"patient": Role.PATIENT, "panel": Role.PANEL}
GROUP_NAMES = {"patient": "patient representative", "panel": "panel evaluator"}


# ----------------------------------------------------------------------------- the plan


@dataclass
class SectionRow:
    row: int
    code: str
    title: str
    weight: float
    max_score: int
    scored_by: ScoredBy
    threshold: float | None
    question: str
    guidance: str
    key_criterion: str | None = None


@dataclass
class BidderRow:
    row: int
    code: str
    name: str
    price: float | None


@dataclass
class EvaluatorRow:
    row: int
    email: str
    name: str
    group: str
    training_completed: date | None
    existing: User | None


@dataclass
class ScoreRow:
    row: int
    evaluator: str  # email key
    bidder: str  # code key
    section: str  # code key
    value: int
    rationale: str


@dataclass
class ImportPlan:
    """Everything the workbook says, checked and ready to write."""

    reference: str = ""
    title: str = ""
    anonymised: bool = True
    regime: str = DEFAULT_REGIME
    service_type: str = ""
    sections: list[SectionRow] = field(default_factory=list)
    # False once a Sections row has a problem: other sheets then cannot be checked against the sections.
    sections_complete: bool = True
    bidders: list[BidderRow] = field(default_factory=list)
    evaluators: list[EvaluatorRow] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    consensus: list[ScoreRow] = field(default_factory=list)

    def sections_for(self, group: str) -> list[SectionRow]:
        return [s for s in self.sections if s.scored_by.includes(group)]


def _check_procurement(sheet: Sheet, plan: ImportPlan, problems: Problems) -> None:
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        where = f"Procurement row {number}"
        name, value = cell_key(sheet.get(cells, "field")), sheet.get(cells, "value")
        if name in seen:
            problems.add(where, f"{name} is given twice (also in row {seen[name]}).")
            continue
        seen[name] = number
        if name == "reference":
            plan.reference = cell_text(value)
            taken = bool(plan.reference) and setup.reference_taken(plan.reference)
            problems.extend(where, rules.procurement_reference(plan.reference, taken=taken))
        elif name == "title":
            plan.title = cell_text(value)
            problems.extend(where, rules.procurement_title(plan.title))
        elif name == "anonymised":
            if cell_text(value):
                try:
                    plan.anonymised = cell_yes_no(value)
                except ValueError:
                    problems.add(where, f"anonymised must be yes or no, not {shown(value)!r}.")
        elif name == "regime":
            if cell_text(value):
                clean, wrong = rules.regime_fields(value, "")
                if wrong:  # the form's words name the choices; the workbook needs the codes to type
                    problems.add(
                        where,
                        f"regime must be psr (the Provider Selection Regime) or pa23 "
                        f"(the Procurement Act 2023), not {shown(value)!r}.",
                    )
                else:
                    plan.regime = clean["regime"]
        elif name == "service_type":
            clean, wrong = rules.regime_fields(None, value)
            plan.service_type = clean["service_type"]
            problems.extend(where, wrong)
    for name in ("reference", "title"):
        if name not in seen:
            problems.add("Procurement", f"add a row with field {name} and its value.")


# A row whose only problem is in these fields can still be checked against (scores name it).
_USABLE_DESPITE = {"threshold"}


def _check_sections(sheet: Sheet, plan: ImportPlan, problems: Problems) -> None:
    taken: dict[str, str] = {}
    weights: list[float | None] = []  # every row's weight, so the total is checked even if other cells are wrong
    for number, cells in sheet.rows:
        where = f"Sections row {number}"
        get = lambda column, cells=cells: sheet.get(cells, column)  # noqa: E731
        clean, wrong = rules.section(
            code=get("code"),
            title=get("title"),
            weight=get("weight"),
            max_score=get("max_score"),
            scored_by=get("scored_by"),
            question=get("question"),
            guidance=get("guidance"),
            threshold=get("threshold"),
            key_criterion=get("key_criterion"),
            taken=taken,
        )
        problems.extend(where, wrong)
        if clean["code"] and not any(p.field == "code" for p in wrong):
            taken[rules.code_key(clean["code"])] = f"in row {number}"
        weights.append(clean["weight"])
        if all(p.field in _USABLE_DESPITE for p in wrong):
            plan.sections.append(
                SectionRow(
                    number,
                    clean["code"],
                    clean["title"],
                    clean["weight"],
                    clean["max_score"],
                    clean["scored_by"],
                    clean["threshold"],
                    clean["question"],
                    clean["guidance"],
                    clean["key_criterion"],
                )
            )
        else:
            plan.sections_complete = False
    if not sheet.rows:
        problems.add("Sections", "add at least one section.")
        return
    known = [w for w in weights if w is not None]
    if len(known) == len(weights):
        total = sum(known)
        hint = (
            " If the weight cells are formatted as percentages, type 20 rather than 20%."
            if abs(total - 1.0) < rules.WEIGHT_TOLERANCE
            else ""
        )
        problems.extend(
            "Sections",
            rules.weights_total(known, sentence="the weights add up to {total}. They must add up to 100." + hint),
        )


def _check_bidders(sheet: Sheet, plan: ImportPlan, problems: Problems) -> None:
    taken: dict[str, str] = {}
    for number, cells in sheet.rows:
        where = f"Bidders row {number}"
        price_cell = sheet.get(cells, "price")
        clean, wrong = rules.bidder(
            code=sheet.get(cells, "code"), name=sheet.get(cells, "name"), price=price_cell, taken=taken
        )
        problems.extend(where, wrong)
        if not any(p.field == "code" for p in wrong):
            taken[rules.code_key(clean["code"])] = f"in row {number}"
            # A refused price is still the bidder's price, so readiness does not ask for one too.
            price = clean["price"] if not any(p.field == "price" for p in wrong) else rules.number(price_cell)
            plan.bidders.append(BidderRow(number, clean["code"], clean["name"], price))
    if not sheet.rows:
        problems.add("Bidders", "add at least one bidder.")


def _check_evaluators(sheet: Sheet, plan: ImportPlan, problems: Problems) -> None:
    emails = [cell_text(sheet.get(cells, "email")) for _, cells in sheet.rows]
    existing = (
        {
            u.email.casefold(): u
            for u in db.session.scalars(
                select(User).where(func.lower(User.email).in_([e.casefold() for e in emails if e]))
            )
        }
        if emails
        else {}
    )
    seen: dict[str, int] = {}
    today = date.today()
    for number, cells in sheet.rows:
        where = f"Evaluators row {number}"
        raw, name = cell_text(sheet.get(cells, "email")), cell_text(sheet.get(cells, "name"))
        group = cell_key(sheet.get(cells, "group"))
        trained_cell = sheet.get(cells, "training_completed")
        try:
            email = accounts.normalise_email(raw) if raw else ""
        except Refused:
            problems.add(where, f"{raw} is not a valid email address.")
            continue
        if not email:
            problems.add(where, "the email is empty.")
            continue
        if email in seen:
            problems.add(where, f"{email} is listed twice (also in row {seen[email]}).")
            continue
        seen[email] = number
        if group not in GROUP_CHOICES:
            problems.add(
                where,
                f"the group of {email} must be patient or panel, not {shown(sheet.get(cells, 'group')) or 'empty'}.",
            )
            continue
        user = existing.get(email)
        trained = None
        if user is not None:
            if user.role != GROUP_ROLES[group]:
                problems.add(
                    where,
                    f"{email} already has an account as a {user.role.label.lower()}, "
                    f"so cannot score as a {GROUP_NAMES[group]}.",
                )
                continue
            if not user.is_trained:
                problems.add(
                    where,
                    f"patient representative {email} has no training date recorded. "
                    "An administrator must record their training before they can be "
                    "asked to score.",
                )
                continue
        else:
            if not name:
                problems.add(where, f"the name of {email} is empty.")
                continue
            if len(name) > accounts.NAME_MAX_CHARS:
                problems.add(where, f"the name of {email} is longer than {accounts.NAME_MAX_CHARS} characters.")
                continue
            if group == "patient":
                if not cell_text(trained_cell):
                    problems.add(
                        where,
                        f"patient representative {email} has no training date. "
                        "Give the date they completed training in the column "
                        "training_completed; untrained representatives cannot be "
                        "asked to score.",
                    )
                    continue
                try:
                    trained = cell_date(trained_cell)
                except ValueError:
                    problems.add(
                        where,
                        f"the training date {shown(trained_cell)!r} of {email} is not a date. Use the form 2026-03-27.",
                    )
                    continue
                if trained > today:
                    problems.add(where, f"the training date {trained.isoformat()} of {email} is in the future.")
                    continue
        if plan.sections and plan.sections_complete and not plan.sections_for(group):
            problems.add(
                where, f"no section is scored by {GROUP_NAMES[group]}s, so {email} would have nothing to score."
            )
            continue
        plan.evaluators.append(EvaluatorRow(number, email, name, group, trained, user))


def _lookup(value: Any, index: dict[str, Any], aliases: dict[str, str]) -> Any:
    key = cell_key(value)
    return index.get(key) or index.get(aliases.get(key, ""))


def _check_scores(sheet: Sheet, plan: ImportPlan, problems: Problems, *, consensus: bool, broken: set[str]) -> None:
    sections = {s.code.casefold(): s for s in plan.sections}
    bidders = {b.code.casefold(): b for b in plan.bidders}
    evaluators = {e.email.casefold(): e for e in plan.evaluators}
    # An Excel export may name bidders "Bidder A (Legal Name)" and sections "Q1: Title".
    bidder_aliases = {f"{b.code} ({b.name})".casefold(): b.code.casefold() for b in plan.bidders}
    section_aliases = {f"{s.code}: {s.title}".casefold(): s.code.casefold() for s in plan.sections}
    max_chars = current_app.config.get("RATIONALE_MAX_CHARS", 5000)
    email_column = "evaluator_email" if "evaluator_email" in sheet.headers else "evaluator"
    seen: dict[tuple, int] = {}
    sheet_name = sheet.name
    for number, cells in sheet.rows:
        where = f"{sheet_name} row {number}"
        get = lambda column, cells=cells: sheet.get(cells, column)  # noqa: E731
        bidder_cell, section_cell = get("bidder"), get("section")
        bidder = _lookup(bidder_cell, bidders, bidder_aliases)
        section = _lookup(section_cell, sections, section_aliases)
        evaluator = None
        ok = True
        if not consensus:
            email = cell_text(get(email_column))
            evaluator = evaluators.get(email.casefold())
            if not email:
                problems.add(where, "the evaluator's email is empty.")
                ok = False
            elif evaluator is None:
                if "evaluators" not in broken:
                    problems.add(where, f"evaluator {email} is not in the Evaluators sheet (or has a problem there).")
                ok = False
        if bidder is None:
            if "bidders" not in broken:
                problems.add(
                    where,
                    f"bidder {shown(bidder_cell) or '(empty)'} is not in the Bidders sheet."
                    if cell_text(bidder_cell)
                    else "the bidder is empty.",
                )
            ok = False
        if section is None:
            if "sections" not in broken:
                problems.add(
                    where,
                    f"section {shown(section_cell)} is not in the Sections sheet."
                    if cell_text(section_cell)
                    else "the section is empty.",
                )
            ok = False
        if section is not None and section.scored_by is ScoredBy.PRICE:
            problems.add(
                where,
                f"section {section.code} is scored from prices, so it cannot have "
                f"{'a consensus score' if consensus else 'scores'}.",
            )
            ok = False
        elif section is not None and evaluator is not None and not section.scored_by.includes(evaluator.group):
            problems.add(
                where,
                f"section {section.code} is scored by "
                f"{'the panel' if section.scored_by is ScoredBy.PANEL else 'patient representatives'}"
                f" only, and {evaluator.email} is a {GROUP_NAMES[evaluator.group]}.",
            )
            ok = False
        score_cell = get("score")
        value = None
        if not cell_text(score_cell):
            problems.add(where, "the score is empty.")
        else:
            try:
                value = cell_whole(score_cell)
            except ValueError:
                problems.add(where, f"score {shown(score_cell)} is not a whole number.")
            else:
                if value < 0:
                    problems.add(where, f"score {value} is below 0.")
                    value = None
                elif section is not None and value > section.max_score:
                    problems.add(
                        where, f"score {value} is above the maximum {section.max_score} for section {section.code}."
                    )
                    value = None
        rationale = cell_text(get("rationale"))
        if not rationale:
            problems.add(where, "the rationale (the reason for the score) is empty. Every score needs a reason.")
        elif len(rationale) > max_chars:
            problems.add(where, f"the rationale is {len(rationale)} characters long; the most is {max_chars}.")
        if not (ok and value is not None and rationale and len(rationale) <= max_chars):
            continue
        key = (evaluator.email if evaluator else "", bidder.code.casefold(), section.code.casefold())
        if key in seen:
            who = f"{evaluator.email} already has a score" if evaluator else "there is already a score"
            problems.add(where, f"{who} for {bidder.code}, {section.code} (row {seen[key]}).")
            continue
        seen[key] = number
        row = ScoreRow(number, evaluator.email if evaluator else "", bidder.code, section.code, value, rationale)
        (plan.consensus if consensus else plan.scores).append(row)


def _check_readiness(plan: ImportPlan, problems: Problems, why: str) -> None:
    """The checks of opening scoring, in the workbook's terms."""
    groups = {e.group for e in plan.evaluators}
    priced = [s for s in plan.sections if s.scored_by is ScoredBy.PRICE]
    if priced:
        for bidder in plan.bidders:
            if bidder.price is None:
                problems.add(
                    f"Bidders row {bidder.row}",
                    f"{bidder.code} needs a price because section {priced[0].code} is scored from prices and {why}.",
                )
    for section in plan.sections:
        where = f"Sections row {section.row}"
        if plan.regime == PSR and not section.key_criterion:  # PSR reg 5: see services/regime.py
            problems.add(
                where,
                f"section {section.code} has no key_criterion, which the Provider "
                f"Selection Regime needs before scoring opens, and {why}.",
            )
        if section.scored_by is ScoredBy.PRICE:
            continue
        for group in ("patient", "panel"):
            if section.scored_by.includes(group) and group not in groups:
                problems.add(
                    where,
                    f"section {section.code} is scored by {GROUP_NAMES[group]}s, "
                    f"but the Evaluators sheet has none, and {why}.",
                )


def check(workbook: Workbook, *, open_scoring: bool = False) -> ImportPlan:
    """Check the sheets' rows. Raises `ValidationFailed` listing every problem, with the
    reading problems first."""
    problems, sheets = workbook.problems, workbook.sheets
    plan = ImportPlan()
    broken = {spec.name.casefold() for spec in SHEETS if spec.name.casefold() not in sheets}
    if "procurement" in sheets:
        _check_procurement(sheets["procurement"], plan, problems)
    if "sections" in sheets:
        _check_sections(sheets["sections"], plan, problems)
        if not plan.sections_complete:
            broken.add("sections")
    if "bidders" in sheets:
        _check_bidders(sheets["bidders"], plan, problems)
    if "evaluators" in sheets:
        _check_evaluators(sheets["evaluators"], plan, problems)
    for name, is_consensus in (("scores", False), ("consensus", True)):
        if name in sheets:
            _check_scores(sheets[name], plan, problems, consensus=is_consensus, broken=broken)
    if plan.consensus or plan.scores or open_scoring:
        why = (
            "the workbook has consensus scores"
            if plan.consensus
            else "the workbook has scores"
            if plan.scores
            else "scoring is to open now"
        )
        if not broken & {"sections", "bidders", "evaluators"}:
            _check_readiness(plan, problems, why)
    if problems.items:
        raise ValidationFailed(problems.items)
    return plan
