"""Issue 12 item 8, case by case: the messages people see for input no database should take.

test_bad_input_everywhere.py checks every form for "never a 500"; these pin the messages
and what is (not) stored, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from scoring.extensions import db
from scoring.models import Document, Procurement, Section
from scoring.services import documents, evaluation, importer, setup
from scoring.services.errors import ValidationFailed

from ..helpers import gen_procurement, gen_scores
from ..leads.pages import events, text
from ..planning.workbooks import sheets, workbook_bytes

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


# ----------------------------------------------------------------------------- NUL characters


def test_a_nul_in_a_reason_is_refused_and_nothing_is_saved(rep_client, procurement, rep):
    evaluation.declare_conflicts(rep, procurement, {b.id: (False, "") for b in procurement.bidders})
    bidder, section = procurement.bidders[0], procurement.sections[0]
    response = rep_client.post(
        f"/evaluate/{procurement.id}/bidders/{bidder.id}/sections/{section.id}",
        data={"score": "3", "rationale": "Good\x00plan", "version": "0", "save_draft": "1"},
    )
    assert response.status_code == 400
    assert "hidden “null” character" in text(response) and "Nothing was saved" in text(response)
    assert evaluation.find_score(rep, bidder, section) is None


# ----------------------------------------------------------------------------- text longer than its column


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("reference", "R" * 51, "The reference must be 50 characters or fewer. It is 51."),
        ("title", "T" * 301, "The title must be 300 characters or fewer. It is 301."),
    ],
)
def test_a_new_procurement_with_overlong_text_is_refused(lead_client, field, value, message):
    data = {"reference": "GP-LONG-01", "title": "A title", field: value}
    response = lead_client.post("/procurements/new", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalar(select(Procurement).where(Procurement.title == data["title"])) is None


def test_a_bidder_name_over_300_is_refused_on_the_form(lead_client, draft):
    response = lead_client.post(f"/procurements/{draft.id}/bidders/new", data={"code": "Bidder C", "name": "N" * 301})
    assert response.status_code == 400
    assert "The bidder's legal name must be 300 characters or fewer. It is 301." in text(response)


def test_a_user_name_over_200_is_refused_on_the_form_and_in_the_import(app, client, lead):
    from scoring.models import Role

    from ..helpers import gen_user, sign_in

    admin = gen_user(Role.ADMIN, "Ada Admin")
    sign_in(client, admin)
    response = client.post("/admin/users/new", data={"name": "N" * 201, "email": "long@example.org", "role": "panel"})
    assert response.status_code == 400
    assert "The name must be 200 characters or fewer. It is 201." in text(response)
    evaluators = [["email", "name", "group", "training_completed"], ["long@example.org", "N" * 201, "panel", None]]
    with pytest.raises(ValidationFailed) as refused:
        importer.read_plan(workbook_bytes(sheets(Evaluators=evaluators)))
    assert "Evaluators row 2: the name of long@example.org is longer than 200 characters." in refused.value.problems


def test_the_import_and_the_form_share_the_reference_limit(app, lead, lead_client):
    procurement = [["field", "value"], ["reference", "R" * 51], ["title", "Imported"]]
    with pytest.raises(ValidationFailed) as refused:
        importer.read_plan(workbook_bytes(sheets(Procurement=procurement)))
    assert "Procurement row 2: The reference must be 50 characters or fewer. It is 51." in refused.value.problems
    assert lead_client.post("/procurements/new", data={"reference": "R" * 50, "title": "x"}).status_code == 302


def test_conflict_details_are_capped_like_reasons(rep_client, procurement, rep):
    a, b = procurement.bidders
    response = rep_client.post(
        f"/evaluate/{procurement.id}/conflicts",
        data={f"bidder-{a.id}": "yes", f"details-{a.id}": "x" * 5001, f"bidder-{b.id}": "no"},
    )
    assert response.status_code == 400
    assert "Describe the conflict in 5,000 characters or fewer. It is 5,001." in text(response)
    assert evaluation.declarations_for(rep, procurement) == {}


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("max_score", ["nan", "inf", "-inf", "1e309", "NaN"])
def test_a_max_score_that_is_not_a_number_is_refused(lead_client, draft, max_score):
    before = len(draft.sections)
    response = lead_client.post(
        f"/procurements/{draft.id}/sections/new",
        data={"code": "Q9", "title": "Extra", "weight": "0", "max_score": max_score, "scored_by": "both"},
    )
    assert response.status_code == 400
    assert "Enter the maximum score as a whole number, for example 4." in text(response)
    db.session.expire_all()
    assert len(db.session.get(Procurement, draft.id).sections) == before


@pytest.mark.parametrize("weight", ["nan", "inf", "1e309"])
def test_weights_that_are_not_numbers_are_refused(lead_client, draft, weight):
    q1, q2 = draft.sections
    response = lead_client.post(
        f"/procurements/{draft.id}/weights", data={f"weight-{q1.id}": weight, f"weight-{q2.id}": "40"}
    )
    assert response.status_code == 400
    assert "Enter the weight of section Q1 as a number of percent, for example 20." in text(response)
    db.session.expire_all()
    assert db.session.get(Section, q1.id).weight == 60


def test_a_section_page_past_2_to_the_63_is_not_found(lead_client, procurement):
    assert lead_client.get("/procurements/99999999999999999999").status_code == 404
    assert lead_client.get(f"/procurements/{procurement.id}/audit?page=9223372036854775807").status_code == 400
    assert lead_client.get(f"/procurements/{procurement.id}/audit?page=2147483647").status_code == 404
    assert lead_client.get(f"/procurements/{procurement.id}/audit?page=99999999999999999999").status_code == 400


# ----------------------------------------------------------------------------- codes that look like maths

MATHS = ("$\\foo$", "$x^2$")


@pytest.fixture
def maths_codes(app, lead, rep, panel):
    procurement = gen_procurement(
        lead=lead,
        reference="GP-MATHS",
        sections=[(MATHS[0], 60, "both"), ("Q2", 40, "patient")],
        bidders=MATHS,
        evaluators=[rep, panel],
    )
    gen_scores(procurement, {rep: 3, panel: 2})
    setup.close_scoring(procurement, actor=lead)
    db.session.commit()
    return procurement


def test_codes_like_latex_do_not_break_the_what_if_page_its_json_or_charts(lead_client, maths_codes):
    p = maths_codes
    page = lead_client.get(f"/procurements/{p.id}/what-if")
    assert page.status_code == 200
    weights = {s.code: s.weight for s in p.sections}
    data = lead_client.post(f"/procurements/{p.id}/what-if.json", json={"weights": weights})
    assert data.status_code == 200
    assert {row["code"] for row in data.get_json()["ranking"]} == set(MATHS)
    results = lead_client.get(f"/procurements/{p.id}/results")
    assert results.status_code == 200
    names = set(re.findall(r"/results/charts/([a-z-]+)\.svg", results.get_data(as_text=True)))
    assert names
    for name in names:
        chart = lead_client.get(f"/procurements/{p.id}/results/charts/{name}.svg")
        assert chart.status_code == 200, name
    # The codes are drawn as typed, not read as mathematics.
    svg = lead_client.get(f"/procurements/{p.id}/results/charts/totals-by-section.svg").get_data(as_text=True)
    assert "$x^2$" in svg


# ----------------------------------------------------------------------------- file names with CR or LF


def test_an_uploaded_file_name_with_cr_or_lf_is_cleaned(app, draft, lead):
    # A browser escapes CR and LF in a multipart file name; other clients send them (RFC 5987
    # filename*), so the service cleans whatever name it is given.
    document = documents.store_document(
        draft.bidders[0], draft.sections[0], filename="plan\r\nX-Evil: 1.pdf", data=PDF, actor=lead
    )
    assert document.filename == "plan X-Evil: 1.pdf"
    assert '"filename": "plan X-Evil: 1.pdf"' in events("document.uploaded")[0].after_json


def test_a_stored_name_with_cr_or_lf_still_downloads_and_can_be_removed(lead_client, draft, lead, app):
    document = documents.store_document(draft.bidders[0], draft.sections[0], filename="plan.pdf", data=PDF, actor=lead)
    document.filename = "plan\r\nSet-Cookie: x=1.pdf"  # stored before names were cleaned
    db.session.commit()
    response = lead_client.get(f"/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "plan Set-Cookie" in disposition
    stored = Path(app.config["UPLOAD_FOLDER"]) / document.stored_name
    removed = lead_client.post(f"/procurements/{draft.id}/documents/{document.id}/delete", data={"confirm": "yes"})
    assert removed.status_code == 302
    assert db.session.scalar(select(Document)) is None and not stored.exists()
    assert events("document.deleted")
    assert "is removed" in text(lead_client.get(removed.headers["Location"]))
