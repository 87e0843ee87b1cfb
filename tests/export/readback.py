"""Read an exported (and recalculated) workbook back into plain Python values."""

from __future__ import annotations

from openpyxl import load_workbook

from scoring.services.export.layout import MOD_HEADER_ROW


def moderated_table(path) -> dict[str, dict[str, object]]:
    """Bidder code -> {column header: value} from the Moderated sheet's table."""
    wb = load_workbook(path, data_only=True, read_only=True)
    try:
        rows = list(wb["Moderated"].iter_rows(min_row=MOD_HEADER_ROW, values_only=True))
    finally:
        wb.close()
    headers = rows[0]
    return {row[0]: dict(zip(headers, row)) for row in rows[1:] if row and row[0]}


def summary_ranking(path) -> dict[str, dict[str, object]]:
    """Bidder code -> {column header: value} from the Summary sheet's ranking table."""
    wb = load_workbook(path, data_only=True, read_only=True)
    try:
        rows = list(wb["Summary"].iter_rows(values_only=True))
    finally:
        wb.close()
    start = next(i for i, row in enumerate(rows) if row[:2] == ("Bidder", "Name"))
    headers = rows[start]
    table = {}
    for row in rows[start + 1 :]:
        if not row or row[0] is None:
            break
        table[row[0]] = dict(zip(headers, row))
    return table


def sheet_rows(path, name: str, *, data_only: bool = True) -> list[tuple]:
    wb = load_workbook(path, data_only=data_only, read_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()
