"""An auditor opens the workbook in a real spreadsheet: totals and ranks are live and right.

LibreOffice headless recalculates every formula (../shared/TOOLING.md); the
values it saves are compared with the engine's to 1e-9. Then a weight is
changed in the workbook, as an auditor would in Excel, and the recalculated
totals are compared with the engine run on the changed weights.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from scoring.engine import EngineInputs, analyse, moderate
from scoring.extensions import db
from scoring.services.engine_adapter import load_inputs
from scoring.services.export import ExportData, document_from_analysis, write_workbook

from . import libreoffice
from .readback import moderated_table, sheet_rows, summary_ranking

TOLERANCE = 1e-9


def assert_matches_engine(path: Path, m) -> None:
    """Every total, rank and failing flag of the Moderated and Summary sheets equals the engine's."""
    labels = m.inputs.bidder_labels
    moderated = moderated_table(path)
    ranking = summary_ranking(path)
    assert set(moderated) == set(labels) == set(ranking)
    for b, code in enumerate(labels):
        for row in (moderated[code], ranking[code]):
            assert row["Total"] == pytest.approx(m.totals[b], abs=TOLERANCE), code
            assert row["Rank"] == m.ranks[b], code
            assert bool(row["Fails a pass mark"]) == bool(m.failing[b]), code


def change_weights(source: Path, target: Path, new: dict[str, float]) -> None:
    """Change weights on the Weights sheet with openpyxl, keeping every formula."""
    wb = load_workbook(source)
    ws = wb["Weights"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in new:
            row[2].value = new[row[0].value]
    wb.save(target)


def test_lead_downloads_a_workbook_whose_formulas_recalculate_to_the_engine_result(lead_client, demo, tmp_path):
    response = lead_client.get(f"/procurements/{demo.id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "GP-2027-01-export.xlsx" in response.headers["Content-Disposition"]
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(response.data)

    inputs, _ = load_inputs(db.session, demo)
    options = dict(combine=demo.combine_method, disagreement=demo.disagreement_threshold)
    # The auditor moves 10 points from Q4 to Q1, keeping the total at 100.
    new = {"Q1": 30.0, "Q4": 15.0}
    changed = tmp_path / "changed.xlsx"
    change_weights(exported, changed, new)

    recalculated, recalculated_changed = libreoffice.recalculate(exported, changed, out_dir=tmp_path / "recalculated")

    assert_matches_engine(recalculated, moderate(inputs, **options))
    weights = [new.get(code, w) for code, w in zip(inputs.section_labels, inputs.weights)]
    assert sum(weights) == 100
    reweighted = dataclasses.replace(inputs, weights=weights)
    m = moderate(reweighted, **options)
    assert not np.allclose(m.totals, moderate(inputs, **options).totals)
    assert_matches_engine(recalculated_changed, m)
    total_row = next(r for r in sheet_rows(recalculated_changed, "Weights") if r[1] == "Total (must be 100)")
    assert total_row[2] == pytest.approx(100)


def synthetic_inputs() -> EngineInputs:
    """Five bidders: two tie for second place, one fails a pass mark, one cell is missing."""
    scores = np.full((5, 3, 2), np.nan)
    plan = {  # bidder: (Q1, Q2, Q3) moderated by two evaluators giving the same score
        0: (4, 3, 4),
        1: (3, 3, 3),
        2: (3, 3, 3),
        3: (4, 4, 0),
        4: (2, 2, 2),
    }
    for b, values in plan.items():
        for s, value in enumerate(values):
            scores[b, s, :] = value
    scores[4, 2, :] = np.nan  # not scored yet: adds nothing, never fails
    return EngineInputs(
        scores=scores,
        groups=("patient", "panel"),
        weights=[50, 30, 20],
        max_scores=[4, 4, 4],
        thresholds=[np.nan, np.nan, 1],
        bidder_labels=[f"Bidder {c}" for c in "ABCDE"],
        section_labels=["Q1", "Q2", "Q3"],
    )


def test_rank_formulas_follow_the_engine_tie_and_failing_rules(tmp_path):
    inputs = synthetic_inputs()
    analysis = analyse(inputs, draws=500)
    m = analysis.moderation
    assert m.failing.tolist() == [False, False, False, True, False]
    assert m.ranks.tolist() == [1, 2, 2, 5, 4]
    data = ExportData(
        reference="SYN-1",
        title="Synthetic",
        status="Moderation",
        anonymised=True,
        document=document_from_analysis(analysis, reference="SYN-1"),
        scores=[],
    )
    exported = tmp_path / "synthetic.xlsx"
    write_workbook(data, exported)
    # Q3 weighs more: Bidder D's total rises but it still fails, so it still ranks last.
    new = {"Q2": 10.0, "Q3": 40.0}
    changed = tmp_path / "synthetic-changed.xlsx"
    change_weights(exported, changed, new)
    recalculated, recalculated_changed = libreoffice.recalculate(exported, changed, out_dir=tmp_path / "out")
    assert_matches_engine(recalculated, m)
    reweighted = moderate(dataclasses.replace(inputs, weights=[50, 10, 40]))
    assert_matches_engine(recalculated_changed, reweighted)
