"""The withdrawal check, on a hand-worked three-bidder price example.

Quality (60%, max 4) and Price (40%, max 4, lowest price / price x 4):

    bidder  quality  price   price score   total
    A       2        100     4             30 + 40     = 70
    B       3        150     8/3           45 + 26.667 = 71.667
    C       4        300     4/3           60 + 13.333 = 73.333      order today: C, B, A

Without A the lowest price is 150: B scores 4 on price (45 + 40 = 85), C 2 (60 + 20 = 80),
so B overtakes C. Without B or without C the lowest price is still A's 100: nothing moves.
"""

from __future__ import annotations

import numpy as np
import pytest

from scoring.engine.withdrawal import withdrawals

MODERATED = np.array([[2, 0], [3, 0], [4, 0]], dtype=float)  # the price column is recomputed
PRICES = np.array([100, 150, 300], dtype=float)
ARGS = dict(price_sections=[False, True], weights=[60, 40], max_scores=[4, 4])


def test_only_the_cheapest_bidders_withdrawal_reorders_the_others():
    a, b, c = withdrawals(MODERATED, PRICES, **ARGS)
    assert a.changes_order is True
    assert a.totals == pytest.approx({1: 85.0, 2: 80.0}) and a.ranks == {1: 1, 2: 2}
    assert b.changes_order is False and b.totals == pytest.approx({0: 70.0, 2: 60 + 40 / 3})
    assert c.changes_order is False and c.ranks == {0: 2, 1: 1}


def test_without_a_price_section_no_withdrawal_changes_the_order():
    result = withdrawals(MODERATED[:, :1], PRICES, price_sections=[False], weights=[100], max_scores=[4])
    assert [w.changes_order for w in result] == [False, False, False]
