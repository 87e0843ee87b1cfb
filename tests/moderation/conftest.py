"""A procurement in moderation: two patient reps and two panel members have scored.

Sections: Q1 (60%, both groups), Q2 (40%, patient reps only). Bidders A and B.
"""

from __future__ import annotations

import pytest

from scoring.models import Role

from ..helpers import gen_procurement, gen_scores, gen_user, to_moderation


@pytest.fixture
def rep2(app):
    return gen_user(Role.PATIENT, "Rowan Reid")


@pytest.fixture
def panel2(app):
    return gen_user(Role.PANEL, "Jo Finch")


@pytest.fixture
def admin(app):
    return gen_user(Role.ADMIN, "Alex Admin")


@pytest.fixture
def scored(app, lead, rep, rep2, panel, panel2):
    """Scores (Q1: A, B; Q2: A, B):
    rep   Q1 A=4 B=2, Q2 A=4 B=1
    rep2  Q1 A=3 B=2, Q2 A=3 B=2
    panel Q1 A=1 B=3
    panel2 Q1 A=2 B=3
    Q1 A spread 4-1=3 (disagree); Q1 B spread 1; Q2 A spread 1; Q2 B spread 1.
    """
    procurement = gen_procurement(lead=lead, evaluators=[rep, rep2, panel, panel2])
    gen_scores(
        procurement,
        {
            rep: {("Bidder A", "Q1"): 4, ("Bidder B", "Q1"): 2, ("Bidder A", "Q2"): 4, ("Bidder B", "Q2"): 1},
            rep2: {("Bidder A", "Q1"): 3, ("Bidder B", "Q1"): 2, ("Bidder A", "Q2"): 3, ("Bidder B", "Q2"): 2},
            panel: {("Bidder A", "Q1"): 1, ("Bidder B", "Q1"): 3},
            panel2: {("Bidder A", "Q1"): 2, ("Bidder B", "Q1"): 3},
        },
    )
    return procurement


@pytest.fixture
def in_moderation(scored, lead):
    return to_moderation(scored, lead)


@pytest.fixture
def finalised(in_moderation, lead):
    from scoring.services.finalise import finalise

    from ..helpers import accept_the_rest

    finalise(accept_the_rest(in_moderation, lead), actor=lead)
    return in_moderation


def cell_url(p, section, bidder):
    return f"/procurements/{p.id}/moderation/sections/{section.id}/bidders/{bidder.id}"


def post_consensus(client, p, section, bidder, score, rationale, version=0, keep=True):
    """Post a consensus; ``keep`` ticks "Keep this reason as it is" (a short test reason is warned about)."""
    data = {"rationale": rationale, "version": str(version)}
    if keep:
        data["keep"] = "y"
    if score is not None:
        data["score"] = str(score)
    return client.post(cell_url(p, section, bidder), data=data)


def client_for(app, user):
    from ..helpers import sign_in

    client = app.test_client()
    sign_in(client, user)
    return client


def text_of(page: str) -> str:
    """The words of a page, tags dropped and spaces collapsed, for sentence checks."""
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
