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
    # the exact steps of D(α) under the table: decisive on all of [0, 1], so one step at 1
    assert rate[23] == ("Smallest share at which the rate reaches one half", 0.0, None)
    assert rate[25][0] == "Decisive rate exactly: from patient weight share" and rate[26] == (0.0, 1.0, 1.0)
    # both charts are native scatter charts over the sheets' own cells (not pictures)
    (scatter,) = book["Procurements"]._charts
    (curve,) = book["Decisive rate"]._charts
    assert type(scatter).__name__ == type(curve).__name__ == "ScatterChart"
    assert curve.series[0].xVal.numRef.f == "'Decisive rate'!$A$2:$A$22"
    assert curve.series[0].yVal.numRef.f == "'Decisive rate'!$B$2:$B$22"
    # weight share (column J) across, patient share of the margin (column P) up, one row per procurement
    assert scatter.series[0].xVal.numRef.f == "'Procurements'!$J$2"
    assert scatter.series[0].yVal.numRef.f == "'Procurements'!$P$2"
    text = client.get("/review/review.csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "Reference" and table[1][0] == "GP-TEST-01"
    assert table[1][-1] == "0.0000 to 1.0000"
    for person in (rep, panel):
        assert person.name not in text
