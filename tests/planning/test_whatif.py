"""What-if weights: the live JSON, the page without JavaScript, scenarios, and applying them."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from scoring.extensions import db
from scoring.models import AuditEvent, Role, Status, WeightScenario
from scoring.services import importer, whatif
from scoring.services.errors import Refused

from ..helpers import gen_procurement, gen_user, sign_in
from .workbooks import full_scores, sheets, workbook_bytes


@pytest.fixture
def scored(app, lead):
    """IMP-01 imported with every score: Q1 40 (both), Q2 30 (patient), Q3 30 (panel); scoring open."""
    return importer.import_procurement(workbook_bytes(sheets(Scores=full_scores())), actor=lead).procurement


@pytest.fixture
def lead_client(client, lead):
    sign_in(client, lead)
    return client


def fields(procurement, **weights):
    return {whatif.field_name(s): str(weights[s.code]) for s in procurement.sections}


def weights_now(procurement):
    db.session.expire_all()
    return {s.code: s.weight for s in procurement.sections}


# ----------------------------------------------------------------------------- access


def test_only_the_lead_of_that_procurement_or_an_admin_may_use_it(client, scored):
    url = f"/procurements/{scored.id}/what-if"
    other = gen_user(Role.LEAD, "Other Lead")
    rep = gen_user(Role.PATIENT, "Some Rep")
    admin = gen_user(Role.ADMIN, "Ada Admin")
    for user, code in ((other, 403), (rep, 403), (admin, 200)):
        client.post("/sign-out")
        sign_in(client, user)
        assert client.get(url).status_code == code, user.role
        assert client.post(url + ".json", json={"weights": {}}).status_code == (400 if code == 200 else code)
    assert client.get("/procurements/999/what-if").status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, scored):
    response = client.post(f"/procurements/{scored.id}/what-if.json", json={"weights": {}})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# ----------------------------------------------------------------------------- the JSON endpoint


def test_json_gives_ranking_totals_summary_and_sweep(lead_client, scored):
    response = lead_client.post(
        f"/procurements/{scored.id}/what-if.json", json={"weights": {"Q1": 40, "Q2": 30, "Q3": 30}}
    )
    assert response.status_code == 200
    data = response.get_json()
    assert [row["code"] for row in data["ranking"]] == ["Bidder B", "Bidder A"]
    assert data["ranking"][0]["label"] == "Bidder B (Beta Care LLP)"  # a lead sees names
    assert data["ranking"][0]["total"] == pytest.approx(72.5)
    assert data["winner"] == "Bidder B (Beta Care LLP)"
    assert data["share"] == pytest.approx(0.7)
    assert len(data["sweep"]) == 21 and data["sweep"][0]["share"] == 0
    assert data["summary"] and all(isinstance(s, str) for s in data["summary"])
    assert "Bidder B (Beta Care LLP) wins" in data["announcement"]
    # Data only: the browser draws the table and the chart; no HTML and no picture.
    assert "html" not in data and "svg" not in data["chart"] and "data:image" not in response.text
    assert data["chart"]["alt"] and data["chart"]["description"]
    lines = {line["label"]: (line["patient"], line["other"]) for line in data["chart"]["lines"]}
    share = data["chart"]["today"]
    assert share * lines["Bidder B"][0] + (1 - share) * lines["Bidder B"][1] == pytest.approx(72.5, abs=1e-2)
    # The Monte-Carlo chances only when asked for (after the lead stops moving).
    assert data["chances"] is False and all(row["chance"] is None for row in data["ranking"])
    asked = lead_client.post(
        f"/procurements/{scored.id}/what-if.json", json={"weights": {"Q1": 40, "Q2": 30, "Q3": 30}, "chances": True}
    ).get_json()
    assert asked["chances"] is True
    assert sum(row["chance"] for row in asked["ranking"]) == pytest.approx(1.0, abs=1e-3)
    assert [row["total"] for row in asked["ranking"]] == [row["total"] for row in data["ranking"]]


def test_trial_weights_change_the_ranking_but_not_the_official_weights(lead_client, scored):
    before = weights_now(scored)
    data = lead_client.post(
        f"/procurements/{scored.id}/what-if.json", json={"weights": {"Q1": 0, "Q2": 100, "Q3": 0}}
    ).get_json()
    # On Q2 alone (patient experience) the rep gave A 2 and B 1.
    assert data["ranking"][0]["code"] == "Bidder A"
    assert data["ranking"][0]["rank_change"] == 1  # second with the official weights
    assert data["changed"] is True
    assert "With the official weights, Bidder B (Beta Care LLP) comes first." in data["announcement"]
    assert weights_now(scored) == before


def test_slider_share_rescales_patient_sections_keeping_proportions(lead_client, scored):
    data = lead_client.post(
        f"/procurements/{scored.id}/what-if.json", json={"weights": {"Q1": 40, "Q2": 30, "Q3": 30}, "share": 35}
    ).get_json()
    # Patient sections Q1 and Q2 (40:30) share 35; Q3 gets 65.
    assert data["weights"] == {"Q1": 20.0, "Q2": 15.0, "Q3": 65.0}
    assert data["share"] == pytest.approx(0.35)
    ids = {s.code: whatif.field_name(s) for s in scored.sections}
    assert data["fields"][ids["Q3"]] == "65"


def test_rescaled_weights_are_rounded_and_still_add_up_to_100(scored):
    weights = whatif.rescale_to_share(scored, {"Q1": 40, "Q2": 30, "Q3": 30}, 1 / 3)
    assert sum(weights.values()) == pytest.approx(100, abs=1e-9)
    assert all(round(w, 2) == w for w in weights.values())


@pytest.mark.parametrize(
    "weights, field, message",
    [
        ({"Q1": 50, "Q2": 30, "Q3": 30}, "Q1", "The weights add up to 110. They must add up to 100."),
        (
            {"Q1": "forty", "Q2": 30, "Q3": 30},
            "Q1",
            "Enter the weight of section Q1 as a number of percent, for example 20.",
        ),
        ({"Q1": 40, "Q2": -30, "Q3": 90}, "Q2", "The weight of section Q2 must be between 0 and 100 percent."),
        ({"Q1": 40, "Q2": 30}, "Q3", "Enter the weight of section Q3 as a number of percent, for example 20."),
    ],
)
def test_json_refuses_weights_that_cannot_be_used(lead_client, scored, weights, field, message):
    response = lead_client.post(f"/procurements/{scored.id}/what-if.json", json={"weights": weights})
    assert response.status_code == 400
    ids = {s.code: whatif.field_name(s) for s in scored.sections}
    assert {"field": ids[field], "message": message} in response.get_json()["errors"]


def test_json_needs_the_csrf_token_from_the_page(app, client, lead, scored):
    app.config["WTF_CSRF_ENABLED"] = False
    sign_in(client, lead)
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/procurements/{scored.id}/what-if"
    body = {"weights": {"Q1": 40, "Q2": 30, "Q3": 30}}
    assert client.post(url + ".json", json=body).status_code == 400
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    response = client.post(url + ".json", json=body, headers={"X-CSRFToken": token.group(1)})
    assert response.status_code == 200


# ----------------------------------------------------------------------------- the page without JavaScript


def test_page_shows_official_weights_result_chart_and_its_table(lead_client, scored):
    page = lead_client.get(f"/procurements/{scored.id}/what-if").get_data(as_text=True)
    assert "<title>What-if weights – IMP-01" in page
    # The share is a box showing its value (js/share-slider.js makes it a slider).
    assert 'value="40"' in page and 'id="share"' in page and "js/share-slider.js" in page
    assert 'aria-live="polite"' in page
    assert "Bidder B (Beta Care LLP) wins with 72.5 points" in page
    assert 'src="data:image/svg+xml;base64,' in page and "Show the chart&#39;s figures as a table" in page
    assert "Scoring has opened, so the official weights were published" in page
    assert "js/whatif.js" in page


def test_form_post_renders_the_result_server_side(lead_client, scored):
    response = lead_client.post(
        f"/procurements/{scored.id}/what-if", data={**fields(scored, Q1=0, Q2=100, Q3=0), "action": "weights"}
    )
    assert response.status_code == 200
    assert "With these weights Bidder A (Alpha Health Ltd) wins" in response.get_data(as_text=True)


def test_form_post_with_the_share_button_rescales(lead_client, scored):
    response = lead_client.post(
        f"/procurements/{scored.id}/what-if",
        data={**fields(scored, Q1=40, Q2=30, Q3=30), "share": "35", "action": "share"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="65"' in page and 'value="35"' in page


def test_form_post_with_a_bad_total_shows_the_error(lead_client, scored):
    response = lead_client.post(
        f"/procurements/{scored.id}/what-if", data={**fields(scored, Q1=50, Q2=30, Q3=30), "action": "weights"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: What-if weights" in page
    assert "The weights add up to 110. They must add up to 100." in page
    assert 'value="50"' in page  # what the lead typed stays in the form


def test_before_scoring_without_scores_the_page_explains_there_is_no_ranking(lead_client, lead):
    procurement = gen_procurement(
        lead=lead, evaluators=[gen_user(Role.PATIENT), gen_user(Role.PANEL)], open_scoring=False
    )
    page = lead_client.get(f"/procurements/{procurement.id}/what-if").get_data(as_text=True)
    assert "Scoring has not opened yet, so you are designing the weights" in page
    assert "There are no submitted scores yet" in page


# ----------------------------------------------------------------------------- scenarios


def save(client, procurement, name="Patient 35", **weights):
    weights = weights or {"Q1": 20, "Q2": 15, "Q3": 65}
    return client.post(
        f"/procurements/{procurement.id}/what-if/scenarios",
        data={**fields(procurement, **weights), "name": name, "note": "For the board"},
    )


def test_save_a_scenario_is_audited_and_changes_no_weights(lead_client, scored, lead):
    before = weights_now(scored)
    response = save(lead_client, scored)
    scenario = db.session.scalar(select(WeightScenario))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/what-if?scenario={scenario.id}")
    assert json.loads(scenario.weights_json) == {"Q1": 20.0, "Q2": 15.0, "Q3": 65.0}
    assert weights_now(scored) == before
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "scenario.saved"))
    assert event.actor_id == lead.id and json.loads(event.after_json)["name"] == "Patient 35"
    page = lead_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Showing the weights of the scenario “Patient 35”" in page and 'value="65"' in page


def test_scenario_needs_a_unique_name_and_good_weights(lead_client, scored):
    assert save(lead_client, scored).status_code == 302
    response = save(lead_client, scored, name="patient 35")
    assert response.status_code == 400
    assert "There is already a scenario called" in response.get_data(as_text=True)
    response = save(lead_client, scored, name="")
    assert "Give the scenario a name" in response.get_data(as_text=True)
    response = save(lead_client, scored, name="Too much", Q1=50, Q2=50, Q3=50)
    assert response.status_code == 400
    assert "The weights add up to 150" in response.get_data(as_text=True)
    assert db.session.query(WeightScenario).count() == 1


def apply_url(procurement, scenario):
    return f"/procurements/{procurement.id}/what-if/scenarios/{scenario.id}/apply"


def test_before_scoring_opens_a_scenario_applies_without_a_reason(lead_client, lead):
    procurement = gen_procurement(
        lead=lead, evaluators=[gen_user(Role.PATIENT), gen_user(Role.PANEL)], open_scoring=False
    )
    scenario = whatif.save_scenario(procurement, name="Even", weights={"Q1": 50, "Q2": 50}, actor=lead)
    page = lead_client.get(apply_url(procurement, scenario)).get_data(as_text=True)
    assert "(optional)" in page
    response = lead_client.post(apply_url(procurement, scenario), data={"reason": ""})
    assert response.status_code == 302
    assert weights_now(procurement) == {"Q1": 50, "Q2": 50}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "weights.applied"))
    assert json.loads(event.before_json) == {"Q1": 60.0, "Q2": 40.0}
    assert json.loads(event.after_json) == {"Q1": 50.0, "Q2": 50.0}
    assert event.reason == "" and event.actor_id == lead.id


def test_once_scoring_is_open_applying_needs_a_written_reason(lead_client, scored, lead):
    save(lead_client, scored)
    scenario = db.session.scalar(select(WeightScenario))
    page = lead_client.get(apply_url(scored, scenario)).get_data(as_text=True)
    assert "Scoring has opened" in page and "Procurement Act 2023" in page
    response = lead_client.post(apply_url(scored, scenario), data={"reason": "  "})
    assert response.status_code == 400
    assert "Give a written reason for changing them" in response.get_data(as_text=True)
    assert weights_now(scored) == {"Q1": 40, "Q2": 30, "Q3": 30}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "weights.applied")) is None

    reason = "The published weights had a typing error; the tender said 20/15/65."
    response = lead_client.post(apply_url(scored, scenario), data={"reason": reason})
    assert response.status_code == 302
    assert weights_now(scored) == {"Q1": 20, "Q2": 15, "Q3": 65}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "weights.applied"))
    assert event.reason == reason
    assert json.loads(event.before_json) == {"Q1": 40.0, "Q2": 30.0, "Q3": 30.0}
    assert json.loads(event.after_json) == {"Q1": 20.0, "Q2": 15.0, "Q3": 65.0}
    assert db.session.get(WeightScenario, scenario.id).applied_by_id == lead.id


def test_a_final_procurement_refuses_saving_and_applying(lead_client, scored, lead):
    scenario = whatif.save_scenario(scored, name="Later", weights={"Q1": 20, "Q2": 15, "Q3": 65}, actor=lead)
    scored.status = Status.FINAL.value
    db.session.commit()
    response = lead_client.post(apply_url(scored, scenario), data={"reason": "Because"})
    assert response.status_code == 400
    assert "This procurement is final. Nothing can be changed." in response.get_data(as_text=True)
    assert weights_now(scored) == {"Q1": 40, "Q2": 30, "Q3": 30}
    assert save(lead_client, scored, name="Another").status_code == 400
    with pytest.raises(Refused):
        whatif.apply_scenario(scored, scenario, actor=lead, reason="x")
    page = lead_client.get(f"/procurements/{scored.id}/what-if").get_data(as_text=True)
    assert "This procurement is final" in page and "Save scenario" not in page


def test_a_scenario_of_another_procurement_is_not_found(lead_client, scored, lead):
    other = gen_procurement(
        lead=lead, reference="GP-OTHER", open_scoring=False, evaluators=[gen_user(Role.PATIENT), gen_user(Role.PANEL)]
    )
    scenario = whatif.save_scenario(other, name="Theirs", weights={"Q1": 50, "Q2": 50}, actor=lead)
    assert lead_client.get(apply_url(scored, scenario)).status_code == 404
    assert lead_client.post(apply_url(scored, scenario), data={"reason": "x"}).status_code == 404


def test_another_lead_cannot_apply(client, scored, lead):
    scenario = whatif.save_scenario(scored, name="Mine", weights={"Q1": 20, "Q2": 15, "Q3": 65}, actor=lead)
    sign_in(client, gen_user(Role.LEAD, "Other Lead"))
    assert client.post(apply_url(scored, scenario), data={"reason": "x"}).status_code == 403
    assert weights_now(scored) == {"Q1": 40, "Q2": 30, "Q3": 30}


def test_during_setup_trial_weights_work_while_the_official_ones_do_not_add_up(lead_client, lead):
    procurement = gen_procurement(
        lead=lead,
        sections=[("Q1", 50, "both"), ("Q2", 40, "patient")],
        evaluators=[gen_user(Role.PATIENT), gen_user(Role.PANEL)],
        open_scoring=False,
    )
    page = lead_client.get(f"/procurements/{procurement.id}/what-if").get_data(as_text=True)
    assert "The official weights add up to 90 at the moment." in page
    response = lead_client.post(f"/procurements/{procurement.id}/what-if.json", json={"weights": {"Q1": 50, "Q2": 50}})
    assert response.status_code == 200
    assert response.get_json()["scored"] is False
    assert weights_now(procurement) == {"Q1": 50, "Q2": 40}
