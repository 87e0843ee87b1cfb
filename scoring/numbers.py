"""How every figure is rounded for people to read: pages, sentences, reports, charts and the
text in the Excel workbook. One rule, here and nowhere else:

* **Half up on the decimal figure**, as people (and Excel's and LibreOffice's display) round:
  73.25 -> "73.3", 12.5% -> "13%". Never Python's ``round``/``format``, which round half to
  even on the binary value, so the same total once read "73.3" in a sentence and "73.2" in the
  table beside it, and a 12.5% share read "13%" and "12%".
* **Parts add up to their whole**: the parts of a figure (the winner's lead split between the
  patient and the panel scores) are rounded by the largest remainder method, so a 3.4-point
  lead of 2.64 + 0.74 reads "2.7 + 0.7", never "2.6 + 0.7".

Pure Python (no Flask, no numpy), so the engine's sentences use it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

NO_FIGURE = "–"


def _decimal(value: float) -> Decimal:
    # repr is the shortest text that reads back as the same float: the figure people would write.
    return Decimal(repr(float(value)))


def rounded(value: float, digits: int = 1) -> Decimal:
    """``value`` rounded half up to ``digits`` decimals (never "-0.0")."""
    result = _decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result


def number(value: float, digits: int = 1) -> str:
    """73.25 -> "73.3"; ``digits=0``: 62.5 -> "63"."""
    return str(rounded(value, digits))


def points(value: float | None, digits: int = 1) -> str:
    """A number of points (a total, a margin): one decimal unless told; "–" for none."""
    return NO_FIGURE if value is None else number(value, digits)


def percent(fraction: float, *, exact: bool = False) -> str:
    """0.125 -> "13%"; with ``exact``, one decimal where it is not a whole number (0.4444 -> "44.4%")."""
    value = 100 * float(fraction)
    whole, tenth = rounded(value, 0), rounded(value, 1)
    if exact and tenth != whole:
        return f"{tenth}%"
    return f"{whole}%"


def score(value: float | None) -> str:
    """A score: whole numbers as they are ("3"), averages to one decimal ("2.3"); "Not scored" for none."""
    if value is None:
        return "Not scored"
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return number(value, 1)


def split(parts: Sequence[float], digits: int = 1, *, whole: float | None = None) -> list[Decimal]:
    """``parts`` rounded to ``digits`` decimals so that they add up to ``whole`` rounded (by
    default their sum; pass the figure shown beside them, e.g. the margin the parts split).

    Largest remainder: each part is rounded down, then the units still missing from the rounded
    whole go to the parts that lost most (the larger part first on a tie).
    """
    unit = Decimal(1).scaleb(-digits)
    exact = [_decimal(p) for p in parts]
    target = rounded(float(sum(exact)) if whole is None else whole, digits)
    floors = [p.quantize(unit, rounding=ROUND_FLOOR) for p in exact]
    # 0..len(parts) when ``whole`` is their sum; kept in that range if it is a float's width off.
    missing = min(max(int((target - sum(floors)) / unit), 0), len(exact))
    order = sorted(range(len(exact)), key=lambda i: (exact[i] - floors[i], exact[i]), reverse=True)
    for i in order[:missing]:
        floors[i] += unit
    return [abs(f) if f == 0 else f for f in floors]
