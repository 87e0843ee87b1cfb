"""Issue 15, items 3 to 7: calibration shown to the lead only, score history, the agenda,
price guards and the withdrawal check, and reopening only while scoring is open."""

from __future__ import annotations

import json

from scoring.extensions import db
from scoring.models import AuditEvent, Consensus, Status
from scoring.services import evaluation, moderation, setup

from ..helpers import accept_the_rest, gen_procurement, gen_scores, to_moderation
from .conftest import client_for, text_of


def test_score_history_shows_four_versions_of_one_score_in_order(app, lead, rep, panel):
    p = gen_procurement(lead=lead, evaluators=[rep, panel])
    q2, a = p.sections[1], p.bidders[0]
    evaluation.declare_conflicts(rep, p, {b.id: (False, "") for b in p.bidders})
    first = evaluation.save_score(
        evaluator=rep,
        procurement=p,
        bidder=a,
        section=q2,
        value=2,
        rationale="First thoughts on the feedback plan",
        expected_version=0,
    )
    gen_scores(
        p, {rep: {("Bidder A", "Q2"): 3}, panel: 2}, rationale="Scored {value} after reading the plan again"
    )  # saves 3, then submits
    evaluation.reopen_scores(lead=lead, procurement=p, evaluator=rep, reason="Pat asked to look again")
    score = evaluation.find_score(rep, a, q2)
    evaluation.save_score(
        evaluator=rep,
        procurement=p,
        bidder=a,
        section=q2,
        value=4,
        rationale="Scored 4: the plan names who acts on feedback",
        expected_version=score.version,
    )
    evaluation.submit_scores(rep, p)
    assert first.id == score.id
    to_moderation(p, lead)
    url = f"/procurements/{p.id}/moderation/sections/{q2.id}/bidders/{a.id}/history"
    page = text_of(client_for(app, lead).get(url).get_data(as_text=True))
    rows = page[page.index("Pat Patel's score, version by version") :]
    order = [
        "Draft saved Pat Patel 2 First thoughts",
        "Draft saved Pat Patel 3 Scored 3 after reading",
        "Submitted Pat Patel 3",
        "Reopened: Pat asked to look again Lee Lead 3",
        "Draft saved Pat Patel 4 Scored 4: the plan",
        "Submitted Pat Patel 4",
    ]
    positions = [rows.index(v) for v in order]
    assert positions == sorted(positions), positions
    assert client_for(app, rep).get(url).status_code == 403  # the lead's view only


def test_calibration_is_shown_to_the_lead_and_never_to_evaluators(app, in_moderation, lead, rep):
    p = in_moderation
    url = f"/procurements/{p.id}/moderation"
    page = text_of(client_for(app, lead).get(url).get_data(as_text=True))
    # Agreed (proposed) scores: Q1 A 2.5, B 2.5; Q2 A 3.5, B 1.5. Pat: Q1 A 4 (+1.5), B 2 (-0.5),
    # Q2 A 4 (+0.5), B 1 (-0.5): mean +0.25 over 4; sd 0.957, t(3) 3.182: interval -1.27 to +1.77.
    assert "How each evaluator scored against the agreed scores" in page
    # 0.25 reads "0.3": figures round half up (scoring/numbers.py), as people and Excel round.
    assert (
        "Pat Patel scored on average 0.3 points above the agreed score, over 4 answers; the 95% interval, "
        "-1.3 to +1.8, includes no difference, so this may be chance."
    ) in page
    # Morgan (panel): Q1 A 1 (-1.5), B 3 (+0.5).
    assert "Morgan Panel scored on average 0.5 points below the agreed score" in page
    assert "Morgan Panel gave the same score" not in page
    assert "Jo Finch gave the same score to every bidder in section Q1." not in page  # 2 and 3
    assert "Patient representatives scored on average" in page
    rep_page = text_of(client_for(app, rep).get(url).get_data(as_text=True))
    assert "against the agreed scores" not in rep_page and "Pat Patel scored" not in rep_page


def test_results_show_the_mean_beside_the_agreed_score_and_what_moderation_moved(app, in_moderation, lead):
    p = in_moderation
    from .conftest import post_consensus

    client = client_for(app, lead)
    post_consensus(
        client, p, p.sections[0], p.bidders[0], 3, "The plan covers the phones and the evening clinics with evidence."
    )
    page = text_of(client.get(f"/procurements/{p.id}/results").get_data(as_text=True))
    assert "The evaluators' mean beside the agreed score, for every answer" in page
    assert "Bidder A (Bidder A Legal Name Ltd) Q1 2.5 3 Consensus" in page
    assert "Bidder B (Bidder B Legal Name Ltd) Q2 1.5 1.5 No reason yet" in page
    # Everyone: only Q1 A moved, by 0.5 (2.5 -> 3), over 4 cells. Patient reps' mean on Q1 A is 3.5: moved by -0.5.
    assert (
        "All evaluators: moderation moved 1 of 4 answers away from their average score, by 0.1 points on "
        "average (+0.1 points overall)."
    ) in page
    # Patient reps: Q1 A 3.5 -> 3 and Q1 B 2 -> 2.5 moved; Q2 is theirs alone, so it did not.
    assert (
        "Patient representatives: moderation moved 2 of 4 answers away from their average score, by 0.3 points" in page
    )


def test_the_agenda_orders_answers_by_disagreement_with_space_for_the_reason(app, in_moderation, lead, rep):
    p = in_moderation
    client = client_for(app, lead)
    page = text_of(client.get(f"/procurements/{p.id}/moderation/agenda").get_data(as_text=True))
    assert "Moderation meeting agenda" in page and "4 Excellent" in page
    first = page.index("1. Bidder A (Bidder A Legal Name Ltd), Q1")
    assert "Scores: Pat Patel 4, Rowan Reid 3, Morgan Panel 1, Jo Finch 2." in page[first:]
    assert "Agreed score:" in page and "Reason, against the criteria" in page
    text = client.get(f"/procurements/{p.id}/moderation/agenda.txt")
    assert "attachment" in text.headers["Content-Disposition"]
    body = text.get_data(as_text=True)
    assert body.index("1. Bidder A, Q1") < body.index("2. ")
    assert "Scores: Pat Patel 4, Rowan Reid 3, Morgan Panel 1, Jo Finch 2" in body
    assert client_for(app, rep).get(f"/procurements/{p.id}/moderation/agenda").status_code == 403


def _priced(lead, rep, panel, prices=(100.0, 150.0, 300.0)):
    """Quality (60%, max 4) scored by both groups, Price (40%, max 4). See tests/engine/test_withdrawal.py."""
    p = gen_procurement(
        lead=lead,
        evaluators=[rep, panel],
        open_scoring=False,
        sections=[("Q1", 60, "both"), ("P", 40, "price")],
        bidders=("Bidder A", "Bidder B", "Bidder C"),
    )
    for bidder, price in zip(p.bidders, prices):
        bidder.price = price
    setup.open_scoring(p, actor=lead)
    db.session.commit()
    quality = {"Bidder A": 2, "Bidder B": 3, "Bidder C": 4}
    gen_scores(p, {rep: {(b, "Q1"): v for b, v in quality.items()}, panel: {(b, "Q1"): v for b, v in quality.items()}})
    return p


def test_a_zero_price_is_refused(app, lead, rep, panel):
    p = _priced(lead, rep, panel)
    a = p.bidders[0]
    response = client_for(app, lead).post(
        f"/procurements/{p.id}/prices", data={f"price-{a.id}": "0", "reason": "Typo in the return"}
    )
    assert response.status_code == 400
    assert "Enter a price above £0 for Bidder A." in text_of(response.get_data(as_text=True))
    db.session.refresh(a)
    assert a.price == 100.0


def test_a_price_change_in_moderation_needs_a_reason_and_is_shown_on_the_results(app, lead, rep, panel):
    p = _priced(lead, rep, panel)
    to_moderation(p, lead)
    b = p.bidders[1]
    client = client_for(app, lead)
    data = {f"price-{x.id}": f"{x.price:.2f}" for x in p.bidders}
    data[f"price-{b.id}"] = "90000"
    refused = client.post(f"/procurements/{p.id}/prices", data=data)
    assert refused.status_code == 400
    assert (
        "Give a reason for changing the price. Scoring is open, so a price can only change for a recorded "
        "reason: one price moves every bidder's price score."
    ) in text_of(refused.get_data(as_text=True))
    db.session.refresh(b)
    assert b.price == 150.0
    data["reason"] = "Bidder B's price was entered in thousands by mistake."
    data[f"price-{b.id}"] = "150000"
    assert client.post(f"/procurements/{p.id}/prices", data=data).status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="price.set").order_by(AuditEvent.id.desc()).first()
    assert event.reason == data["reason"] and json.loads(event.before_json)["price"] == 150.0
    page = text_of(client.get(f"/procurements/{p.id}/results").get_data(as_text=True))
    assert "Prices changed after scoring opened" in page
    assert (
        "changed the price of Bidder B after scoring had opened, from £150.00 to £150,000.00. "
        "The reason given: Bidder B's price was entered in thousands by mistake."
    ) in page


def test_the_results_say_whose_withdrawal_would_reorder_the_others(app, lead, rep, panel):
    # Hand-worked in tests/engine/test_withdrawal.py: today C 73.3, B 71.7, A 70; without A,
    # B 85 and C 80, so B overtakes C; without B or C nothing moves.
    p = _priced(lead, rep, panel)
    to_moderation(p, lead)
    page = text_of(client_for(app, lead).get(f"/procurements/{p.id}/results").get_data(as_text=True))
    assert "If a bidder withdrew" in page
    assert (
        "If Bidder A (Bidder A Legal Name Ltd) withdrew, the order of the others would change: "
        "Bidder B (Bidder B Legal Name Ltd) would rank 1, Bidder C (Bidder C Legal Name Ltd) would rank 2."
    ) in page
    assert "If Bidder B (Bidder B Legal Name Ltd) withdrew, the others would stay in the same order." in page
    assert "If Bidder C (Bidder C Legal Name Ltd) withdrew, the others would stay in the same order." in page


def test_reopening_is_refused_in_moderation_with_its_explanation(app, in_moderation, lead, rep):
    p = in_moderation
    client = client_for(app, lead)
    progress = text_of(client.get(f"/procurements/{p.id}/progress").get_data(as_text=True))
    assert "Scores can only be reopened while scoring is open" in progress
    assert "Reopen scores" not in progress
    refused = client.post(f"/procurements/{p.id}/progress/{rep.id}/reopen", data={"reason": "Pat asked"})
    assert refused.status_code == 400
    assert (
        "Scores can only be reopened while scoring is open, so that the evaluator can submit them again. "
        "During moderation, first return the procurement to scoring (on the procurement page, with a "
        "reason): every consensus already recorded is kept."
    ) in text_of(refused.get_data(as_text=True))
    assert evaluation.find_score(rep, p.bidders[0], p.sections[0]).is_submitted

    moderation.record_consensus(
        actor=lead,
        procurement=p,
        bidder=p.bidders[0],
        section=p.sections[0],
        value=3,
        rationale="The plan covers the phones and the evening clinics with evidence.",
        expected_version=0,
    )
    no_reason = client.post(f"/procurements/{p.id}/return-to-scoring", data={"reason": ""})
    assert no_reason.status_code == 400
    assert "Give a reason for returning to scoring." in text_of(no_reason.get_data(as_text=True))
    back = client.post(f"/procurements/{p.id}/return-to-scoring", data={"reason": "Pat found a mistake in Q2"})
    assert back.status_code == 302
    db.session.refresh(p)
    assert p.status == Status.SCORING.value and db.session.query(Consensus).count() == 1
    event = (
        db.session.query(AuditEvent)
        .filter_by(action="procurement.status_changed")
        .order_by(AuditEvent.id.desc())
        .first()
    )
    assert json.loads(event.after_json) == {"status": "scoring"} and event.reason == "Pat found a mistake in Q2"
    assert (
        client.post(f"/procurements/{p.id}/progress/{rep.id}/reopen", data={"reason": "Pat asked"}).status_code == 302
    )
    assert not evaluation.find_score(rep, p.bidders[0], p.sections[0]).is_submitted
    # Pat resubmits; scoring closes again; the consensus is still there and finalising works.
    evaluation.submit_scores(rep, p)
    to_moderation(p, lead)
    accept_the_rest(p, lead)
    assert client.post(f"/procurements/{p.id}/moderation/finalise").status_code == 302


def test_the_workbook_keeps_the_moderation_record(app, in_moderation, lead):
    from io import BytesIO

    from openpyxl import load_workbook

    from .conftest import post_consensus

    p = in_moderation
    client = client_for(app, lead)
    post_consensus(
        client, p, p.sections[0], p.bidders[0], 3, "The plan covers the phones and the evening clinics with evidence."
    )
    moderation.record_acceptance(
        actor=lead,
        procurement=p,
        bidder=p.bidders[1],
        section=p.sections[1],
        rationale="The feedback plan meets the requirement with some minor gaps.",
    )
    wb = load_workbook(BytesIO(client.get(f"/procurements/{p.id}/export.xlsx").data))
    rows = [tuple(r) for r in wb["Moderation record"].iter_rows(values_only=True)]
    assert ("Bidder A", "Q1", 2.5, 3, "consensus", None) in rows
    assert (
        "Bidder B",
        "Q2",
        1.5,
        1.5,
        "proposed score accepted",
        "The feedback plan meets the requirement with some minor gaps.",
    ) in rows
    assert ("Bidder B", "Q1", 2.5, 2.5, "no reason yet", None) in rows
    assert ("All evaluators", 4, 1, 0.125, 0.125) == rows[[r[0] for r in rows].index("All evaluators")][:5]
    pat = rows[[r[0] for r in rows].index("Pat Patel")]
    # Pat against the agreed scores (Q1 A now 3): +1, -0.5, +0.5, -0.5: mean 0.125.
    assert pat[1:3] == (4, 0.125)
    assert any(r[0] and str(r[0]).startswith("Pat Patel scored on average") for r in rows)
