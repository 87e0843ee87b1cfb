"""scoring.redaction: every way people write a bidder's name or price is found and hidden."""

from __future__ import annotations

import json

import pytest

from scoring.redaction import PRICE_PLACEHOLDER, Party, find_mentions, normalise, redact, redactor_for

BIDDERS = [
    Party("Bidder A", "Café Médecins Ltd", 98765.43),
    Party("Bidder B", "St John’s Care LLP", 120000),
    Party("Bidder C", "SECRETNAME Yew plc", None),
    Party("Bidder D", "The Xylo Limited", 60),
    Party("Bidder E", "A Ltd", None),
    Party("Bidder F", "Smith & Jones Partners", None),
]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Café Médecins Ltd was clear", "Bidder A was clear"),
        ("CAFE MEDECINS LIMITED was clear", "Bidder A was clear"),
        ("cafe\u0301 me\u0301decins", "Bidder A"),  # accents as combining marks
        ("Café   Médecins\n Ltd.", "Bidder A."),  # runs of spaces and a line break
        ("The Café Médecins plc", "Bidder A"),  # another suffix, "The" in front
        ("Café Médecins's plan", "Bidder A's plan"),
        ("St John's Care", "Bidder B"),
        ("st johns care l.l.p.", "Bidder B"),
        ("ST JOHN’S CARE", "Bidder B"),
        ("St John’s-Care LLP", "Bidder B"),
        ("SECRETNAME Yew plc priced 98765.43", "Bidder C priced " + PRICE_PLACEHOLDER),
        ("the xylo bid", "Bidder D bid"),
        ("Xylo Ltd", "Bidder D"),
        ("Smith and Jones Partners", "Bidder F"),
        ("ｓｅｃｒｅｔｎａｍｅ yew", "Bidder C"),  # full-width letters (NFKD)
    ],
)
def test_names_are_replaced_by_codes_however_they_are_written(text, expected):
    assert redact(text, BIDDERS) == expected


@pytest.mark.parametrize(
    "written",
    [
        "98765.43",
        "98,765.43",
        "£98,765",
        "£98765",
        "£98.8k",
        "98.77k",
        "£99k",
        "£ 98,765.43",
        "98.8 thousand",
        "GBP 98765",
    ],
)
def test_a_price_is_hidden_in_every_usual_form(written):
    assert redact(f"It costs {written}.", BIDDERS) == f"It costs {PRICE_PLACEHOLDER}."


@pytest.mark.parametrize(
    "text",
    [
        "a plan and a team",  # "A Ltd": its bare name "A" is too short to match alone
        "Scored 60% out of 60",  # a price of 60 is matched only with £
        "198765.43 and 98765.431",  # other numbers that contain the price
        "Xylophone",
        "Cafés",
        "St John's Wood",
        "bidder-98765 /evaluate/98765/sections #score-98765",  # ids and links on a page, not prices
    ],
)
def test_text_that_only_looks_similar_is_left_alone(text):
    assert redact(text, BIDDERS) == text


def test_short_names_and_small_prices_are_still_matched_in_full():
    assert redact("A Ltd asked £60", BIDDERS) == f"Bidder E asked {PRICE_PLACEHOLDER}"


def test_find_mentions_says_who_what_and_where():
    text = "We preferred St John’s\nCare to café médecins at £98.8k."
    found = find_mentions(text, BIDDERS)
    assert [(m.code, m.kind, m.text) for m in found] == [
        ("Bidder B", "name", "St John’s\nCare"),
        ("Bidder A", "name", "café médecins"),
        ("Bidder A", "price", "£98.8k"),
    ]
    assert all(text[m.start : m.end] == m.text for m in found)


def test_json_is_redacted_inside_its_escapes():
    escaped = json.dumps({"name": "Café Médecins Ltd", "St John’s Care": ["x"]})
    assert "Caf\\u00e9" in escaped  # the form that slipped through a plain text match
    out = redactor_for(BIDDERS, prices=False).redact_json(escaped)
    assert json.loads(out) == {"name": "Bidder A", "Bidder B": ["x"]}
    assert "\\u" not in out


def test_a_name_equal_to_its_code_hides_nothing_and_normalise_folds():
    assert redact("Bidder Z did well", [Party("Bidder Z", "Bidder Z")]) == "Bidder Z did well"
    assert normalise("  CAFÉ\u00a0 St John’s\n") == "cafe st john's"
