"""The patient voice review page: who sees it, what one row shows, and what it never shows."""

from __future__ import annotations

import html
import re

from scoring.extensions import db
from scoring.models import Role, Score
from scoring.services import review as review_service

from ..helpers import gen_user, sign_in


def page_as(app, user, query=""):
    client = app.test_client()
    sign_in(client, user)
    response = client.get("/review" + query)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def test_reviewer_sees_procurement_figures_and_never_an_evaluators_name_or_score(
    app, finalised, rep, rep2, panel, panel2
):
    reviewer = gen_user(Role.REVIEWER, "Ines Involvement")
    status, page = page_as(app, reviewer)
    assert status == 200
    # the finalised fixture: patient sections weigh 100%; A wins, B would without patients
    assert "GP-TEST-01" in page and "Bidder A Legal Name Ltd" in page  # the awarded provider named
    assert "Yes: without them, Bidder B" in page and "Bidder B Legal Name Ltd" not in page
    assert "From a patient weight share of 0%" in page  # decisive on [0, 1]: D(0) = 1
    for person in (rep, rep2, panel, panel2):
        assert person.name not in page and person.email not in page
    for score in db.session.query(Score).all():
        assert score.rationale not in page
    # the document handed to the page holds no score or evaluator either
    data = review_service.review(reviewer)
    text = repr(data)
    for person in (rep, rep2, panel, panel2):
        assert person.name not in text
    assert not re.search(r"rationale|evaluator|proposed|moderated", text)


def test_leads_see_only_their_own_and_evaluators_are_refused(app, finalised, lead, rep):
    other = gen_user(Role.LEAD, "Other Lead")
    assert "GP-TEST-01" in page_as(app, lead)[1]
    status, page = page_as(app, other)
    assert status == 200 and "GP-TEST-01" not in page and "No finalised procurement matches" in page
    assert page_as(app, rep)[0] == 403


def test_filters_and_a_bad_date(app, finalised):
    reviewer = gen_user(Role.REVIEWER, "Ines Involvement")
    assert "GP-TEST-01" not in page_as(app, reviewer, "?regime=pa23")[1]
    assert "GP-TEST-01" in page_as(app, reviewer, "?regime=psr")[1]
    assert "GP-TEST-01" not in page_as(app, reviewer, "?since=2999-01-01")[1]
    status, page = page_as(app, reviewer, "?since=1st+April")
    assert status == 400 and "Enter the date '1st April' as year-month-day" in page


def test_review_page_draws_both_charts_as_accessible_svg_with_their_tables(app, finalised):
    # the finalised fixture is decisive on all of [0, 1]: D(α) = 1 everywhere, one step
    reviewer = gen_user(Role.REVIEWER, "Ines Involvement")
    status, page = page_as(app, reviewer)
    assert status == 200
    for prefix in ("decisive-rate", "margin-scatter"):
        svg = re.search(rf'<svg class="app-svg"[^>]*id="{prefix}".*?</svg>', page, re.S).group(0)
        assert 'role="img"' in svg and f'aria-labelledby="{prefix}-title {prefix}-desc"' in svg
        assert f'<title id="{prefix}-title">' in svg and f'<desc id="{prefix}-desc">' in svg
        assert "style=" not in svg and "<script" not in svg  # the CSP allows neither inline
    rate = re.search(r'id="decisive-rate".*?</svg>', page, re.S).group(0)
    # one step at rate 1 from x = 84 (0%) to x = 464 (100%): y = 236 - 220 × 1 = 16
    assert 'class="app-svg__curve" d="M84.0 16.0H464.0"' in rate
    assert (
        "From a patient weight share of 0%, they would have decided the winner in at least half of the 1 procurement."
        in page
    )
    # the data table beside it: 21 rows, 100% and "1 of 1" with the reference
    assert page.count('<td class="nhsuk-table__cell">1 of 1</td>') == 21
    # the scatter: weight share 100%, patient share of the 20-point margin (Shapley) as computed
    row = review_service.review(reviewer)["procurements"][0]
    x = 84 + 380 * row["patient_weight_share"]
    assert f'<circle cx="{round(x, 2)}"' in page
    above = int(row["shapley_patient_share"] > row["patient_weight_share"])
    assert f"1 procurement. In {above} of them the patient scores made up a larger share" in page
