"""A small, realistic demo procurement: a GP practice re-procurement in scoring."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Procurement, Response, Role, ScoreSource, User
from . import accounts, evaluation, regime, setup

DEMO_PASSWORD = "demo-scoring-2027"
DEMO_REFERENCE = "GP-2027-01"

DEMO_USERS = [
    ("admin@example.org", "Alex Admin", Role.ADMIN, None),
    ("lead@example.org", "Lee Lead", Role.LEAD, None),
    ("lead2@example.org", "Lou Otherlead", Role.LEAD, None),
    ("rep@example.org", "Pat Patel", Role.PATIENT, date(2026, 3, 27)),
    ("rep2@example.org", "Rowan Reid", Role.PATIENT, date(2026, 3, 27)),
    ("rep3@example.org", "Sam Shah", Role.PATIENT, date(2026, 5, 12)),
    ("newrep@example.org", "Nia Newton", Role.PATIENT, None),
    ("panel@example.org", "Dr Morgan Ellis", Role.PANEL, None),
    ("panel2@example.org", "Jo Finch", Role.PANEL, None),
    ("review@example.org", "Ines Involvement", Role.REVIEWER, None),
]

# PSR regulation 5: the key criterion each section serves (scoring/law/key_criteria.py).
KEY_CRITERIA = {
    "Q1": "access",
    "Q2": "quality",
    "Q3": "access",
    "Q4": "quality",
    "Q5": "integration",
    "Q6": "social_value",
}
# No section competes on price: GP core funding is set nationally, so "value" is explained instead.
VALUE_NOTE = (
    "The practice is paid the nationally set contract price, so bids do not compete on price. "
    "Value for money is assessed through the workforce and quality sections."
)

SECTIONS = [
    (
        "Q1",
        "Access to appointments",
        20,
        "both",
        "How will you make sure patients can get an appointment when they need one, including on the phone, online and in person?",
        "A good answer explains opening hours, how the phones are answered, and how people who are not online are helped.",
    ),
    (
        "Q2",
        "Patient experience and involvement",
        15,
        "patient",
        "How will you listen to patients and involve them in running the practice?",
        "Look for a patient participation group, how feedback is acted on, and how the practice tells patients what changed.",
    ),
    (
        "Q3",
        "Accessible information and reasonable adjustments",
        10,
        "both",
        "How will you meet the Accessible Information Standard and make reasonable adjustments for disabled patients?",
        "A good answer covers easy read, large print, British Sign Language, and longer appointments.",
    ),
    (
        "Q4",
        "Clinical quality and safety",
        25,
        "panel",
        "How will you deliver safe, high-quality clinical care and meet the regulator's standards?",
        "Clinical governance, safeguarding, prescribing and audit.",
    ),
    (
        "Q5",
        "Workforce",
        15,
        "panel",
        "How will you recruit and keep enough skilled staff?",
        "Staffing plans, skill mix, training, and cover for absence.",
    ),
    (
        "Q6",
        "Working with the local community",
        15,
        "both",
        "How will you work with local services and groups to improve health in the community?",
        "Partnerships with the primary care network, the council and voluntary groups.",
    ),
]

BIDDERS = [
    ("Bidder A", "Riverside Health Partnership LLP"),
    ("Bidder B", "Meadow Primary Care Ltd"),
    ("Bidder C", "Northgate Community Interest Company"),
]

ANSWERS = {
    "Bidder A": "We will keep the current opening hours, add evening clinics twice a week, and answer the phone within 3 minutes on average.",
    "Bidder B": "We will offer online booking and a call-back service. Reception will help anyone who cannot use the internet.",
    "Bidder C": "We will open from 8am to 8pm on weekdays and on Saturday mornings, with a named care navigator for patients who need extra help.",
}

# (evaluator email, bidder, section) -> (score, reason). Rowan, Sam and the panel have
# already scored; Pat (the demo login) has not, so the whole journey can be tried.
_PRESCORED = {
    "rep2@example.org": [3, 2, 4, 2, 3, 3, 3, 2, 3, 4, 3, 3],
    "rep3@example.org": [2, 3, 3, 3, 2, 4, 2, 2, 3, 4, 4, 3],
    "panel@example.org": [3, 3, 2, 4, 3, 3, 3, 4, 3, 2, 2, 3, 3, 3, 2],
    "panel2@example.org": [2, 3, 3, 4, 4, 2, 3, 3, 2, 3, 3, 3, 4, 2, 3],
}


def seed_demo(*, region: bool = False) -> tuple[Procurement, list[tuple[str, str, str]]]:
    """Create the demo users and procurement unless they exist. Returns it and the logins.

    ``region``: also load the past, finalised procurements of the demo region
    (`demo_region`), which the patient voice review and the what-if evidence read. Off here
    because it costs seconds and many tests seed the demo; ``flask seed-demo`` loads it.

    Refused when SCORING_ENV=production: the demo accounts share a published password.
    """
    from flask import current_app

    from .errors import Refused

    if current_app.config.get("ENV_NAME") == "production":
        raise Refused(
            "seed-demo does not run when SCORING_ENV=production: the demo accounts share a "
            "password printed in the README, so anyone could sign in with them."
        )
    users: dict[str, User] = {}
    for email, name, role, trained in DEMO_USERS:
        user = accounts.find_by_email(email)
        if user is None:
            user = accounts.create_user(
                email=email, name=name, role=role, password=DEMO_PASSWORD, training_completed_on=trained
            )
        users[email] = user
    logins = [(email, DEMO_PASSWORD, role.label) for email, _, role, _ in DEMO_USERS]

    if region:
        from .demo_region import seed_region

        seed_region()
    existing = db.session.scalar(select(Procurement).where(Procurement.reference == DEMO_REFERENCE))
    if existing is not None:
        return existing, logins

    lead = users["lead@example.org"]
    procurement = setup.create_procurement(
        reference=DEMO_REFERENCE,
        title="Riverside Surgery GP services",
        lead=lead,
        actor=lead,
        regime="psr",
        service_type="GP practice (APMS)",
    )
    sections = [
        setup.add_section(
            procurement,
            code=code,
            title=title,
            weight=weight,
            scored_by=by,
            question=question,
            guidance=guidance,
            actor=lead,
            threshold=1 if code == "Q4" else None,
            key_criterion=KEY_CRITERIA[code],
        )
        for code, title, weight, by, question, guidance in SECTIONS
    ]
    regime.save_key_criterion_notes(procurement, {"value": VALUE_NOTE}, actor=lead)
    regime.save_decision_details(
        procurement,
        decision_makers="The ICB's Primary Care Commissioning Committee",
        weighting_rationale="Access and quality carry most weight because patients told us at the "
        "engagement events that getting an appointment mattered most.",
        actor=lead,
    )
    bidders = [setup.add_bidder(procurement, code=code, name=name, actor=lead) for code, name in BIDDERS]
    for bidder in bidders:
        for section in sections:
            db.session.add(
                Response(
                    bidder_id=bidder.id,
                    section_id=section.id,
                    text=f"{ANSWERS[bidder.code]}\n\n(Answer to {section.code}: {section.title}.)",
                )
            )
    for section in sections:
        for user in users.values():
            if user.group is not None and user.is_trained and section.scored_by.includes(user.group):
                setup.assign_evaluator(section, user, actor=lead)
    setup.open_scoring(procurement, actor=lead)

    for email, values in _PRESCORED.items():
        evaluator = users[email]
        evaluation.declare_conflicts(evaluator, procurement, {b.id: (False, "") for b in bidders})
        cells = evaluation.cells_for(evaluator, procurement)
        for cell, value in zip(cells, values):
            evaluation.save_score(
                evaluator=evaluator,
                procurement=procurement,
                bidder=cell.bidder,
                section=cell.section,
                value=value,
                rationale=f"Scored {value}: {_reason(value)}",
                expected_version=0,
                source=ScoreSource.ONLINE,
            )
        evaluation.submit_scores(evaluator, procurement)
    return procurement, logins


def _reason(value: int) -> str:
    return {
        0: "the answer did not address the question.",
        1: "important parts were missing.",
        2: "it met the requirement but had gaps.",
        3: "a full answer with good evidence.",
        4: "an excellent answer with clear detail and evidence.",
    }[value]
