""" "Patient voice in our procurements": the review as a report for the board and back to the reps.

For a date range (the review's filters): how many procurements and patient reps took part,
the weight patients were given, how often their scores changed the result, the decisive-rate
curve in words, and one "you said, we did" sentence per procurement. As a page (printable),
a Word document (python-docx, as the award record) and an easy-read version (as the reps'
reports: `scoring.moderation.easy_read`). Built from `review.review`'s data, which reads the
stored final results; the only other query counts distinct reps. Procurement-level figures
only: no evaluator's name or score, bidders by code except the awarded provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from statistics import median
from typing import Any

from sqlalchemy import distinct, func, select

from ..charts import _percent
from ..extensions import db
from ..models import Procurement, Role, Score, ScoreStatus, Section, User
from ..moderation.easy_read import Part, share_words
from ..review_charts import curve_words
from . import review as review_service

TITLE = "Patient voice in our procurements"


@dataclass
class BoardReport:
    period: str
    procurements: int
    reps: int  # different patient reps who submitted scores
    rep_places: int  # reps taking part, summed over procurements
    on_paper: int
    share_low: float | None
    share_median: float | None
    share_high: float | None
    changed: int
    curve: list[str]
    alpha_half: float | None
    said_did: list[tuple[str, str]]  # (reference and title, sentence)
    summary: list[str] = field(default_factory=list)
    easy_read: list[Part] = field(default_factory=list)


def _period(filters: review_service.Filters) -> str:
    since = f"{filters.since:%-d %B %Y}" if filters.since else None
    until = f"{filters.until:%-d %B %Y}" if filters.until else None
    if since and until:
        return f"Procurements finalised from {since} to {until}"
    if since:
        return f"Procurements finalised from {since}"
    if until:
        return f"Procurements finalised up to {until}"
    return "Every finalised procurement"


def _distinct_reps(references: list[str]) -> int:
    if not references:
        return 0
    return (
        db.session.scalar(
            select(func.count(distinct(Score.evaluator_id)))
            .join(Section, Section.id == Score.section_id)
            .join(Procurement, Procurement.id == Section.procurement_id)
            .join(User, User.id == Score.evaluator_id)
            .where(
                Procurement.reference.in_(references), User.role == Role.PATIENT, Score.status == ScoreStatus.SUBMITTED
            )
        )
        or 0
    )


def said_did(r: dict[str, Any]) -> str:
    """One procurement's "you said, we did" sentence, from its review row."""
    reps = r.get("patient_reps_taking_part") or 0
    who = f"{reps} patient representative{'s' if reps != 1 else ''}"
    said = f"You said: {who} scored questions worth {_percent(r['patient_weight_share'])} of the marks."
    winner = r["winner"]
    if winner is None:
        return f"{said} We did: no single bidder came first, so the rules of the tender decided."
    if r["winner_changed"]:
        without = r["counterfactual_winner"] or "no single bidder"
        return (
            f"{said} We did: your scores changed who won. Without them {without} would have come first; "
            f"the contract went to {winner}."
        )
    part = r.get("shapley_patient_share")
    margin = f" Your scores made up {_percent(part)} of the winning margin." if part is not None and part > 0 else ""
    return f"{said} We did: the contract went to {winner}, who would also have won without your scores.{margin}"


def board_report(viewer: User | None, filters: review_service.Filters) -> BoardReport:
    data = review_service.review(viewer, filters)
    rows = data["procurements"]
    shares = [r["patient_weight_share"] for r in rows]
    report = BoardReport(
        period=_period(filters),
        procurements=len(rows),
        reps=_distinct_reps([r["reference"] for r in rows]),
        rep_places=sum(r.get("patient_reps_taking_part") or 0 for r in rows),
        on_paper=sum(r.get("patient_reps_on_paper") or 0 for r in rows),
        share_low=min(shares) if shares else None,
        share_median=median(shares) if shares else None,
        share_high=max(shares) if shares else None,
        changed=sum(1 for r in rows if r["winner_changed"]),
        curve=curve_words(data["decisive_steps"], len(rows), data["alpha_half"]),
        alpha_half=data["alpha_half"],
        said_did=[(f"{r['reference']}: {r['title']}", said_did(r)) for r in rows],
    )
    report.summary = _summary(report)
    report.easy_read = _easy_read(report)
    return report


def _summary(r: BoardReport) -> list[str]:
    if not r.procurements:
        return ["No procurement was finalised in this period."]
    out = [
        f"{r.procurements} procurement{'s' if r.procurements != 1 else ''} finalised. "
        f"{r.reps} different patient representative{'s' if r.reps != 1 else ''} scored bids "
        f"({r.rep_places} places on evaluation panels; {r.on_paper} scored on paper)."
    ]
    assert (
        r.share_low is not None and r.share_high is not None and r.share_median is not None
    )  # set with any procurement
    if r.share_low == r.share_high:
        out.append(f"Patient-scored questions carried {_percent(r.share_low)} of the marks.")
    else:
        out.append(
            f"Patient-scored questions carried between {_percent(r.share_low)} and {_percent(r.share_high)} "
            f"of the marks (half of the procurements {_percent(r.share_median)} or less)."
        )
    out.append(
        f"In {r.changed} of the {r.procurements} the patient scores changed who won: without them "
        "another bidder would have come first."
    )
    return out


def _easy_read(r: BoardReport) -> list[Part]:
    about = Part("About this report")
    about.add(
        "file-text", "This report is about patient representatives.", "They help us choose who runs health services."
    )
    about.add("calendar-event", f"{r.period}.")
    if not r.procurements:
        about.add("archive", "No choice was finished in this time.")
        return [about]
    assert r.share_low is not None and r.share_high is not None  # set with any procurement
    took = Part("Who took part")
    services = f"{r.procurements} service{'s' if r.procurements != 1 else ''}"
    took.add(
        "users-group",
        f"We finished choosing who runs {services}.",
        f"{r.reps} patient representative{'s' if r.reps != 1 else ''} gave scores.",
    )
    if r.on_paper:
        took.add("pencil", "Some representatives scored on paper.", "That is fine: paper scores count the same.")
    weight = Part("How much patient scores counted")
    weight.add("scale", f"The least was {share_words(r.share_low)}.", f"The most was {share_words(r.share_high)}.")
    result = Part("Did patient scores make a difference?")
    if r.changed:
        result.add(
            "trophy",
            f"For {r.changed} of the {services}, patient scores changed who won.",
            "Without them, a different bidder would have won.",
        )
    else:
        result.add(
            "trophy",
            "Patient scores did not change who won this time.",
            "They did change how many marks each bidder got.",
        )
    if r.alpha_half is not None:
        result.add(
            "arrows-diff",
            "The more patient scores count, the more often they decide.",
            f"When they count for {share_words(r.alpha_half)}, they decide about half of the time.",
        )
    else:
        result.add(
            "arrows-diff",
            "The more patient scores count, the more often they decide.",
            "But even at their most, they would decide less than half of the time.",
        )
    thanks = Part("Thank you")
    thanks.add("heart-handshake", "Thank you to every patient representative.", "Your scores are part of every choice.")
    return [about, took, weight, result, thanks]


def docx_bytes(report: BoardReport) -> bytes:
    from .award_record import _new_document, _table

    doc = _new_document(TITLE, f"{report.period}.")
    doc.add_heading("Summary", level=1)
    for sentence in report.summary:
        doc.add_paragraph(sentence)
    if report.procurements:
        doc.add_heading("When the patient scores decide the winner", level=1)
        for sentence in report.curve:
            doc.add_paragraph(sentence)
        doc.add_paragraph(review_service.NOT_ADVICE)
        doc.add_heading("You said, we did", level=1)
        _table(doc, ["Procurement", "You said, we did"], [list(pair) for pair in report.said_did])
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
