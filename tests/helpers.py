"""Small gen_* builders for users, procurements and scores in tests."""

from __future__ import annotations

import re
from datetime import date

from scoring.extensions import db
from scoring.models import Response, Role
from scoring.services import accounts, setup

PASSWORD = "correct-horse-battery"


def gen_user(
    role: Role | str,
    name: str | None = None,
    *,
    email: str | None = None,
    trained: bool = True,
    password: str | None = PASSWORD,
):
    role = Role(role)
    name = name or f"{role.label} {gen_user.counter}"
    gen_user.counter += 1
    email = email or re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") + "@example.org"
    user = accounts.create_user(
        email=email,
        name=name,
        role=role,
        password=password,
        training_completed_on=date(2026, 1, 15) if (role == Role.PATIENT and trained) else None,
    )
    db.session.commit()
    return user


gen_user.counter = 1


KEY_CRITERIA_IN_TURN = ("quality", "access", "integration", "social_value", "value")


def gen_procurement(
    *,
    lead,
    reference="GP-TEST-01",
    sections=None,
    bidders=("Bidder A", "Bidder B"),
    evaluators=(),
    open_scoring=True,
    anonymised=True,
    regime="psr",
):
    """A procurement with sections [(code, weight, scored_by[, key criterion])], bidders and
    evaluators assigned to every section their group scores. Sections without a key criterion
    get one in turn (price sections "value"), as PSR needs one for each before scoring opens."""
    sections = sections or [("Q1", 60, "both"), ("Q2", 40, "patient")]
    procurement = setup.create_procurement(
        reference=reference, title=f"Test {reference}", lead=lead, actor=lead, anonymised=anonymised, regime=regime
    )
    made_sections = [
        setup.add_section(
            procurement,
            code=spec[0],
            title=f"Section {spec[0]}",
            weight=spec[1],
            scored_by=spec[2],
            question=f"Question {spec[0]}?",
            actor=lead,
            key_criterion=(
                spec[3]
                if len(spec) > 3
                else "value"
                if spec[2] == "price"
                else KEY_CRITERIA_IN_TURN[i % len(KEY_CRITERIA_IN_TURN)]
            ),
        )
        for i, spec in enumerate(sections)
    ]
    made_bidders = [
        setup.add_bidder(procurement, code=code, name=f"{code} Legal Name Ltd", actor=lead) for code in bidders
    ]
    for bidder in made_bidders:
        for section in made_sections:
            db.session.add(
                Response(bidder_id=bidder.id, section_id=section.id, text=f"{bidder.code} answers {section.code}")
            )
    for section in made_sections:
        for user in evaluators:
            if section.scored_by in (user.group, "both"):
                setup.assign_evaluator(section, user, actor=lead)
    if open_scoring:
        setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    return procurement


def sign_in(client, user_or_email, password=PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post("/sign-in", data={"email": email, "password": password})


def gen_scores(procurement, values, *, rationale="Scored {value} because of the evidence", submit=True, default=2):
    """Score and submit through the evaluation service, as each evaluator would.

    ``values`` maps each evaluator to either one score for every cell they score, or
    {(bidder code, section code): score}; cells left out get ``default``. Declares no
    conflicts first (unless the evaluator already declared).
    """
    from scoring.services import evaluation

    for evaluator, given in values.items():
        if not evaluation.has_declared(evaluator, procurement):
            evaluation.declare_conflicts(evaluator, procurement, {b.id: (False, "") for b in procurement.bidders})
        for cell in evaluation.cells_for(evaluator, procurement):
            value = given if isinstance(given, int) else given.get((cell.bidder.code, cell.section.code), default)
            existing = evaluation.find_score(evaluator, cell.bidder, cell.section)
            evaluation.save_score(
                evaluator=evaluator,
                procurement=procurement,
                bidder=cell.bidder,
                section=cell.section,
                value=value,
                rationale=rationale.format(value=value, evaluator=evaluator.name),
                expected_version=existing.version if existing else 0,
            )
        if submit:
            evaluation.submit_scores(evaluator, procurement)


def to_moderation(procurement, lead, reason="Closed for the test"):
    """Close scoring through the set-up service (scoring -> moderation), with a reason."""
    setup.close_scoring(procurement, actor=lead, reason=reason)
    return procurement


ACCEPT_REASON = "The evaluators agreed closely and the answer meets the criteria as the guidance describes."


def accept_the_rest(procurement, lead, reason=ACCEPT_REASON):
    """Accept the proposed score, with a reason, of every cell that still has none (so it can be finalised)."""
    from scoring.services import moderation

    for blocker in moderation.blockers(procurement):
        if blocker.kind != "unscored":
            moderation.record_acceptance(
                actor=lead, procurement=procurement, bidder=blocker.bidder, section=blocker.section, rationale=reason
            )
    return procurement
