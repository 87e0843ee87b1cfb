"""Does a consensus or acceptance reason score the answer against the criteria?

In *Lancashire Care NHS Foundation Trust v Lancashire County Council* [2018]
EWHC 1589 (TCC) the court set aside an award because the moderation notes
compared the bids with each other instead of scoring each against the criteria,
and did not explain the consensus scores. So a reason is warned about when it

* names another bidder (its code or legal name),
* uses comparative wording (the ``REASON_COMPARATIVE_PHRASES`` setting), or
* is shorter than ``REASON_MIN_WORDS`` words.

A warning never blocks: the lead may revise the reason or keep it, and a kept
warning is stored with the reason and in its audit event, so a reviewer sees it.
"""

from __future__ import annotations

import json
import re

from flask import current_app

from ..models import Bidder, Procurement
from ..redaction import find_mentions


def _normal(text: str) -> str:
    """Lower case, every run of non-letters and non-digits one space, padded: for whole-word matching."""
    return " " + " ".join(re.sub(r"[^0-9a-z]+", " ", (text or "").lower()).split()) + " "


def mentions(text: str, bidders: list[Bidder]) -> list[Bidder]:
    """The bidders whose code or legal name appears in ``text`` as whole words, in bidder order.

    Legal names go through the shared matcher (`scoring.redaction.find_mentions`), which also
    knows their variants ("Meadow Primary Care" for "Meadow Primary Care Ltd", accents, case);
    codes ("Bidder B") are matched here as whole words.
    """
    named = {m.code for m in find_mentions(text, bidders) if m.kind == "name"}
    normal = _normal(text)
    return [b for b in bidders if b.code in named or (_normal(b.code).strip() and _normal(b.code) in normal)]


def warnings_for(text: str, bidder: Bidder, procurement: Procurement) -> list[str]:
    """Why this reason, for ``bidder``'s answer, may not hold up if challenged (empty if none)."""
    out = []
    others = [b for b in procurement.bidders if b.id != bidder.id]
    for other in mentions(text, others):
        out.append(
            f"The reason names {other.code}, another bidder. Explain the score against the "
            "criteria, not by comparing this bid with other bids."
        )
    normal = _normal(text)
    for phrase in current_app.config["REASON_COMPARATIVE_PHRASES"]:
        if _normal(phrase) in normal:
            out.append(
                f"The reason says \u201c{phrase}\u201d, which compares bids. Say how this answer "
                "meets the criteria instead."
            )
    words = len(normal.split())
    least = current_app.config["REASON_MIN_WORDS"]
    if words < least:
        out.append(
            f"The reason has {words} {'word' if words == 1 else 'words'}. A reason of at least "
            f"{least} words is more likely to explain the score to the bidder."
        )
    return out


def dump(warnings: list[str]) -> str:
    return json.dumps(warnings) if warnings else ""


def load(text: str | None) -> list[str]:
    return json.loads(text) if text else []
