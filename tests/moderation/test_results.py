"""The results page: ranking, breakdown, the patient influence panel and charts with their data."""

from __future__ import annotations

from scoring.extensions import db
from scoring.models import Role
from scoring.services import audit

from ..helpers import accept_the_rest, gen_user
from .conftest import client_for, text_of


def test_results_page_for_the_lead_with_ranking_influence_and_charts(app, in_moderation, lead):
    p = in_moderation
    client = client_for(app, lead)
    response = client.get(f"/procurements/{p.id}/results")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text_of(html)
    assert "Provisional result" in page
    assert "1 Bidder A (Bidder A Legal Name Ltd) 72.5 Winner" in page
    assert "2 Bidder B (Bidder B Legal Name Ltd) 52.5" in page
    # Influence: patients scored Q1 and Q2, 100% of the marks. Without them Q1 uses the panel's
    # scores alone (A 1.5, B 3) and Q2 is dropped: A 37.5, B 75, so the winner changes.
    assert "Patient representatives scored 2 of 2 sections (Q1 and Q2), worth 100% of the marks." in page
    assert (
        "Without the patient scores, Bidder B (Bidder B Legal Name Ltd) would have ranked first instead of Bidder A"
        in page
    )
    assert "Winner without patient scores Bidder B (Bidder B Legal Name Ltd)" in page
    # Every chart is an <img> served as SVG, with alt text, words and a data table next to it.
    for name in ("totals-by-section", "totals-by-group", "winner-sweep", "win-probabilities"):
        url = f"/procurements/{p.id}/results/charts/{name}.svg"
        assert f'src="{url}"' in html
        chart = client.get(url)
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        assert chart.get_data(as_text=True).lstrip().startswith("<?xml")
        assert "script" not in chart.headers["Content-Security-Policy"]
    assert html.count('alt="') >= 4 and html.count("Show the data as a table") == 4
    assert "Data for the chart: Each bidder&#39;s total, split by section" in html
    # The page itself keeps the strict policy: no inline styles or scripts added.
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'style="' not in html


def test_results_show_whether_the_weights_changed_after_scoring_opened(app, in_moderation, lead):
    p = in_moderation
    audit.record(
        "weights.changed",
        actor=lead,
        procurement_id=p.id,
        entity="procurement",
        entity_id=p.id,
        before={"weights": {"Q1": 60.0, "Q2": 40.0}},
        after={"weights": {"Q1": 50.0, "Q2": 50.0}},
        reason="A drafting error in the published weights",
    )
    audit.record(
        "weights.applied",
        actor=lead,
        procurement_id=p.id,
        entity="procurement",
        entity_id=p.id,
        before={"Q1": 50.0, "Q2": 50.0},
        after={"Q1": 60.0, "Q2": 40.0},
        reason="Put back",
    )
    db.session.commit()
    page = text_of(client_for(app, lead).get(f"/procurements/{p.id}/results").get_data(as_text=True))
    assert "The weights changed after scoring opened" in page
    assert "Q1 from 60% to 50%; Q2 from 40% to 50%." in page
    assert "The reason given: A drafting error in the published weights" in page
    assert "Q1 from 50% to 60%" in page and "The reason given: Put back" in page


def test_no_weight_notice_when_weights_did_not_change(app, in_moderation, lead):
    page = client_for(app, lead).get(f"/procurements/{in_moderation.id}/results").get_data(as_text=True)
    assert "The weights changed after scoring opened" not in page


def test_excel_link_only_when_the_export_exists(app, in_moderation, lead):
    page = client_for(app, lead).get(f"/procurements/{in_moderation.id}/results").get_data(as_text=True)
    assert ("Download as Excel" in page) == ("exports.workbook" in app.view_functions)


def test_results_are_for_leads_only(app, in_moderation, rep, panel):
    p = in_moderation
    other_lead = gen_user(Role.LEAD, "Other Lead")
    for user in (rep, panel, other_lead):
        client = client_for(app, user)
        assert client.get(f"/procurements/{p.id}/results").status_code == 403
        assert client.get(f"/procurements/{p.id}/results/charts/winner-sweep.svg").status_code == 403
    lead_client = client_for(app, p.lead)
    assert lead_client.get("/procurements/9999/results").status_code == 404
    assert lead_client.get(f"/procurements/{p.id}/results/charts/nonsense.svg").status_code == 404


def test_admin_sees_results(app, in_moderation):
    admin = gen_user(Role.ADMIN, "Alex Admin")
    assert client_for(app, admin).get(f"/procurements/{in_moderation.id}/results").status_code == 200


def test_failing_threshold_is_shown(app, in_moderation, lead):
    p = in_moderation
    p.sections[1].threshold = 2  # Bidder B's Q2 is 1.5: below the minimum
    db.session.commit()
    page = text_of(client_for(app, lead).get(f"/procurements/{p.id}/results").get_data(as_text=True))
    assert "Fails a minimum score: Q2" in page and "Below minimum" in page


def test_final_results_say_final_and_link_reports_and_summaries(app, finalised, lead):
    page = text_of(client_for(app, lead).get(f"/procurements/{finalised.id}/results").get_data(as_text=True))
    assert "Final result" in page and "It cannot change." in page
    assert "Assessment summaries for bidders" in page and "Patient representatives' reports" in page


def test_final_charts_may_be_cached_live_ones_not(app, in_moderation, lead):
    p = in_moderation
    client = client_for(app, lead)
    live = client.get(f"/procurements/{p.id}/results/charts/totals-by-group.svg")
    assert live.headers["Cache-Control"] == "no-store"
    accept_the_rest(p, lead)
    client.post(f"/procurements/{p.id}/moderation/finalise")
    final = client.get(f"/procurements/{p.id}/results/charts/totals-by-group.svg")
    assert final.headers["Cache-Control"] == "private, max-age=86400"
    assert client.get(f"/procurements/{p.id}/results/charts/totals-by-group.svg").data == final.data


def test_price_sections_in_results_and_summaries(app, lead, rep, panel):
    from scoring.services import setup

    from ..helpers import gen_procurement, gen_scores, to_moderation

    p = gen_procurement(
        lead=lead, evaluators=[rep, panel], open_scoring=False, sections=[("Q1", 70, "both"), ("P", 30, "price")]
    )
    for bidder, price in zip(p.bidders, (100_000.0, 125_000.0)):
        bidder.price = price
    setup.open_scoring(p, actor=lead)
    db.session.commit()
    gen_scores(p, {rep: 3, panel: 2})
    to_moderation(p, lead)
    client = client_for(app, lead)
    page = text_of(client.get(f"/procurements/{p.id}/results").get_data(as_text=True))
    # Q1 2.5 of 4 x 70 = 43.75 each; price A 4 of 4 x 30 = 30, B 3.2 of 4 x 30 = 24.
    assert "1 Bidder A (Bidder A Legal Name Ltd) 73.8" in page and "2 Bidder B (Bidder B Legal Name Ltd) 67.8" in page
    assert "Price formula" in page
    assert client.get(f"/procurements/{p.id}/results/charts/totals-by-group.svg").status_code == 200
    accept_the_rest(p, lead)
    assert client.post(f"/procurements/{p.id}/moderation/finalise").status_code == 302
    summary = text_of(client.get(f"/procurements/{p.id}/assessment-summaries/{p.bidders[1].id}").get_data(as_text=True))
    assert "P: Section P (30%) Your score 3.2 of 4" in summary and "Scored from the price" in summary
    report = text_of(client_for(app, rep).get(f"/procurements/{p.id}/reports/{rep.id}").get_data(as_text=True))
    assert "Section P" not in report and "125,000" not in report and "Price" not in report
