"""`flask review`: the table and exactly the JSON shape of issue 18, from stored results."""

from __future__ import annotations

import json

import pytest


def test_review_json_has_exactly_the_issue_shape(app, finalised):
    result = app.test_cli_runner().invoke(args=["review", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) == {"procurements", "decisive_rate", "alpha_half"}
    (row,) = doc["procurements"]
    assert list(row) == [
        "reference",
        "patient_weight_share",
        "winner",
        "counterfactual_winner",
        "winner_changed",
        "shapley_patient",
        "margin",
        "nearest_tipping_point",
        "kendall_tau",
        "decisive_intervals",
    ]
    # the finalised fixture (see tests/moderation/test_review_stored.py): decisive on all of [0, 1]
    assert row["reference"] == "GP-TEST-01" and row["winner"] == "Bidder A"
    assert row["counterfactual_winner"] == "Bidder B" and row["winner_changed"] is True
    assert row["patient_weight_share"] == pytest.approx(1.0) and row["margin"] == pytest.approx(20.0)
    assert row["decisive_intervals"] == [[0.0, 1.0]]
    assert [r["alpha"] for r in doc["decisive_rate"]][:3] == [0.0, 0.05, 0.1] and len(doc["decisive_rate"]) == 21
    assert all(r["rate"] == 1.0 and r["decisive"] == ["GP-TEST-01"] for r in doc["decisive_rate"])
    assert doc["alpha_half"] == 0.0


def test_review_dates_and_table(app, finalised):
    runner = app.test_cli_runner()
    empty = json.loads(runner.invoke(args=["review", "--json", "--since", "2999-01-01"]).output)
    assert empty == {"procurements": [], "decisive_rate": empty["decisive_rate"], "alpha_half": None}
    assert all(r["rate"] == 0.0 for r in empty["decisive_rate"])
    table = runner.invoke(args=["review"]).output
    assert "GP-TEST-01" in table and "0%-100%" in table and "from a patient weight share of 0%" in table
    bad = runner.invoke(args=["review", "--since", "April"])
    assert bad.exit_code != 0 and "'April' does not match the format '%Y-%m-%d'" in bad.output
