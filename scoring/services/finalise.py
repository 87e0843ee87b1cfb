"""Finalising: moderation -> final. The result is computed once, stored, and never recomputed.

A procurement can be finalised by its lead (or an administrator) only while it
is in moderation and only when every cell has a moderated score with a reason:
a consensus (with its reason), or the lead's acceptance of the proposed score
with a reason, for every cell evaluators scored; a cell nobody scored needs a
consensus; price cells are scored by formula (`moderation.blockers`). The web
page and ``flask finalise`` share these rules and messages. The stored document is the outcome gateway's (`outcome.compute`) with
``view.final`` set: the engine's JSON, the engine version and everything the
results, report and summary pages show. After this no route or service changes
the procurement (each refuses when ``procurement.is_final``).
"""

from __future__ import annotations

import json

from ..access import is_lead_of
from ..engine import ENGINE_VERSION
from ..models import Procurement, Status, User, utcnow
from . import audit, lifecycle, outcome, review
from .errors import NotAllowed, Refused
from .moderation import FINAL_MESSAGE, Blocker, blockers
from .outcome import live_moderation


class FinaliseBlocked(Refused):
    """Cells without a reason: ``blockers`` lists every one, ``problems`` the messages."""

    def __init__(self, found: list[Blocker]):
        incomplete = sum(1 for b in found if b.kind == "unscored")
        lines = []
        if incomplete:
            lines.append(
                f"{incomplete} {'answer has' if incomplete == 1 else 'answers have'} no moderated "
                "score yet (no consensus and no evaluator's score). Record a consensus for each first."
            )
        without = len(found) - incomplete
        if without:
            lines.append(
                f"{without} {'answer has' if without == 1 else 'answers have'} a score without a reason. "
                "Every score a bidder gets needs a reason it can be told."
            )
        super().__init__(lines[0])
        self.blockers = found
        self.problems = [("", line) for line in lines] + [("", b.message) for b in found]


def check_ready(procurement: Procurement) -> None:
    """Raise FinaliseBlocked listing every cell without a moderated score or without a reason."""
    try:
        run = live_moderation(procurement)
    except Refused:
        return  # build_document below says why the engine cannot run
    found = blockers(procurement, run)
    if found:
        raise FinaliseBlocked(found)


def readiness(document: dict) -> list[str]:
    """What stops finalising, in plain English (empty when it can go ahead)."""
    missing = document.get("incomplete") or []
    if not missing:
        return []
    cells = "; ".join(f"{c['bidder']}, {c['section']}" for c in missing[:8])
    more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
    return [
        f"{len(missing)} {'answer has' if len(missing) == 1 else 'answers have'} no moderated score yet "
        f"(no consensus and no evaluator's score): {cells}{more}. Record a consensus for each first."
    ]


def finalise(procurement: Procurement, *, actor: User) -> dict:
    """Lock the procurement and store its final result. Returns the stored document.

    The status flips first, with a conditional UPDATE that also takes the row
    lock, so a consensus being saved at the same moment either commits before
    the result is computed (and is in it) or is refused as final.
    """
    if not is_lead_of(actor, procurement):
        raise NotAllowed("Only the procurement lead can finalise the result.")
    if procurement.is_final:
        raise Refused(FINAL_MESSAGE)
    if procurement.status is not Status.MODERATION:
        raise Refused(
            f"A procurement can only be finalised after moderation. {procurement.reference} is "
            f"{procurement.status.label.lower()}."
        )
    check_ready(procurement)
    if not lifecycle.claim(procurement, Status.FINAL):
        raise Refused(FINAL_MESSAGE)
    # A fresh run, not the cache: this transaction has just flipped the status. A refusal
    # (or any error) from here on rolls the flip back with everything else.
    document = outcome.compute(procurement).document
    problems = readiness(document)
    if problems:
        raise Refused.of(problems)
    now = utcnow()
    document["view"]["final"] = True
    document["view"]["finalised_at"] = now.isoformat(timespec="seconds")
    procurement.final_result_json = json.dumps(document, sort_keys=True)
    procurement.review_figures_json = review.stored_figures(document)
    procurement.engine_version = ENGINE_VERSION
    procurement.finalised_at = now
    audit.record(
        "procurement.finalised",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        before={"status": Status.MODERATION},
        after={
            "status": Status.FINAL,
            "winner": document.get("winner"),
            "engine_version": ENGINE_VERSION,
            "totals": {row["code"]: round(row["total"], 6) for row in document["bidders"]},
        },
    )
    from .deadlines import notify_report_ready

    notify_report_ready(procurement)
    return document
