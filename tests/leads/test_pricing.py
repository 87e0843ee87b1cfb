"""Price sections: scored by formula from each bidder's price; prices never reach patient reps."""

from __future__ import annotations

import re

import pytest

from scoring.extensions import db
from scoring.services import evaluation, pricing, setup
from scoring.services.errors import Refused

from ..helpers import gen_procurement, sign_in
from .pages import events, text


def test_the_lowest_price_gets_full_marks_and_others_in_proportion():
    assert pricing.price_score(lowest=100.0, price=100.0, max_score=4) == 4
    assert pricing.price_score(lowest=100.0, price=200.0, max_score=4) == 2
    assert pricing.price_score(lowest=90.0, price=120.0, max_score=10) == pytest.approx(7.5)


@pytest.mark.parametrize("lowest, price", [(0, 100), (100, 0), (-5, 10), (200, 100)])
def test_price_score_refuses_nonsense(lowest, price):
    with pytest.raises(ValueError):
        pricing.price_score(lowest=lowest, price=price, max_score=4)


def test_price_scores_leave_missing_prices_unscored():
    assert pricing.price_scores({1: 1000.0, 2: 1250.0, 3: None}, max_score=5) == {1: 5.0, 2: 4.0, 3: None}
    assert pricing.price_scores({1: None}, max_score=5) == {1: None}


@pytest.fixture
def priced(lead, rep, panel):
    return gen_procurement(
        lead=lead,
        reference="GP-PRICE",
        evaluators=[rep, panel],
        open_scoring=False,
        sections=[("Q1", 50, "both"), ("Q2", 30, "patient"), ("P1", 20, "price")],
    )


def test_lead_enters_prices_and_sees_the_price_scores(lead_client, priced):
    a, b = priced.bidders
    page = text(lead_client.get(f"/procurements/{priced.id}/bidders"))
    assert "Price from Bidder A" in page
    response = lead_client.post(
        f"/procurements/{priced.id}/prices", data={f"price-{a.id}": "£1,000,000", f"price-{b.id}": "1250000.00"}
    )
    assert response.status_code == 302
    assert (a.price, b.price) == (1_000_000, 1_250_000)
    page = text(lead_client.get(f"/procurements/{priced.id}/bidders"))
    assert "£1,000,000.00" in page and "4.00" in page and "3.20" in page
    event = events("price.set")[0]
    assert '"price": null' in event.before_json and '"price": 1000000.0' in event.after_json


@pytest.mark.parametrize(
    "typed, message",
    [
        ("a lot", "Enter the price for Bidder A as a number of pounds, for example 1250000."),
        ("0", "Enter a price above £0 for Bidder A."),
        ("-10", "Enter a price above £0 for Bidder A."),
    ],
)
def test_a_bad_price_is_refused_and_nothing_is_saved(lead_client, priced, typed, message):
    a, b = priced.bidders
    response = lead_client.post(
        f"/procurements/{priced.id}/prices", data={f"price-{a.id}": typed, f"price-{b.id}": "500"}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert (a.price, b.price) == (None, None)


def test_prices_are_refused_without_a_price_section(lead_client, draft):
    a = draft.bidders[0]
    response = lead_client.post(f"/procurements/{draft.id}/prices", data={f"price-{a.id}": "100"})
    assert response.status_code == 400
    assert "This procurement has no price section, so prices are not used." in text(response)


def test_nobody_can_be_asked_to_score_a_price_section(priced, panel, lead):
    with pytest.raises(Refused, match="Section P1 is a price section. It is scored from prices, not by evaluators."):
        setup.assign_evaluator(priced.sections[2], panel, actor=lead)


def test_prices_can_still_be_corrected_while_scoring_is_open_for_a_reason(lead_client, priced, lead):
    a, b = priced.bidders
    pricing.set_prices(priced, {a.id: "100", b.id: "200"}, actor=lead)
    setup.open_scoring(priced, actor=lead)
    db.session.commit()
    data = {f"price-{a.id}": "150", f"price-{b.id}": "200"}
    refused = lead_client.post(f"/procurements/{priced.id}/prices", data=data)
    assert refused.status_code == 400 and "Give a reason for changing the price." in text(refused)
    assert a.price == 100
    response = lead_client.post(
        f"/procurements/{priced.id}/prices", data={**data, "reason": "Bidder A corrected an arithmetic error."}
    )
    assert response.status_code == 302 and a.price == 150


def test_patient_reps_never_see_prices_or_price_sections(client, priced, lead, rep):
    a, b = priced.bidders
    pricing.set_prices(priced, {a.id: "987654.32", b.id: "876543.21"}, actor=lead)
    setup.open_scoring(priced, actor=lead)
    db.session.commit()
    sign_in(client, rep)
    client.post(f"/evaluate/{priced.id}/conflicts", data={f"bidder-{x.id}": "no" for x in priced.bidders})
    assert all(not cell.section.is_price for cell in evaluation.cells_for(rep, priced))
    pages = [client.get("/evaluate/"), client.get(f"/evaluate/{priced.id}")]
    pages += [
        client.get(f"/evaluate/{priced.id}/bidders/{x.id}/sections/{s.id}")
        for x in priced.bidders
        for s in priced.sections[:2]
    ]
    for page in pages:
        assert page.status_code == 200
        # Random per-request tokens (CSP nonce, CSRF token) could contain "P1" or "987" by chance.
        body = _without_random_tokens(text(page))
        assert "987" not in body and "876" not in body and "£" not in body and "P1" not in body
    price_section = priced.sections[2]
    assert client.get(f"/evaluate/{priced.id}/bidders/{a.id}/sections/{price_section.id}").status_code == 403
    assert client.get(f"/procurements/{priced.id}/bidders").status_code == 403


def _without_random_tokens(body: str) -> str:
    body = re.sub(r'nonce="[^"]*"', "", body)
    return re.sub(r'name="csrf_token"( type="hidden")? value="[^"]*"|value="[^"]*" name="csrf_token"', "", body)
