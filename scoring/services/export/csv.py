"""The Scores sheet as CSV: the same columns, streamed, safe from formula injection.

Text a spreadsheet could read as a formula gets a leading apostrophe
(`safe_text.csv_text`); dates are ISO 8601 (``2026-05-01 10:30:00``). The file
starts with a byte-order mark so that Excel reads it as UTF-8.
"""

from __future__ import annotations

import csv as _csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TextIO

from .model import SCORE_COLUMNS
from .safe_text import csv_text

BOM = "\ufeff"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return value
    return csv_text(value)


def iter_scores_csv(rows: Iterable[Sequence], *, chunk_rows: int = 1000) -> Iterator[str]:
    """The CSV text in chunks (for a streamed HTTP response): BOM and header first."""
    buffer = io.StringIO()
    writer = _csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(SCORE_COLUMNS)
    pending = 0
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def write_scores_csv(rows: Iterable[Sequence], out: TextIO) -> None:
    """Write the whole CSV to a text stream (open it with ``newline=""``)."""
    for chunk in iter_scores_csv(rows):
        out.write(chunk)
