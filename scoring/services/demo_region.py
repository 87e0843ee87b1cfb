"""The demo region: eight past, finalised procurements, so the patient voice review, its curve
and the what-if evidence mean something on first run (issue 18 item 7).

Patient weight shares run from 10% to 60% and the patient and panel groups agree more or less
(``agreement``: 1, the reps see the bids as the panel does; 0, independently). The set-up and the
status changes go through the services (each audited); who scores what, the scores and the lead's
acceptances of the proposed scores are added in bulk, with one audit event for each procurement
(``demo.past_loaded``), because saving ~60 scores one at a time per procurement would make seeding
seconds slower. Even so the region costs about a second or more, so `seed_demo` loads it only when
asked (``flask seed-demo`` does by default; the tests' demo does not). Finalising is the real `finalise.finalise`, so each stored
result (decisive intervals and review figures included) is exactly what the web would store.

The region has its own lead, reps and panel members (no passwords: they cannot sign in), so the
demo logins and GP-2027-01 are as they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import select

from ..extensions import db
from ..models import (
    Acceptance,
    Assignment,
    Declaration,
    Procurement,
    Role,
    Score,
    ScoreSource,
    ScoreStatus,
    Status,
    User,
)
from . import accounts, audit, finalise, lifecycle, setup


@dataclass(frozen=True)
class Past:
    reference: str
    title: str
    service_type: str
    regime: str
    finalised: date
    patient_share: float  # the patient-scored sections' share of the marks
    agreement: float  # 0 (the groups see the bids independently) to 1 (alike)
    bidders: int
    seed: int  # chosen so the curve rises through the region (see the tests)


PAST = (
    Past(
        "GP-2025-03",
        "Hillside Medical Centre GP services",
        "GP practice (APMS)",
        "psr",
        date(2025, 3, 14),
        0.10,
        0.9,
        3,
        10,
    ),
    Past("CS-2025-07", "Community podiatry service", "community service", "psr", date(2025, 5, 30), 0.20, 0.4, 3, 91),
    Past(
        "GP-2025-11", "Brook Lane Surgery GP services", "GP practice (APMS)", "psr", date(2025, 7, 18), 0.25, 0.1, 4, 1
    ),
    Past("MH-2025-02", "Adult talking therapies", "mental health service", "pa23", date(2025, 9, 26), 0.30, 0.7, 3, 18),
    Past(
        "CS-2025-12", "Community wheelchair service", "community service", "psr", date(2025, 11, 21), 0.40, 0.2, 4, 116
    ),
    Past(
        "GP-2026-01",
        "Castle Street Practice GP services",
        "GP practice (APMS)",
        "psr",
        date(2026, 1, 23),
        0.45,
        0.5,
        3,
        115,
    ),
    Past(
        "MH-2026-04",
        "Young people's mental health support",
        "mental health service",
        "pa23",
        date(2026, 3, 13),
        0.50,
        0.0,
        3,
        19,
    ),
    Past("CS-2026-05", "Community diabetes education", "community service", "psr", date(2026, 5, 8), 0.60, 0.6, 4, 10),
)

REGION_LEAD = ("helen.park@example.org", "Helen Park")
REGION_REPS = (
    ("grace.okafor@example.org", "Grace Okafor"),
    ("tom.hughes@example.org", "Tom Hughes"),
    ("lena.novak@example.org", "Lena Novak"),
)
REGION_PANEL = (
    ("ravi.menon@example.org", "Dr Ravi Menon"),
    ("claire.dunn@example.org", "Claire Dunn"),
    ("mark.evans@example.org", "Mark Evans"),
)

# (code, title, scored by, part of its group's weight, PSR key criterion); P* are the patients' sections.
SECTIONS = (
    ("P1", "Patient experience and involvement", "patient", 0.5, "quality"),
    ("P2", "Access and accessible information", "both", 0.5, "access"),
    ("N1", "Clinical quality and safety", "panel", 0.4, "quality"),
    ("N2", "Workforce", "panel", 0.3, "integration"),
    ("N3", "Social value", "panel", 0.3, "social_value"),
)
BIDDER_NAMES = (
    "Oakfield Health Ltd",
    "Greenway Care Partnership LLP",
    "Harbour Community Services CIC",
    "Willow Primary Care Ltd",
)
REASONS = {
    0: "The answer did not address the question.",
    1: "Important parts of the answer were missing.",
    2: "It met the requirement but had gaps.",
    3: "A full answer with good evidence.",
    4: "An excellent answer with clear detail and evidence.",
}
ACCEPT_REASON = "The evaluators' scores were close, so the panel accepted their average without discussion."


def _user(email: str, name: str, role: Role) -> User:
    user = accounts.find_by_email(email)
    if user is None:
        user = accounts.create_user(
            email=email,
            name=name,
            role=role,
            password=None,
            training_completed_on=date(2024, 11, 6) if role == Role.PATIENT else None,
        )
    return user


def _weights(share: float) -> dict[str, float]:
    group = {"patient": share, "both": share, "panel": 1 - share}
    return {code: round(100 * group[by] * part, 2) for code, _, by, part, _ in SECTIONS}


def _scores(spec: Past, n_reps: int, n_panel: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer scores 0-4: (bidders, sections, reps) and (bidders, sections, panel members)."""
    rng = np.random.default_rng(spec.seed)
    panel_view = rng.normal(0, 0.8, (spec.bidders, len(SECTIONS)))
    own = rng.normal(0, 0.8, (spec.bidders, len(SECTIONS)))
    patient_view = spec.agreement * panel_view + (1 - spec.agreement) * own

    def draw(view, n):
        noise = rng.normal(0, 0.45, (spec.bidders, len(SECTIONS), n))
        return np.clip(np.rint(2.4 + view[:, :, None] + noise), 0, 4).astype(int)

    return draw(patient_view, n_reps), draw(panel_view, n_panel)


def _load(spec: Past, lead: User, reps: list[User], panel: list[User]) -> Procurement:
    procurement = setup.create_procurement(
        reference=spec.reference,
        title=spec.title,
        lead=lead,
        actor=lead,
        regime=spec.regime,
        service_type=spec.service_type,
    )
    weights = _weights(spec.patient_share)
    sections = [
        setup.add_section(
            procurement,
            code=code,
            title=title,
            weight=weights[code],
            scored_by=by,
            question=f"{title}: how will you provide it?",
            actor=lead,
            key_criterion=criterion if spec.regime == "psr" else None,
        )
        for code, title, by, _, criterion in SECTIONS
    ]
    bidders = [
        setup.add_bidder(procurement, code=f"Bidder {chr(65 + b)}", name=BIDDER_NAMES[b], actor=lead)
        for b in range(spec.bidders)
    ]
    # Fewer reps in some years: the review counts who took part.
    reps = reps[: 2 + spec.seed % 2]
    assigned = 0
    for section in sections:
        for user in (*reps, *panel):
            if user.group is not None and section.scored_by.includes(user.group):
                db.session.add(Assignment(section=section, user=user))
                assigned += 1
    # A past procurement: its evaluators were told when it opened, so no invitation is sent now.
    lifecycle.change_status(procurement, Status.SCORING, actor=lead)

    rep_scores, panel_scores = _scores(spec, len(reps), len(panel))
    when = datetime.combine(spec.finalised - timedelta(days=21), datetime.min.time())
    count = 0
    for people, values in ((reps, rep_scores), (panel, panel_scores)):
        for e, person in enumerate(people):
            # in some procurements one rep scored on paper
            on_paper = person is reps[-1] and (spec.seed % 3 == 0 or spec.seed % 5 == 0)
            for bidder in bidders:
                db.session.add(
                    Declaration(user_id=person.id, bidder_id=bidder.id, has_conflict=False, declared_at=when)
                )
            for s, section in enumerate(sections):
                if person.group is None or not section.scored_by.includes(person.group):
                    continue
                for b, bidder in enumerate(bidders):
                    value = int(values[b, s, e])
                    db.session.add(
                        Score(
                            bidder_id=bidder.id,
                            section_id=section.id,
                            evaluator_id=person.id,
                            value=value,
                            rationale=REASONS[value],
                            status=ScoreStatus.SUBMITTED,
                            source=ScoreSource.PAPER if on_paper else ScoreSource.ONLINE,
                            entered_by_id=lead.id if on_paper else None,
                            version=1,
                            updated_at=when,
                            submitted_at=when,
                        )
                    )
                    count += 1
    db.session.flush()
    setup.close_scoring(procurement, actor=lead)

    from . import outcome

    run = outcome.moderation(procurement)
    proposed = run.moderation.proposed
    accepted = 0
    for bidder in bidders:
        for section in sections:
            proposed_value = float(proposed[run.bidder_index()[bidder.id], run.section_index()[section.id]])
            if proposed_value == proposed_value:
                db.session.add(
                    Acceptance(
                        bidder_id=bidder.id,
                        section_id=section.id,
                        value=proposed_value,
                        rationale=ACCEPT_REASON,
                        decided_by_id=lead.id,
                        version=1,
                    )
                )
                accepted += 1
    audit.record(
        "demo.past_loaded",
        actor=lead,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        after={"assignments": assigned, "scores": count, "acceptances": accepted},
    )
    db.session.flush()
    finalise.finalise(procurement, actor=lead)
    # The demo shows procurements finalised in the past; finalising stamps today, so set the date
    # the story needs, in the stored result too (nothing else reads it).
    stamp = datetime.combine(spec.finalised, datetime.min.time()).replace(hour=15)
    document = procurement.final_document()
    document["view"]["finalised_at"] = stamp.isoformat(timespec="seconds")
    procurement.final_result_json = json.dumps(document, sort_keys=True)
    procurement.finalised_at = stamp
    db.session.flush()
    return procurement


def seed_region() -> list[Procurement]:
    """Load the past procurements that are not there yet (safe to run twice)."""
    lead = _user(*REGION_LEAD, Role.LEAD)
    reps = [_user(email, name, Role.PATIENT) for email, name in REGION_REPS]
    panel = [_user(email, name, Role.PANEL) for email, name in REGION_PANEL]
    made = []
    for spec in PAST:
        if db.session.scalar(select(Procurement.id).where(Procurement.reference == spec.reference)) is None:
            made.append(_load(spec, lead, reps, panel))
    return made
