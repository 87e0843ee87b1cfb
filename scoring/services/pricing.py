"""Price sections: each bidder's price is scored by formula, never by an evaluator.

The formula is the usual one for "lowest price wins": the cheapest bid gets the
section's maximum score and every other bid gets it in proportion,

    score = lowest price / bidder's price × maximum score

so a bid twice the lowest price gets half the marks. Prices and price scores are
for the lead and the panel only: patient representatives never see them.
"""

from __future__ import annotations

from .. import rules
from ..models import Bidder, Procurement, Status, User
from . import audit, lifecycle, setup
from .errors import Refused


def price_score(*, lowest: float, price: float, max_score: float) -> float:
    """Score for one bid: ``lowest / price * max_score``.

    Invariant: 0 < result <= max_score, and the lowest price scores exactly max_score.
    """
    if not (lowest > 0 and price > 0):
        raise ValueError("prices must be above zero")
    if lowest > price:
        raise ValueError("lowest must not exceed price")
    return lowest / price * max_score


def price_scores(prices: dict[int, float | None], *, max_score: float) -> dict[int, float | None]:
    """Scores for every bidder id; None for a bidder without a price yet."""
    known = [p for p in prices.values() if p is not None]
    if not known:
        return {bidder_id: None for bidder_id in prices}
    lowest = min(known)
    return {
        bidder_id: None if p is None else price_score(lowest=lowest, price=p, max_score=max_score)
        for bidder_id, p in prices.items()
    }


def has_price_section(procurement: Procurement) -> bool:
    return any(s.is_price for s in procurement.sections)


def section_scores(procurement: Procurement) -> dict[tuple[int, int], float | None]:
    """(bidder id, section id) -> price score for every price section of the procurement."""
    prices = {b.id: b.price for b in procurement.bidders}
    result: dict[tuple[int, int], float | None] = {}
    for section in procurement.sections:
        if section.is_price:
            for bidder_id, score in price_scores(prices, max_score=section.max_score).items():
                result[(bidder_id, section.id)] = score
    return result


def parse_price(text: str, bidder: Bidder) -> float | None:
    """Read a price typed by the lead ("£1,250,000.50"); empty means not known yet."""
    value, problems = rules.bidder_price(text, code=bidder.code, field=f"price-{bidder.id}")
    if problems:
        raise Refused(problems[0].message, field=problems[0].field)
    return value


def set_prices(procurement: Procurement, prices: dict[int, str], *, actor: User | None, reason: str = "") -> int:
    """Set bidders' prices (bidder id -> typed text) in one step, all or nothing; audited.

    Once scoring is open the prices have been seen by the panel and, because the
    formula is relative, one bidder's price moves every bidder's score: a change
    then needs a written reason, kept in the audit event and shown with the results
    (as for weights). A price of 0 or below is refused: the formula divides by it.
    """
    lifecycle.require_not_final(procurement)
    if not has_price_section(procurement):
        raise Refused("This procurement has no price section, so prices are not used.")
    bidders = {b.id: b for b in procurement.bidders}
    problems: list[tuple[str, str]] = []
    parsed: dict[int, float | None] = {}
    for bidder_id, text in prices.items():
        bidder = bidders.get(bidder_id)
        if bidder is None:
            problems.append(("", "That bidder is not part of this procurement."))
            continue
        try:
            parsed[bidder_id] = parse_price(text, bidder)
        except Refused as refused:
            problems.append((refused.field or "", refused.message))
    if problems:
        setup.raise_all(problems)
    changing = [b for b, price in parsed.items() if bidders[b].price != price]
    if changing and procurement.status is not Status.SETUP and not reason.strip():
        setup.raise_all(
            [
                (
                    "reason",
                    f"Give a reason for changing the {'price' if len(changing) == 1 else 'prices'}. "
                    "Scoring is open, so a price can only change for a recorded reason: "
                    "one price moves every bidder's price score.",
                )
            ]
        )
    changed = 0
    for bidder_id, price in parsed.items():
        bidder = bidders[bidder_id]
        if bidder.price == price:
            continue
        audit.record(
            "price.set",
            actor=actor,
            procurement_id=procurement.id,
            entity="bidder",
            entity_id=bidder.id,
            before={"bidder": bidder.code, "price": bidder.price},
            after={"bidder": bidder.code, "price": price},
            reason=reason.strip(),
        )
        bidder.price = price
        changed += 1
    return changed
