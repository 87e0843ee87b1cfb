"""Formula-injection safety for every text cell the export writes, in one place.

A spreadsheet treats text that begins with ``=``, ``+``, ``-`` or ``@`` (and,
after a paste or in a CSV, a leading tab or carriage return) as the start of a
formula. Rationales, names and audit reasons are typed by users, so each one
is written here:

* **xlsx**: always as a string cell (openpyxl would otherwise turn ``"=..."``
  into a formula), and a risky one also with the ``quotePrefix`` style, the
  same flag Excel sets when someone types a leading apostrophe: the cell shows
  the text exactly and stays text if it is edited.
* **CSV**: a risky value is prefixed with an apostrophe (OWASP's advice), as a
  CSV has no cell types.

Characters XML 1.0 cannot hold at all are dropped, as no workbook can store
them: control characters other than tab, line feed and carriage return,
U+FFFE, U+FFFF and lone surrogates (one of them made openpyxl refuse the whole
workbook and LibreOffice cut the Scores sheet short). Everything else a user
can type (other non-characters, private use, direction marks, emoji) is kept.
Every text the export writes, to xlsx or CSV, goes through `clean`, and text longer than an Excel cell holds (32,767 characters, only
ever an audit record's JSON) is cut with a note saying so.

In xlsx, text that looks like an OOXML character escape (``_x000D_``, ``_x0041_``)
is itself escaped (``_x005F_x000D_``), as Excel and LibreOffice do, or they
would read it as a carriage return or an "A". openpyxl does not decode these
escapes when it reads, so code that reads the workbook with openpyxl sees the
escaped form (`openpyxl.utils.escape.unescape` decodes it).
"""

from __future__ import annotations

import re

from openpyxl.cell import WriteOnlyCell

#: First characters that make a spreadsheet read text as a formula.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: What XML 1.0 cannot hold: https://www.w3.org/TR/xml/#charsets
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: The most characters an Excel cell holds.
CELL_LIMIT = 32_767


_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def ooxml_text(text: str) -> str:
    """Cleaned text as an xlsx string: a look-alike ``_xHHHH_`` escape is escaped itself."""
    return _OOXML_ESCAPE.sub(r"_x005F_\1", text) if "_x" in text else text


def is_risky(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return text.startswith(RISKY_STARTS)


def clean(value) -> str:
    """``value`` as text that XML can hold; None becomes ""."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _ILLEGAL_XML.sub("", text)
    if len(text) > CELL_LIMIT:
        keep = CELL_LIMIT - 40  # room for the note
        text = f"{text[:keep]} [cut: {len(text) - keep} more characters]"
    return text


def text_cell(ws, value, style=None) -> WriteOnlyCell:
    """A write-only cell that holds ``value`` as text, whatever it begins with.

    ``style`` is an optional callable that styles the cell (fonts, wrapping)
    before the quote prefix is added.
    """
    text = clean(value)
    cell = WriteOnlyCell(ws, ooxml_text(text))
    cell.data_type = "s"  # never "f", even for "=HYPERLINK(...)"
    if style is not None:
        style(cell)
    if is_risky(text):
        cell.quotePrefix = True
    return cell


def csv_text(value) -> str:
    """``value`` for a CSV cell: risky text gets a leading apostrophe."""
    text = clean(value)
    return "'" + text if is_risky(text) else text
