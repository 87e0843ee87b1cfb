"""Fixtures for the lead's screens: a signed-in lead and procurements at each stage."""

from __future__ import annotations

import pytest

from ..helpers import gen_procurement, sign_in


@pytest.fixture
def lead_client(client, lead):
    sign_in(client, lead)
    return client


@pytest.fixture
def draft(app, lead, rep, panel):
    """A procurement still being set up, with the usual two sections, two bidders and evaluators."""
    return gen_procurement(lead=lead, reference="GP-DRAFT-01", evaluators=[rep, panel], open_scoring=False)
