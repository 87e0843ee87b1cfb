"""A final PSR procurement with everything an award record holds.

Sections Q1 (50%, both, quality), Q2 (30%, patient, access), Q3 (20%, panel, integration); no
section serves value or social value, and the lead explains why value is less relevant. Bidders
A, B, C. Rowan (rep) declares a conflict with Bidder C and keeps it; Jo (panel) declares one with
Bidder B, which the lead withdraws with a reason. The weights change after scoring opens, with a
reason. Every cell gets a consensus with a reason; the result is finalised; the notice is
published on Wed 23 Dec 2026, representations come in and the authority goes ahead on Mon 11 Jan 2027.
"""

from __future__ import annotations

from datetime import date

import pytest

from scoring.extensions import db
from scoring.models import Declaration, Role
from scoring.services import assignments, evaluation, moderation, regime, setup
from scoring.services.finalise import finalise

from ..helpers import gen_procurement, gen_scores, gen_user, to_moderation

WEIGHT_REASON = "The patient panel asked for access to count for more"
WITHDRAW_REASON = "Jo's former employer merged into Bidder B years ago; no current link"


def consensus_reason(bidder, section):
    return f"Agreed for {bidder.code} on {section.code}: the evidence in the answer"


@pytest.fixture
def people(app):
    return {"rowan": gen_user(Role.PATIENT, "Rowan Reid"), "jo": gen_user(Role.PANEL, "Jo Finch")}


def build(lead, rep, panel, people, *, regime_code="psr", reference="GP-LAW-01"):
    rowan, jo = people["rowan"], people["jo"]
    p = gen_procurement(
        lead=lead,
        reference=reference,
        regime=regime_code,
        sections=[("Q1", 50, "both", "quality"), ("Q2", 30, "patient", "access"), ("Q3", 20, "panel", "integration")],
        bidders=("Bidder A", "Bidder B", "Bidder C"),
        evaluators=[rep, rowan, panel, jo],
        open_scoring=False,
    )
    p.title = "Riverside Surgery GP services"
    regime.set_regime(p, regime=regime_code, service_type="GP practice (APMS)", actor=lead)
    regime.save_key_criterion_notes(
        p, {"value": "The contract price is set nationally, so bids do not compete on it."}, actor=lead
    )
    setup.open_scoring(p, actor=lead)
    db.session.commit()
    a, b, c = p.bidders
    evaluation.declare_conflicts(
        rowan, p, {a.id: (False, ""), b.id: (False, ""), c.id: (True, "My sister is a partner at Bidder C")}
    )
    evaluation.declare_conflicts(
        jo, p, {a.id: (False, ""), b.id: (True, "I used to work for Bidder B"), c.id: (False, "")}
    )
    declaration = db.session.scalar(
        db.select(Declaration).where(Declaration.user_id == jo.id, Declaration.bidder_id == b.id)
    )
    assignments.withdraw_conflict(declaration, reason=WITHDRAW_REASON, actor=lead)
    q1, q2, q3 = p.sections
    setup.set_weights(p, {q1.id: 45, q2.id: 35, q3.id: 20}, reason=WEIGHT_REASON, actor=lead)
    gen_scores(p, {rep: 3, rowan: 2, panel: 4, jo: 1}, rationale="{evaluator} gave {value}: see the answer")
    to_moderation(p, lead)
    for section, values in ((q1, (4, 2, 3)), (q2, (3, 3, 1)), (q3, (3, 2, 2))):
        for bidder, value in zip(p.bidders, values):
            moderation.record_consensus(
                actor=lead,
                procurement=p,
                bidder=bidder,
                section=section,
                value=value,
                rationale=consensus_reason(bidder, section),
                expected_version=0,
            )
    db.session.commit()
    regime.save_decision_details(
        p,
        decision_makers="The ICB's Primary Care Commissioning Committee",
        weighting_rationale="Quality matters most to the patients we asked.",
        actor=lead,
    )
    regime.save_experience(
        p, {rep.id: "Chair of the practice's patient group for 6 years", panel.id: "GP partner, 20 years"}, actor=lead
    )
    db.session.commit()
    finalise(p, actor=lead)
    db.session.commit()
    return p


@pytest.fixture
def decided(app, lead, rep, panel, people):
    p = build(lead, rep, panel, people)
    regime.record_publication(p, date(2026, 12, 23), actor=lead, today=date(2027, 1, 20))
    regime.record_representations(p, received=True, decision="proceed", decided_on=date(2027, 1, 11), actor=lead)
    db.session.commit()
    return p


@pytest.fixture
def lead_client(app, lead):
    from ..helpers import sign_in

    client = app.test_client()
    sign_in(client, lead)
    return client
