"""The set-up services' side of `scoring.rules`: the same checks, raised as one `Refused`
carrying every problem at once, each with the form field it belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from .. import rules
from ..models import Bidder, Procurement, Section
from ..problems import Problem
from ..rules import code_key  # noqa: F401  (imported from here by the web forms and the importer)
from .errors import Refused


def raise_all(problems: Sequence[Problem | tuple[str, str]]) -> NoReturn:
    """Raise one Refused carrying every problem as (field id, message), like the evaluate pages."""
    raise Refused.of(problems)


def raise_any(problems: Sequence[Problem | tuple[str, str]]) -> None:
    if problems:
        raise_all(problems)


def clean_section_fields(
    procurement: Procurement,
    section: Section | None,
    *,
    code,
    title,
    weight,
    max_score,
    scored_by,
    question,
    guidance,
    threshold,
    key_criterion=None,
) -> dict:
    clean, problems = rules.section(
        code=code,
        title=title,
        weight=weight,
        max_score=max_score,
        scored_by=scored_by,
        question=question,
        guidance=guidance,
        threshold=threshold,
        key_criterion=key_criterion,
        taken=rules.taken_codes(procurement.sections, but=section),
    )
    raise_any(problems)
    return clean


def clean_regime_fields(regime, service_type) -> dict:
    """The regime (psr or pa23) and the free-text service type, checked."""
    clean, problems = rules.regime_fields(regime, service_type)
    raise_any(problems)
    return clean


def clean_bidder_fields(procurement: Procurement, bidder: Bidder | None, *, code: str, name: str) -> tuple[str, str]:
    clean, problems = rules.bidder(code=code, name=name, taken=rules.taken_codes(procurement.bidders, but=bidder))
    raise_any(problems)
    return clean["code"], clean["name"]
