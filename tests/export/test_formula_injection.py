"""Text typed by users never becomes a formula, in the workbook or the CSV."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from scoring.services.export import stream
from scoring.services.export.safe_text import clean, csv_text, is_risky

from . import libreoffice
from .conftest import RISKY, RISKY_NAME
from .readback import sheet_rows


@pytest.mark.parametrize("text", RISKY)
def test_risky_text_is_recognised(text):
    assert is_risky(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", ["A good answer", "3 points", "", "'=already quoted"])
def test_ordinary_text_is_left_alone(text):
    assert not is_risky(text)
    assert csv_text(text) == text


def test_characters_xml_cannot_hold_are_dropped_and_long_text_is_cut():
    assert clean("a\x00b\x07c\td\ne\rf") == "abc\td\ne\rf"
    long = clean("x" * 40_000)
    assert len(long) <= 32_767
    assert long.endswith("[cut: 7273 more characters]")


def rationale_cells(path):
    """(value, data type, quote prefix) of every rationale cell of the Scores sheet."""
    wb = load_workbook(path)
    ws = wb["Scores"]
    column = [c.value for c in ws[1]].index("rationale") + 1
    return [
        (c.value, c.data_type, bool(c.quotePrefix))
        for c in ws.iter_cols(min_col=column, max_col=column, min_row=2).__next__()
    ]


def test_risky_rationales_stay_text_after_libreoffice_recalculates(lead_client, demo, tmp_path):
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(lead_client.get(f"/procurements/{demo.id}/export.xlsx").data)

    written = rationale_cells(exported)
    for text in RISKY:
        assert (text, "s", True) in written
    assert all(quoted == is_risky(value) for value, _, quoted in written)

    (recalculated,) = libreoffice.recalculate(exported, out_dir=tmp_path / "out")
    rows = sheet_rows(recalculated, "Scores")
    rationales = [row[rows[0].index("rationale")] for row in rows[1:]]
    for text in RISKY:
        assert text in rationales  # exactly the text typed: not run, not an error
    assert RISKY_NAME in {row[0] for row in rows[1:]}
    assert RISKY_NAME in {row[8] for row in rows[1:]}  # entered_by
    disagreements = sheet_rows(recalculated, "Disagreements")
    assert any("=1+1 agreed after discussion" in row for row in disagreements)


def test_csv_of_the_scores_puts_an_apostrophe_before_risky_text(lead_client, demo):
    response = lead_client.get(f"/procurements/{demo.id}/scores.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [
        "evaluator",
        "evaluator_email",
        "group",
        "bidder",
        "section",
        "score",
        "rationale",
        "submitted_at",
        "entered_by",
    ]
    rationales = [row[6] for row in rows[1:]]
    for risky in RISKY:
        assert "'" + risky in rationales
    assert not any(is_risky(cell) for row in rows[1:] for cell in row)


def test_the_fallback_cell_path_writes_the_same_records_as_the_fast_path(lead_client, demo, tmp_path, monkeypatch):
    fast = tmp_path / "fast.xlsx"
    fast.write_bytes(lead_client.get(f"/procurements/{demo.id}/export.xlsx").data)
    monkeypatch.setattr(stream, "USE_RAW_PATH", False)
    slow = tmp_path / "slow.xlsx"
    slow.write_bytes(lead_client.get(f"/procurements/{demo.id}/export.xlsx").data)

    def lf(rows):  # openpyxl's own cells write a bare CR, which XML readers turn into LF
        return [tuple(v.replace("\r", "\n") if isinstance(v, str) else v for v in row) for row in rows]

    for sheet in ("Scores", "Audit"):
        assert lf(sheet_rows(fast, sheet)) == lf(sheet_rows(slow, sheet))
    assert lf(rationale_cells(fast)) == lf(rationale_cells(slow))
