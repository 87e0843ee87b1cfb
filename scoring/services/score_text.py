"""How a moderated score reads on a page or in a sentence.

Apart from `results` so that moderation's messages can use it without importing the results
view (which reaches moderation through the outcome gateway).
"""
from __future__ import annotations


def score(value: float | None) -> str:
    """A moderated score: whole numbers as such, averages to one decimal."""
    if value is None:
        return "Not scored"
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"
