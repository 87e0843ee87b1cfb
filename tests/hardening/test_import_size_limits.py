"""Issue 12 item 7: a workbook too big for any procurement is refused at once, with a clear
message, before its cell values are read, so no request ties up a worker.

The workbooks are built as an attacker would: a normal template whose Scores sheet XML is
replaced by rows reaching column XFD, with the sheet's declared dimension telling the truth
or lying. Such a file is small (deflate squeezes the repeated rows) but huge to read.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest

from scoring.services import importer
from scoring.services.errors import ValidationFailed

from ..helpers import sign_in
from ..leads.pages import text
from ..planning.workbooks import sheets, workbook_bytes


def with_scores_xml(rows_xml: str, dimension: str | None) -> bytes:
    """The good workbook with its Scores sheet's rows (and declared dimension) replaced."""
    data = workbook_bytes(sheets(Scores=[["evaluator", "bidder", "section", "score", "rationale"]]))
    source = zipfile.ZipFile(BytesIO(data))
    names = re.findall(r'<sheet [^>]*name="([^"]+)"', source.read("xl/workbook.xml").decode())
    target = f"xl/worksheets/sheet{names.index('Scores') + 1}.xml"
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == target:
                xml = content.decode()
                xml = re.sub(r"<dimension [^>]*/>", f'<dimension ref="{dimension}"/>' if dimension else "", xml)
                xml = re.sub(
                    r"<sheetData>.*</sheetData>|<sheetData\s*/>", f"<sheetData>{rows_xml}</sheetData>", xml, flags=re.S
                )
                content = xml.encode()
            book.writestr(item, content)
    return out.getvalue()


def rows(count: int, column: str = "A") -> str:
    return "".join(
        f'<row r="{n}"><c r="{column}{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(2, count + 2)
    )


def problems(data: bytes, lead, **config) -> list[str]:
    from flask import current_app

    current_app.config.update(config)
    with pytest.raises(ValidationFailed) as refused:
        importer.read_plan(data)
    return refused.value.problems


def test_the_attack_file_rows_to_column_xfd_is_refused_from_its_declared_size(app, lead):
    data = with_scores_xml(rows(30_000, "XFD"), "A1:XFD30001")
    assert len(data) < 1_000_000
    assert problems(data, lead) == [
        "Sheet Scores is too big to import: it has 30,001 rows and 16,384 columns. A sheet can have at most "
        "20,000 rows and 50 columns. Delete the rows and columns after your last entry (Excel counts any "
        "cell ever typed in or formatted), save, and upload again."
    ]


def test_a_sheet_that_hides_its_size_is_stopped_while_streaming(app, lead, monkeypatch):
    # No dimension declared: the rows are counted as they stream and reading stops at the limit.
    read = []
    real = importer.check._check_scores
    monkeypatch.setattr(importer.check, "_check_scores", lambda *a, **k: read.append(1) or real(*a, **k))
    found = problems(with_scores_xml(rows(25_000), None), lead)
    assert found == [
        "Sheet Scores is too big to import: it has more than 20,000 rows. A sheet can have at most "
        "20,000 rows and 50 columns. Delete the rows and columns after your last entry (Excel counts "
        "any cell ever typed in or formatted), save, and upload again."
    ]
    assert read == []  # refused before any row was checked


def test_a_row_reaching_far_columns_under_a_false_dimension_is_refused(app, lead):
    found = problems(with_scores_xml(rows(3, "XFD"), "A1:E4"), lead)
    assert found == [
        "Sheet Scores is too big to import: row 2 reaches column 16,384. A sheet can have at most "
        "20,000 rows and 50 columns. Delete the rows and columns after your last entry (Excel counts "
        "any cell ever typed in or formatted), save, and upload again."
    ]


def test_too_many_cells_across_the_workbook_is_refused(app, lead):
    found = problems(with_scores_xml(rows(2_000, "AX"), None), lead, IMPORT_MAX_CELLS=50_000)
    assert found == [
        "The workbook is too big to import: it has more than 50,000 cells. A workbook can have at "
        "most 50,000 cells. Delete the rows and columns after your last entry (Excel counts any cell "
        "ever typed in or formatted), save, and upload again."
    ]


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(app, lead):
    data = workbook_bytes()
    found = problems(data, lead, IMPORT_MAX_BYTES=1024)
    assert found == [f"The file is {round(len(data) / 1024)} KB; a workbook to import can be at most 1 KB."]


def test_a_file_that_unpacks_to_too_much_is_refused(app, lead):
    data = with_scores_xml(rows(100), None)
    found = problems(data, lead, IMPORT_MAX_UNPACKED_BYTES=10_000)
    assert found == [
        "The workbook unpacks to more than 10 KB, so it cannot be imported. A workbook to import "
        "can unpack to at most 10 KB."
    ]


def test_the_import_page_states_the_limits(client, lead):
    sign_in(client, lead)
    page = text(client.get("/procurements/import"))
    assert (
        "A workbook can be up to 10 MB, with at most 20,000 rows and 50 columns on a sheet and 200,000 cells in all."
    ) in page


def test_a_workbook_within_the_limits_still_imports(app, lead):
    from ..planning.workbooks import full_scores

    result = importer.import_procurement(workbook_bytes(sheets(Scores=full_scores())), actor=lead)
    assert result.scores == 8
