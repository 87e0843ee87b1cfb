"""Shared look of the export: header cells, number formats, widths, tables and names."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from .safe_text import text_cell

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="005EB8")  # NHS blue
TITLE_FONT = Font(bold=True, size=14)
LABEL_FONT = Font(bold=True)
NOTE_FONT = Font(italic=True, color="425563")

POINTS = "0.00"  # totals and contributions, 0 to 100
SCORE = "0.00"  # moderated scores (means can be fractional)
PERCENT = "0.0%"
SHARE = "0.0%"
DATETIME = "yyyy-mm-dd hh:mm:ss"
PASS_MARK = '0.##;"none";0'  # -1 stands for "no pass mark"


def header_cell(ws, value) -> WriteOnlyCell:
    def style(cell):
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    return text_cell(ws, value, style)


def header(ws, names: Sequence[str]) -> list[WriteOnlyCell]:
    return [header_cell(ws, name) for name in names]


def title(ws, value) -> WriteOnlyCell:
    def style(cell):
        cell.font = TITLE_FONT

    return text_cell(ws, value, style)


def label(ws, value) -> WriteOnlyCell:
    def style(cell):
        cell.font = LABEL_FONT

    return text_cell(ws, value, style)


def note(ws, value) -> WriteOnlyCell:
    def style(cell):
        cell.font = NOTE_FONT

    return text_cell(ws, value, style)


def wrapped(ws, value) -> WriteOnlyCell:
    def style(cell):
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    return text_cell(ws, value, style)


def number(ws, value, number_format: str = POINTS) -> WriteOnlyCell | None:
    """A number cell, or None (an empty cell) for a missing or NaN value."""
    if value is None:
        return None
    value = float(value) if not isinstance(value, (int, bool)) else value
    if isinstance(value, float) and value != value:
        return None
    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell


def formula(ws, text: str, number_format: str | None = None) -> WriteOnlyCell:
    """A formula cell; ``text`` starts with "=" and is built by our code, never by users."""
    cell = WriteOnlyCell(ws, text)
    if number_format:
        cell.number_format = number_format
    return cell


def widths(ws, columns: Sequence[float]) -> None:
    """Set column widths; write-only sheets need this before the first row."""
    for index, width in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def unique(names: Sequence[str]) -> list[str]:
    """Header names made unique (an Excel table refuses repeats, ignoring case): "Total (2)"."""
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, n = str(name), 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate.casefold())
        result.append(candidate)
    return result


def add_table(ws, name: str, headers: Sequence[str], first_row: int, last_row: int, first_col: int = 1) -> None:
    """An Excel table (with its own filter buttons) over a header row and the rows below.

    Write-only sheets keep no cells, so the column names are given here; they
    must equal the header cells. A table needs at least one row under its header:
    with none, the header row just gets a filter.
    """
    last_col = first_col + len(headers) - 1
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{max(last_row, first_row)}"
    if last_row <= first_row:
        ws.auto_filter.ref = ref
        return
    table = Table(displayName=name, ref=ref)
    table.tableColumns = [TableColumn(id=i, name=str(h)) for i, h in enumerate(headers, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    with warnings.catch_warnings():  # "you must add table columns manually": we just did
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)


def define_name(workbook, name: str, sheet_title: str, ref: str) -> None:
    """A workbook-level named range such as ``SectionWeights`` -> ``Weights!$C$2:$C$7``."""
    workbook.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet_title)}!{ref}")


def absolute(col: int, row: int) -> str:
    return f"${get_column_letter(col)}${row}"
