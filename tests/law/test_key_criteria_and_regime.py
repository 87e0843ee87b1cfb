"""The regime per procurement, PSR key criteria, and what the lead records for the award."""

from __future__ import annotations

from datetime import date

import pytest

from scoring.extensions import db
from scoring.law import key_criteria as kc
from scoring.law.models import KeyCriterionNote
from scoring.law.retention import RecordsRetained
from scoring.models import AuditEvent, Procurement, Status
from scoring.services import regime, setup
from scoring.services.errors import Refused
from scoring.services.importer import import_procurement

from ..helpers import gen_procurement, sign_in
from ..planning.workbooks import GOOD, full_scores, sheets, workbook_bytes


def test_a_psr_procurement_cannot_open_scoring_with_an_unmapped_section(app, lead, rep, panel, lead_client):
    p = gen_procurement(
        lead=lead,
        evaluators=[rep, panel],
        open_scoring=False,
        sections=[("Q1", 60, "both", "quality"), ("Q2", 40, "patient", "access")],
    )
    q2 = p.sections[1]
    setup.update_section(q2, key_criterion="", actor=lead)
    assert q2.key_criterion is None
    with pytest.raises(Refused, match="every section must serve one of the key criteria"):
        setup.open_scoring(p, actor=lead)
    db.session.rollback()
    response = lead_client.post(f"/procurements/{p.id}/open")
    assert response.status_code == 400
    assert "Choose a key criterion for section Q2" in response.get_data(as_text=True)
    assert db.session.get(type(p), p.id).status == Status.SETUP.value
    # Mapped, it opens.
    setup.update_section(db.session.get(type(q2), q2.id), key_criterion="access", actor=lead)
    setup.open_scoring(db.session.get(type(p), p.id), actor=lead)
    assert p.status == Status.SCORING.value


def test_a_pa23_procurement_opens_without_key_criteria(app, lead, rep, panel):
    p = gen_procurement(lead=lead, evaluators=[rep, panel], open_scoring=False, regime="pa23")
    for section in p.sections:
        setup.update_section(section, key_criterion="", actor=lead)
    setup.open_scoring(p, actor=lead)
    assert p.status == Status.SCORING.value


def test_a_key_criterion_without_a_section_warns_until_explained(app, lead, rep, panel, lead_client):
    p = gen_procurement(
        lead=lead,
        evaluators=[rep, panel],
        open_scoring=False,
        sections=[("Q1", 60, "both", "quality"), ("Q2", 40, "patient", "access")],
    )
    warnings = regime.key_criteria_warnings(p)
    assert len(warnings) == 3 and "Value" in warnings[0]
    assert not [w for w in setup.readiness_problems(p) if "key criteria" in w]  # a warning, not a refusal
    page = lead_client.get(f"/procurements/{p.id}").get_data(as_text=True)
    assert "No section serves the key criterion “Value”" in page
    response = lead_client.post(
        f"/procurements/{p.id}/law/key-criteria", data={"note-value": "The price is set nationally."}
    )
    assert response.status_code == 302
    assert [w for w in regime.key_criteria_warnings(p) if "Value" in w] == []
    note = db.session.scalar(db.select(KeyCriterionNote).where(KeyCriterionNote.procurement_id == p.id))
    assert note.note == "The price is set nationally."
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "key_criterion.noted")) is not None


def test_key_criterion_weights_on_set_up(app, lead, rep, panel, lead_client):
    p = gen_procurement(
        lead=lead,
        evaluators=[rep, panel],
        open_scoring=False,
        sections=[("Q1", 50, "both", "quality"), ("Q2", 30, "patient", "quality"), ("Q3", 20, "panel", "access")],
    )
    rows = {r.code: r.weight for r in regime.key_criteria_rows(p)}
    assert rows == {"quality": 80, "value": 0, "integration": 0, "access": 20, "social_value": 0}
    page = lead_client.get(f"/procurements/{p.id}/sections").get_data(as_text=True)
    assert "Weight of each key criterion" in page and "80%" in page
    page = lead_client.get(f"/procurements/{p.id}/sections/{p.sections[0].id}/edit").get_data(as_text=True)
    assert "Key criterion this section serves" in page


def test_per_key_criterion_figures_are_worked_out_by_hand():
    # Q1 50% quality (patient+panel), Q2 30% quality (panel), Q3 20% access (patient); max 4.
    sections = [
        {"code": "Q1", "weight": 50, "max_score": 4, "key_criterion": "quality", "patient": True},
        {"code": "Q2", "weight": 30, "max_score": 4, "key_criterion": "quality", "patient": False},
        {"code": "Q3", "weight": 20, "max_score": 4, "key_criterion": "access", "patient": True},
    ]
    bidders = [
        {"code": "A", "moderated": {"Q1": 4, "Q2": 2, "Q3": 1}, "patient_points": {"Q1": 25.0, "Q2": 0.0, "Q3": 5.0}}
    ]
    by = {f.code: f for f in kc.figures(sections, bidders)}
    # quality: 80% weight, 50 of it patient-scored (0.625); A: 50*4/4 + 30*2/4 = 65 points, 25 from patients
    assert (by["quality"].weight, by["quality"].patient_weight, by["quality"].patient_share) == (80, 50, 0.625)
    assert by["quality"].points == {"A": 65.0} and by["quality"].patient_points == {"A": 25.0}
    # access: 20 * 1/4 = 5 points, all from patients
    assert by["access"].points == {"A": 5.0} and by["access"].patient_share == 1.0
    assert by["value"].weight == 0 and by["value"].patient_share is None and by["value"].sections == []


def test_results_and_workbook_show_key_criteria(app, decided, lead):
    from io import BytesIO

    from openpyxl import load_workbook

    client = app.test_client()
    sign_in(client, lead)
    page = client.get(f"/procurements/{decided.id}/results").get_data(as_text=True)
    assert "Regime: Provider Selection Regime" in page
    assert "Key criteria: weights, patient influence and points" in page
    # quality = Q1 45%: A's consensus 4 of 4 -> 45.0 points
    assert "Quality and innovation" in page and "45.0" in page
    wb = load_workbook(BytesIO(client.get(f"/procurements/{decided.id}/export.xlsx").data))
    facts = {row[0]: row[1] for row in wb["Summary"].iter_rows(max_col=2, values_only=True) if row[0]}
    assert facts["Regime"].startswith("Provider Selection Regime")
    rows = list(wb["Weights"].iter_rows(values_only=True))
    assert rows[0][7] == "Key criterion" and rows[1][7] == "Quality and innovation"
    quality = next(r for r in rows if r[1] == "Quality and innovation")
    assert quality[2].startswith("=SUMIF(") and quality[3] == 45  # Q1 is scored by patients too
    assert quality[4] == pytest.approx(45.0)  # Bidder A's points


def test_the_regime_and_service_type_are_set_and_audited(app, lead, lead_client):
    response = lead_client.post(
        "/procurements/new", data={"reference": "CS-01", "title": "Community services", "anonymised": "yes"}
    )
    assert response.status_code == 302
    p = db.session.scalar(db.select(Procurement).where(Procurement.reference == "CS-01"))
    assert p.regime == "psr" and p.service_type == ""
    response = lead_client.post(
        f"/procurements/{p.id}/law/regime", data={"regime": "pa23", "service_type": "Community equipment"}
    )
    assert response.status_code == 302
    assert (p.regime, p.service_type) == ("pa23", "Community equipment")
    page = lead_client.get(f"/procurements/{p.id}").get_data(as_text=True)
    assert "Procurement Act 2023" in page and "Community equipment" in page
    bad = lead_client.post(f"/procurements/{p.id}/law/regime", data={"regime": "pcr2015"})
    assert (
        bad.status_code == 400
        and "Choose the Provider Selection Regime or the Procurement Act 2023" in bad.get_data(as_text=True)
    )
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "procurement.regime_set")) is not None


def test_the_import_reads_the_regime_service_type_and_key_criteria(app, lead):
    data = sheets(Scores=full_scores())
    data["Procurement"] = GOOD["Procurement"] + [["regime", "psr"], ["service_type", "GP practice (APMS)"]]
    result = import_procurement(workbook_bytes(data), actor=lead)
    p = result.procurement
    assert (p.regime, p.service_type) == ("psr", "GP practice (APMS)")
    assert [s.key_criterion for s in p.sections] == ["access", "quality", "quality"]


def test_the_import_refuses_an_unmapped_section_under_psr_when_scoring_opens(app, lead):
    from scoring.services.errors import ValidationFailed

    data = sheets(Scores=full_scores())
    data["Sections"] = [row[:8] + ([row[8]] if i != 2 else [""]) for i, row in enumerate(GOOD["Sections"])]
    with pytest.raises(ValidationFailed) as failed:
        import_procurement(workbook_bytes(data), actor=lead)
    assert failed.value.problems == [
        "Sections row 3: section Q2 has no key_criterion, which the Provider "
        "Selection Regime needs before scoring opens, and the workbook has scores."
    ]
    data["Sections"][3][8] = "kindness"
    with pytest.raises(ValidationFailed) as failed:
        import_procurement(workbook_bytes(data), actor=lead)
    assert (
        "Sections row 4: Choose one of the five key criteria (quality, value, integration, access, "
        "social_value), or leave it empty." in failed.value.problems
    )
    data["Procurement"] = GOOD["Procurement"] + [["regime", "pa23"]]
    data["Sections"][3][8] = ""
    assert import_procurement(workbook_bytes(data), actor=lead).procurement.regime == "pa23"


def test_the_import_refuses_an_unknown_regime(app, lead):
    from scoring.services.errors import ValidationFailed

    data = sheets()
    data["Procurement"] = GOOD["Procurement"] + [["regime", "pcr2015"]]
    with pytest.raises(ValidationFailed) as failed:
        import_procurement(workbook_bytes(data), actor=lead)
    assert "Procurement row 5: regime must be psr (the Provider Selection Regime) or pa23" in "\n".join(
        failed.value.problems
    )


def test_the_procurement_page_shows_the_standstill_and_representations(app, decided, lead):
    client = app.test_client()
    sign_in(client, lead)
    page = client.get(f"/procurements/{decided.id}").get_data(as_text=True)
    assert "Last day of the standstill" in page and "Friday 8 January 2027" in page
    assert "Representations received" in page and "Go ahead: wait to the end of Monday 18 January 2027" in page
    assert "Records kept until" in page and "18 January 2030" in page


def test_recording_the_notice_through_the_page(app, lead, rep, panel, people):
    from .conftest import build

    p = build(lead, rep, panel, people)
    client = app.test_client()
    sign_in(client, lead)
    today = date.today()
    response = client.post(
        f"/procurements/{p.id}/law/notice",
        data={
            "published_on-day": str(today.day),
            "published_on-month": str(today.month),
            "published_on-year": str(today.year),
        },
    )
    assert response.status_code == 302
    assert regime.standstill_of(p).last_day is not None
    future = client.post(
        f"/procurements/{p.id}/law/notice",
        data={"published_on-day": "1", "published_on-month": "1", "published_on-year": str(today.year + 1)},
    )
    assert future.status_code == 400 and "cannot be in the future" in future.get_data(as_text=True)
    bad = client.post(
        f"/procurements/{p.id}/law/notice",
        data={"published_on-day": "31", "published_on-month": "2", "published_on-year": "2027"},
    )
    assert bad.status_code == 400 and "Enter a real date" in bad.get_data(as_text=True)
    response = client.post(f"/procurements/{p.id}/law/representations", data={"received": "yes"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Choose whether you decided to go ahead" in body and "Enter the date you told the providers" in body
    response = client.post(f"/procurements/{p.id}/law/representations", data={"received": "no"})
    assert response.status_code == 302 and regime.standstill_of(p).representations_received is False
    assert regime.standstill_of(p).further_last_day is None


def test_nothing_of_a_final_procurement_is_deleted_within_its_retention(app, decided, lead):
    assert regime.retention_of(decided).until == date(2030, 1, 18)
    db.session.delete(decided.bidders[0])
    with pytest.raises(RecordsRetained, match="must be kept until 18 January 2030"):
        db.session.flush()
    db.session.rollback()
    assert len(decided.bidders) == 3


def test_a_retention_setting_per_regime(app, decided):
    app.config["RECORDS_RETENTION_YEARS_PSR"] = 6
    assert regime.retention_of(decided).until == date(2033, 1, 18)


def test_the_psr_notice_is_drafted_edited_kept_and_audited(app, decided, lead):
    client = app.test_client()
    sign_in(client, lead)
    page = client.get(f"/procurements/{decided.id}/notice-of-intention").get_data(as_text=True)
    a = decided.bidders[0]
    assert "This is a draft" in page
    for words in (
        "Decision made by: The ICB&#39;s Primary Care Commissioning Committee",
        f"intends to award the contract to: {a.name}",
        "Quality and innovation (45% of the marks; sections Q1)",
        "the selected provider scored 45.0 of 45 points",
        "Value: not assessed by a section. The contract price is set nationally",
        "A patient representative declared a conflict with Bidder C",
        "Representations may be made before midnight at the end of 8 January 2027",
    ):
        assert words in page, words
    edited = "Notice of intention to award\nRelevant authority: Riverside ICB\n"
    response = client.post(f"/procurements/{decided.id}/notice-of-intention", data={"notice_text": edited})
    assert response.status_code == 302
    page = client.get(f"/procurements/{decided.id}/notice-of-intention").get_data(as_text=True)
    assert "Relevant authority: Riverside ICB" in page and "This is the text you saved" in page
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "award.notice_text_saved"))
    assert "Riverside ICB" in event.after_json
    empty = client.post(f"/procurements/{decided.id}/notice-of-intention", data={"notice_text": "  "})
    assert empty.status_code == 400 and "The notice is empty" in empty.get_data(as_text=True)
    assert regime.notice_of(decided).notice_text.startswith(
        "Notice of intention to award\nRelevant authority: Riverside ICB"
    )


def test_the_law_page_at_set_up_and_once_final(app, lead, rep, panel, lead_client, decided):
    p = gen_procurement(lead=lead, evaluators=[rep, panel], open_scoring=False, reference="GP-LAW-02")
    page = lead_client.get(f"/procurements/{p.id}/law").get_data(as_text=True)
    assert "Which law does the award run under?" in page and "Key criteria and their weights" in page
    assert "Who makes the award decision" in page
    page = lead_client.get(f"/procurements/{decided.id}/law").get_data(as_text=True)
    assert "Last day of the standstill" in page and "Friday 8 January 2027" in page
    assert "Monday 18 January 2027" in page  # the further 5 working days
    assert "These records must be kept until 18 January 2030" in page
    assert f"/procurements/{decided.id}/award-record.docx" in page
