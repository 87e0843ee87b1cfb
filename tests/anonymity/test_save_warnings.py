"""Saving text that names a bidder or its price, in an anonymised procurement, says what reps will see."""

from __future__ import annotations

import html

from scoring.extensions import db
from scoring.models import Role
from scoring.services import evaluation, moderation, pricing, setup

from ..helpers import gen_procurement, gen_user, sign_in, to_moderation


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def named_procurement(lead, evaluators, anonymised=True):
    p = gen_procurement(
        lead=lead,
        evaluators=evaluators,
        open_scoring=False,
        anonymised=anonymised,
        sections=[("Q1", 60, "both"), ("Q2", 20, "patient"), ("P", 20, "price")],
    )
    setup.update_bidder(p.bidders[0], code="Bidder A", name="Café Médecins Ltd", actor=lead)
    pricing.set_prices(p, {p.bidders[0].id: "98765.43", p.bidders[1].id: "120000"}, actor=lead)
    setup.open_scoring(p, actor=lead)
    db.session.commit()
    return p


def test_an_evaluator_is_told_after_saving_a_reason_that_names_a_bidder(app, client, lead, panel, rep):
    p = named_procurement(lead, [panel, rep])
    sign_in(client, panel)
    evaluation.declare_conflicts(panel, p, {b.id: (False, "") for b in p.bidders})
    db.session.commit()
    a, q1 = p.bidders[0], p.sections[0]
    url = f"/evaluate/{p.id}/bidders/{a.id}/sections/{q1.id}"
    response = client.post(
        url,
        data={"score": "3", "rationale": "CAFE MEDECINS limited priced £98.8k", "version": "0", "save_draft": "y"},
        follow_redirects=True,
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Patient representatives will see it with “Bidder A” in place of “CAFE MEDECINS limited”" in text
    assert "“[price hidden]” in place of the price" in text
    plain = client.post(
        url, data={"score": "3", "rationale": "A clear plan", "version": "1", "save_draft": "y"}, follow_redirects=True
    )
    assert "Patient representatives will see" not in page_text(plain)


def test_a_lead_is_told_after_saving_a_consensus_reason_that_names_a_bidder(app, client, lead, panel, rep):
    from ..helpers import gen_scores

    p = named_procurement(lead, [panel, rep])
    gen_scores(p, {panel: 3, rep: 3})
    to_moderation(p, lead)
    sign_in(client, lead)
    a, q1 = p.bidders[0], p.sections[0]
    response = client.post(
        f"/procurements/{p.id}/moderation/sections/{q1.id}/bidders/{a.id}",
        data={"score": "3", "rationale": "The Cafe Medecins bid was the clearest", "version": "0", "keep": "y"},
        follow_redirects=True,
    )
    text = page_text(response)
    assert (
        "The consensus reason names a bidder. Patient representatives will see it with “Bidder A” "
        "in place of “The Cafe Medecins”." in text
    )


def test_a_rep_who_names_a_bidder_is_told_without_being_shown_the_name(app, client, lead, panel, rep):
    p = named_procurement(lead, [panel, rep])
    evaluation.declare_conflicts(rep, p, {b.id: (False, "") for b in p.bidders})
    db.session.commit()
    sign_in(client, rep)
    a, q2 = p.bidders[0], p.sections[1]
    response = client.post(
        f"/evaluate/{p.id}/bidders/{a.id}/sections/{q2.id}",
        data={"score": "2", "rationale": "Café Médecins runs it now", "version": "0", "save_draft": "y"},
        follow_redirects=True,
    )
    text = page_text(response)
    assert (
        "Your reason names a bidder or a price. Other patient representatives will see the bidder's "
        "code in its place" in text
    )
    assert "Médecins" not in text


def test_no_warning_when_the_procurement_is_not_anonymised(app, client, lead, panel, rep):
    p = named_procurement(lead, [panel, rep], anonymised=False)
    evaluation.declare_conflicts(panel, p, {b.id: (False, "") for b in p.bidders})
    db.session.commit()
    sign_in(client, panel)
    a, q1 = p.bidders[0], p.sections[0]
    response = client.post(
        f"/evaluate/{p.id}/bidders/{a.id}/sections/{q1.id}",
        data={"score": "3", "rationale": "Café Médecins Ltd", "version": "0", "save_draft": "y"},
        follow_redirects=True,
    )
    assert "Patient representatives will see" not in page_text(response)


def test_page_structure_is_not_mistaken_for_a_bidder_name(app):
    """A bidder called like a URL word or a CSS class leaves the page's links and classes alone."""
    from flask import render_template_string
    from flask_login import login_user

    lead = gen_user(Role.LEAD, "Lee Lead")
    rep = gen_user(Role.PATIENT, "Pat Patel")
    p = gen_procurement(lead=lead, evaluators=[rep], open_scoring=False)
    setup.update_bidder(p.bidders[0], code="Bidder A", name="Evaluate Button Ltd", actor=lead)
    db.session.commit()
    with app.test_request_context(f"/evaluate/{p.id}"):
        from flask import request

        request.view_args = {"procurement_id": p.id}
        login_user(rep)
        out = render_template_string(
            '<a class="{{ c }}" href="{{ u }}">{{ t }}</a>',
            c="nhsuk-evaluate-button app-evaluate-button",
            u="/evaluate/button",
            t="Evaluate Button did well",
        )
    assert out == ('<a class="nhsuk-evaluate-button app-evaluate-button" href="/evaluate/button">Bidder A did well</a>')


def test_a_lead_is_told_when_a_section_question_names_a_bidder(app, client, lead, panel, rep):
    p = gen_procurement(lead=lead, evaluators=[panel, rep], open_scoring=False)
    setup.update_bidder(p.bidders[0], code="Bidder A", name="St John’s Care LLP", actor=lead)
    db.session.commit()
    q1 = p.sections[0]
    sign_in(client, lead)
    response = client.post(
        f"/procurements/{p.id}/sections/{q1.id}/edit",
        data={
            "code": "Q1",
            "title": "Section Q1",
            "question": "How is this better than St Johns Care?",
            "guidance": "",
            "weight": "60",
            "max_score": "4",
            "scored_by": "both",
            "threshold": "",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert (
        "The section names a bidder. Patient representatives will see it with “Bidder A” in place "
        "of “St Johns Care”." in page_text(response)
    )
