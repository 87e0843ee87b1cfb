"""The set-up forms and the Excel import check sections and bidders by the same rules
(`scoring/rules.py`): the same bad value is refused by both, with the same words (the import puts
"Sections row 4: " in front), and a value one accepts the other accepts too."""

from __future__ import annotations

import html
import re

import pytest

from scoring.extensions import db
from scoring.models import Procurement
from scoring.services import importer
from scoring.services.errors import ValidationFailed

from ..helpers import gen_procurement, sign_in
from .workbooks import GOOD, sheets, workbook_bytes

SECTION_COLUMNS = (
    "code",
    "title",
    "weight",
    "max_score",
    "scored_by",
    "threshold",
    "question",
    "guidance",
    "key_criterion",
)
GOOD_SECTION = {
    "code": "Q3",
    "title": "Safety",
    "weight": 30,
    "max_score": 4,
    "scored_by": "panel",
    "threshold": None,
    "question": "How?",
    "guidance": "",
    "key_criterion": "quality",
}


@pytest.fixture
def draft(app, lead, rep, panel):
    return gen_procurement(lead=lead, reference="GP-DRAFT-01", evaluators=[rep, panel], open_scoring=False)


def summary(response) -> list[str]:
    """The messages of the page's error summary, in order."""
    page = response.get_data(as_text=True)
    found = re.search(r"nhsuk-error-summary__list(.*?)</ul>", page, re.S)
    assert found, "the page has no error summary"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    ]


def import_problems(data: dict) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        importer.read_plan(workbook_bytes(data))
    return failed.value.problems


def form_value(value) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"code": ""}, "Enter a section code, for example Q1."),
        ({"code": "Q" * 31}, "The section code must be 30 characters or fewer. It is 31."),
        ({"title": ""}, "Enter a section title."),
        ({"title": "T" * 301}, "The section title must be 300 characters or fewer. It is 301."),
        ({"weight": "ten"}, "Enter the weight as a number of percent, for example 20."),
        ({"weight": "nan"}, "Enter the weight as a number of percent, for example 20."),
        ({"weight": 120}, "The weight must be between 0 and 100 percent."),
        ({"weight": -5}, "The weight must be between 0 and 100 percent."),
        ({"max_score": 2.5}, "Enter the maximum score as a whole number, for example 4."),
        ({"max_score": 0}, "The maximum score must be between 1 and 100."),
        ({"max_score": 101}, "The maximum score must be between 1 and 100."),
        (
            {"scored_by": "robots"},
            "Choose who scores this section: patient representatives, the panel, both, or the price formula.",
        ),
        ({"threshold": 5}, "The threshold must be between 0 and the maximum score 4."),
        ({"threshold": "x"}, "Enter the threshold as a number, or leave it empty."),
        (
            {"key_criterion": "kindness"},
            "Choose one of the five key criteria (quality, value, integration, access, "
            "social_value), or leave it empty.",
        ),
    ],
)
def test_a_bad_section_is_refused_alike_by_the_form_and_the_import(client, lead, draft, change, message):
    row = {**GOOD_SECTION, **change}
    sign_in(client, lead)
    response = client.post(f"/procurements/{draft.id}/sections/new", data={k: form_value(v) for k, v in row.items()})
    assert response.status_code == 400
    assert summary(response) == [message]
    db.session.expire_all()
    assert len(db.session.get(Procurement, draft.id).sections) == 2

    data = sheets(Sections=GOOD["Sections"][:3] + [[row[c] for c in SECTION_COLUMNS]])
    assert [p for p in import_problems(data) if p.startswith("Sections row 4")] == [f"Sections row 4: {message}"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"code": ""}, "Enter a bidder code, for example Bidder A."),
        ({"code": "B" * 31}, "The bidder code must be 30 characters or fewer. It is 31."),
        ({"name": ""}, "Enter the bidder's legal name."),
        ({"name": "N" * 301}, "The bidder's legal name must be 300 characters or fewer. It is 301."),
    ],
)
def test_a_bad_bidder_is_refused_alike_by_the_form_and_the_import(client, lead, draft, change, message):
    row = {"code": "Bidder C", "name": "Gamma Ltd", **change}
    sign_in(client, lead)
    response = client.post(f"/procurements/{draft.id}/bidders/new", data=row)
    assert response.status_code == 400
    assert summary(response) == [message]
    db.session.expire_all()
    assert len(db.session.get(Procurement, draft.id).bidders) == 2

    data = sheets(Bidders=GOOD["Bidders"] + [[row["code"], row["name"]]])
    assert [p for p in import_problems(data) if p.startswith("Bidders row 4")] == [f"Bidders row 4: {message}"]


def test_a_code_used_twice_is_refused_by_both_saying_where(client, lead, draft):
    sign_in(client, lead)
    response = client.post(
        f"/procurements/{draft.id}/sections/new",
        data={**{k: form_value(v) for k, v in GOOD_SECTION.items()}, "code": "q1"},
    )
    assert summary(response) == ["Section code q1 is already used in this procurement."]
    data = sheets(Sections=GOOD["Sections"][:3] + [[{**GOOD_SECTION, "code": "q1"}[c] for c in SECTION_COLUMNS]])
    assert "Sections row 4: Section code q1 is already used in row 2." in import_problems(data)


@pytest.mark.parametrize(
    "change",
    [{"weight": "30%"}, {"scored_by": "Panel"}, {"weight": "30.0"}, {"threshold": ""}, {"key_criterion": "Quality"}],
)
def test_a_value_the_import_accepts_the_form_accepts(client, lead, draft, change, app):
    row = {**GOOD_SECTION, **change}
    importer.read_plan(workbook_bytes(sheets(Sections=GOOD["Sections"][:3] + [[row[c] for c in SECTION_COLUMNS]])))
    sign_in(client, lead)
    response = client.post(f"/procurements/{draft.id}/sections/new", data={k: form_value(v) for k, v in row.items()})
    assert response.status_code == 302
    db.session.expire_all()
    added = db.session.get(Procurement, draft.id).sections[-1]
    assert (added.code, added.weight, added.scored_by, added.key_criterion) == ("Q3", 30.0, "panel", "quality")
