"""Issue 12 item 9: the smaller holes, one test (or a few) each."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from scoring.extensions import db
from scoring.models import Procurement, Role, User
from scoring.services import accounts, documents, evaluation, importer, paper, setup
from scoring.services.errors import Refused, ValidationFailed

from ..helpers import gen_procurement, gen_scores, gen_user, sign_in
from ..leads.pages import events, text
from ..planning.workbooks import GOOD, sheets, workbook_bytes

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


# ----------------------------------------------------------------------------- a new conflict in moderation


def test_a_rep_cannot_declare_a_new_conflict_in_moderation_and_keeps_their_scores(
    rep_client, procurement, rep, panel, lead
):
    gen_scores(procurement, {rep: 3, panel: 2})
    setup.close_scoring(procurement, actor=lead)
    db.session.commit()
    a, b = procurement.bidders
    response = rep_client.post(
        f"/evaluate/{procurement.id}/conflicts",
        data={f"bidder-{a.id}": "yes", f"details-{a.id}": "I remembered my cousin works there", f"bidder-{b.id}": "no"},
    )
    assert response.status_code == 400
    assert (
        "Scoring has closed, so a new conflict of interest with Bidder A cannot be declared here. "
        "Tell your procurement lead about it"
    ) in text(response)
    db.session.expire_all()
    assert not evaluation.declarations_for(rep, procurement)[a.id].has_conflict
    assert len([c for c in evaluation.cells_for(rep, procurement) if c.score.is_submitted]) == 4
    # The lead can still record it (from what the rep told them), and so decides.
    paper.record_paper_declarations(
        lead=lead,
        procurement=procurement,
        evaluator=rep,
        answers={a.id: (True, "Cousin works there"), b.id: (False, "")},
    )
    assert evaluation.declarations_for(rep, procurement)[a.id].has_conflict


# ----------------------------------------------------------------------------- training


def test_a_future_training_date_is_refused_on_the_web_form(client, rep):
    admin = gen_user(Role.ADMIN, "Ada Admin")
    sign_in(client, admin)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(f"/admin/users/{rep.id}/training", data={"training_completed_on": tomorrow})
    assert response.status_code == 400
    assert f"The training date {tomorrow} is in the future." in text(response)
    db.session.expire_all()
    assert db.session.get(User, rep.id).training_completed_on == date(2026, 1, 15)
    new = client.post(
        "/admin/users/new",
        data={"name": "New Rep", "email": "new.rep@example.org", "role": "patient", "training_completed_on": tomorrow},
    )
    assert new.status_code == 400 and "is in the future" in text(new)
    assert accounts.find_by_email("new.rep@example.org") is None


def test_only_an_admin_or_a_lead_of_the_reps_procurement_records_training(client, procurement, rep, lead):
    other_lead = gen_user(Role.LEAD, "Olu Otherlead")
    loner = gen_user(Role.PATIENT, "Lone Rep", trained=False)
    admin = gen_user(Role.ADMIN, "Ada Admin")
    today = date.today().isoformat()
    cases = [(other_lead, rep, 403), (lead, loner, 403), (lead, rep, 302), (admin, loner, 302)]
    for actor, person, status in cases:
        client.post("/sign-out")
        sign_in(client, actor)
        got = client.post(f"/admin/users/{person.id}/training", data={"training_completed_on": today})
        assert got.status_code == status, (actor.name, person.name)
    # The users page offers the link only where it works.
    client.post("/sign-out")
    sign_in(client, other_lead)
    assert f"/admin/users/{rep.id}/training" not in client.get("/admin/users").get_data(as_text=True)


# ----------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    "password",
    [
        "password12345",
        "iloveyou1234",
        "Password1234!",
        "trustno1trustno1",
        "football12345",
        "qwertyuiop123",
        "1q2w3e4r5t6y",
    ],
)
def test_well_known_passwords_are_refused(password):
    assert "too easy to guess" in accounts.password_problem(password, email="pat@example.org")


@pytest.mark.parametrize("password", ["three random words", "correct-horse-battery", "kettle umbrella 1987 fog"])
def test_long_unusual_passwords_are_accepted(password):
    assert accounts.password_problem(password, email="pat@example.org") is None


# ----------------------------------------------------------------------------- seed-demo


def test_seed_demo_refuses_to_run_in_production(app):
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "seed-demo does not run when SCORING_ENV=production" in result.output
    assert db.session.scalar(select(User)) is None


# ----------------------------------------------------------------------------- deleting a section


def test_deleting_a_section_records_its_answers_and_document_names(lead_client, draft, lead):
    q1 = draft.sections[0]
    documents.store_document(draft.bidders[0], q1, filename="staffing plan.pdf", data=PDF, actor=lead)
    response = lead_client.post(f"/procurements/{draft.id}/sections/{q1.id}/delete")
    assert response.status_code == 302
    (event,) = events("section.deleted")
    before = json.loads(event.before_json)
    assert before["code"] == "Q1"
    answers = {a["bidder"]: a for a in before["answers"]}
    assert answers["Bidder A"]["text"] == "Bidder A answers Q1"
    assert answers["Bidder A"]["documents"] == ["staffing plan.pdf"]
    assert answers["Bidder B"] == {"bidder": "Bidder B", "text": "Bidder B answers Q1", "documents": []}


# ----------------------------------------------------------------------------- the import


def import_problems(data: bytes) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        importer.read_plan(data)
    return refused.value.problems


def test_the_import_refuses_a_duplicate_header(app):
    bidders = [["code", "name", "name"], ["Bidder A", "Alpha Health Ltd", "Alpha"], ["Bidder B", "Beta", "B"]]
    assert (
        "Bidders row 1: the column name appears more than once (columns B and C). Keep one and delete the others."
        in import_problems(workbook_bytes(sheets(Bidders=bidders)))
    )


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\ufeff", "\u2066"])
def test_the_import_refuses_codes_differing_only_by_invisible_characters(app, hidden):
    bidders = [["code", "name"], ["Bidder A", "Alpha Health Ltd"], [f"Bidder{hidden} A", "Another Ltd"]]
    problems = import_problems(workbook_bytes(sheets(Bidders=bidders)))
    assert (
        f"Bidders row 3: Bidder code Bidder[U+{ord(hidden):04X}] A is already used in row 2 (the two differ "
        "only by invisible or direction-changing characters)."
    ) in problems


def test_the_web_form_refuses_a_bidder_code_differing_only_by_invisible_characters(lead_client, draft):
    response = lead_client.post(
        f"/procurements/{draft.id}/bidders/new", data={"code": "Bidder\u200b A", "name": "Sneaky Ltd"}
    )
    assert response.status_code == 400
    assert "is already used in this procurement" in text(response)


def test_a_reference_differing_only_by_case_is_refused_in_the_import_and_the_form(app, lead, lead_client):
    setup.create_procurement(reference="GP-2027-01", title="Existing", lead=lead, actor=lead)
    db.session.commit()
    procurement = [["field", "value"], ["reference", "gp-2027-01"], ["title", "Imported"]]
    assert "Procurement row 2: A procurement with the reference gp-2027-01 already exists." in import_problems(
        workbook_bytes(sheets(Procurement=procurement))
    )
    response = lead_client.post("/procurements/new", data={"reference": "Gp-2027-01", "title": "Another"})
    assert response.status_code == 400
    assert "A procurement with the reference Gp-2027-01 already exists." in text(response)
    assert db.session.scalar(select(Procurement).where(Procurement.title == "Another")) is None
    with pytest.raises(Refused):
        setup.create_procurement(reference="GP-2027\u200b-01", title="Hidden", lead=lead, actor=lead)
    assert GOOD  # the good workbook is untouched by these changes
