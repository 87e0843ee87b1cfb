"""Importing a procurement from Excel: the template round trip, the CLI, and every rejection."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from scoring.extensions import db
from scoring.models import (
    Assignment,
    AuditEvent,
    Consensus,
    Procurement,
    Role,
    Score,
    Section,
    User,
)
from scoring.services import importer
from scoring.services.errors import ValidationFailed

from ..helpers import gen_user, sign_in
from .workbooks import GOOD, full_scores, sheets, workbook_bytes


def upload(client, data: bytes, **fields):
    return client.post(
        "/procurements/import",
        content_type="multipart/form-data",
        data={"workbook": (BytesIO(data), "procurement.xlsx"), **fields},
    )


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Procurement, User, Score, Consensus, AuditEvent, Assignment)
    )


@pytest.fixture
def lead_client(client, lead):
    sign_in(client, lead)
    return client


def problems_of(data: bytes, lead) -> list[str]:
    before = counts()
    with pytest.raises(ValidationFailed) as failed:
        importer.import_procurement(data, actor=lead)
    assert counts() == before, "a refused import must write nothing"
    return failed.value.problems


# ----------------------------------------------------------------------------- the template


def test_template_has_instructions_every_sheet_and_drop_down_lists(lead_client):
    response = lead_client.get("/procurements/import/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [
        "Instructions",
        "Procurement",
        "Sections",
        "Bidders",
        "Evaluators",
        "Scores",
        "Consensus",
    ]
    header = [c.value for c in book["Sections"][1]]
    assert header[:5] == ["code", "title", "weight", "max_score", "scored_by"]
    lists = {dv.formula1 for dv in book["Sections"].data_validations.dataValidation}
    assert '"patient,panel,both,price"' in lists
    lists = {dv.formula1 for dv in book["Evaluators"].data_validations.dataValidation}
    assert '"patient,panel"' in lists
    guide = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    assert "all or nothing" in guide and "training_completed" in guide


def test_template_round_trips_download_fill_upload(lead_client, lead):
    book = load_workbook(BytesIO(lead_client.get("/procurements/import/template.xlsx").data))
    for name, rows in sheets(Scores=full_scores()).items():
        ws = book[name]
        ws.delete_rows(2, ws.max_row)  # keep the template's own header row
        for row in rows[1:]:
            ws.append(row)
    filled = BytesIO()
    book.save(filled)

    response = upload(lead_client, filled.getvalue())
    assert response.status_code == 302
    procurement = db.session.scalar(select(Procurement).where(Procurement.reference == "IMP-01"))
    # Its two evaluators are new, so the next step offers to invite them (issue 17).
    assert response.headers["Location"].endswith(f"/procurements/{procurement.id}/invite-new-people")
    assert procurement.lead_id == lead.id
    assert procurement.status == "scoring"
    assert [s.code for s in procurement.sections] == ["Q1", "Q2", "Q3"]
    page = lead_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported IMP-01: 3 sections, 2 bidders, 8 scores" in page


def test_import_page_needs_a_lead_or_admin(client, rep):
    sign_in(client, rep)
    assert client.get("/procurements/import").status_code == 403
    assert client.get("/procurements/import/template.xlsx").status_code == 403
    assert upload(client, workbook_bytes()).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Procurement)) == 0


def test_signed_out_visitor_is_sent_to_sign_in(client):
    assert "/sign-in" in client.get("/procurements/import/template.xlsx").headers["Location"]


# ----------------------------------------------------------------------------- what an import creates


def test_import_without_scores_lands_in_setup_with_new_accounts_without_passwords(app, lead):
    result = importer.import_procurement(workbook_bytes(), actor=lead)
    procurement = result.procurement
    assert procurement.status == "setup"
    assert procurement.anonymised is True
    rep = db.session.scalar(select(User).where(User.email == "new.rep@example.org"))
    panel = db.session.scalar(select(User).where(User.email == "new.panel@example.org"))
    assert rep.role == Role.PATIENT.value and rep.password_hash is None and rep.is_trained
    assert panel.role == Role.PANEL.value and panel.password_hash is None
    assigned = {(a.section.code, a.user.email) for s in procurement.sections for a in s.assignments}
    assert assigned == {("Q1", rep.email), ("Q2", rep.email), ("Q1", panel.email), ("Q3", panel.email)}
    assert {u.email for u in result.created_users} == {rep.email, panel.email}
    threshold = next(s for s in procurement.sections if s.code == "Q3").threshold
    assert threshold == 1
    summary = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "procurement.imported"))
    assert summary.actor_id == lead.id and summary.procurement_id == procurement.id


def test_open_scoring_option_opens_scoring_without_scores(app, lead):
    result = importer.import_procurement(workbook_bytes(), actor=lead, open_scoring=True)
    assert result.procurement.status == "scoring"


def test_imported_scores_are_submitted_marked_as_imported_and_each_audited(app, lead):
    result = importer.import_procurement(workbook_bytes(sheets(Scores=full_scores())), actor=lead)
    assert result.procurement.status == "scoring"
    scores = db.session.scalars(select(Score)).all()
    assert len(scores) == 8
    assert {(s.status, s.source, s.entered_by_id, s.version) for s in scores} == {("submitted", "import", lead.id, 1)}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "score.imported")).all()
    assert sorted(e.entity_id for e in events) == sorted(s.id for s in scores)
    assert all(e.actor_id == lead.id for e in events)


def test_an_evaluators_incomplete_scores_are_kept_as_drafts(app, lead):
    rows = full_scores()[:-1]  # the panel evaluator's last score is missing
    result = importer.import_procurement(workbook_bytes(sheets(Scores=rows)), actor=lead)
    assert result.drafts == ["new.panel@example.org"]
    assert result.submitted == ["new.rep@example.org"]
    by_status = {s.evaluator.email: s.status for s in db.session.scalars(select(Score))}
    assert by_status == {"new.rep@example.org": "submitted", "new.panel@example.org": "draft"}
    assert "saved as drafts" in result.summary


def test_consensus_lands_in_moderation(app, lead):
    consensus = [["bidder", "section", "score", "rationale"], ["Bidder A", "Q1", 3, "Agreed at the panel"]]
    result = importer.import_procurement(workbook_bytes(sheets(Scores=full_scores(), Consensus=consensus)), actor=lead)
    assert result.procurement.status == "moderation"
    agreed = db.session.scalar(select(Consensus))
    assert (agreed.value, agreed.source, agreed.decided_by_id) == (3, "import", lead.id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consensus.imported"))


def test_existing_accounts_are_matched_by_email(app, lead):
    rep = gen_user(Role.PATIENT, "Known Rep", email="new.rep@example.org")
    result = importer.import_procurement(workbook_bytes(), actor=lead)
    assert [u.email for u in result.created_users] == ["new.panel@example.org"]
    assert any(a.user_id == rep.id for s in result.procurement.sections for a in s.assignments)


def test_headers_in_any_case_and_extra_columns_are_fine(app, lead):
    data = sheets(
        Sections=[["CODE", "Title", "Weight", "Max Score", "Scored-By", "My notes"]]
        + [row[:5] + ["ignore me"] for row in GOOD["Sections"][1:]],
        Bidders=[
            ["Name", "Code", "Colour"],
            ["Alpha Health Ltd", "Bidder A", "red"],
            ["Beta Care LLP", "Bidder B", "blue"],
        ],
    )
    data = {name.upper(): rows for name, rows in data.items()}
    result = importer.import_procurement(workbook_bytes(data), actor=lead)
    assert [b.name for b in result.procurement.bidders] == ["Alpha Health Ltd", "Beta Care LLP"]


def test_the_scores_sheet_of_an_excel_export_imports_back(app, lead):
    head = [
        "evaluator",
        "evaluator_email",
        "group",
        "bidder",
        "section",
        "score",
        "rationale",
        "submitted at",
        "entered by",
    ]
    rows = [head] + [
        ["Some Name", email, "x", bidder, section, score, reason, "2026-05-01", "Lee"]
        for email, bidder, section, score, reason in full_scores()[1:]
    ]
    result = importer.import_procurement(workbook_bytes(sheets(Scores=rows)), actor=lead)
    assert result.scores == 8


# ----------------------------------------------------------------------------- every rejection


def test_a_file_that_is_not_a_workbook(app, lead, lead_client):
    assert problems_of(b"just some text", lead) == [importer.NOT_A_WORKBOOK]
    assert problems_of(b"\xd0\xcf\x11\xe0rest-of-an-xls", lead) == [importer.OLD_EXCEL]
    response = upload(lead_client, b"PK\x03\x04 not really a zip")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error:" in page and "is not an Excel workbook" in page


def test_a_workbook_with_xml_entities_is_refused_not_expanded(app, lead):
    import zipfile

    source = zipfile.ZipFile(BytesIO(workbook_bytes()))
    names = {info.filename: source.read(info.filename) for info in source.infolist()}
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    target = BytesIO()
    with zipfile.ZipFile(target, "w") as book:
        for name, data in names.items():
            book.writestr(name, laughs if name == "xl/worksheets/sheet1.xml" else data)
    # openpyxl reads through defusedxml, which refuses entity declarations outright.
    assert problems_of(target.getvalue(), lead) in ([importer.NOT_A_WORKBOOK], [importer.UNREADABLE])


def test_missing_sheets_and_columns(app, lead):
    problems = problems_of(workbook_bytes(sheets(Bidders=None, Sections=[["code", "title", "weight"]])), lead)
    assert (
        "Sheet Bidders is missing. The workbook needs the sheets Procurement, Sections, Bidders and Evaluators."
    ) in problems
    assert any(p.startswith("Sections: columns max_score and scored_by are missing. Row 1 must hold") for p in problems)


OK_SCORE = ["new.rep@example.org", "Bidder A", "Q1", 3, "Good"]


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            {"Sections": GOOD["Sections"] + [["Q1", "Again", 0, 4, "both"]]},
            "Sections row 5: Section code Q1 is already used in row 2.",
        ),
        (
            {"Sections": GOOD["Sections"][:3] + [["Q3", "Safety", 20, 4, "panel"]]},
            "Sections: the weights add up to 90. They must add up to 100.",
        ),
        (
            {"Sections": GOOD["Sections"][:3] + [["Q3", "Safety", "lots", 4, "panel"]]},
            "Sections row 4: Enter the weight as a number of percent, for example 20.",
        ),
        (
            {"Sections": GOOD["Sections"][:3] + [["Q3", "Safety", 30, 4, "everyone"]]},
            "Sections row 4: Choose who scores this section: patient representatives, the panel, both, or the price formula.",
        ),
        (
            {"Sections": GOOD["Sections"][:3] + [["Q3", "Safety", 30, 2.5, "panel"]]},
            "Sections row 4: Enter the maximum score as a whole number, for example 4.",
        ),
        (
            {"Sections": GOOD["Sections"][:3] + [["Q3", "Safety", 30, 4, "panel", 9]]},
            "Sections row 4: The threshold must be between 0 and the maximum score 4.",
        ),
        (
            {"Bidders": GOOD["Bidders"] + [["Bidder A", "Copy Ltd"]]},
            "Bidders row 4: Bidder code Bidder A is already used in row 2.",
        ),
        ({"Bidders": GOOD["Bidders"] + [["Bidder C", ""]]}, "Bidders row 4: Enter the bidder's legal name."),
        (
            {"Procurement": [["field", "value"], ["reference", "IMP-01"]]},
            "Procurement: add a row with field title and its value.",
        ),
        (
            {"Procurement": GOOD["Procurement"][:3] + [["anonymised", "perhaps"]]},
            "Procurement row 4: anonymised must be yes or no, not 'perhaps'.",
        ),
        (
            {"Evaluators": GOOD["Evaluators"] + [["another.rep@example.org", "Ann", "patient", None]]},
            "Evaluators row 4: patient representative another.rep@example.org has no training date. Give the "
            "date they completed training in the column training_completed; untrained representatives "
            "cannot be asked to score.",
        ),
        (
            {"Evaluators": GOOD["Evaluators"] + [["new.rep@example.org", "Twice", "patient", "2026-01-01"]]},
            "Evaluators row 4: new.rep@example.org is listed twice (also in row 2).",
        ),
        (
            {"Evaluators": GOOD["Evaluators"] + [["x@example.org", "X", "doctor"]]},
            "Evaluators row 4: the group of x@example.org must be patient or panel, not doctor.",
        ),
        (
            {"Evaluators": GOOD["Evaluators"] + [["not-an-email", "X", "panel"]]},
            "Evaluators row 4: not-an-email is not a valid email address.",
        ),
        (
            {"Evaluators": GOOD["Evaluators"] + [["x@example.org", "X", "patient", "someday"]]},
            "Evaluators row 4: the training date 'someday' of x@example.org is not a date. Use the form 2026-03-27.",
        ),
        (
            {"Scores": full_scores() + [[None]] * 4 + [["new.panel@example.org", "Bidder A", "Q3", 7, "Great"]]},
            "Scores row 14: score 7 is above the maximum 4 for section Q3.",
        ),
        (
            {"Scores": [full_scores()[0], ["new.rep@example.org", "Bidder A", "Q1", -1, "Bad"]]},
            "Scores row 2: score -1 is below 0.",
        ),
        (
            {"Scores": [full_scores()[0], ["new.rep@example.org", "Bidder A", "Q1", "three", "Bad"]]},
            "Scores row 2: score three is not a whole number.",
        ),
        (
            {"Scores": [full_scores()[0], ["new.rep@example.org", "Bidder Z", "Q1", 3, "Good"]]},
            "Scores row 2: bidder Bidder Z is not in the Bidders sheet.",
        ),
        (
            {"Scores": [full_scores()[0], ["new.rep@example.org", "Bidder A", "Q9", 3, "Good"]]},
            "Scores row 2: section Q9 is not in the Sections sheet.",
        ),
        (
            {"Scores": [full_scores()[0], ["stranger@example.org", "Bidder A", "Q1", 3, "Good"]]},
            "Scores row 2: evaluator stranger@example.org is not in the Evaluators sheet (or has a problem there).",
        ),
        (
            {"Scores": [full_scores()[0], ["new.rep@example.org", "Bidder A", "Q3", 3, "Good"]]},
            "Scores row 2: section Q3 is scored by the panel only, and new.rep@example.org is a patient representative.",
        ),
        (
            {"Scores": [full_scores()[0], ["new.rep@example.org", "Bidder A", "Q1", 3, ""]]},
            "Scores row 2: the rationale (the reason for the score) is empty. Every score needs a reason.",
        ),
        (
            {"Scores": [full_scores()[0], OK_SCORE, OK_SCORE]},
            "Scores row 3: new.rep@example.org already has a score for Bidder A, Q1 (row 2).",
        ),
        (
            {"Consensus": [["bidder", "section", "score", "rationale"], ["Bidder A", "Q2", 5, "x"]]},
            "Consensus row 2: score 5 is above the maximum 4 for section Q2.",
        ),
        (
            {
                "Consensus": [
                    ["bidder", "section", "score", "rationale"],
                    ["Bidder A", "Q2", 3, "x"],
                    ["Bidder A", "Q2", 2, "y"],
                ]
            },
            "Consensus row 3: there is already a score for Bidder A, Q2 (row 2).",
        ),
    ],
)
def test_each_problem_is_reported_with_sheet_and_row(app, lead, change, expected):
    problems = problems_of(workbook_bytes(sheets(**change)), lead)
    assert expected in problems, problems


def test_reference_already_used(app, lead):
    importer.import_procurement(workbook_bytes(), actor=lead)
    problems = problems_of(workbook_bytes(), lead)
    assert "Procurement row 2: A procurement with the reference IMP-01 already exists." in problems


def test_existing_account_with_the_wrong_role_or_no_training(app, lead):
    gen_user(Role.LEAD, "Someone", email="new.panel@example.org")
    gen_user(Role.PATIENT, "Untrained", email="new.rep@example.org", trained=False)
    problems = problems_of(workbook_bytes(), lead)
    assert (
        "Evaluators row 3: new.panel@example.org already has an account as a procurement lead, "
        "so cannot score as a panel evaluator."
    ) in problems
    assert (
        "Evaluators row 2: patient representative new.rep@example.org has no training date "
        "recorded. An administrator must record their training before they can be asked to "
        "score."
    ) in problems


def test_scores_need_an_evaluator_for_every_group_that_scores(app, lead):
    data = sheets(
        Evaluators=GOOD["Evaluators"][:2],
        Scores=[full_scores()[0], ["new.rep@example.org", "Bidder A", "Q1", 3, "Good"]],
    )
    problems = problems_of(workbook_bytes(data), lead)
    assert (
        "Sections row 4: section Q3 is scored by panel evaluators, but the Evaluators sheet has "
        "none, and the workbook has scores."
    ) in problems


def test_every_problem_is_listed_at_once_on_the_page_and_nothing_is_saved(lead_client, lead):
    data = sheets(
        Sections=GOOD["Sections"] + [["Q1", "Again", 0, 4, "both"]],
        Bidders=GOOD["Bidders"] + [["Bidder A", "Copy"]],
        Scores=full_scores() + [[None]] * 4 + [["new.panel@example.org", "Bidder A", "Q3", 7, "Great"]],
    )
    before = counts()
    response = upload(lead_client, workbook_bytes(data))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The workbook has 3 problems. Nothing was imported." in page
    assert "Sections row 5: Section code Q1 is already used in row 2." in page
    assert "Bidders row 4: Bidder code Bidder A is already used in row 2." in page
    assert "Scores row 14: score 7 is above the maximum 4 for section Q3." in page
    assert counts() == before


def test_a_workbook_with_ten_problems_lists_all_ten_on_the_page(lead_client, lead):
    from datetime import date

    data = {
        "Procurement": [["field", "value"], ["reference", "IMP-10"], ["title", ""], ["anonymised", "yes"]],
        "Sections": [
            ["code", "title", "weight", "max_score", "scored_by", "threshold", "question", "guidance"],
            ["Q1", "Access", 50, 4, "both", None, "How?", ""],
            ["Q2", "", 30, 4, "patient", None, "How?", ""],
            ["Q3", "Safety", 30, "lots", "panel", None, "How?", ""],
        ],
        "Bidders": [["code", "name"], ["Bidder A", "Alpha Health Ltd"], ["Bidder B", ""], ["Bidder A", "Copy"]],
        "Evaluators": [
            ["email", "name", "group", "training_completed"],
            ["new.rep@example.org", "Nell Rep", "patient", date(2026, 2, 1)],
            ["not-an-email", "Dr Pan", "panel", None],
            ["third@example.org", "Third", "staff", None],
        ],
        "Scores": [
            ["evaluator", "bidder", "section", "score", "rationale"],
            ["new.rep@example.org", "Bidder A", "Q1", 7, "Great"],
            ["new.rep@example.org", "Bidder B", "Q1", 3, ""],
        ],
    }
    expected = [
        "Procurement row 3: Enter a title.",
        "Sections row 3: Enter a section title.",
        "Sections row 4: Enter the maximum score as a whole number, for example 4.",
        # The total is checked even though other cells of the sheet are wrong.
        "Sections: the weights add up to 110. They must add up to 100.",
        "Bidders row 3: Enter the bidder's legal name.",
        "Bidders row 4: Bidder code Bidder A is already used in row 2.",
        "Evaluators row 3: not-an-email is not a valid email address.",
        "Evaluators row 4: the group of third@example.org must be patient or panel, not staff.",
        "Scores row 2: score 7 is above the maximum 4 for section Q1.",
        "Scores row 3: the rationale (the reason for the score) is empty. Every score needs a reason.",
    ]
    before = counts()
    response = upload(lead_client, workbook_bytes(data))
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    assert "The workbook has 10 problems. Nothing was imported." in page
    for message in expected:
        assert message in page
    assert counts() == before


def test_upload_without_a_file(lead_client):
    response = lead_client.post("/procurements/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the workbook to upload." in response.get_data(as_text=True)


# ----------------------------------------------------------------------------- the command line


def test_cli_imports_a_workbook(app, lead, tmp_path):
    path = tmp_path / "procurement.xlsx"
    path.write_bytes(workbook_bytes(sheets(Scores=full_scores())))
    result = app.test_cli_runner().invoke(args=["import-procurement", str(path), "--lead", lead.email])
    assert result.exit_code == 0, result.output
    assert "Imported IMP-01: 3 sections, 2 bidders, 8 scores. It is now scoring open." in result.output
    procurement = db.session.scalar(select(Procurement).where(Procurement.reference == "IMP-01"))
    assert procurement.lead_id == lead.id


def test_cli_lists_every_problem_and_saves_nothing(app, lead, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(sheets(Bidders=GOOD["Bidders"] + [["Bidder A", "Copy"]])))
    before = counts()
    result = app.test_cli_runner().invoke(args=["import-procurement", str(path), "--lead", lead.email])
    assert result.exit_code == 1
    assert "bad.xlsx was not imported. 1 problem:" in result.output
    assert "Bidders row 4: Bidder code Bidder A is already used in row 2." in result.output
    assert counts() == before


def test_cli_needs_a_lead(app, rep, tmp_path):
    path = tmp_path / "procurement.xlsx"
    path.write_bytes(workbook_bytes())
    result = app.test_cli_runner().invoke(args=["import-procurement", str(path), "--lead", rep.email])
    assert result.exit_code != 0
    assert "is not a procurement lead or administrator" in result.output


def test_the_scores_sheet_written_by_the_excel_export_round_trips(app, lead):
    export = pytest.importorskip("scoring.services.export")
    from scoring.services.export.data import export_data

    first = importer.import_procurement(workbook_bytes(sheets(Scores=full_scores())), actor=lead)
    exported = BytesIO()
    export.write_workbook(export_data(first.procurement, exported_by=lead), exported)
    ws = load_workbook(BytesIO(exported.getvalue()), read_only=True)["Scores"]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0][:2] == ["evaluator", "evaluator_email"] and len(rows) == 9

    procurement = [row if row[0] != "reference" else ["reference", "IMP-02"] for row in GOOD["Procurement"]]
    second = importer.import_procurement(workbook_bytes(sheets(Procurement=procurement, Scores=rows)), actor=lead)

    def scores_of(p):
        return sorted(
            (s.evaluator.email, s.bidder.code, s.section.code, s.value, s.rationale)
            for s in db.session.scalars(select(Score).join(Section).where(Section.procurement_id == p.id))
        )

    assert scores_of(second.procurement) == scores_of(first.procurement)


def test_a_price_section_needs_every_bidders_price_once_scoring_opens(app, lead):
    sections = GOOD["Sections"][:3] + [
        ["Q3", "Safety", 20, 4, "panel", None, "", "", "quality"],
        ["P1", "Price", 10, 10, "price", None, "", "", "value"],
    ]
    bidders = [["code", "name", "price"], ["Bidder A", "Alpha Health Ltd", 1000], ["Bidder B", "Beta Care LLP", None]]
    data = sheets(Sections=sections, Bidders=bidders)
    assert importer.import_procurement(workbook_bytes(data), actor=lead).procurement.status == "setup"
    db.session.rollback()
    data["Procurement"] = [row if row[0] != "reference" else ["reference", "IMP-02"] for row in GOOD["Procurement"]]
    with pytest.raises(ValidationFailed) as failed:
        importer.import_procurement(workbook_bytes(data), actor=lead, open_scoring=True)
    assert failed.value.problems == [
        "Bidders row 3: Bidder B needs a price because section P1 is scored from prices and scoring is to open now."
    ]
    bidders[2][2] = 1250
    result = importer.import_procurement(workbook_bytes(data), actor=lead, open_scoring=True)
    assert [b.price for b in result.procurement.bidders] == [1000, 1250]
    assert result.procurement.status == "scoring"
