"""Import a whole procurement from one Excel workbook, all or nothing.

The workbook's sheets and columns are described in
`scoring.services.import_template.SHEETS`. Reading happens in two passes:

1. **Check** (`read_plan`): every sheet is read and every row checked, and
   *every* problem is collected with its sheet and the row number Excel shows
   ("Scores row 14: score 7 is above the maximum 4 for section Q3"). Nothing
   is written. Any problem raises `ValidationFailed` with the whole list.
2. **Write** (`import_procurement`): the checked plan is written in one
   transaction through the same set-up services the web screens use, so the
   same rules and audit events apply; it commits once at the end.

Decisions (also in the README):

* The importing user becomes the procurement's lead.
* Evaluators are matched to existing accounts by email; an existing account
  must have the role of its group. People without an account get one without a
  password (an administrator sets it up later).
* A *new* patient representative needs a ``training_completed`` date, because
  untrained representatives cannot be asked to score. An existing
  representative's training is never changed by an import: if they have no
  training date, an administrator records it first.
* Each evaluator is assigned every section their group scores.
* Where the procurement lands: with consensus scores, in moderation; with
  scores (or when the lead asks to open scoring), in scoring, and then the
  workbook must pass the same readiness checks as opening scoring by hand;
  otherwise in set-up, so the bidders' answers can be added first.
* Imported scores are marked ``source = "import"`` and ``entered_by`` the
  importing user, and each has its own audit event. An evaluator's scores are
  submitted when they cover every bidder and section their group scores;
  otherwise they are kept as drafts so the rest can be added.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from sqlalchemy import func, insert, select

from ..extensions import db
from ..models import (
    Bidder,
    Consensus,
    Procurement,
    Role,
    Score,
    ScoreSource,
    ScoreStatus,
    Section,
    Status,
    User,
    utcnow,
)
from . import accounts, audit, setup
from .errors import Refused, ValidationFailed
from ..law import DEFAULT_REGIME, PSR, clean_regime
from ..law.key_criteria import KEY_CRITERIA, clean_key_criterion
from .setup_checks import code_key
from .import_template import GROUP_CHOICES, SCORED_BY_CHOICES, SHEETS, SHEETS_BY_NAME

NOT_A_WORKBOOK = ("The file is not an Excel workbook (.xlsx). Download the template, fill it in, "
                  "and save it as an Excel Workbook (.xlsx).")
UNREADABLE = ("Part of the workbook could not be read. Open it in Excel, save it again as an Excel "
              "Workbook (.xlsx), and upload that.")
OLD_EXCEL = ("The file is an old-style Excel 97-2003 workbook (.xls). Open it in Excel and save it "
             "as an Excel Workbook (.xlsx), then upload that.")
MAX_SCORE_LIMIT = 100
# The web forms' limits are the columns' (scoring/input_guard.py refuses longer text at flush),
# so the import checks the same numbers, row by row.
REFERENCE_MAX = Procurement.__table__.c.reference.type.length
TITLE_MAX = Procurement.__table__.c.title.type.length
SECTION_TITLE_MAX = Section.__table__.c.title.type.length
BIDDER_NAME_MAX = Bidder.__table__.c.name.type.length
CODE_MAX = min(Section.__table__.c.code.type.length, Bidder.__table__.c.code.type.length)
TOO_BIG_HELP = ("Delete the rows and columns after your last entry (Excel counts any cell ever typed in "
                "or formatted), save, and upload again.")
GROUP_ROLES = {"patient": Role.PATIENT.value, "panel": Role.PANEL.value}
GROUP_NAMES = {"patient": "patient representative", "panel": "panel evaluator"}


# ----------------------------------------------------------------------------- the plan

@dataclass
class SectionRow:
    row: int
    code: str
    title: str
    weight: float
    max_score: int
    scored_by: str
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
    bidders: list[BidderRow] = field(default_factory=list)
    evaluators: list[EvaluatorRow] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    consensus: list[ScoreRow] = field(default_factory=list)

    def sections_for(self, group: str) -> list[SectionRow]:
        return [s for s in self.sections if s.scored_by in (group, "both")]


@dataclass
class ImportResult:
    procurement: Procurement
    created_users: list[User]
    scores: int
    submitted: list[str]  # evaluator emails whose scores were submitted
    drafts: list[str]  # evaluator emails whose scores were kept as drafts
    consensus: int

    @property
    def summary(self) -> str:
        p = self.procurement
        parts = [f"Imported {p.reference}: {_count(len(p.sections), 'section', 'sections')}, "
                 f"{_count(len(p.bidders), 'bidder', 'bidders')}"]
        parts.append(_count(self.scores, "score", "scores") if self.scores else "no scores")
        if self.consensus:
            parts.append(_count(self.consensus, "consensus score", "consensus scores"))
        text = ", ".join(parts) + f". It is now {p.status_enum.label.lower()}."
        if self.created_users:
            n = len(self.created_users)
            text += (f" {_count(n, 'new account was', 'new accounts were')} created without a "
                     f"password; invite {'that person' if n == 1 else 'those people'} by email so they can "
                     "choose one and sign in.")
        if self.drafts:
            text += (f" The scores of {_count(len(self.drafts), 'evaluator', 'evaluators')} were "
                     "incomplete, so they are saved as drafts: " + _and(self.drafts) + ".")
        return text


# ----------------------------------------------------------------------------- reading cells

def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _header(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value if value is not None else "").strip().casefold())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def _key(value: Any) -> str:
    return _text(value).casefold()


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        return float(value)
    text = _text(value).replace(",", "").rstrip("%").strip()
    if not text:
        raise ValueError
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError
    return number


def _whole(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise ValueError
    return int(number)


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if isinstance(value, str) else f"{value}"


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return from_excel(value).date()  # a date typed into a cell formatted as a number
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _yes_no(value: Any) -> bool:
    text = _key(value)
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise ValueError


@dataclass
class _Sheet:
    name: str
    headers: dict[str, int]
    rows: list[tuple[int, tuple]]

    def get(self, cells: tuple, column: str) -> Any:
        index = self.headers.get(column)
        if index is None or index >= len(cells):
            return None
        return cells[index]


def size_text(n: int) -> str:
    """A file size as people read it: 10 MB, 2.5 MB, 40 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(n / 1024))} KB"


def limits_text() -> str:
    """The import's size limits in a sentence, for the import page's help."""
    c = current_app.config
    return (f"A workbook can be up to {size_text(c['IMPORT_MAX_BYTES'])}, with at most "
            f"{c['IMPORT_MAX_ROWS']:,} rows and {c['IMPORT_MAX_COLUMNS']:,} columns on a sheet and "
            f"{c['IMPORT_MAX_CELLS']:,} cells in all.")


def _sheet_limits() -> str:
    c = current_app.config
    return f"A sheet can have at most {c['IMPORT_MAX_ROWS']:,} rows and {c['IMPORT_MAX_COLUMNS']:,} columns."


def _too_big(message: str) -> ValidationFailed:
    return ValidationFailed([f"{message} {TOO_BIG_HELP}"])


def _open(source: bytes | BinaryIO | str | Path):
    if isinstance(source, (str, Path)):
        source = Path(source).read_bytes()
    if not isinstance(source, bytes):
        source = source.read()
    if source[:4] == b"\xd0\xcf\x11\xe0":
        raise ValidationFailed([OLD_EXCEL])
    config = current_app.config
    if len(source) > config["IMPORT_MAX_BYTES"]:
        raise ValidationFailed([f"The file is {size_text(len(source))}; a workbook to import can be at most "
                                f"{size_text(config['IMPORT_MAX_BYTES'])}."])
    try:
        # What the zip says its parts unpack to, checked before anything is unpacked.
        unpacked = sum(item.file_size for item in zipfile.ZipFile(BytesIO(source)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationFailed([NOT_A_WORKBOOK]) from exc
    if unpacked > config["IMPORT_MAX_UNPACKED_BYTES"]:
        limit = size_text(config["IMPORT_MAX_UNPACKED_BYTES"])
        raise ValidationFailed([f"The workbook unpacks to more than {limit}, so it cannot be imported. "
                                f"A workbook to import can unpack to at most {limit}."])
    _check_sheet_sizes(zipfile.ZipFile(BytesIO(source)))
    try:
        return load_workbook(BytesIO(source), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is not a workbook, or not a zip at all
        raise ValidationFailed([NOT_A_WORKBOOK]) from exc


_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's part in the zip -> the sheet's name, from workbook.xml and its relationships."""
    import defusedxml.ElementTree as safe_xml

    try:
        book = safe_xml.fromstring(archive.read("xl/workbook.xml"))
        rels = safe_xml.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # not a workbook: load_workbook says so in its own words
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    parts = {}
    for sheet in book.iter():
        if _local(sheet.tag) == "sheet" and sheet.get(_NS_REL) in targets:
            target = targets[sheet.get(_NS_REL)]
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts[part] = sheet.get("name", part)
    return parts


def _column_number(reference: str) -> int:
    number = 0
    for letter in reference:
        if not letter.isalpha():
            break
        number = number * 26 + ord(letter.upper()) - 64
    return number


def _check_sheet_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose sheets are too big, reading only as far as the limits.

    openpyxl's read-only mode parses the whole of a sheet that declares no size just to look
    for its size, so this runs first, on the raw XML: it reads the declared size, then counts
    rows and cells as they stream, and stops at the first limit passed.
    """
    from xml.etree.ElementTree import ParseError, XMLPullParser

    config = current_app.config
    max_rows, max_columns = config["IMPORT_MAX_ROWS"], config["IMPORT_MAX_COLUMNS"]
    budget = config["IMPORT_MAX_CELLS"]
    for part, name in _sheet_parts(archive).items():
        try:
            stream = archive.open(part)
        except KeyError:
            continue
        parser = XMLPullParser(events=("start",))
        rows = column = 0
        with stream:
            head = stream.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ValidationFailed([UNREADABLE])  # entity tricks: openpyxl's defusedxml refuses them too
            chunk = head
            while chunk:
                try:
                    parser.feed(chunk)
                    events = list(parser.read_events())
                except ParseError as exc:
                    raise ValidationFailed([UNREADABLE]) from exc
                for _, element in events:
                    tag = element.tag[element.tag.find("}") + 1:]
                    if tag == "dimension":
                        last = (element.get("ref") or "").split(":")[-1]
                        declared_rows = int("".join(ch for ch in last if ch.isdigit()) or 0)
                        declared_columns = _column_number(last)
                        if declared_rows > max_rows or declared_columns > max_columns:
                            raise _too_big(f"Sheet {name} is too big to import: it has {declared_rows:,} rows "
                                           f"and {declared_columns:,} columns. {_sheet_limits()}")
                    elif tag == "row":
                        rows = int(element.get("r") or rows + 1)
                        column = 0
                        if rows > max_rows:
                            raise _too_big(f"Sheet {name} is too big to import: it has more than "
                                           f"{max_rows:,} rows. {_sheet_limits()}")
                    elif tag == "c":
                        reference = element.get("r")
                        column = _column_number(reference) if reference else column + 1
                        if column > max_columns:
                            raise _too_big(f"Sheet {name} is too big to import: row {rows or 1} reaches column "
                                           f"{column:,}. {_sheet_limits()}")
                        budget -= 1
                        if budget < 0:
                            most = config["IMPORT_MAX_CELLS"]
                            raise _too_big(f"The workbook is too big to import: it has more than {most:,} "
                                           f"cells. A workbook can have at most {most:,} cells.")
                chunk = stream.read(65536)


def _rows_within_limits(ws, name: str, budget: list[int]):
    """The sheet's rows, refused (ValidationFailed) as soon as it proves larger than the limits.

    The size the sheet declares is checked first, before any row is read; then, since that
    can lie or be missing, rows are counted as they stream, so reading stops at the limit.
    ``budget`` holds the cells the workbook may still have; every sheet read spends from it.
    """
    config = current_app.config
    max_rows, max_columns = config["IMPORT_MAX_ROWS"], config["IMPORT_MAX_COLUMNS"]
    declared_rows, declared_columns = ws.max_row or 0, ws.max_column or 0
    if declared_rows > max_rows or declared_columns > max_columns:
        raise _too_big(f"Sheet {name} is too big to import: it has {declared_rows:,} rows and "
                       f"{declared_columns:,} columns. {_sheet_limits()}")
    ws.reset_dimensions()  # the declared size may be too small; read what is really there
    for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > max_rows:
            raise _too_big(f"Sheet {name} is too big to import: it has more than {max_rows:,} rows. "
                           f"{_sheet_limits()}")
        if len(cells) > max_columns:
            raise _too_big(f"Sheet {name} is too big to import: row {number} reaches column {len(cells):,}. "
                           f"{_sheet_limits()}")
        budget[0] -= len(cells)
        if budget[0] < 0:
            most = config["IMPORT_MAX_CELLS"]
            raise _too_big(f"The workbook is too big to import: it has more than {most:,} cells. "
                           f"A workbook can have at most {most:,} cells.")
        yield cells


def _read_sheets(workbook, problems: _Problems) -> dict[str, _Sheet]:
    """Each known sheet, by its lower-case name, with its header map and non-blank rows."""
    found = {name.strip().casefold(): name for name in workbook.sheetnames}
    sheets: dict[str, _Sheet] = {}
    missing = [spec.name for spec in SHEETS if spec.required and spec.name.casefold() not in found]
    if missing:
        needed = _and([s.name for s in SHEETS if s.required])
        for name in missing:
            problems.items.append(f"Sheet {name} is missing. The workbook needs the sheets {needed}.")
    budget = [current_app.config["IMPORT_MAX_CELLS"]]
    for key, spec in SHEETS_BY_NAME.items():
        if key not in found:
            continue
        rows = _rows_within_limits(workbook[found[key]], spec.name, budget)
        first = next(rows, None)
        headers: dict[str, int] = {}
        known = {c.name for c in spec.columns} | {"evaluator_email"}
        doubled = []
        for index, value in enumerate(first or ()):
            name = _header(value)
            if name and name not in headers:
                headers[name] = index
            elif name in known and name not in doubled:
                doubled.append(name)
        if doubled:
            # Which of the two columns would be read is anyone's guess: refuse rather than pick one.
            for name in doubled:
                columns = [get_column_letter(i + 1) for i, v in enumerate(first) if _header(v) == name]
                problems.add(f"{spec.name} row 1", f"the column {name} appears more than once (columns "
                                                   f"{_and(columns)}). Keep one and delete the others.")
            continue
        body = [(number, tuple(cells)) for number, cells in enumerate(rows, start=2)
                if any(_text(c) for c in cells)]
        needed = [c.name for c in spec.columns if c.required]
        if spec.name == "Scores" and "evaluator_email" in headers:
            needed = [c for c in needed if c != "evaluator"]
        absent = [c for c in needed if c not in headers]
        if not headers and not body and not spec.required:
            continue  # an optional sheet left empty
        if absent:
            word = "column" if len(absent) == 1 else "columns"
            verb = "is" if len(absent) == 1 else "are"
            problems.add(spec.name, f"{word} {_and(absent)} {verb} missing. Row 1 must hold the column names: "
                                    f"{', '.join(c.name for c in spec.columns)}.")
            continue
        sheets[key] = _Sheet(spec.name, headers, body)
    return sheets


# ----------------------------------------------------------------------------- checking sheets

def _check_procurement(sheet: _Sheet, plan: ImportPlan, problems: _Problems) -> None:
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        where = f"Procurement row {number}"
        name, value = _key(sheet.get(cells, "field")), sheet.get(cells, "value")
        if name in seen:
            problems.add(where, f"{name} is given twice (also in row {seen[name]}).")
            continue
        seen[name] = number
        if name == "reference":
            plan.reference = _text(value)
            if not plan.reference:
                problems.add(where, "the reference is empty.")
            elif len(plan.reference) > REFERENCE_MAX:
                problems.add(where, f"the reference is longer than {REFERENCE_MAX} characters.")
            elif setup.reference_taken(plan.reference):
                problems.add(where, f"a procurement with the reference {plan.reference} already exists.")
        elif name == "title":
            plan.title = _text(value)
            if not plan.title:
                problems.add(where, "the title is empty.")
            elif len(plan.title) > TITLE_MAX:
                problems.add(where, f"the title is longer than {TITLE_MAX} characters.")
        elif name == "anonymised":
            if _text(value):
                try:
                    plan.anonymised = _yes_no(value)
                except ValueError:
                    problems.add(where, f"anonymised must be yes or no, not {_fmt(value)!r}.")
        elif name == "regime":
            if _text(value):
                try:
                    plan.regime = clean_regime(value)
                except ValueError:
                    problems.add(where, f"regime must be psr (the Provider Selection Regime) or pa23 "
                                        f"(the Procurement Act 2023), not {_fmt(value)!r}.")
        elif name == "service_type":
            plan.service_type = _text(value)
            if len(plan.service_type) > 200:
                problems.add(where, "the service type is longer than 200 characters.")
    for name in ("reference", "title"):
        if name not in seen:
            problems.add("Procurement", f"add a row with field {name} and its value.")


def _check_sections(sheet: _Sheet, plan: ImportPlan, problems: _Problems) -> None:
    seen: dict[str, int] = {}
    weights: list[float | None] = []  # every row's weight, so the total is checked even if other cells are wrong
    for number, cells in sheet.rows:
        where = f"Sections row {number}"
        get = lambda column: sheet.get(cells, column)  # noqa: E731
        code, title = _text(get("code")), _text(get("title"))
        ok = _check_code(problems, where, code, seen, number)
        label = f"section {code}" if code else "this section"
        if not title:
            problems.add(where, f"the title of {label} is empty.")
        elif len(title) > SECTION_TITLE_MAX:
            problems.add(where, f"the title of {label} is longer than {SECTION_TITLE_MAX} characters.")
        weight = max_score = threshold = None
        try:
            weight = _number(get("weight"))
            if weight < 0:
                problems.add(where, f"the weight of {label} is {_fmt(weight)}; it must be 0 or more.")
                weight = None
        except ValueError:
            problems.add(where, f"the weight of {label} must be a number (percent), "
                                f"not {_fmt(get('weight')) or 'empty'}.")
        try:
            max_score = _whole(get("max_score"))
            if not 1 <= max_score <= MAX_SCORE_LIMIT:
                problems.add(where, f"the max_score of {label} is {max_score}; it must be from 1 to "
                                    f"{MAX_SCORE_LIMIT}.")
                max_score = None
        except ValueError:
            problems.add(where, f"the max_score of {label} must be a whole number, "
                                f"not {_fmt(get('max_score')) or 'empty'}.")
        scored_by = _key(get("scored_by"))
        if scored_by not in SCORED_BY_CHOICES:
            problems.add(where, f"scored_by of {label} must be one of {', '.join(SCORED_BY_CHOICES)}, "
                                f"not {_fmt(get('scored_by')) or 'empty'}.")
            scored_by = None
        if _text(get("threshold")):
            try:
                threshold = _number(get("threshold"))
                if max_score is not None and not 0 <= threshold <= max_score:
                    problems.add(where, f"the threshold {_fmt(threshold)} of {label} must be from 0 "
                                        f"to its max_score {max_score}.")
            except ValueError:
                problems.add(where, f"the threshold of {label} must be a number, "
                                    f"not {_fmt(get('threshold'))}.")
        weights.append(weight)
        key_criterion = None
        try:
            key_criterion = clean_key_criterion(get("key_criterion"))
        except ValueError:
            problems.add(where, f"key_criterion of {label} must be one of {', '.join(KEY_CRITERIA)}, "
                                f"not {_fmt(get('key_criterion'))!r}.")
            ok = False
        if ok and weight is not None and max_score is not None and scored_by and title:
            plan.sections.append(SectionRow(number, code, title, weight, max_score, scored_by,
                                            threshold, _text(get("question")), _text(get("guidance")),
                                            key_criterion))
        else:
            plan.sections.append(None)  # a section with a problem: other sheets cannot check against it
    if not sheet.rows:
        problems.add("Sections", "add at least one section.")
        return
    if all(w is not None for w in weights):
        total = sum(weights)
        if abs(total - 100.0) > setup.WEIGHT_TOLERANCE:
            hint = (" If the weight cells are formatted as percentages, type 20 rather than 20%."
                    if abs(total - 1.0) < 1e-6 else "")
            problems.add("Sections", f"the weights add up to {total:g}. They must add up to 100.{hint}")


def _check_bidders(sheet: _Sheet, plan: ImportPlan, problems: _Problems) -> None:
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        where = f"Bidders row {number}"
        code, name = _text(sheet.get(cells, "code")), _text(sheet.get(cells, "name"))
        price_cell = sheet.get(cells, "price")
        ok = _check_code(problems, where, code, seen, number)
        if not name:
            problems.add(where, f"the name of {code or 'this bidder'} is empty.")
        elif len(name) > BIDDER_NAME_MAX:
            problems.add(where, f"the name of {code} is longer than {BIDDER_NAME_MAX} characters.")
        price = None
        if _text(price_cell):
            try:
                price = _number(price_cell)
                if price <= 0:
                    problems.add(where, f"the price of {code} must be more than 0.")
            except ValueError:
                problems.add(where, f"the price of {code} must be a number, not {_fmt(price_cell)}.")
        if ok:
            plan.bidders.append(BidderRow(number, code, name, price))
    if not sheet.rows:
        problems.add("Bidders", "add at least one bidder.")


def _check_evaluators(sheet: _Sheet, plan: ImportPlan, problems: _Problems) -> None:
    emails = [_text(sheet.get(cells, "email")) for _, cells in sheet.rows]
    existing = {
        u.email.casefold(): u
        for u in db.session.scalars(
            select(User).where(func.lower(User.email).in_([e.casefold() for e in emails if e]))
        )
    } if emails else {}
    seen: dict[str, int] = {}
    today = date.today()
    for number, cells in sheet.rows:
        where = f"Evaluators row {number}"
        raw, name = _text(sheet.get(cells, "email")), _text(sheet.get(cells, "name"))
        group = _key(sheet.get(cells, "group"))
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
            problems.add(where, f"the group of {email} must be patient or panel, "
                                f"not {_fmt(sheet.get(cells, 'group')) or 'empty'}.")
            continue
        user = existing.get(email)
        trained = None
        if user is not None:
            if user.role != GROUP_ROLES[group]:
                problems.add(where, f"{email} already has an account as a {user.role_enum.label.lower()}, "
                                    f"so cannot score as a {GROUP_NAMES[group]}.")
                continue
            if not user.is_trained:
                problems.add(where, f"patient representative {email} has no training date recorded. "
                                    "An administrator must record their training before they can be "
                                    "asked to score.")
                continue
        else:
            if not name:
                problems.add(where, f"the name of {email} is empty.")
                continue
            if len(name) > accounts.NAME_MAX_CHARS:
                problems.add(where, f"the name of {email} is longer than {accounts.NAME_MAX_CHARS} characters.")
                continue
            if group == "patient":
                if not _text(trained_cell):
                    problems.add(where, f"patient representative {email} has no training date. "
                                        "Give the date they completed training in the column "
                                        "training_completed; untrained representatives cannot be "
                                        "asked to score.")
                    continue
                try:
                    trained = _date(trained_cell)
                except ValueError:
                    problems.add(where, f"the training date {_fmt(trained_cell)!r} of {email} is not a "
                                        "date. Use the form 2026-03-27.")
                    continue
                if trained > today:
                    problems.add(where, f"the training date {trained.isoformat()} of {email} is in the "
                                        "future.")
                    continue
        if plan.sections and all(s is not None for s in plan.sections) and not plan.sections_for(group):
            problems.add(where, f"no section is scored by {GROUP_NAMES[group]}s, so {email} would "
                                "have nothing to score.")
            continue
        plan.evaluators.append(EvaluatorRow(number, email, name, group, trained, user))


def _lookup(value: Any, index: dict[str, Any], aliases: dict[str, str]) -> Any:
    key = _key(value)
    return index.get(key) or index.get(aliases.get(key, ""))


def _check_scores(sheet: _Sheet, plan: ImportPlan, problems: _Problems, *, consensus: bool,
                  broken: set[str]) -> None:
    sections = {s.code.casefold(): s for s in plan.sections if s is not None}
    bidders = {b.code.casefold(): b for b in plan.bidders}
    evaluators = {e.email.casefold(): e for e in plan.evaluators}
    # An Excel export may name bidders "Bidder A (Legal Name)" and sections "Q1: Title".
    bidder_aliases = {f"{b.code} ({b.name})".casefold(): b.code.casefold() for b in plan.bidders}
    section_aliases = {f"{s.code}: {s.title}".casefold(): s.code.casefold()
                       for s in plan.sections if s is not None}
    max_chars = current_app.config.get("RATIONALE_MAX_CHARS", 5000)
    email_column = "evaluator_email" if "evaluator_email" in sheet.headers else "evaluator"
    seen: dict[tuple, int] = {}
    sheet_name = sheet.name
    for number, cells in sheet.rows:
        where = f"{sheet_name} row {number}"
        get = lambda column: sheet.get(cells, column)  # noqa: E731
        bidder_cell, section_cell = get("bidder"), get("section")
        bidder = _lookup(bidder_cell, bidders, bidder_aliases)
        section = _lookup(section_cell, sections, section_aliases)
        evaluator = None
        ok = True
        if not consensus:
            email = _text(get(email_column))
            evaluator = evaluators.get(email.casefold())
            if not email:
                problems.add(where, "the evaluator's email is empty.")
                ok = False
            elif evaluator is None:
                if "evaluators" not in broken:
                    problems.add(where, f"evaluator {email} is not in the Evaluators sheet "
                                        "(or has a problem there).")
                ok = False
        if bidder is None:
            if "bidders" not in broken:
                problems.add(where, f"bidder {_fmt(bidder_cell) or '(empty)'} is not in the Bidders "
                                    "sheet." if _text(bidder_cell) else "the bidder is empty.")
            ok = False
        if section is None:
            if "sections" not in broken:
                problems.add(where, f"section {_fmt(section_cell)} is not in the Sections sheet."
                             if _text(section_cell) else "the section is empty.")
            ok = False
        if section is not None and section.scored_by == "price":
            problems.add(where, f"section {section.code} is scored from prices, so it cannot have "
                                f"{'a consensus score' if consensus else 'scores'}.")
            ok = False
        elif section is not None and evaluator is not None and \
                section.scored_by not in (evaluator.group, "both"):
            problems.add(where, f"section {section.code} is scored by "
                                f"{'the panel' if section.scored_by == 'panel' else 'patient representatives'}"
                                f" only, and {evaluator.email} is a {GROUP_NAMES[evaluator.group]}.")
            ok = False
        score_cell = get("score")
        value = None
        if not _text(score_cell):
            problems.add(where, "the score is empty.")
        else:
            try:
                value = _whole(score_cell)
            except ValueError:
                problems.add(where, f"score {_fmt(score_cell)} is not a whole number.")
            else:
                if value < 0:
                    problems.add(where, f"score {value} is below 0.")
                    value = None
                elif section is not None and value > section.max_score:
                    problems.add(where, f"score {value} is above the maximum {section.max_score} "
                                        f"for section {section.code}.")
                    value = None
        rationale = _text(get("rationale"))
        if not rationale:
            problems.add(where, "the rationale (the reason for the score) is empty. Every score "
                                "needs a reason.")
        elif len(rationale) > max_chars:
            problems.add(where, f"the rationale is {len(rationale)} characters long; the most is "
                                f"{max_chars}.")
        if not (ok and value is not None and rationale and len(rationale) <= max_chars):
            continue
        key = (evaluator.email if evaluator else "", bidder.code.casefold(), section.code.casefold())
        if key in seen:
            who = f"{evaluator.email} already has a score" if evaluator else "there is already a score"
            problems.add(where, f"{who} for {bidder.code}, {section.code} (row {seen[key]}).")
            continue
        seen[key] = number
        row = ScoreRow(number, evaluator.email if evaluator else "", bidder.code, section.code,
                       value, rationale)
        (plan.consensus if consensus else plan.scores).append(row)


def _check_readiness(plan: ImportPlan, problems: _Problems, why: str) -> None:
    """The checks of opening scoring, in the workbook's terms."""
    groups = {e.group for e in plan.evaluators}
    priced = [s for s in plan.sections if s.scored_by == "price"]
    if priced:
        for bidder in plan.bidders:
            if bidder.price is None:
                problems.add(f"Bidders row {bidder.row}",
                             f"{bidder.code} needs a price because section {priced[0].code} is "
                             f"scored from prices and {why}.")
    for section in plan.sections:
        where = f"Sections row {section.row}"
        if plan.regime == PSR and not section.key_criterion:  # PSR reg 5: see services/regime.py
            problems.add(where, f"section {section.code} has no key_criterion, which the Provider "
                                f"Selection Regime needs before scoring opens, and {why}.")
        if section.scored_by == "price":
            continue
        for group in ("patient", "panel"):
            if section.scored_by in (group, "both") and group not in groups:
                problems.add(where, f"section {section.code} is scored by {GROUP_NAMES[group]}s, "
                                    f"but the Evaluators sheet has none, and {why}.")


# ----------------------------------------------------------------------------- the two passes

def read_plan(source: bytes | BinaryIO | str | Path, *, open_scoring: bool = False) -> ImportPlan:
    """Read and check the workbook. Raises `ValidationFailed` listing every problem."""
    problems = _Problems()
    workbook = _open(source)
    try:
        try:
            sheets = _read_sheets(workbook, problems)
        except ValidationFailed:
            raise
        except Exception as exc:  # a damaged sheet, or XML that defusedxml refuses
            raise ValidationFailed([UNREADABLE]) from exc
        plan = ImportPlan()
        broken = {spec.name.casefold() for spec in SHEETS if spec.name.casefold() not in sheets}
        if "procurement" in sheets:
            _check_procurement(sheets["procurement"], plan, problems)
        if "sections" in sheets:
            _check_sections(sheets["sections"], plan, problems)
            if any(s is None for s in plan.sections):
                broken.add("sections")
        if "bidders" in sheets:
            _check_bidders(sheets["bidders"], plan, problems)
        if "evaluators" in sheets:
            _check_evaluators(sheets["evaluators"], plan, problems)
        plan.sections = [s for s in plan.sections if s is not None]
        for name, is_consensus in (("scores", False), ("consensus", True)):
            if name in sheets:
                _check_scores(sheets[name], plan, problems, consensus=is_consensus, broken=broken)
        if plan.consensus or plan.scores or open_scoring:
            why = ("the workbook has consensus scores" if plan.consensus
                   else "the workbook has scores" if plan.scores else "scoring is to open now")
            if not broken & {"sections", "bidders", "evaluators"}:
                _check_readiness(plan, problems, why)
    finally:
        workbook.close()
    if problems.items:
        raise ValidationFailed(problems.items)
    return plan


def import_procurement(source: bytes | BinaryIO | str | Path, *, actor: User,
                       open_scoring: bool = False) -> ImportResult:
    """Create a procurement from a workbook, all or nothing, with the importer as its lead.

    Raises `ValidationFailed` (nothing written) when the workbook has any problem.
    """
    plan = read_plan(source, open_scoring=open_scoring)
    try:
        # Everything is checked already; flushing before every query of the set-up
        # services would only slow a large import down.
        with db.session.no_autoflush:
            return _write(plan, actor=actor, open_scoring=open_scoring)
    except Refused as refused:  # a rule the checks missed: still nothing is written
        db.session.rollback()
        problems = getattr(refused, "problems", None) or [refused.message]
        raise ValidationFailed(list(problems)) from refused
    except Exception:
        db.session.rollback()
        raise


def _write(plan: ImportPlan, *, actor: User, open_scoring: bool) -> ImportResult:
    procurement = setup.create_procurement(reference=plan.reference, title=plan.title, lead=actor,
                                           actor=actor, anonymised=plan.anonymised, regime=plan.regime,
                                           service_type=plan.service_type)
    sections = {
        row.code: setup.add_section(procurement, code=row.code, title=row.title, weight=row.weight,
                                    max_score=row.max_score, scored_by=row.scored_by,
                                    question=row.question, guidance=row.guidance,
                                    threshold=row.threshold, key_criterion=row.key_criterion,
                                    actor=actor)
        for row in plan.sections
    }
    bidders = {row.code: setup.add_bidder(procurement, code=row.code, name=row.name, price=row.price,
                                          actor=actor)
               for row in plan.bidders}
    users: dict[str, User] = {}
    created: list[User] = []
    for row in plan.evaluators:
        user = row.existing
        if user is None:
            user = accounts.create_user(email=row.email, name=row.name, role=GROUP_ROLES[row.group],
                                        password=None, training_completed_on=row.training_completed,
                                        actor=actor)
            created.append(user)
        users[row.email] = user
        for section_row in plan.sections_for(row.group):
            setup.assign_evaluator(sections[section_row.code], user, actor=actor)

    if plan.scores or plan.consensus or open_scoring:
        setup.open_scoring(procurement, actor=actor)

    now = utcnow()
    cells_needed = {row.email: len(plan.bidders) * len(plan.sections_for(row.group))
                    for row in plan.evaluators}
    given: dict[str, int] = {}
    for row in plan.scores:
        given[row.evaluator] = given.get(row.evaluator, 0) + 1
    complete = {email for email, count in given.items() if count == cells_needed[email]}
    # One executemany INSERT for the scores, not one ORM object (and one statement)
    # each: a large import has thousands. The new ids are then read back in one query.
    score_rows = [{
        "bidder_id": bidders[row.bidder].id, "section_id": sections[row.section].id,
        "evaluator_id": users[row.evaluator].id, "value": row.value, "rationale": row.rationale,
        "status": (ScoreStatus.SUBMITTED if row.evaluator in complete else ScoreStatus.DRAFT).value,
        "source": ScoreSource.IMPORT.value, "entered_by_id": actor.id, "version": 1,
        "updated_at": now, "submitted_at": now if row.evaluator in complete else None,
    } for row in plan.scores]
    score_ids: list[int] = []
    if score_rows:
        db.session.execute(insert(Score), score_rows)
        ids = {(b, s, e): i for i, b, s, e in db.session.execute(
            select(Score.id, Score.bidder_id, Score.section_id, Score.evaluator_id)
            .where(Score.section_id.in_([section.id for section in sections.values()])))}
        score_ids = [ids[(r["bidder_id"], r["section_id"], r["evaluator_id"])] for r in score_rows]
    consensus = [
        Consensus(bidder_id=bidders[row.bidder].id, section_id=sections[row.section].id,
                  value=row.value, rationale=row.rationale, source=ScoreSource.IMPORT.value,
                  decided_by_id=actor.id, decided_at=now, version=1)
        for row in plan.consensus
    ]
    db.session.add_all(consensus)
    db.session.flush()
    for row, values, score_id in zip(plan.scores, score_rows, score_ids):
        audit.record("score.imported", actor=actor, procurement_id=procurement.id, entity="score",
                     entity_id=score_id, after={
                         "value": row.value, "rationale": row.rationale, "status": values["status"],
                         "version": 1, "source": "import", "evaluator": row.evaluator,
                         "bidder": row.bidder, "section": row.section, "row": row.row})
    for row, agreed in zip(plan.consensus, consensus):
        audit.record("consensus.imported", actor=actor, procurement_id=procurement.id,
                     entity="consensus", entity_id=agreed.id, after={
                         "value": agreed.value, "rationale": agreed.rationale, "version": 1,
                         "source": "import", "bidder": row.bidder, "section": row.section,
                         "row": row.row})
    if plan.consensus:
        setup._set_status(procurement, Status.MODERATION, actor=actor,
                          reason="Imported with consensus scores.")
    result = ImportResult(
        procurement=procurement, created_users=created, scores=len(score_ids),
        submitted=sorted(complete), drafts=sorted(set(given) - complete), consensus=len(consensus),
    )
    audit.record("procurement.imported", actor=actor, procurement_id=procurement.id,
                 entity="procurement", entity_id=procurement.id, after={
                     "reference": procurement.reference, "sections": len(sections),
                     "bidders": len(bidders), "evaluators": len(users),
                     "new_accounts": [u.email for u in created], "scores": len(score_ids),
                     "consensus": len(consensus), "status": procurement.status,
                     "submitted": result.submitted, "drafts": result.drafts})
    db.session.commit()
    return result


def _visible(text: str) -> str:
    """Text with its invisible characters written out, so a message shows what is really there
    (a U+202E would otherwise turn the rest of the message backwards)."""
    return "".join(f"[U+{ord(ch):04X}]" if unicodedata.category(ch) == "Cf" else ch for ch in text)


def _check_code(problems, where: str, code: str, seen: dict[str, int], number: int) -> bool:
    """Check a Sections or Bidders code: present, short enough, not used before (any case)."""
    if not code:
        problems.add(where, "the code is empty.")
        return False
    if len(code) > CODE_MAX:
        problems.add(where, f"the code {code} is longer than {CODE_MAX} characters.")
        return False
    key = code_key(code)
    if key in seen:
        hidden = (" (the two differ only by invisible or direction-changing characters)"
                  if any(unicodedata.category(ch) == "Cf" for ch in code) else "")
        problems.add(where, f"the code {_visible(code)} is used twice (also in row {seen[key]}){hidden}.")
        return False
    seen[key] = number
    return True
