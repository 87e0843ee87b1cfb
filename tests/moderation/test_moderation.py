"""The moderation meeting: scores side by side, disagreements, consensus, and who sees what."""

from __future__ import annotations

import json

import pytest

from scoring.extensions import db
from scoring.models import AuditEvent, Consensus, Role, Score
from scoring.services import moderation
from scoring.services.errors import NotAllowed, Refused, StaleVersion

from ..helpers import gen_procurement, gen_scores, gen_user
from .conftest import cell_url, client_for, post_consensus, text_of


def scores_snapshot():
    return sorted(
        (s.evaluator_id, s.bidder_id, s.section_id, s.value, s.rationale, s.status, s.version)
        for s in db.session.query(Score).all()
    )


def test_lead_sees_every_score_by_name_with_proposal_and_disagreement(app, in_moderation):
    p = in_moderation
    lead_client = client_for(app, p.lead)
    page = lead_client.get(f"/procurements/{p.id}/moderation/sections/{p.sections[0].id}").get_data(as_text=True)
    for name in ("Pat Patel", "Rowan Reid", "Morgan Panel", "Jo Finch"):
        assert name in page
    # Q1, Bidder A: 4, 3, 1, 2 -> proposed 2.5, spread 3 >= 2: flagged. Bidder B: 2, 2, 3, 3 -> 2.5, spread 1.
    row_a = page[page.index('id="bidder-%d"' % p.bidders[0].id) : page.index('id="bidder-%d"' % p.bidders[1].id)]
    row_b = page[page.index('id="bidder-%d"' % p.bidders[1].id) :]
    assert "<strong>2.5</strong>" in row_a and "Disagree" in row_a and "Scores 3 apart" in row_a
    assert "<strong>2.5</strong>" in row_b and "Disagree" not in row_b.split("</tr>")[0]
    assert "Scored 4 because of the evidence" in row_a  # each reason one click away
    overview = lead_client.get(f"/procurements/{p.id}/moderation").get_data(as_text=True)
    assert "0 of 4 agreed" in overview
    assert "1 answer where the evaluators disagree still needs a consensus" in overview


def test_reps_see_numbered_evaluators_never_names(app, in_moderation, rep):
    p = in_moderation
    client = client_for(app, rep)
    page = client.get(f"/procurements/{p.id}/moderation/sections/{p.sections[0].id}").get_data(as_text=True)
    assert ">You<" in page and "Patient rep 2" in page and "Panel member 1" in page and "Panel member 2" in page
    for secret in ("Rowan Reid", "Morgan Panel", "Jo Finch", "rowan.reid@", "Legal Name Ltd"):
        assert secret not in page


def test_reps_see_no_other_scores_before_moderation(app, scored, rep):
    client = client_for(app, rep)
    response = client.get(f"/procurements/{scored.id}/moderation/sections/{scored.sections[0].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Moderation has not started yet" in page
    assert "Patient rep 2" not in page and "Scored 3 because" not in page


def test_lead_records_consensus_and_original_scores_are_kept(app, in_moderation, lead):
    p = in_moderation
    q1, a = p.sections[0], p.bidders[0]
    before = scores_snapshot()
    response = post_consensus(client_for(app, lead), p, q1, a, 2, "Good phone plan, vague on evenings.")
    assert response.status_code == 302
    consensus = db.session.query(Consensus).one()
    assert (consensus.value, consensus.version, consensus.decided_by_id) == (2, 1, lead.id)
    assert scores_snapshot() == before  # moderation never overwrites an evaluator's score
    event = db.session.query(AuditEvent).filter_by(action="consensus.recorded").one()
    assert event.before_json is None
    assert json.loads(event.after_json)["value"] == 2 and event.actor_id == lead.id
    # Changing it records before and after.
    post_consensus(client_for(app, lead), p, q1, a, 3, "On reflection, good.", version=1)
    events = db.session.query(AuditEvent).filter_by(action="consensus.recorded").order_by(AuditEvent.id).all()
    assert json.loads(events[1].before_json)["value"] == 2 and json.loads(events[1].after_json)["value"] == 3
    page = client_for(app, lead).get(f"/procurements/{p.id}/moderation").get_data(as_text=True)
    assert "1 of 4 agreed" in page
    cell = text_of(client_for(app, lead).get(cell_url(p, q1, a)).get_data(as_text=True))
    assert "Scored 1 because of the evidence" in cell and "On reflection, good." in cell  # both kept
    # Who changed what in moderation, and why.
    assert "Changes to this consensus" in cell
    assert "Who Lee Lead Score First recorded: 2 Reason Good phone plan, vague on evenings." in cell
    assert "Who Lee Lead Score 2 to 3 Reason On reflection, good." in cell


@pytest.mark.parametrize(
    "score, rationale, message",
    [
        (None, "Agreed", "Choose the agreed score from 0 to 4"),
        (5, "Agreed", "Choose the agreed score from 0 to 4"),
        (2, "   ", "Give the reason the panel agreed this score"),
    ],
)
def test_consensus_needs_a_score_on_the_scale_and_a_reason(app, in_moderation, lead, score, rationale, message):
    p = in_moderation
    response = post_consensus(client_for(app, lead), p, p.sections[0], p.bidders[0], score, rationale)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "<title>Error:" in page
    assert db.session.query(Consensus).count() == 0
    assert db.session.query(AuditEvent).filter_by(action="consensus.recorded").count() == 0


def test_stale_consensus_is_refused_and_both_versions_are_shown(app, in_moderation, lead, rep):
    p = in_moderation
    q1, a = p.sections[0], p.bidders[0]
    assert post_consensus(client_for(app, rep), p, q1, a, 3, "The rep's record of the meeting").status_code == 302
    # The lead's form was loaded before the rep saved: it still holds version 0.
    response = post_consensus(client_for(app, lead), p, q1, a, 2, "The lead's record of the meeting")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone recorded a consensus after you opened this page" in page
    assert "The rep&#39;s record of the meeting" in page  # the saved version
    assert "The lead&#39;s record of the meeting" in page  # the user's own, still in the form
    assert 'name="version" id="version" value="1"' in page  # saving again now overwrites knowingly
    assert db.session.query(Consensus).one().rationale == "The rep's record of the meeting"
    assert post_consensus(client_for(app, lead), p, q1, a, 2, "The lead's", version=1).status_code == 302
    assert db.session.query(Consensus).one().value == 2


def test_service_refuses_stale_versions_outside_the_web_too(app, in_moderation, lead):
    p = in_moderation
    args = dict(actor=lead, procurement=p, bidder=p.bidders[0], section=p.sections[0], value=3, rationale="x")
    moderation.record_consensus(**args, expected_version=0)
    with pytest.raises(StaleVersion) as raised:
        moderation.record_consensus(**args, expected_version=0)
    assert raised.value.current.version == 1


def test_consensus_only_during_moderation(app, scored, lead):
    with pytest.raises(Refused, match="only be recorded during moderation"):
        moderation.record_consensus(
            actor=lead,
            procurement=scored,
            bidder=scored.bidders[0],
            section=scored.sections[0],
            value=2,
            rationale="x",
            expected_version=0,
        )
    response = post_consensus(client_for(app, lead), scored, scored.sections[0], scored.bidders[0], 2, "x")
    assert response.status_code == 400
    assert db.session.query(Consensus).count() == 0


def test_evaluators_moderate_only_sections_they_scored(app, in_moderation, panel, rep):
    p = in_moderation
    q2 = p.sections[1]  # patient reps only
    assert client_for(app, panel).get(f"/procurements/{p.id}/moderation/sections/{q2.id}").status_code == 403
    assert post_consensus(client_for(app, panel), p, q2, p.bidders[0], 3, "x").status_code == 403
    with pytest.raises(NotAllowed):
        moderation.record_consensus(
            actor=panel, procurement=p, bidder=p.bidders[0], section=q2, value=3, rationale="x", expected_version=0
        )
    assert post_consensus(client_for(app, rep), p, q2, p.bidders[0], 3, "Reps agreed").status_code == 302


def test_evaluator_with_a_conflict_does_not_see_or_moderate_that_bidder(app, lead):
    rep = gen_user(Role.PATIENT, "Conflicted Rep")
    rep2 = gen_user(Role.PATIENT, "Other Rep")
    panel = gen_user(Role.PANEL, "Panel Person")
    p = gen_procurement(lead=lead, evaluators=[rep, rep2, panel])
    from scoring.services import evaluation

    a, b = p.bidders
    evaluation.declare_conflicts(rep, p, {a.id: (True, "My sister works there"), b.id: (False, "")})
    gen_scores(p, {rep: 3, rep2: 2, panel: 2})
    from ..helpers import to_moderation

    to_moderation(p, lead)
    client = client_for(app, rep)
    page = client.get(f"/procurements/{p.id}/moderation/sections/{p.sections[0].id}").get_data(as_text=True)
    assert f'id="bidder-{b.id}"' in page and f'id="bidder-{a.id}"' not in page
    assert client.get(cell_url(p, p.sections[0], a)).status_code == 403
    assert post_consensus(client, p, p.sections[0], a, 3, "x").status_code == 403


def test_price_sections_are_not_moderated(app, lead, rep, panel):
    p = gen_procurement(
        lead=lead, evaluators=[rep, panel], open_scoring=False, sections=[("Q1", 70, "both"), ("P", 30, "price")]
    )
    from scoring.services import setup

    for bidder, price in zip(p.bidders, (100_000.0, 125_000.0)):
        bidder.price = price
    setup.open_scoring(p, actor=lead)
    db.session.commit()
    gen_scores(p, {rep: 3, panel: 2})
    from ..helpers import to_moderation

    to_moderation(p, lead)
    price = p.sections[1]
    with pytest.raises(NotAllowed, match="price section"):
        moderation.record_consensus(
            actor=lead, procurement=p, bidder=p.bidders[0], section=price, value=4, rationale="x", expected_version=0
        )
    page = client_for(app, lead).get(f"/procurements/{p.id}/moderation/sections/{price.id}").get_data(as_text=True)
    assert "Bidder B (Bidder B Legal Name Ltd) £125,000.00 3.2" in text_of(page)  # 100,000 / 125,000 x 4
    # Reps never see price sections.
    assert client_for(app, rep).get(f"/procurements/{p.id}/moderation/sections/{price.id}").status_code == 403
    assert "P: Section P" not in client_for(app, rep).get(f"/procurements/{p.id}/moderation").get_data(as_text=True)


def test_rationales_are_escaped(app, in_moderation, lead):
    p = in_moderation
    post_consensus(client_for(app, lead), p, p.sections[0], p.bidders[0], 2, "<script>alert(1)</script>")
    page = (
        client_for(app, lead).get(f"/procurements/{p.id}/moderation/sections/{p.sections[0].id}").get_data(as_text=True)
    )
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_procurement_is_404_and_other_leads_get_403(app, in_moderation):
    other_lead = gen_user(Role.LEAD, "Other Lead")
    outsider = gen_user(Role.PATIENT, "Outsider Rep")
    p = in_moderation
    assert client_for(app, p.lead).get("/procurements/9999/moderation").status_code == 404
    assert client_for(app, other_lead).get(f"/procurements/{p.id}/moderation").status_code == 403
    assert client_for(app, outsider).get(f"/procurements/{p.id}/moderation").status_code == 403
    assert post_consensus(client_for(app, other_lead), p, p.sections[0], p.bidders[0], 2, "x").status_code == 403
    assert db.session.query(Consensus).count() == 0


def test_signed_out_visitors_are_sent_to_sign_in(client, in_moderation):
    response = client.get(f"/procurements/{in_moderation.id}/moderation")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
