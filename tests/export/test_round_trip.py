"""The Scores sheet of an export goes back in through the import, unchanged."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from scoring.extensions import db
from scoring.models import Bidder, Score, Section, User

importer = pytest.importorskip("scoring.services.importer")


def import_workbook(demo, exported: bytes, reference: str) -> bytes:
    """The import template's set-up sheets for a copy of ``demo``, and the export's Scores sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    sheet = wb.create_sheet("Procurement")
    sheet.append(["field", "value"])
    for row in (["reference", reference], ["title", demo.title + " (re-imported)"], ["anonymised", "yes"]):
        sheet.append(row)
    sheet = wb.create_sheet("Sections")
    sheet.append(["code", "title", "weight", "max_score", "scored_by", "threshold", "key_criterion"])
    for s in demo.sections:
        sheet.append([s.code, s.title, s.weight, s.max_score, s.scored_by, s.threshold, s.key_criterion])
    sheet = wb.create_sheet("Bidders")
    sheet.append(["code", "name"])
    for b in demo.bidders:
        sheet.append([b.code, b.name])
    sheet = wb.create_sheet("Evaluators")
    sheet.append(["email", "name", "group", "training_completed"])
    evaluators = db.session.scalars(
        select(User)
        .join(Score, Score.evaluator_id == User.id)
        .join(Section, Section.id == Score.section_id)
        .where(Section.procurement_id == demo.id)
        .distinct()
    )
    for user in evaluators:
        sheet.append([user.email, user.name, user.group, user.training_completed_on])
    scores = wb.create_sheet("Scores")
    source = load_workbook(BytesIO(exported), read_only=True)
    for row in source["Scores"].iter_rows(values_only=True):
        scores.append(list(row))
        for cell in scores[scores.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # keep "=HYPERLINK(...)" a reason, as the export wrote it
    source.close()
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def scores_of(procurement_id: int) -> set[tuple]:
    rows = db.session.execute(
        select(User.email, Bidder.code, Section.code, Score.value, Score.rationale)
        .join(User, User.id == Score.evaluator_id)
        .join(Bidder, Bidder.id == Score.bidder_id)
        .join(Section, Section.id == Score.section_id)
        .where(Section.procurement_id == procurement_id, Score.value.is_not(None))
    )
    return {tuple(r) for r in rows}


def test_scores_sheet_of_an_export_imports_back_as_the_same_scores(lead_client, demo):
    exported = lead_client.get(f"/procurements/{demo.id}/export.xlsx").data
    workbook = import_workbook(demo, exported, "GP-2027-01-COPY")

    try:
        plan = importer.read_plan(workbook)
    except importer.ValidationFailed as failed:
        pytest.fail("; ".join(failed.problems))
    header = load_workbook(BytesIO(exported), read_only=True)["Scores"]
    assert [c.value for c in next(header.iter_rows(max_row=1))] == [
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
    assert len(plan.scores) == len(scores_of(demo.id))

    result = importer.import_procurement(workbook, actor=demo.lead)
    # The import trims spaces around a reason, as a form does ("\tx" comes back as "x").
    original = {(e, b, s, v, r.strip()) for e, b, s, v, r in scores_of(demo.id)}
    assert scores_of(result.procurement.id) == original
