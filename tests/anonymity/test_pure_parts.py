"""Parts kept per worker (scoring/fragments.py ``pure_part``: the score form's scale radios) and
the redactor's memory of texts it has redacted: neither may show one reader what was made for
another, nor an answer that has changed."""

from __future__ import annotations

import re

from scoring.extensions import db
from scoring.redaction import Redactor, redactor_for
from scoring.services import evaluation, setup

from ..helpers import gen_procurement, sign_in


def _scored_page(client, procurement, bidder, section):
    page = client.get(f"/evaluate/{procurement.id}/bidders/{bidder.id}/sections/{section.id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _checked(html):
    return re.findall(
        r'<input class="nhsuk-radios__input" id="[^"]*" name="score" type="radio" value="(\d)"'
        r" checked",
        html,
    )


def _procurement(lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel], open_scoring=False)
    # A descriptor naming a bidder: reps read its code, the panel the name.
    setup.set_scale(
        procurement,
        [
            ("Poor", "Worse than Bidder A Legal Name Ltd's answer"),
            ("Fair", ""),
            ("Good", ""),
            ("Very good", ""),
            ("Excellent", ""),
        ],
        actor=lead,
    )
    setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    for user in (rep, panel):
        evaluation.declare_conflicts(user, procurement, {b.id: (False, "") for b in procurement.bidders})
    return procurement


def test_scale_radios_made_for_a_rep_are_never_shown_to_the_panel_or_back(app, lead, rep, panel):
    procurement = _procurement(lead, rep, panel)
    bidder, q1 = procurement.bidders[1], procurement.sections[0]
    rep_client, panel_client = app.test_client(), app.test_client()
    sign_in(rep_client, rep)
    sign_in(panel_client, panel)
    for _round in range(2):  # the second round is served from what the first kept
        rep_page = _scored_page(rep_client, procurement, bidder, q1)
        panel_page = _scored_page(panel_client, procurement, bidder, q1)
        assert "Worse than Bidder A&#39;s answer" in rep_page and "Legal Name" not in rep_page
        assert "Worse than Bidder A Legal Name Ltd&#39;s answer" in panel_page


def test_scale_radios_show_the_answer_saved_now(app, client, lead, rep, panel):
    procurement = _procurement(lead, rep, panel)
    a, b = procurement.bidders
    q1 = procurement.sections[0]
    sign_in(client, rep)
    assert _checked(_scored_page(client, procurement, a, q1)) == []
    for value in (3, 1):
        existing = evaluation.find_score(rep, a, q1)
        evaluation.save_score(
            evaluator=rep,
            procurement=procurement,
            bidder=a,
            section=q1,
            value=value,
            rationale="Because",
            expected_version=existing.version if existing else 0,
        )
        db.session.commit()
        assert _checked(_scored_page(client, procurement, a, q1)) == [str(value)]
        assert _checked(_scored_page(client, procurement, b, q1)) == []


def test_a_redactor_remembers_texts_without_changing_its_answers():
    redactor = redactor_for([type("B", (), {"code": "Bidder A", "name": "Acme Health Ltd", "price": 120_000.0})()])
    assert isinstance(redactor, Redactor)
    texts = ["Acme Health's plan", "No names here", "It costs £120,000", "ACME HEALTH LIMITED"]
    first = [redactor.redact(t) for t in texts]
    assert first == ["Bidder A's plan", "No names here", "It costs [price hidden]", "Bidder A"]
    assert [redactor.redact(t) for t in texts] == first
    for n in range(5000):  # more than it remembers: it forgets, and still answers the same
        redactor.redact(f"filler text {n}")
    assert [redactor.redact(t) for t in texts] == first
