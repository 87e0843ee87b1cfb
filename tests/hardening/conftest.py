"""Fixtures for the hardening tests (issue 12): signed-in clients and a draft procurement."""

from __future__ import annotations

from ..leads.conftest import draft, lead_client  # noqa: F401
from ..production.test_lost_races import meanwhile  # noqa: F401
