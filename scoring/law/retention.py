"""How long a procurement's records must be kept, and the guard that nothing is deleted sooner.

PA23 s.98: records sufficient to explain each material decision, and the communications with
suppliers, are kept until the end of the period of 3 years beginning with the day the contract
is entered into. PSR reg 24 lists what the record must hold (who decided, how the key criteria
were applied, conflicts and how they were managed) but, as read here, names no period of its
own, so the default for PSR is the same 3 years. Both are settings
(``RECORDS_RETENTION_YEARS_PSR`` / ``_PA23``) for a trust whose own policy keeps records longer.

The contract cannot be entered into before the standstill ends, so the period is counted from
the day after the standstill's last day when the notice is recorded, else from finalisation;
while neither is known, the records are kept without end.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from . import PA23, PSR

DEFAULT_YEARS = {PSR: 3, PA23: 3}  # PA23 s.98(3); PSR: see the module doc


class RecordsRetained(RuntimeError):
    """Raised when a flush would delete a record that must still be kept."""


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retained_until(*, years: int, finalised: date | None, standstill_last_day: date | None) -> date | None:
    """The last day records must be kept: ``years`` beginning with the day the contract can
    first be entered into (so the day before that day's anniversary). None: not yet known."""
    start = (standstill_last_day + timedelta(days=1)) if standstill_last_day else finalised
    if start is None:
        return None
    return _add_years(start, years) - timedelta(days=1)


def years_for(regime: str, config: dict | None = None) -> int:
    key = f"RECORDS_RETENTION_YEARS_{regime.upper()}"
    if config and config.get(key) is not None:
        return int(config[key])
    return DEFAULT_YEARS.get(regime, 3)


def _procurement_id_of(session: Session, obj) -> int | None:
    from ..models import (
        Assignment,
        AuditEvent,
        Bidder,
        Consensus,
        Declaration,
        Document,
        Procurement,
        Response,
        Score,
        Section,
    )

    if isinstance(obj, Procurement):
        return obj.id
    if isinstance(obj, AuditEvent):  # refused anyway by the append-only guard
        return None
    if getattr(obj, "procurement_id", None) is not None:
        return obj.procurement_id
    bidder_id = None
    if isinstance(obj, Assignment):
        return session.scalar(select(Section.procurement_id).where(Section.id == obj.section_id))
    if isinstance(obj, (Score, Declaration, Response, Consensus)):
        bidder_id = obj.bidder_id
    elif isinstance(obj, Document):
        bidder_id = session.scalar(select(Response.bidder_id).where(Response.id == obj.response_id))
    if bidder_id is not None:
        return session.scalar(select(Bidder.procurement_id).where(Bidder.id == bidder_id))
    return None


@event.listens_for(Session, "before_flush")
def _refuse_deleting_retained(session: Session, flush_context, instances) -> None:
    if not session.deleted:
        return
    from ..models import Procurement, Status

    seen: set[int] = set()
    for obj in list(session.deleted):
        procurement_id = _procurement_id_of(session, obj)
        if procurement_id is None or procurement_id in seen:
            continue
        seen.add(procurement_id)
        procurement = session.get(Procurement, procurement_id)
        if procurement is None or procurement.status is not Status.FINAL:
            continue  # before the award there is no decision on record yet
        from ..services.regime import retention_of

        until = retention_of(procurement).until
        if until is None or date.today() <= until:
            raise RecordsRetained(
                f"{procurement.reference}'s records must be kept "
                + (f"until {until:%-d %B %Y}" if until else "for the period the law requires")
                + ", so nothing in them can be deleted."
            )
