"""The standstill period of each regime, counted in working days as each instrument defines them.

Both instruments define "working day" themselves; the bank holidays come from the maintained
``holidays`` package (never a typed list), which follows the Banking and Financial Dealings
Act 1971 and the royal proclamations made under it (New Year's Day, the early May bank holiday,
substitute days and one-off days such as 19 September 2022 in England and Wales).

PSR, regulation 2(1): "working day" means a day other than a Saturday or Sunday, Christmas Day,
Good Friday or a bank holiday under the Banking and Financial Dealings Act 1971 in England and
Wales. (England and Wales share one list under the 1971 Act; the package's ENG and WLS agree.)

PA23, section 123(1): "working day" means a day other than a Saturday or Sunday, Christmas Day
or Good Friday, or a bank holiday under the 1971 Act in any part of the United Kingdom, so
Scotland's (2 January, the first Monday in August, St Andrew's Day) and Northern Ireland's
(St Patrick's Day, 12 July) bank holidays are not working days either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter

from . import PA23, PSR

#: The parts of the United Kingdom whose 1971 Act bank holidays each regime's definition names.
HOLIDAY_PARTS = {
    PSR: ("ENG", "WLS"),  # PSR reg 2(1): "in England and Wales"
    PA23: ("ENG", "WLS", "SCT", "NIR"),  # PA23 s.123(1): "in any part of the United Kingdom"
}

#: PSR reg 12(3): representations before midnight at the end of the 8th working day after the
#: day the standstill begins. PA23 s.51(2): 8 working days beginning with the day of publication.
STANDSTILL_WORKING_DAYS = 8
#: After representations, an authority that decides to go ahead waits a further 5 working days
#: (PSR reg 12 and NHS England's statutory guidance, "reviewing decisions during the standstill
#: period"), counted from the day after the day it communicates that decision.
PSR_FURTHER_WORKING_DAYS = 5


@lru_cache(maxsize=64)
def _bank_holidays(regime: str, year: int) -> frozenset[date]:
    days: set[date] = set()
    for part in HOLIDAY_PARTS[regime]:
        days |= set(holidays.country_holidays("GB", subdiv=part, years=year))
    return frozenset(days)


def is_working_day(day: date, regime: str) -> bool:
    """Whether ``day`` is a working day under ``regime``'s own definition (see the module doc)."""
    if regime not in HOLIDAY_PARTS:
        raise ValueError(f"unknown regime {regime!r}: use psr or pa23")
    if day.weekday() >= 5:  # Saturday or Sunday
        return False
    if (day.month, day.day) == (12, 25):  # Christmas Day
        return False
    if day == easter(day.year) - timedelta(days=2):  # Good Friday
        return False
    return day not in _bank_holidays(regime, day.year)


def nth_working_day(start: date, n: int, regime: str, *, include_start: bool) -> date:
    """The ``n``th working day counting from ``start`` (counted itself only if ``include_start``)."""
    if n < 1:
        raise ValueError("n must be 1 or more")
    day = start if include_start else start + timedelta(days=1)
    count = 0
    while True:
        if is_working_day(day, regime):
            count += 1
            if count == n:
                return day
        day += timedelta(days=1)


@dataclass(frozen=True)
class Standstill:
    regime: str
    published: date
    begins: date  # the first day of the standstill period
    last_day: date  # the period ends at midnight at the end of this day

    def to_dict(self) -> dict:
        return {"regime": self.regime, "published": self.published.isoformat(), "last_day": self.last_day.isoformat()}


def psr_standstill(published: date) -> Standstill:
    """PSR: the notice of intention to award is published on ``published``.

    reg 12(2): the standstill begins on the day after the day the notice is published (a
    calendar day, whether or not it is a working day). reg 12(3): representations may be made
    before midnight at the end of the 8th working day after the day it begins, so that day is
    the last day. (NHS England's final statutory guidance corrected its draft, which had counted
    from the first working day after publication.)
    """
    begins = published + timedelta(days=1)
    last = nth_working_day(begins, STANDSTILL_WORKING_DAYS, PSR, include_start=False)
    return Standstill(PSR, published, begins, last)


def pa23_standstill(published: date) -> Standstill:
    """PA23 s.51(2)-(3): the mandatory standstill is the period of 8 working days beginning
    with the day the contract award notice is published, so that day counts when it is a
    working day."""
    last = nth_working_day(published, STANDSTILL_WORKING_DAYS, PA23, include_start=True)
    return Standstill(PA23, published, published, last)


def standstill(regime: str, published: date) -> Standstill:
    if regime == PSR:
        return psr_standstill(published)
    if regime == PA23:
        return pa23_standstill(published)
    raise ValueError(f"unknown regime {regime!r}: use psr or pa23")


def psr_further_last_day(decided: date) -> date:
    """PSR: the last day of the further 5 working days after the authority, having considered
    representations, communicates its decision to go ahead on ``decided``."""
    return nth_working_day(decided, PSR_FURTHER_WORKING_DAYS, PSR, include_start=False)
