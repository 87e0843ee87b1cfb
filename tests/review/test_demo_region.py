"""`seed-demo`'s region: eight past, finalised procurements for the review, its curve and the what-if evidence."""

from __future__ import annotations

import html
from fractions import Fraction

import pytest
from sqlalchemy import select

from scoring.extensions import db
from scoring.models import AuditEvent, Procurement, Status, User
from scoring.services import review as review_service
from scoring.services.demo import DEMO_PASSWORD, DEMO_REFERENCE, seed_demo
from scoring.services.demo_region import PAST

from ..export.conftest import fast_passwords  # noqa: F401


def test_region_loads_eight_finalised_procurements_and_leaves_the_demo_alone(app, fast_passwords):
    before, logins_before = seed_demo()
    events_before = db.session.scalar(
        select(db.func.count(AuditEvent.id)).where(AuditEvent.procurement_id == before.id)
    )
    procurement, logins = seed_demo(region=True)
    assert procurement.id == before.id and procurement.status == Status.SCORING.value
    assert procurement.lead.email == "lead@example.org"
    assert (
        db.session.scalar(select(db.func.count(AuditEvent.id)).where(AuditEvent.procurement_id == procurement.id))
        == events_before
    )
    assert logins == logins_before and ("review@example.org", DEMO_PASSWORD, "Involvement lead") in logins

    data = review_service.review(None)
    rows = {r["reference"]: r for r in data["procurements"]}
    assert set(rows) == {p.reference for p in PAST} and DEMO_REFERENCE not in rows
    assert sorted(r["patient_weight_share"] for r in rows.values()) == pytest.approx(
        [0.1, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.6]
    )
    # The stored exact intervals (the engine's, at finalising): where each would have been decided.
    starts = {
        "CS-2025-07": Fraction(13, 23),
        "GP-2025-11": Fraction(4, 19),
        "MH-2025-02": Fraction(8, 13),
        "CS-2025-12": Fraction(1, 3),
        "GP-2026-01": Fraction(19, 39),
        "MH-2026-04": Fraction(9, 29),
    }
    for ref, r in rows.items():
        if ref in starts:
            assert r["decisive_intervals"] == [[pytest.approx(float(starts[ref])), 1.0]], ref
        else:
            assert r["decisive_intervals"] == [], ref
    # So the winner changed where today's share is past the start: 25% > 4/19, 40% > 1/3, 50% > 9/29.
    assert {ref for ref, r in rows.items() if r["winner_changed"]} == {"GP-2025-11", "CS-2025-12", "MH-2026-04"}
    # D reaches 4 of 8 at 19/39 (GP-2026-01 joins GP-2025-11, CS-2025-12 and MH-2026-04).
    assert data["alpha_half"] == pytest.approx(19 / 39)
    rate = {r["alpha"]: r["rate"] for r in data["decisive_rate"]}
    assert (rate[0.0], rate[0.25], rate[0.35], rate[0.5], rate[0.6], rate[1.0]) == (
        0,
        1 / 8,
        3 / 8,
        4 / 8,
        5 / 8,
        6 / 8,
    )
    # varied agreement and participation, some on paper
    assert len({r["kendall_tau"] for r in rows.values()}) >= 4
    assert {r["patient_reps_taking_part"] for r in rows.values()} == {2, 3}
    assert sum(1 for r in rows.values() if r["patient_reps_on_paper"]) >= 2
    # the region's people cannot sign in (no password), and running it again adds nothing
    assert db.session.scalar(select(User).where(User.email == "grace.okafor@example.org")).password_hash in (None, "")
    seed_demo(region=True)
    assert db.session.scalar(select(db.func.count(Procurement.id))) == 9


def test_seed_demo_command_loads_the_region_by_default(app, fast_passwords):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo region: 8 past, finalised procurements" in result.output
    from ..helpers import sign_in

    client = app.test_client()
    reviewer = db.session.scalar(select(User).where(User.email == "review@example.org"))
    sign_in(client, reviewer, password=DEMO_PASSWORD)
    page = html.unescape(client.get("/review").get_data(as_text=True))
    assert "Finalised procurements (8)" in page and "From a patient weight share of 48.7%" in page
