"""Reading an import workbook: sheets to rows, within the size limits in Config.

Nothing here knows what a section or a bidder is: it opens the file (refusing an old .xls, a
file that is not a workbook and one that is too big, before any cell is read), finds the known
sheets of `import_template.SHEETS`, maps their headers and keeps their non-blank rows with the
row number Excel shows. Missing sheets, missing or doubled columns are problems; everything
else is for `check`.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO, cast

from flask import current_app
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from ... import rules
from ..errors import ValidationFailed
from ..import_template import SHEETS, SHEETS_BY_NAME

NOT_A_WORKBOOK = (
    "The file is not an Excel workbook (.xlsx). Download the template, fill it in, "
    "and save it as an Excel Workbook (.xlsx)."
)
UNREADABLE = (
    "Part of the workbook could not be read. Open it in Excel, save it again as an Excel "
    "Workbook (.xlsx), and upload that."
)
OLD_EXCEL = (
    "The file is an old-style Excel 97-2003 workbook (.xls). Open it in Excel and save it "
    "as an Excel Workbook (.xlsx), then upload that."
)
TOO_BIG_HELP = (
    "Delete the rows and columns after your last entry (Excel counts any cell ever typed in "
    "or formatted), save, and upload again."
)

# ----------------------------------------------------------------------------- cells


def and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class Problems:
    """Every problem found, each as "where: message"."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def extend(self, where: str, problems) -> None:
        """The rules' problems (`rules.Problem`), each said where it is."""
        for problem in problems:
            self.add(where, problem.message)


def _header(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value if value is not None else "").strip().casefold())


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def cell_key(value: Any) -> str:
    return cell_text(value).casefold()


def cell_number(value: Any) -> float:
    """A number cell, read by the rules' one reader; ValueError if it is not one."""
    number = rules.number(value)
    if number is None:
        raise ValueError
    return number


def cell_whole(value: Any) -> int:
    number = cell_number(value)
    if not number.is_integer():
        raise ValueError
    return int(number)


def shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if isinstance(value, str) else f"{value}"


def cell_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return from_excel(value).date()  # a date typed into a cell formatted as a number
    text = cell_text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def cell_yes_no(value: Any) -> bool:
    text = cell_key(value)
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise ValueError


@dataclass
class Sheet:
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
    return (
        f"A workbook can be up to {size_text(c['IMPORT_MAX_BYTES'])}, with at most "
        f"{c['IMPORT_MAX_ROWS']:,} rows and {c['IMPORT_MAX_COLUMNS']:,} columns on a sheet and "
        f"{c['IMPORT_MAX_CELLS']:,} cells in all."
    )


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
        raise ValidationFailed(
            [
                f"The file is {size_text(len(source))}; a workbook to import can be at most "
                f"{size_text(config['IMPORT_MAX_BYTES'])}."
            ]
        )
    try:
        # What the zip says its parts unpack to, checked before anything is unpacked.
        unpacked = sum(item.file_size for item in zipfile.ZipFile(BytesIO(source)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationFailed([NOT_A_WORKBOOK]) from exc
    if unpacked > config["IMPORT_MAX_UNPACKED_BYTES"]:
        limit = size_text(config["IMPORT_MAX_UNPACKED_BYTES"])
        raise ValidationFailed(
            [
                f"The workbook unpacks to more than {limit}, so it cannot be imported. "
                f"A workbook to import can unpack to at most {limit}."
            ]
        )
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
    from xml.etree.ElementTree import Element, ParseError, XMLPullParser

    config = current_app.config
    max_rows, max_columns = config["IMPORT_MAX_ROWS"], config["IMPORT_MAX_COLUMNS"]
    budget = config["IMPORT_MAX_CELLS"]
    for part, name in _sheet_parts(archive).items():
        try:
            stream = archive.open(part)
        except KeyError:
            continue
        parser: XMLPullParser[Element] = XMLPullParser(events=("start",))
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
                # Only "start" events were asked for, and each of those carries an element.
                for _, element in cast(list[tuple[str, Element]], events):
                    tag = element.tag[element.tag.find("}") + 1 :]
                    if tag == "dimension":
                        last = (element.get("ref") or "").split(":")[-1]
                        declared_rows = int("".join(ch for ch in last if ch.isdigit()) or 0)
                        declared_columns = _column_number(last)
                        if declared_rows > max_rows or declared_columns > max_columns:
                            raise _too_big(
                                f"Sheet {name} is too big to import: it has {declared_rows:,} rows "
                                f"and {declared_columns:,} columns. {_sheet_limits()}"
                            )
                    elif tag == "row":
                        rows = int(element.get("r") or rows + 1)
                        column = 0
                        if rows > max_rows:
                            raise _too_big(
                                f"Sheet {name} is too big to import: it has more than "
                                f"{max_rows:,} rows. {_sheet_limits()}"
                            )
                    elif tag == "c":
                        reference = element.get("r")
                        column = _column_number(reference) if reference else column + 1
                        if column > max_columns:
                            raise _too_big(
                                f"Sheet {name} is too big to import: row {rows or 1} reaches column "
                                f"{column:,}. {_sheet_limits()}"
                            )
                        budget -= 1
                        if budget < 0:
                            most = config["IMPORT_MAX_CELLS"]
                            raise _too_big(
                                f"The workbook is too big to import: it has more than {most:,} "
                                f"cells. A workbook can have at most {most:,} cells."
                            )
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
        raise _too_big(
            f"Sheet {name} is too big to import: it has {declared_rows:,} rows and "
            f"{declared_columns:,} columns. {_sheet_limits()}"
        )
    ws.reset_dimensions()  # the declared size may be too small; read what is really there
    for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > max_rows:
            raise _too_big(f"Sheet {name} is too big to import: it has more than {max_rows:,} rows. {_sheet_limits()}")
        if len(cells) > max_columns:
            raise _too_big(
                f"Sheet {name} is too big to import: row {number} reaches column {len(cells):,}. {_sheet_limits()}"
            )
        budget[0] -= len(cells)
        if budget[0] < 0:
            most = config["IMPORT_MAX_CELLS"]
            raise _too_big(
                f"The workbook is too big to import: it has more than {most:,} cells. "
                f"A workbook can have at most {most:,} cells."
            )
        yield cells


def _read_sheets(workbook, problems: Problems) -> dict[str, Sheet]:
    """Each known sheet, by its lower-case name, with its header map and non-blank rows."""
    found = {name.strip().casefold(): name for name in workbook.sheetnames}
    sheets: dict[str, Sheet] = {}
    missing = [spec.name for spec in SHEETS if spec.required and spec.name.casefold() not in found]
    if missing:
        sheets_needed = and_list([s.name for s in SHEETS if s.required])
        for name in missing:
            problems.items.append(f"Sheet {name} is missing. The workbook needs the sheets {sheets_needed}.")
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
                columns = [get_column_letter(i + 1) for i, v in enumerate(first or ()) if _header(v) == name]
                problems.add(
                    f"{spec.name} row 1",
                    f"the column {name} appears more than once (columns "
                    f"{and_list(columns)}). Keep one and delete the others.",
                )
            continue
        body = [
            (number, tuple(cells)) for number, cells in enumerate(rows, start=2) if any(cell_text(c) for c in cells)
        ]
        needed = [c.name for c in spec.columns if c.required]
        if spec.name == "Scores" and "evaluator_email" in headers:
            needed = [c for c in needed if c != "evaluator"]
        absent = [c for c in needed if c not in headers]
        if not headers and not body and not spec.required:
            continue  # an optional sheet left empty
        if absent:
            word = "column" if len(absent) == 1 else "columns"
            verb = "is" if len(absent) == 1 else "are"
            problems.add(
                spec.name,
                f"{word} {and_list(absent)} {verb} missing. Row 1 must hold the column names: "
                f"{', '.join(c.name for c in spec.columns)}.",
            )
            continue
        sheets[key] = Sheet(spec.name, headers, body)
    return sheets


@dataclass
class Workbook:
    """The known sheets by lower-case name, and the problems found reading them."""

    sheets: dict[str, Sheet]
    problems: Problems


def read(source: bytes | BinaryIO | str | Path) -> Workbook:
    """Open the workbook and read its known sheets. Raises `ValidationFailed` when the file
    cannot be read at all or is too big."""
    workbook = _open(source)
    problems = Problems()
    try:
        sheets = _read_sheets(workbook, problems)
    except ValidationFailed:
        raise
    except Exception as exc:  # a damaged sheet, or XML that defusedxml refuses
        raise ValidationFailed([UNREADABLE]) from exc
    finally:
        workbook.close()
    return Workbook(sheets, problems)
