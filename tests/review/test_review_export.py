"""The review as Excel (one row per procurement, D(α) table, exact intervals, native charts) and CSV."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from scoring.models import Role

from ..helpers import gen_user, sign_in


def test_workbook_and_csv(app, finalised, rep, panel):
    reviewer = gen_user(Role.REVIEWER, "Ines Involvement")
    client = app.test_client()
    sign_in(client, reviewer)
    book = load_workbook(io.BytesIO(client.get("/review/review.xlsx").data))
    assert book.sheetnames == ["Procurements", "Decisive rate", "Decisive intervals"]
    rows = list(book["Procurements"].values)
    assert rows[1][0] == "GP-TEST-01" and rows[1][10] == "Bidder A Legal Name Ltd" and rows[1][11] == "Bidder B"
    rate = list(book["Decisive rate"].values)
    assert [r[0] for r in rate[1:22]] == [round(0.05 * i, 2) for i in range(21)]
    assert all(r[1] == 1.0 for r in rate[1:22])
    assert list(book["Decisive intervals"].values)[1] == ("GP-TEST-01", 0.0, 1.0)
    assert len(book["Procurements"]._charts) == 1 and len(book["Decisive rate"]._charts) == 1
    text = client.get("/review/review.csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "Reference" and table[1][0] == "GP-TEST-01"
    assert table[1][-1] == "0.0000 to 1.0000"
    for person in (rep, panel):
        assert person.name not in text
