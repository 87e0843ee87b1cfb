"""The one rounding rule (scoring/numbers.py): half up on the figure people read, and parts
rounded so that they add up to the whole they split."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scoring import numbers


def test_half_up_on_the_decimal_figure_not_half_even_on_the_binary_value():
    # format(73.25, ".1f") is "73.2" and round(12.5) is 12: the same figures once read both ways.
    assert numbers.points(73.25) == "73.3"
    assert numbers.points(56.25) == "56.3"
    assert numbers.percent(0.125) == "13%"
    assert numbers.percent(0.125, exact=True) == "12.5%"
    assert numbers.percent(0.4444, exact=True) == "44.4%"
    assert numbers.percent(0.3, exact=True) == "30%"
    assert numbers.number(2.675, 2) == "2.68"  # the float is 2.67499999…; people wrote 2.675
    assert numbers.number(-0.04) == "0.0"  # never "-0.0"
    assert numbers.points(None) == "–"


def test_scores_whole_as_they_are_averages_to_one_decimal():
    assert numbers.score(3) == "3"
    assert numbers.score(3.0) == "3"
    assert numbers.score(2.25) == "2.3"
    assert numbers.score(2.5) == "2.5"
    assert numbers.score(None) == "Not scored"


def test_a_lead_of_3_4_split_2_64_and_0_74_reads_2_7_and_0_7():
    # Each part rounded alone: 2.6 + 0.7 = 3.3, not the 3.4 written beside it.
    assert numbers.split([2.64, 0.74]) == [Decimal("2.7"), Decimal("0.7")]
    assert numbers.split([2.64, 0.74], whole=3.38) == [Decimal("2.7"), Decimal("0.7")]
    # A part that took points off the lead: 4.12 - 0.74 = 3.38, written 4.1 - 0.7 = 3.4.
    assert numbers.split([-0.74, 4.12]) == [Decimal("-0.7"), Decimal("4.1")]
    assert numbers.split([1.25, 16.25], whole=17.5) == [Decimal("1.2"), Decimal("16.3")]


@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=5), st.integers(0, 3))
def test_parts_always_add_up_to_their_rounded_whole(parts, digits):
    shown = numbers.split(parts, digits)
    assert sum(shown) == numbers.rounded(sum(Decimal(repr(p)) for p in parts), digits)
    unit = Decimal(1).scaleb(-digits)
    for part, written in zip(parts, shown):
        assert abs(Decimal(repr(part)) - written) < unit  # each part moves less than one unit
