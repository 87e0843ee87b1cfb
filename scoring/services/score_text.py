"""How a moderated score reads on a page or in a sentence: `scoring.numbers.score`, named here.

Apart from `results` so that moderation's messages can use it without importing the results
view (which reaches moderation through the outcome gateway); the rounding is numbers.py's.
"""

from __future__ import annotations

from ..numbers import score

__all__ = ["score"]
