"""Issue 15, items 1, 2 and 8: a reason for every agreed score, reasons that score against the criteria,
and finalising from the command line with the same rules.

The procurement (tests/moderation/conftest.py): Q1 (60%, both groups), Q2 (40%, patient reps);
Bidders A and B. Proposed scores: Q1 A 2.5 (scores 4, 3, 1, 2: a disagreement), Q1 B 2.5,
Q2 A 3.5, Q2 B 1.5.
"""

from __future__ import annotations

import json

import pytest

from scoring.extensions import db
from scoring.models import Acceptance, AuditEvent, Consensus, Procurement
from scoring.services import moderation

from ..helpers import ACCEPT_REASON
from .conftest import cell_url, client_for, post_consensus, text_of

GOOD = "The answer covers each point of the guidance with evidence, so it meets the requirement in full."


def finalise_url(p):
    return f"/procurements/{p.id}/moderation/finalise"


def accept(client, p, section, bidder, reason, keep=False):
    data = {"action": "accept", "reason": reason}
    if keep:
        data["keep"] = "y"
    return client.post(cell_url(p, section, bidder), data=data)


def test_finalise_is_refused_while_a_cell_has_no_reason_then_accepted(app, in_moderation, lead):
    p = in_moderation
    q1, q2 = p.sections
    a, b = p.bidders
    client = client_for(app, lead)
    page = text_of(client.get(finalise_url(p)).get_data(as_text=True))
    assert "Answers without a reason" in page and "4 answers are left" in page
    assert "Bidder A, Q1: no reason yet. Record a consensus, or accept the proposed score 2.5 with a reason." in page
    assert f'href="{cell_url(p, q2, b)}"' in client.get(finalise_url(p)).get_data(as_text=True)

    refused = client.post(finalise_url(p))
    assert refused.status_code == 400
    shown = text_of(refused.get_data(as_text=True))
    assert "4 answers have a score without a reason. Every score a bidder gets needs a reason it can be told." in shown
    assert "Bidder B, Q2: no reason yet. Record a consensus, or accept the proposed score 1.5 with a reason." in shown
    db.session.refresh(p)
    assert p.status == "moderation" and p.final_result_json is None

    # The disagreement gets a consensus; one cell is accepted on its own page; Q2 as a whole section.
    assert post_consensus(client, p, q1, a, 3, GOOD, keep=False).status_code == 302
    page = text_of(client.get(cell_url(p, q1, b)).get_data(as_text=True))
    assert "Accept 2.5 (the average) because" in page
    assert accept(client, p, q1, b, GOOD).status_code == 302
    section_page = text_of(client.get(f"/procurements/{p.id}/moderation/sections/{q2.id}").get_data(as_text=True))
    assert "Accept the proposed scores of 2 undisputed answers, with a reason each" in section_page
    url = f"/procurements/{p.id}/moderation/sections/{q2.id}/accept"
    form = text_of(client.get(url).get_data(as_text=True))
    assert "Bidder A (Bidder A Legal Name Ltd): accept 3.5 because" in form
    response = client.post(url, data={f"reason-{a.id}": GOOD, f"reason-{b.id}": ACCEPT_REASON})
    assert response.status_code == 302
    assert "Every answer has a score with a reason" in text_of(client.get(finalise_url(p)).get_data(as_text=True))

    assert client.post(finalise_url(p)).status_code == 302
    db.session.refresh(p)
    stored = json.loads(p.final_result_json)["view"]
    assert stored["agreement"]["Bidder A"] == {"Q1": "consensus", "Q2": "accepted"}
    assert stored["agreement"]["Bidder B"] == {"Q1": "accepted", "Q2": "accepted"}
    assert stored["accepted"]["Bidder B"]["Q2"] == {"value": 1.5, "rationale": ACCEPT_REASON, "kept_warnings": False}
    assert stored["accepted"]["Bidder A"]["Q1"] is None
    events = db.session.query(AuditEvent).filter_by(action="acceptance.recorded").all()
    assert len(events) == 3 and {json.loads(e.after_json)["value"] for e in events} == {2.5, 3.5, 1.5}


def test_an_acceptance_of_a_score_that_changed_is_asked_for_again(app, in_moderation, lead):
    p = in_moderation
    q2, a = p.sections[1], p.bidders[0]
    moderation.record_acceptance(actor=lead, procurement=p, bidder=a, section=q2, rationale=GOOD)
    row = db.session.query(Acceptance).one()
    row.value = 3.0  # as if the scores had changed since it was accepted (after a return to scoring)
    db.session.commit()
    stale = [x for x in moderation.blockers(p) if x.kind == "stale"]
    assert [x.message for x in stale] == [
        "Bidder A, Q2: 3 was accepted, but the proposed score is now 3.5. Accept it again with a reason, "
        "or record a consensus."
    ]


def test_only_the_lead_accepts_a_proposed_score(app, in_moderation, rep):
    p = in_moderation
    response = accept(client_for(app, rep), p, p.sections[1], p.bidders[0], GOOD)
    assert response.status_code == 403
    assert db.session.query(Acceptance).count() == 0


PHRASES = [
    "better than",
    "worse than",
    "weaker than",
    "stronger than",
    "the best bid",
    "the worst bid",
    "compared with",
    "compared to",
    "in comparison",
    "than the others",
    "than other bidders",
    "the strongest",
    "the weakest",
    "outscored",
    "ranked above",
    "ranked below",
]


def test_every_phrase_in_the_setting_has_its_own_test(app):
    assert sorted(app.config["REASON_COMPARATIVE_PHRASES"]) == sorted(PHRASES)


@pytest.mark.parametrize("phrase", PHRASES)
def test_each_comparative_phrase_is_warned_and_a_kept_warning_recorded(app, in_moderation, lead, phrase):
    p = in_moderation
    assert phrase in app.config["REASON_COMPARATIVE_PHRASES"]
    q2, a = p.sections[1], p.bidders[0]
    reason = f"On patient involvement this answer was {phrase} what we expected, with a clear plan for feedback."
    client = client_for(app, lead)
    warned = accept(client, p, q2, a, reason)
    page = text_of(warned.get_data(as_text=True))
    assert warned.status_code == 200
    assert (
        f"The reason says \u201c{phrase}\u201d, which compares bids. Say how this answer meets the criteria instead."
        in page
    )
    assert "Keep this reason as it is (the warning is recorded)" in page
    assert db.session.query(Acceptance).count() == 0  # nothing saved until the lead revises or keeps it

    assert accept(client, p, q2, a, reason, keep=True).status_code == 302
    kept = db.session.query(Acceptance).one()
    assert phrase in json.loads(kept.kept_warnings)[0]
    event = db.session.query(AuditEvent).filter_by(action="acceptance.recorded").one()
    assert json.loads(event.after_json)["kept_warnings"] == json.loads(kept.kept_warnings)
    assert "1 reason was kept although the form warned" in text_of(client.get(finalise_url(p)).get_data(as_text=True))


def test_the_phrase_list_is_a_setting(app, in_moderation, lead):
    p = in_moderation
    app.config["REASON_COMPARATIVE_PHRASES"] = ("head and shoulders",)
    text = "Head and shoulders: the plan covers every point of the guidance with good evidence."
    assert moderation.reasons.warnings_for(text, p.bidders[0], p) == [
        "The reason says \u201chead and shoulders\u201d, which compares bids. Say how this answer meets the "
        "criteria instead."
    ]
    assert moderation.reasons.warnings_for(text.replace("Head and shoulders:", "Clearly"), p.bidders[0], p) == []


def test_naming_another_bidder_or_a_short_reason_is_warned_on_the_consensus_form(app, in_moderation, lead):
    p = in_moderation
    q1, a = p.sections[0], p.bidders[0]
    client = client_for(app, lead)
    for reason, warning in (
        (
            "Like Bidder B it covers the phones well and explains the evening clinics in detail.",
            "The reason names Bidder B, another bidder. Explain the score against the criteria, not by comparing "
            "this bid with other bids.",
        ),
        (
            "Unlike bidder b legal name ltd, this answer explains the evening clinics and phone times in detail.",
            "The reason names Bidder B, another bidder.",
        ),
        (
            "Good answer.",
            "The reason has 2 words. A reason of at least 8 words is more likely to explain the score to the bidder.",
        ),
    ):
        response = post_consensus(client, p, q1, a, 3, reason, keep=False)
        assert response.status_code == 200 and warning in text_of(response.get_data(as_text=True))
        assert db.session.query(Consensus).count() == 0
    # Naming the bidder itself is fine.
    assert (
        moderation.reasons.warnings_for(
            "Bidder A explains the evening clinics and how the phones are answered in detail.", a, p
        )
        == []
    )
    assert post_consensus(client, p, q1, a, 3, "Good answer.", keep=True).status_code == 302
    consensus = db.session.query(Consensus).one()
    assert json.loads(consensus.kept_warnings)[0].startswith("The reason has 2 words")
    event = db.session.query(AuditEvent).filter_by(action="consensus.recorded").one()
    assert json.loads(event.after_json)["kept_warnings"][0].startswith("The reason has 2 words")


def test_finalise_from_the_command_line_lists_every_blocking_cell_then_finalises(app, in_moderation, lead):
    p = in_moderation
    runner = app.test_cli_runner()
    result = runner.invoke(args=["finalise", p.reference, "--lead", lead.email])
    assert result.exit_code != 0
    assert f"{p.reference} was not finalised:" in result.output
    assert "4 answers have a score without a reason." in result.output
    for cell in ("Bidder A, Q1", "Bidder A, Q2", "Bidder B, Q1", "Bidder B, Q2"):
        assert f"{cell}: no reason yet. Record a consensus, or accept the proposed score" in result.output
    assert runner.invoke(args=["finalise", p.reference, "--lead", "nobody@example.org"]).exit_code != 0
    from ..helpers import accept_the_rest

    accept_the_rest(db.session.get(Procurement, p.id), lead)
    result = runner.invoke(args=["finalise", p.reference, "--lead", lead.email])
    assert result.exit_code == 0, result.output
    assert f"{p.reference} is final. Winner: Bidder A." in result.output
    db.session.expire_all()
    assert db.session.get(Procurement, p.id).is_final


def test_a_sections_acceptance_form_refuses_no_reasons_and_warns_before_saving(app, in_moderation, lead):
    p = in_moderation
    q2 = p.sections[1]
    a, b = p.bidders
    client = client_for(app, lead)
    url = f"/procurements/{p.id}/moderation/sections/{q2.id}/accept"
    empty = client.post(url, data={f"reason-{a.id}": "", f"reason-{b.id}": " "})
    assert empty.status_code == 400
    page = text_of(empty.get_data(as_text=True))
    assert page.startswith("Error: ") and "Give a reason for at least one bidder's proposed score." in page
    warned = client.post(url, data={f"reason-{a.id}": GOOD, f"reason-{b.id}": "Weaker than Bidder A on feedback."})
    page = text_of(warned.get_data(as_text=True))
    assert warned.status_code == 200 and "Nothing is saved yet." in page
    assert "Warning: Bidder B: The reason names Bidder A, another bidder." in page
    assert db.session.query(Acceptance).count() == 0
    kept = client.post(
        url, data={f"reason-{a.id}": GOOD, f"reason-{b.id}": "Weaker than Bidder A on feedback.", "keep": "y"}
    )
    assert kept.status_code == 302
    rows = {x.bidder_id: x for x in db.session.query(Acceptance)}
    assert rows[a.id].kept_warnings == "" and len(json.loads(rows[b.id].kept_warnings)) == 3  # name, phrase, short
