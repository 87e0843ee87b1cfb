"""The JSON document of issue 4, and the plain-text table."""

from __future__ import annotations

import json

import pytest

from scoring.engine import ENGINE_VERSION, analyse
from scoring.engine.report import to_text

from .gen import gen_inputs, nan
from .test_influence import main_inputs


def test_document_has_the_shape_of_issue_4():
    document = analyse(main_inputs(bidders=("A", "B")), draws=1_000).to_dict(reference="GP-2027-01")
    json.dumps(document, allow_nan=False)  # plain JSON: no NaN, no numpy types
    assert document["reference"] == "GP-2027-01"
    assert document["engine_version"] == ENGINE_VERSION
    assert document["bidders"][0]["code"] == "A"
    assert document["bidders"][0]["total"] == pytest.approx(81.25)
    assert document["bidders"][0]["rank"] == 1
    assert document["bidders"][0]["failing"] is False
    assert [b["code"] for b in document["bidders"]] == ["A", "B"]
    assert document["winner"] == "A"
    assert document["incomplete"] == []
    influence = document["influence"]
    assert influence["patient_weight_share"] == pytest.approx(0.6)
    assert influence["contribution"] == pytest.approx({"A": 46.25, "B": 25.0})
    assert influence["counterfactual"] == [
        {"code": "A", "total": pytest.approx(450 / 7), "rank": 2, "rank_change": 1, "failing": False},
        {"code": "B", "total": pytest.approx(625 / 7), "rank": 1, "rank_change": -1, "failing": False},
    ]
    assert influence["counterfactual_winner"] == "B"
    assert influence["winner_changed"] is True
    assert influence["shapley"] == pytest.approx({"patient": 38.75, "panel": -30.0})
    assert influence["tipping_points"] == pytest.approx([4 / 9])
    assert influence["kendall_tau"] == pytest.approx(-1.0)
    assert influence["krippendorff_alpha"] == pytest.approx({"patient": 0.9, "panel": 1.0})
    assert len(influence["sweep"]) == 21 and influence["sweep"][0] == {"alpha": 0.0, "winner": "B"}
    assert set(document["sensitivity"]) == {"A", "B"}
    assert document["sensitivity"]["A"] + document["sensitivity"]["B"] == pytest.approx(1.0)
    assert 3 <= len(document["summary"]) <= 6
    assert document["sections"][2] == {
        "code": "Q3",
        "weight": 30.0,
        "max_score": 4.0,
        "threshold": None,
        "scored_by": "patient",
    }


def test_incomplete_cells_are_named_and_missing_scores_are_null():
    inputs = gen_inputs([[[3], [nan]], [[2], [1]]], ["panel"], [50, 50], bidders=("A", "B"), sections=("Q1", "Q2"))
    document = analyse(inputs, draws=0).to_dict()
    json.dumps(document, allow_nan=False)
    assert document["incomplete"] == [{"bidder": "A", "section": "Q2"}]
    assert document["complete"] is False and document["winner"] is None
    assert document["bidders"][0]["moderated"] == {"Q1": 3.0, "Q2": None}
    assert document["sensitivity"] is None


def test_text_report_lists_bidders_in_rank_order_then_the_summary():
    a = analyse(main_inputs(), draws=500)
    text = to_text(a, reference="GP-2027-01")
    lines = text.splitlines()
    assert lines[0] == "Procurement GP-2027-01"
    rows = [line for line in lines if line.strip().startswith(("1 ", "2 "))]
    assert rows[0].split()[1:3] == ["Bidder", "A"]
    assert "Tipping points (patient weight share): 44.4%" in text
    assert text.endswith(a.summary[-1])
