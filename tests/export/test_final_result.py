"""A final procurement exports the result stored when it was decided, not a new run."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.extensions import db
from scoring.services.finalise import finalise


def test_final_procurement_exports_the_stored_result(lead_client, demo):
    from ..helpers import accept_the_rest

    finalise(accept_the_rest(demo, demo.lead), actor=demo.lead)
    stored = json.loads(demo.final_result_json)
    # Even if the data under it changed (no service allows that), the export shows what was decided.
    demo.sections[0].weight = 99.0
    db.session.commit()

    wb = load_workbook(BytesIO(lead_client.get(f"/procurements/{demo.id}/export.xlsx").data))
    facts = {row[0]: row[1] for row in wb["Summary"].iter_rows(max_col=2, values_only=True) if row[0]}
    assert facts["Status"] == "Final"
    assert facts["Result"] == "final, as stored when the procurement was finalised"
    assert facts["Finalised at"] != "not finalised"
    assert facts["Winner"].startswith(stored["winner"])
    weights = {row[0]: row[2] for row in wb["Weights"].iter_rows(min_row=2, max_col=3, values_only=True) if row[0]}
    assert weights == {s["code"]: s["weight"] for s in stored["sections"]}
    moderated = {row[0]: row for row in wb["Moderated"].iter_rows(min_row=6, values_only=True)}
    codes = [s["code"] for s in stored["sections"]]
    for bidder in stored["bidders"]:
        row = moderated[bidder["code"]]
        # openpyxl writes numbers with 16 significant digits: equal to about 1e-15
        assert list(row[2 : 2 + len(codes)]) == pytest.approx([bidder["moderated"][c] for c in codes], abs=1e-12)
