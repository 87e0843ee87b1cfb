"""Every character a user can type survives the export, read back by openpyxl and by LibreOffice.

A reason is typed through the scoring form with one character of every class a
form accepts (controls, non-characters, private use, direction marks, astral
planes, text that looks like an OOXML escape...). The workbook and the CSV must
open, and each reason must read back exactly as typed, less only the characters
XML cannot hold at all (control characters other than tab, line feed and
carriage return, U+FFFE, U+FFFF and lone surrogates), which `safe_text` drops.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from openpyxl import xml as openpyxl_xml
from openpyxl.utils.escape import unescape

from scoring.extensions import db
from scoring.models import Score
from scoring.services.export import safe_text, stream
from scoring.services.export.data import export_data
from scoring.services.export.workbook import write_workbook

from ..helpers import sign_in
from . import libreoffice

#: One of each class of code point a browser can send in a form field (UTF-8 cannot carry a
#: lone surrogate, and a NUL byte is refused before it is stored).
TYPED = {
    "c0 controls": "a\x01b\x08c\x0bd\x0ce\x1bf\x1fg",
    "tab, line feed, carriage return": "tab\there\nnew line\r\nand\rreturn",
    "delete and c1 controls": "del\x7f c1\x80\x85\x9f end",
    "non-characters": "nc\ufdd0\ufdef \ufffe\uffff \U0001fffe\U0010ffff end",
    "replacement and private use": "\ufffd \ue000\uf8ff \U000f0000",
    "invisible and direction marks": "zw\u200b\u200c\u200d nb\u00a0\u202f bidi\u202e\u202d\u200f\u2066 bom\ufeff",
    "astral": "emoji \U0001f600\U0001f469\u200d\u2695\ufe0f maths \U0001d400 cjk \U00020000",
    "combining and scripts": "e\u0301 \u0928\u093f \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u4e2d\u6587",
    "looks like markup or an escape": "_x0041_ _x000D_ &amp; <b>bold</b> ]]> \"quotes\" 'single'",
    "spaces at the ends": "  two spaces either side  ",
    "formula-like": "=1+1 and more",
}
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def expected(text: str) -> str:
    return ILLEGAL.sub("", text)


@pytest.fixture
def typed_scores(app, client, lead, rep, procurement):
    """Each class typed as the rep's reason for one cell, through the scoring form."""
    from scoring.services import evaluation

    sign_in(client, rep)
    cells = evaluation.cells_for(rep, procurement)
    client.post(f"/evaluate/{procurement.id}/conflicts", data={f"bidder-{b.id}": "no" for b in procurement.bidders})
    assert evaluation.has_declared(rep, procurement)
    reasons = list(TYPED.values())
    chosen = {}
    # More classes than cells: each cell's reason holds several classes, one per line.
    for i, cell in enumerate(cells):
        text = "\n".join(reasons[i :: len(cells)])
        response = client.post(
            f"/evaluate/{procurement.id}/bidders/{cell.bidder.id}/sections/{cell.section.id}",
            data={"score": "3", "rationale": text, "version": "0", "save_draft": "y"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        chosen[(cell.bidder.code, cell.section.code)] = text
    evaluation.submit_scores(rep, procurement)
    db.session.commit()
    stored = {
        (s.bidder.code, s.section.code): s.rationale
        for s in db.session.scalars(db.select(Score).where(Score.evaluator_id == rep.id))
    }
    everything = "".join(stored.values())
    for name, text in TYPED.items():  # the form kept every class (it may turn CR LF into LF)
        assert all(ch in everything for ch in text if ch not in "\r"), name
    return stored


def lines(text: str) -> str:
    return re.sub(r"\r\n?", "\n", text) if "\n" in text else text


def reasons_in(rows, header_row=0) -> dict[tuple[str, str], str]:
    header = list(rows[header_row])
    b, s, r = header.index("bidder"), header.index("section"), header.index("rationale")
    return {(row[b], row[s]): row[r] for row in rows[header_row + 1 :] if row and row[r] is not None}


def scores_sheet(path) -> list[tuple]:
    """The Scores sheet's values, with OOXML's ``_xHHHH_`` escapes decoded as Excel and
    LibreOffice decode them (openpyxl leaves them as written)."""
    wb = load_workbook(path)  # the full reader, not read-only: it is the stricter one
    return [
        tuple(unescape(v) if isinstance(v, str) else v for v in row) for row in wb["Scores"].iter_rows(values_only=True)
    ]


@pytest.mark.parametrize("raw_path", [True, False], ids=["raw XML path", "openpyxl cell path"])
def test_every_typed_character_survives_the_workbook(app, typed_scores, procurement, tmp_path, monkeypatch, raw_path):
    monkeypatch.setattr(stream, "USE_RAW_PATH", raw_path)
    out = tmp_path / "every-character.xlsx"
    with open(out, "wb") as f:
        write_workbook(export_data(procurement), f)
    want = {k: expected(v) for k, v in typed_scores.items()}
    # openpyxl's own cells write CR as &#13; when lxml is installed (python-docx brings it), and
    # a bare CR without lxml, which XML readers turn into a line feed.
    direct = want if raw_path or openpyxl_xml.LXML else {k: lines(v) for k, v in want.items()}
    assert {k: v for k, v in reasons_in(scores_sheet(out)).items() if k in want} == direct
    (converted,) = libreoffice.recalculate(out, out_dir=tmp_path / "lo")
    # LibreOffice writes shared strings, which openpyxl does decode.
    wb = load_workbook(converted)
    rows = [tuple(row) for row in wb["Scores"].iter_rows(values_only=True)]
    assert len(rows) == len(scores_sheet(out))  # nothing cut off
    back = {k: v for k, v in reasons_in(rows).items() if k in want}
    # A cell of several lines is paragraphs to LibreOffice: it keeps every line, but a lone
    # carriage return comes back as a line feed (a browser sends line breaks as CR LF anyway).
    assert back == {k: lines(v) for k, v in want.items()}


def test_every_typed_character_survives_the_csv(app, typed_scores, procurement, lead):
    client = app.test_client()
    assert sign_in(client, lead).status_code == 302
    body = client.get(f"/procurements/{procurement.id}/scores.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline="")))
    want = {k: expected(v) for k, v in typed_scores.items()}
    got = {k: v for k, v in reasons_in(rows).items() if k in want}
    assert got == {k: ("'" + v if safe_text.is_risky(v) else v) for k, v in want.items()}


def test_text_that_no_form_can_send_is_cleaned_too():
    """Lone surrogates and NUL cannot come through a form but must not break a workbook either."""
    text = "a\x00b\ud800c\udfffd\ufffee\uffff f\x0bg"
    assert safe_text.clean(text) == "abcde fg"
    assert safe_text.csv_text(text) == "abcde fg"
