"""Write the whole audit workbook, in openpyxl's write-only (streaming) mode.

Every sheet is write-only, so memory does not grow with the number of scores:
rows go to temporary files as they are written and are zipped at the end.
Sheets, in order: Summary, Weights, Moderated, Scores, Disagreements, Moderation
record, Patient
influence, Sensitivity, Audit. Formulas are left for the spreadsheet to
calculate when the file is opened (openpyxl stores no cached values).
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from typing import IO

from openpyxl import Workbook

from .layout import MODERATED, WEIGHTS, Layout
from .model import ExportData
from .safe_text import clean
from .sheets_influence import write_influence, write_sensitivity
from .sheets_moderation import write_moderation_record
from .sheets_records import write_audit, write_disagreements, write_scores
from .sheets_result import write_moderated, write_summary, write_weights
from .stream import add_streaming_sheet

SUMMARY, SCORES, DISAGREEMENTS = "Summary", "Scores", "Disagreements"
INFLUENCE, SENSITIVITY, AUDIT = "Patient influence", "Sensitivity", "Audit"
RECORD = "Moderation record"
SHEETS = (SUMMARY, WEIGHTS, MODERATED, SCORES, DISAGREEMENTS, RECORD, INFLUENCE, SENSITIVITY, AUDIT)


@dataclass(frozen=True)
class WorkbookCounts:
    scores: int
    audit: int
    disagreements: int


def write_workbook(data: ExportData, out: str | PathLike[str] | IO[bytes]) -> WorkbookCounts:
    """Write the workbook of ``data`` to ``out`` (a path or a binary file object)."""
    wb = Workbook(write_only=True)
    wb.properties.title = clean(f"{data.reference}: {data.title}")
    wb.properties.creator = "Patient involvement in NHS procurement"
    wb.calculation.fullCalcOnLoad = True  # Excel recalculates every formula on opening
    sheets = {name: add_streaming_sheet(wb, name) for name in SHEETS}
    doc = data.document
    layout = Layout(n_sections=len(doc["sections"]), n_bidders=len(doc["bidders"]), names=data.shows_names)
    write_summary(sheets[SUMMARY], data, layout)
    write_weights(sheets[WEIGHTS], data, layout)
    write_moderated(sheets[MODERATED], data, layout)
    scores = write_scores(sheets[SCORES], data)
    disagreements = write_disagreements(sheets[DISAGREEMENTS], data)
    write_moderation_record(sheets[RECORD], data)
    write_influence(sheets[INFLUENCE], data)
    write_sensitivity(sheets[SENSITIVITY], data)
    audit = write_audit(sheets[AUDIT], data)
    wb.save(out)
    return WorkbookCounts(scores=scores, audit=audit, disagreements=disagreements)
