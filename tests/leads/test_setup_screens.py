"""A lead sets up a procurement in the browser: details, scale, sections, bidders and answers."""

from __future__ import annotations

import pytest

from scoring.extensions import db
from scoring.models import Procurement, Role, Section
from scoring.services import setup

from ..helpers import gen_procurement, gen_user, sign_in
from .pages import events, text


def test_lead_sees_only_the_procurements_they_lead(lead_client, procurement, app):
    other_lead = gen_user(Role.LEAD, "Lou Otherlead")
    gen_procurement(lead=other_lead, reference="OTHER-01", open_scoring=False)
    page = text(lead_client.get("/procurements/"))
    assert "GP-TEST-01" in page
    assert "OTHER-01" not in page


def test_admin_sees_every_procurement(client, procurement, app):
    admin = gen_user(Role.ADMIN, "Alex Admin")
    other_lead = gen_user(Role.LEAD, "Lou Otherlead")
    gen_procurement(lead=other_lead, reference="OTHER-01", open_scoring=False)
    sign_in(client, admin)
    page = text(client.get("/procurements/"))
    assert "GP-TEST-01" in page and "OTHER-01" in page


def test_lead_is_sent_to_their_procurements_after_sign_in(client, lead):
    sign_in(client, lead)
    assert client.get("/").headers["Location"].endswith("/procurements/")


def test_lead_creates_a_procurement_with_the_default_scale(lead_client, lead):
    response = lead_client.post(
        "/procurements/new", data={"reference": "GP-2028-02", "title": "Hilltop Surgery", "anonymised": "yes"}
    )
    assert response.status_code == 302
    procurement = db.session.scalar(db.select(Procurement).where(Procurement.reference == "GP-2028-02"))
    assert procurement.lead_id == lead.id and procurement.anonymised
    assert [p.label for p in procurement.scale_points][:2] == ["Unacceptable", "Poor"]
    assert response.headers["Location"].endswith(f"/procurements/{procurement.id}")
    assert events("procurement.created")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"reference": "", "title": "A title"}, "Enter a reference, for example GP-2027-01."),
        ({"reference": "X-1", "title": " "}, "Enter a title."),
        ({"reference": "GP-TEST-01", "title": "Again"}, "A procurement with the reference GP-TEST-01 already exists."),
    ],
)
def test_creating_a_procurement_is_refused_with_a_message(lead_client, procurement, data, message):
    before = db.session.scalar(db.select(db.func.count(Procurement.id)))
    response = lead_client.post("/procurements/new", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert "<title>Error:" in text(response)
    assert db.session.scalar(db.select(db.func.count(Procurement.id))) == before


def test_admin_must_choose_a_lead(client, app):
    admin = gen_user(Role.ADMIN, "Alex Admin")
    sign_in(client, admin)
    response = client.post("/procurements/new", data={"reference": "A-1", "title": "T", "lead": ""})
    assert response.status_code == 400
    assert "Choose the procurement lead." in text(response)


def test_creating_a_procurement_reports_reference_title_and_lead_together(client, app, procurement):
    admin = gen_user(Role.ADMIN, "Alex Admin")
    sign_in(client, admin)
    before = db.session.scalar(db.select(db.func.count(Procurement.id)))
    response = client.post("/procurements/new", data={"reference": "GP-TEST-01", "title": "", "lead": ""})
    page = text(response)
    assert response.status_code == 400
    summary = page[page.index("nhsuk-error-summary") : page.index("<h1>")]
    for field, message in (
        ("reference", "A procurement with the reference GP-TEST-01 already exists."),
        ("title", "Enter a title."),
        ("lead", "Choose the procurement lead."),
    ):
        assert f'href="#{field}"' in summary and message in summary
        assert f'id="{field}-error"' in page  # and beside its field
    assert db.session.scalar(db.select(db.func.count(Procurement.id))) == before


def test_overview_lists_the_set_up_steps_and_what_stops_scoring_opening(lead_client, lead):
    procurement = gen_procurement(lead=lead, reference="GP-EMPTY", sections=[("Q1", 60, "both")], open_scoring=False)
    page = text(lead_client.get(f"/procurements/{procurement.id}"))
    for step in ("Procurement details", "Scoring scale", "Sections and weights", "Bidders", "Who scores what"):
        assert step in page
    assert "Section weights add up to 60%. They must add up to 100%." in page
    assert "Section Q1 has no evaluator." in page
    assert "Open scoring" in page


def test_lead_edits_the_title_and_anonymity_in_set_up(lead_client, draft):
    response = lead_client.post(f"/procurements/{draft.id}/edit", data={"title": "New title", "anonymised": "no"})
    assert response.status_code == 302
    assert draft.title == "New title" and not draft.anonymised
    event = events("procurement.changed")[0]
    assert '"anonymised": true' in event.before_json and '"anonymised": false' in event.after_json


def test_anonymity_cannot_change_once_scoring_is_open(lead_client, procurement):
    response = lead_client.post(
        f"/procurements/{procurement.id}/edit", data={"title": procurement.title, "anonymised": "no"}
    )
    assert response.status_code == 400
    assert "can only change while the procurement is being set up" in text(response)
    assert procurement.anonymised


def test_title_is_required(lead_client, draft):
    response = lead_client.post(f"/procurements/{draft.id}/edit", data={"title": "", "anonymised": "yes"})
    assert response.status_code == 400 and "Enter a title." in text(response)


def test_lead_edits_the_scale_labels_and_descriptors_and_adds_a_point(lead_client, draft):
    data = {}
    for point in draft.scale_points:
        data[f"label-{point.value}"] = point.label
        data[f"descriptor-{point.value}"] = point.descriptor
    data["label-2"] = "Acceptable"
    data["label-5"] = "Outstanding"
    data["descriptor-5"] = "Better than we hoped."
    response = lead_client.post(f"/procurements/{draft.id}/scale", data=data)
    assert response.status_code == 302
    assert [p.value for p in draft.scale_points] == [0, 1, 2, 3, 4, 5]
    assert draft.descriptor_for(2).label == "Acceptable"
    assert draft.descriptor_for(5).descriptor == "Better than we hoped."
    assert events("scale.changed")


def test_scale_refuses_a_blank_label_and_a_scale_shorter_than_a_section(lead_client, draft):
    data = {
        "label-0": "Nothing",
        "descriptor-0": "",
        "label-1": "",
        "descriptor-1": "Some",
        "label-2": "Good",
        "descriptor-2": "",
    }
    response = lead_client.post(f"/procurements/{draft.id}/scale", data=data)
    page = text(response)
    assert response.status_code == 400
    assert "Enter a label for score 1." in page
    assert "Section Q1 has a maximum score of 4, so the scale needs points up to 4." in page
    assert len(draft.scale_points) == 5


def test_scale_cannot_change_after_scoring_opens(lead_client, procurement):
    response = lead_client.post(f"/procurements/{procurement.id}/scale", data={"label-0": "A", "label-1": "B"})
    assert response.status_code == 400
    assert "The scoring scale can only change while the procurement is being set up." in text(response)


def test_sections_page_shows_a_running_total_and_says_when_it_is_not_100(lead_client, draft):
    page = text(lead_client.get(f"/procurements/{draft.id}/sections"))
    assert "100%" in page and "not 100%" not in page
    lead_client.post(
        f"/procurements/{draft.id}/sections/new",
        data={"code": "Q3", "title": "Social value", "weight": "10", "max_score": "4", "scored_by": "panel"},
    )
    page = text(lead_client.get(f"/procurements/{draft.id}/sections"))
    assert "The weights add up to 110%, not 100%: take away 10% before scoring can open." in page


def test_lead_adds_edits_and_deletes_a_section(lead_client, draft):
    response = lead_client.post(
        f"/procurements/{draft.id}/sections/new",
        data={
            "code": "Q3",
            "title": "Social value",
            "question": "How?",
            "guidance": "Look for...",
            "weight": "0",
            "max_score": "4",
            "scored_by": "panel",
            "threshold": "1.5",
        },
    )
    assert response.status_code == 302
    section = draft.sections[-1]
    assert (section.code, section.threshold, section.scored_by) == ("Q3", 1.5, "panel")
    response = lead_client.post(
        f"/procurements/{draft.id}/sections/{section.id}/edit",
        data={
            "code": "Q3",
            "title": "Social value and the environment",
            "weight": "0",
            "max_score": "4",
            "scored_by": "panel",
            "threshold": "",
        },
    )
    assert response.status_code == 302
    assert section.title == "Social value and the environment" and section.threshold is None
    change = events("section.changed")[0]
    assert "Social value" in change.before_json and "environment" in change.after_json
    section_id = section.id
    assert lead_client.post(f"/procurements/{draft.id}/sections/{section_id}/delete").status_code == 302
    assert db.session.get(Section, section_id) is None
    assert events("section.deleted")


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"code": "", "title": "T", "weight": "10", "max_score": "4", "scored_by": "both"},
            "Enter a section code, for example Q1.",
        ),
        (
            {"code": "Q1", "title": "T", "weight": "10", "max_score": "4", "scored_by": "both"},
            "Section code Q1 is already used in this procurement.",
        ),
        ({"code": "Q9", "title": "", "weight": "10", "max_score": "4", "scored_by": "both"}, "Enter a section title."),
        (
            {"code": "Q9", "title": "T", "weight": "ten", "max_score": "4", "scored_by": "both"},
            "Enter the weight as a number of percent, for example 20.",
        ),
        (
            {"code": "Q9", "title": "T", "weight": "120", "max_score": "4", "scored_by": "both"},
            "The weight must be between 0 and 100 percent.",
        ),
        (
            {"code": "Q9", "title": "T", "weight": "10", "max_score": "2.5", "scored_by": "both"},
            "Enter the maximum score as a whole number, for example 4.",
        ),
        (
            {"code": "Q9", "title": "T", "weight": "10", "max_score": "0", "scored_by": "both"},
            "The maximum score must be between 1 and 100.",
        ),
        (
            {"code": "Q9", "title": "T", "weight": "10", "max_score": "4", "scored_by": "robots"},
            "Choose who scores this section",
        ),
        (
            {"code": "Q9", "title": "T", "weight": "10", "max_score": "4", "scored_by": "both", "threshold": "5"},
            "The threshold must be between 0 and the maximum score 4.",
        ),
        (
            {"code": "Q9", "title": "T", "weight": "10", "max_score": "4", "scored_by": "both", "threshold": "x"},
            "Enter the threshold as a number, or leave it empty.",
        ),
    ],
)
def test_adding_a_section_is_refused_with_a_message(lead_client, draft, data, message):
    response = lead_client.post(f"/procurements/{draft.id}/sections/new", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert len(draft.sections) == 2


def test_a_section_cannot_become_panel_only_while_a_rep_is_assigned(lead_client, draft):
    q2 = draft.sections[1]
    response = lead_client.post(
        f"/procurements/{draft.id}/sections/{q2.id}/edit",
        data={"code": "Q2", "title": q2.title, "weight": "40", "max_score": "4", "scored_by": "panel"},
    )
    assert response.status_code == 400
    assert "Remove Pat Patel from section Q2 before it is scored by panel." in text(response)
    assert q2.scored_by == "patient"


def test_sections_cannot_be_added_edited_or_deleted_once_scoring_is_open(lead_client, procurement):
    q1 = procurement.sections[0]
    new = lead_client.post(
        f"/procurements/{procurement.id}/sections/new",
        data={"code": "Q3", "title": "T", "weight": "0", "max_score": "4", "scored_by": "both"},
    )
    assert new.status_code == 400
    assert "Sections and bidders can only be added while the procurement is being set up. It is scoring open." in text(
        new
    )
    edit = lead_client.post(
        f"/procurements/{procurement.id}/sections/{q1.id}/edit",
        data={"code": "Q1", "title": "Changed", "weight": "60", "max_score": "4", "scored_by": "both"},
    )
    assert edit.status_code == 400 and "Sections can only be edited while" in text(edit)
    delete = lead_client.post(f"/procurements/{procurement.id}/sections/{q1.id}/delete")
    assert delete.status_code == 400 and "Sections can only be deleted while" in text(delete)
    assert q1.title == "Section Q1" and len(procurement.sections) == 2


def test_lead_adds_and_edits_bidders(lead_client, draft):
    response = lead_client.post(
        f"/procurements/{draft.id}/bidders/new", data={"code": "Bidder C", "name": "Northgate CIC"}
    )
    assert response.status_code == 302
    bidder = draft.bidders[-1]
    response = lead_client.post(
        f"/procurements/{draft.id}/bidders/{bidder.id}/edit",
        data={"code": "Bidder C", "name": "Northgate Community Interest Company"},
    )
    assert response.status_code == 302
    assert bidder.name == "Northgate Community Interest Company"
    assert events("bidder.changed")
    page = text(lead_client.get(f"/procurements/{draft.id}/bidders"))
    assert "Northgate Community Interest Company" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"code": "", "name": "X Ltd"}, "Enter a bidder code, for example Bidder A."),
        ({"code": "bidder a", "name": "X Ltd"}, "Bidder code bidder a is already used in this procurement."),
        ({"code": "Bidder Z", "name": ""}, "Enter the bidder's legal name."),
    ],
)
def test_adding_a_bidder_is_refused_with_a_message(lead_client, draft, data, message):
    response = lead_client.post(f"/procurements/{draft.id}/bidders/new", data=data)
    assert response.status_code == 400 and message in text(response)
    assert len(draft.bidders) == 2


def test_bidders_cannot_be_added_or_edited_once_scoring_is_open(lead_client, procurement):
    bidder = procurement.bidders[0]
    new = lead_client.post(f"/procurements/{procurement.id}/bidders/new", data={"code": "C", "name": "C Ltd"})
    assert new.status_code == 400
    edit = lead_client.post(
        f"/procurements/{procurement.id}/bidders/{bidder.id}/edit", data={"code": "Bidder A", "name": "Renamed"}
    )
    assert edit.status_code == 400 and "Bidders can only be edited while" in text(edit)
    assert bidder.name == "Bidder A Legal Name Ltd"


def test_lead_writes_a_bidders_answer(lead_client, draft):
    bidder, section = draft.bidders[0], draft.sections[0]
    url = f"/procurements/{draft.id}/bidders/{bidder.id}/sections/{section.id}"
    response = lead_client.post(url, data={"text": "We will open at 7am."})
    assert response.status_code == 302
    assert "We will open at 7am." in text(lead_client.get(url))
    assert events("response.saved")
    grid = text(lead_client.get(f"/procurements/{draft.id}/responses"))
    assert "Written" in grid


def test_answers_cannot_change_once_scoring_is_open(lead_client, procurement):
    bidder, section = procurement.bidders[0], procurement.sections[0]
    url = f"/procurements/{procurement.id}/bidders/{bidder.id}/sections/{section.id}"
    response = lead_client.post(url, data={"text": "Changed after opening"})
    assert response.status_code == 400
    assert "Bidders' answers can only change while the procurement is being set up." in text(response)


def test_existing_setup_functions_keep_their_signatures(app, lead):
    procurement = setup.create_procurement(reference="SIG-1", title="T", lead=lead, actor=lead)
    section = setup.add_section(procurement, code="Q1", title="T", weight=100, actor=lead)
    bidder = setup.add_bidder(procurement, code="A", name="A Ltd", actor=lead)
    assert section.max_score == 4 and bidder.position == 0
