"""The Excel export a procurement team can audit, and the CSV of the scores.

* `workbook.write_workbook` writes the workbook from an `ExportData`;
* `data.export_data` fills an `ExportData` from the database;
* `csv.write_scores_csv` writes the Scores sheet as CSV;
* `safe_text` keeps user text from being read as a formula, in one place.
"""

from .model import AUDIT_COLUMNS, SCORE_COLUMNS, ExportData, document_from_analysis
from .workbook import SHEETS, write_workbook

__all__ = ["AUDIT_COLUMNS", "SCORE_COLUMNS", "SHEETS", "ExportData", "document_from_analysis", "write_workbook"]
