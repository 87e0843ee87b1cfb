"""A procurement's life: its statuses, the moves allowed between them, and the guard of each.

    set-up --open scoring--> scoring --close scoring--> moderation --finalise--> final
                                ^                           |
                                +----return to scoring------+

While scoring is open a lead can also reopen one evaluator's submitted scores
(`evaluation.reopen_scores`, guarded by `require_scoring`). Final is frozen: nothing
changes a final procurement (`require_not_final`). Every status change goes through
`change_status` (or, for finalising, `claim`), so a move the table does not allow is
refused wherever it is asked for: the web, the CLI or the importer.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import update
from sqlalchemy.engine import CursorResult

from .. import rules
from ..extensions import db
from ..models import Procurement, Status, User, utcnow
from . import audit
from .errors import Refused

#: The moves allowed, and what each is called in the audit log's reason and in refusals.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.SETUP, Status.SCORING): "open scoring",
    (Status.SCORING, Status.MODERATION): "close scoring",
    (Status.MODERATION, Status.SCORING): "return to scoring",
    (Status.MODERATION, Status.FINAL): "finalise",
}

# The checks and the final message are rules (scoring/rules.py); this module owns the moves.
WEIGHT_TOLERANCE = rules.WEIGHT_TOLERANCE
FINAL_MESSAGE = rules.FINAL_MESSAGE


def scoring_open(procurement: Procurement) -> bool:
    """Evaluators can score, and a lead can reopen an evaluator's submitted scores or type in
    their paper ones (the refusals of `require_scoring` and `paper.enter_paper_scores` say
    why not at other times)."""
    return procurement.status is Status.SCORING


def allowed(source: Status, target: Status) -> bool:
    return (source, target) in TRANSITIONS


def require_not_final(procurement: Procurement) -> None:
    """Every service that changes a procurement calls this first: final means frozen."""
    if problems := rules.final(procurement):
        raise Refused(problems[0].message)


def require_setup(procurement: Procurement, what: str = "Sections and bidders can only be added") -> None:
    """Refuse unless the procurement is still being set up (``what`` names the change refused)."""
    require_not_final(procurement)
    if procurement.status is not Status.SETUP:
        raise Refused(f"{what} while the procurement is being set up. It is {procurement.status.label.lower()}.")


def change_status(procurement: Procurement, status: Status, *, actor: User | None, reason: str = "") -> None:
    """Move the procurement to ``status`` (a move the table allows), with its audit event."""
    before = procurement.status
    if not allowed(before, status):
        raise Refused(f"A procurement that is {before.label.lower()} cannot move to {status.label.lower()}.")
    procurement.status = status
    audit.record(
        "procurement.status_changed",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        before={"status": before.value},
        after={"status": status.value},
        reason=reason,
    )


def claim(procurement: Procurement, status: Status) -> bool:
    """Move to ``status`` with one conditional UPDATE from the status the table requires.

    For finalising: on PostgreSQL the UPDATE holds the row lock until commit, so a consensus
    being saved at the same moment (which locks the row the same way) either commits first
    or is refused. False if the procurement was no longer in that status. The caller
    records the audit event with what the move produced.
    """
    source = next(s for s, t in TRANSITIONS if t is status)
    # An UPDATE's result is a CursorResult (Session.execute is typed as the plain Result).
    flipped = cast(
        CursorResult[Any],
        db.session.execute(
            update(Procurement)
            .where(Procurement.id == procurement.id, Procurement.status == source)
            .values(status=status)
            .execution_options(synchronize_session=False)
        ),
    )
    db.session.expire(procurement)
    return flipped.rowcount == 1


# --- set-up -> scoring ---------------------------------------------------------------------


def readiness_problems(procurement: Procurement) -> list[str]:
    """Everything that stops scoring from opening, in plain English (the rule: `rules.readiness`)."""
    return [problem.message for problem in rules.readiness(procurement)]


def check_can_open(procurement: Procurement) -> None:
    """Refuse, listing every problem, unless scoring can open now (asked before the confirmation too)."""
    if procurement.status is not Status.SETUP:
        raise Refused(f"Scoring can only open from set-up. This procurement is {procurement.status.label.lower()}.")
    problems = readiness_problems(procurement)
    if problems:
        raise Refused("Scoring cannot open yet: " + " ".join(problems), problems=problems)


def open_scoring(procurement: Procurement, *, actor: User | None) -> None:
    check_can_open(procurement)
    change_status(procurement, Status.SCORING, actor=actor)
    from .deadlines import notify_scoring_opened

    notify_scoring_opened(procurement)


# --- scoring -> moderation, and back ---------------------------------------------------------


def require_scoring(procurement: Procurement, message: str) -> None:
    """Refuse unless scoring is open (reopening someone's scores); ``message`` says what needs it."""
    require_not_final(procurement)
    if procurement.status is not Status.SCORING:
        raise Refused(f"{message} {procurement.reference} is {procurement.status.label.lower()}.")


def waiting_to_submit(procurement: Procurement) -> list[str]:
    """The names of evaluators who have not submitted their scores."""
    from .progress import progress_of_everyone

    return [row.evaluator.name for row in progress_of_everyone(procurement) if not row.progress.submitted]


def check_can_close(procurement: Procurement, reason: str = "") -> None:
    """Refuse unless scoring can close now with this reason (asked before the confirmation too)."""
    require_not_final(procurement)
    if procurement.status is not Status.SCORING:
        raise Refused(
            f"Scoring can only close while it is open. This procurement is {procurement.status.label.lower()}."
        )
    waiting = waiting_to_submit(procurement)
    from .deadlines import due_sentence

    if procurement.scoring_deadline and utcnow() < procurement.scoring_deadline and not reason.strip():
        raise Refused(
            f"The scoring deadline has not passed yet ({due_sentence(procurement)}). Give a reason "
            "to close scoring before the deadline.",
            field="reason",
        )
    if waiting and not reason.strip():
        raise Refused(
            f"{', '.join(waiting)} {'has' if len(waiting) == 1 else 'have'} not submitted "
            "their scores yet. Wait for them, or give a reason to close scoring without them.",
            field="reason",
        )


def close_scoring(procurement: Procurement, *, actor: User | None, reason: str = "") -> None:
    """Scoring open -> moderation. Everyone should have submitted; closing without them needs a reason."""
    check_can_close(procurement, reason)
    change_status(procurement, Status.MODERATION, actor=actor, reason=reason.strip())
    from .deadlines import notify_meeting

    notify_meeting(procurement)


def return_to_scoring(procurement: Procurement, *, actor: User | None, reason: str) -> None:
    """Moderation -> scoring open, for a written reason (to reopen someone's scores, say).

    Every consensus and acceptance already recorded is kept; an acceptance whose proposed
    score then changes must be given again before finalising (`moderation.blockers`).
    """
    require_not_final(procurement)
    if procurement.status is not Status.MODERATION:
        raise Refused(
            f"Only a procurement in moderation can return to scoring. This procurement is "
            f"{procurement.status.label.lower()}."
        )
    if not (reason or "").strip():
        raise Refused("Give a reason for returning to scoring. It is recorded in the audit log.", field="reason")
    change_status(procurement, Status.SCORING, actor=actor, reason=reason.strip())
