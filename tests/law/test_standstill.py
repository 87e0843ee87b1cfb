"""The standstill, pinned against dates worked out by hand from each instrument's own words.

PSR (Health Care Services (Provider Selection Regime) Regulations 2023):
  reg 12(2): the standstill begins on the day after the day the notice of intention to award is
  published; reg 12(3): representations before midnight at the end of the 8th working day after
  the day it begins. So: B = published + 1 calendar day; count working days strictly after B.
  reg 2(1) "working day": not a Saturday or Sunday, Christmas Day, Good Friday or a bank holiday
  under the Banking and Financial Dealings Act 1971 in England and Wales.
PA23 (Procurement Act 2023):
  s.51(2): 8 working days beginning with the day the contract award notice is published, so the
  day of publication is day 1 when it is a working day. s.123(1) "working day": not a Saturday
  or Sunday, Christmas Day or Good Friday, or a 1971 Act bank holiday in any part of the UK.

Bank holidays used in the working (gov.uk lists):
  England and Wales 2025: 1 Jan, 18 Apr (Good Friday), 21 Apr, 5 May, 26 May, 25 Aug, 25 Dec, 26 Dec.
  2026: 1 Jan, 3 Apr (GF), 6 Apr, 4 May, 25 May, 31 Aug, 25 Dec (Fri), 28 Dec (Boxing Day substitute).
  2027: 1 Jan, 26 Mar (GF), 29 Mar, 3 May, 31 May, 30 Aug, 27 Dec and 28 Dec (substitutes).
  2028: 3 Jan (New Year substitute).
  Scotland adds 2 Jan (2 Jan 2026 Fri; 4 Jan 2027 Mon), the first Monday of August (3 Aug 2026) and
  St Andrew's Day (30 Nov 2026 Mon); Northern Ireland adds 17 Mar (Tue 17 Mar 2026) and 12 July
  (13 Jul 2026 Mon, 12 July being a Sunday).
Weekdays: 2 Mar 2026 is a Monday; 23 Dec 2026 a Wednesday; 1 Apr 2026 a Wednesday.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from scoring.law import standstill

D = date.fromisoformat

PSR_CASES = [
    # published, last day, working (B = begins; "n" = nth working day after B)
    ("2026-03-02", "2026-03-13", "B Tue 3 Mar; Wed 4=1 Thu 5=2 Fri 6=3 Mon 9=4 Tue 10=5 Wed 11=6 Thu 12=7 Fri 13=8"),
    (
        "2026-03-06",
        "2026-03-18",
        "B Sat 7; Mon 9=1 .. Fri 13=5, Mon 16=6, Tue 17=7 (NI's St Patrick's Day "
        "is not an England and Wales holiday), Wed 18=8",
    ),
    ("2026-03-07", "2026-03-18", "published Saturday, B Sun 8; Mon 9=1 .. Wed 18=8"),
    (
        "2026-12-23",
        "2027-01-08",
        "Christmas: B Thu 24 (not counted); Fri 25 Christmas, Mon 28 Boxing Day "
        "substitute; Tue 29=1 Wed 30=2 Thu 31=3; Fri 1 Jan holiday; Mon 4 Jan=4 "
        "(Scotland's substitute only) Tue 5=5 Wed 6=6 Thu 7=7 Fri 8=8",
    ),
    (
        "2025-12-22",
        "2026-01-07",
        "Christmas: B Tue 23; Wed 24=1; Thu 25, Fri 26 holidays; Mon 29=2 Tue 30=3 "
        "Wed 31=4; Thu 1 Jan holiday; Fri 2 Jan=5 (Scotland only); Mon 5=6 Tue 6=7 Wed 7=8",
    ),
    (
        "2027-12-24",
        "2028-01-10",
        "Christmas Eve: B Sat 25; Mon 27, Tue 28 substitutes; Wed 29=1 Thu 30=2 Fri 31=3; "
        "Mon 3 Jan 2028 New Year substitute; Tue 4=4 Wed 5=5 Thu 6=6 Fri 7=7 Mon 10=8",
    ),
    (
        "2025-12-31",
        "2026-01-13",
        "New Year: B Thu 1 Jan; Fri 2=1 Mon 5=2 Tue 6=3 Wed 7=4 Thu 8=5 Fri 9=6 Mon 12=7 Tue 13=8",
    ),
    (
        "2026-04-01",
        "2026-04-16",
        "Easter: B Thu 2 Apr; Fri 3 Good Friday, Mon 6 Easter Monday; Tue 7=1 .. Fri 10=4, "
        "Mon 13=5 Tue 14=6 Wed 15=7 Thu 16=8",
    ),
    (
        "2027-03-25",
        "2027-04-08",
        "Easter: B Fri 26 Mar (Good Friday); Mon 29 Easter Monday; Tue 30=1 Wed 31=2 "
        "Thu 1 Apr=3 Fri 2=4 Mon 5=5 Tue 6=6 Wed 7=7 Thu 8=8",
    ),
    ("2026-11-27", "2026-12-09", "B Sat 28; Mon 30 Nov=1 (St Andrew's Day is Scotland's only) .. Wed 9 Dec=8"),
    ("2026-08-27", "2026-09-10", "B Fri 28 Aug; Mon 31 Aug summer bank holiday; Tue 1 Sep=1 .. Thu 10=8"),
    ("2026-07-09", "2026-07-22", "B Fri 10 Jul; Mon 13=1 (NI's 12 July substitute is not counted out) .. Wed 22=8"),
]

PA23_CASES = [
    ("2026-03-02", "2026-03-11", "Mon 2=1 Tue 3=2 Wed 4=3 Thu 5=4 Fri 6=5 Mon 9=6 Tue 10=7 Wed 11=8"),
    (
        "2026-03-07",
        "2026-03-19",
        "published Saturday: Mon 9=1 .. Mon 16=6; Tue 17 St Patrick's Day (NI) is "
        "not a working day anywhere under PA23; Wed 18=7 Thu 19=8",
    ),
    (
        "2026-12-23",
        "2027-01-07",
        "Christmas: Wed 23=1 Thu 24=2; Fri 25, Mon 28 holidays; Tue 29=3 Wed 30=4 Thu 31=5; "
        "Fri 1 Jan and Mon 4 Jan (Scotland's 2 January substitute) holidays; Tue 5=6 Wed 6=7 Thu 7=8",
    ),
    (
        "2025-12-18",
        "2025-12-31",
        "Christmas: Thu 18=1 Fri 19=2 Mon 22=3 Tue 23=4 Wed 24=5; Thu 25, Fri 26 holidays; Mon 29=6 Tue 30=7 Wed 31=8",
    ),
    (
        "2025-12-22",
        "2026-01-06",
        "Christmas: Mon 22=1 Tue 23=2 Wed 24=3 Mon 29=4 Tue 30=5 Wed 31=6; Thu 1 Jan and "
        "Fri 2 Jan (Scotland) holidays; Mon 5=7 Tue 6=8",
    ),
    ("2025-12-31", "2026-01-13", "New Year: Wed 31=1; 1 and 2 Jan holidays; Mon 5=2 .. Fri 9=6, Mon 12=7 Tue 13=8"),
    (
        "2026-01-01",
        "2026-01-14",
        "published on New Year's Day: it is not a working day, nor is Fri 2 (Scotland); "
        "Mon 5=1 .. Fri 9=5, Mon 12=6 Tue 13=7 Wed 14=8",
    ),
    (
        "2026-04-01",
        "2026-04-14",
        "Easter: Wed 1=1 Thu 2=2; Fri 3 Good Friday, Mon 6 Easter Monday; Tue 7=3 .. Fri 10=6, Mon 13=7 Tue 14=8",
    ),
    (
        "2027-03-25",
        "2027-04-07",
        "Easter: Thu 25=1; Fri 26 Good Friday, Mon 29 Easter Monday; Tue 30=2 Wed 31=3 "
        "Thu 1=4 Fri 2=5 Mon 5=6 Tue 6=7 Wed 7=8",
    ),
    (
        "2026-11-27",
        "2026-12-09",
        "Fri 27=1; Mon 30 Nov St Andrew's Day (Scotland); Tue 1=2 .. Fri 4=5, Mon 7=6 Tue 8=7 Wed 9=8",
    ),
    (
        "2026-07-29",
        "2026-08-10",
        "Wed 29=1 Thu 30=2 Fri 31=3; Mon 3 Aug Scotland's summer holiday; Tue 4=4 .. Fri 7=7, Mon 10=8",
    ),
    (
        "2026-07-09",
        "2026-07-21",
        "Thu 9=1 Fri 10=2; Mon 13 Jul NI's Battle of the Boyne substitute; Tue 14=3 .. Fri 17=6, Mon 20=7 Tue 21=8",
    ),
]


@pytest.mark.parametrize("published, last_day, working", PSR_CASES)
def test_psr_standstill_ends_on_the_8th_working_day_after_the_day_it_begins(published, last_day, working):
    period = standstill.psr_standstill(D(published))
    assert period.begins == date.fromordinal(D(published).toordinal() + 1)
    assert period.last_day == D(last_day), working


@pytest.mark.parametrize("published, last_day, working", PA23_CASES)
def test_pa23_standstill_is_8_working_days_beginning_with_publication(published, last_day, working):
    assert standstill.pa23_standstill(D(published)).last_day == D(last_day), working


def test_each_regime_names_its_own_bank_holidays():
    # St Patrick's Day (NI), 2 January and St Andrew's Day (Scotland): working days under PSR
    # (England and Wales), not under PA23 (any part of the UK).
    for day in ("2026-03-17", "2026-01-02", "2026-11-30", "2026-08-03", "2026-07-13"):
        assert standstill.is_working_day(D(day), "psr"), day
        assert not standstill.is_working_day(D(day), "pa23"), day
    # Both: weekends, Christmas Day, Good Friday, Easter Monday, the substitute Boxing Day.
    for day in ("2026-03-07", "2026-12-25", "2026-04-03", "2026-04-06", "2026-12-28"):
        assert not standstill.is_working_day(D(day), "psr"), day
        assert not standstill.is_working_day(D(day), "pa23"), day


def test_psr_further_5_working_days_after_a_decision_to_go_ahead():
    # Decided Thu 17 Dec 2026: Fri 18=1 Mon 21=2 Tue 22=3 Wed 23=4 Thu 24=5.
    assert standstill.psr_further_last_day(D("2026-12-17")) == D("2026-12-24")
    # Decided Mon 21 Dec 2026: Tue 22=1 Wed 23=2 Thu 24=3; Fri 25 and Mon 28 holidays; Tue 29=4 Wed 30=5.
    assert standstill.psr_further_last_day(D("2026-12-21")) == D("2026-12-30")


def test_an_unknown_regime_is_refused():
    with pytest.raises(ValueError, match="psr or pa23"):
        standstill.standstill("pcr2015", D("2026-03-02"))


def test_the_standstill_command_prints_the_last_day(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["standstill", "--regime", "psr", "--published", "2026-12-23"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2027-01-08"
    result = runner.invoke(args=["standstill", "--regime", "pa23", "--published", "2026-12-23", "--json"])
    assert json.loads(result.output) == {"regime": "pa23", "published": "2026-12-23", "last_day": "2027-01-07"}
    result = runner.invoke(args=["standstill", "--regime", "psr", "--published", "23/12/2026"])
    assert result.exit_code != 0 and "not a date" in result.output
