"""'You said, we did': what one patient rep said, and what happened because of it.

The report is built around the rep's own answers: where the score the panel
agreed was close to theirs, where it was not (with the panel's reason), what
difference the patient scores as a whole made to who won, and what happens
next. It is written for lay readers: none of the engine's terms (see
`BANNED_TERMS`, checked by the tests on every page a rep can open) and no
figure beyond a score or a share of the marks; the figures stay on the lead's
results page.

The statutory guidance "Working in partnership with people and communities"
(NHS Act 2006 s.14Z45 for ICBs, s.13Q for NHS England) asks commissioners to
feed back how involvement influenced decisions, including when it could not:
hence the sentences for "the patient scores did not change who won".

Everything is read from the stored final result and the rep's own submitted
scores, which cannot change once the procurement is final.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Procurement, Role, Score, Section, User
from ..redaction import redact
from ..services.moderation import conflict_pairs, counted_score
from ..services.results import ResultView, join, percent, score

#: A score within this many points of the agreed one counts as "close" (half a point:
#: the agreed score may be an average such as 2.5).
CLOSE = 0.5

#: Words from the engine's definitions that a patient rep never reads on their pages.
BANNED_TERMS = (
    "shapley",
    "tipping point",
    "counterfactual",
    "kendall",
    "krippendorff",
    "moderated",
    "sweep",
    "dirichlet",
    "monte carlo",
    "monte-carlo",
    "sensitivity",
    "tau-b",
    "alpha",
    "α",
    "weighted total",
    "weight share",
    "lead split",
    "provisional leader",
    "contribution",
    "concentration",
    "median",
    "patient section",
    "panel section",
    "fixed section",
)

#: What happens after the decision. Both regimes keep a standstill of at least 8 working days
#: before the contract is entered into: Provider Selection Regime regulation 12(3) (from the day
#: after the notice of intention to award is published), Procurement Act 2023 section 51 (from
#: the day the contract award notice is published). Records: PSR regulation 24, PA 2023 s.98.
NEXT_STEPS = (
    "The procurement lead now tells each bidder the result, with the reasons for its scores.",
    "The bidders then have at least 8 working days to ask questions or challenge the decision. "
    "The contract is not signed before that time is up.",
    "Your scores and reasons are kept in the procurement's records, as the law requires.",
)


def for_rep(text: str, procurement: Procurement, rep: User) -> str:
    """Text as the rep may read it: on an anonymised procurement, bidders' names and prices
    hidden by `scoring.redaction` (the same rule as every page a rep reads)."""
    if not procurement.anonymised or rep.role is not Role.PATIENT:
        return text
    return redact(text, procurement.bidders)


@dataclass(frozen=True)
class Answer:
    """One bidder's answer to one question that the rep scored."""

    bidder: str  # what the rep calls the bidder
    section: Section
    yours: int
    your_reason: str
    agreed: float | None  # the score the panel agreed (or, undiscussed, the evaluators' average)
    reason: str | None  # the panel's reason; None when the panel did not discuss the answer

    @property
    def close(self) -> bool:
        return self.agreed is not None and abs(self.yours - self.agreed) <= CLOSE

    @property
    def same(self) -> bool:
        return self.agreed is not None and abs(self.yours - self.agreed) < 1e-9

    @property
    def where(self) -> str:
        return f"{self.bidder}, {self.section.code} {self.section.title}"

    @property
    def final_is(self) -> str:
        """How the final score came about: agreed by the panel, or left as the evaluators' average."""
        return "the panel agreed" if self.reason else "the final score was"

    def you_and_panel(self) -> str:
        top = self.section.max_score
        return f"You gave {self.yours} out of {top}. {self.final_is.capitalize()} {score(self.agreed)} out of {top}."


@dataclass
class Outcome:
    """Who won, and who would have come first without the patient scores."""

    winners: list[str]  # more than one when tied for first
    without: list[str]  # first without patient scores; empty when nothing is left to rank
    patient_questions: int
    questions: int
    share: float  # the patient-scored questions' share of the marks, 0 to 1
    changed_winner: bool
    moved: list[tuple[str, int, int]]  # (bidder, place without patient scores, place with them)
    failing: list[tuple[str, list[str]]]  # (bidder, questions below the minimum score)

    def sentences(self) -> list[str]:
        """The result and the patient scores' part in it, in plain words, one bidder per sentence."""
        out = [won(self.winners)]
        out += [
            f"{bidder} did not reach the minimum score for {join(codes)}, so it could not win."
            for bidder, codes in self.failing
        ]
        if not self.patient_questions:
            return out + [
                "Patient representatives did not score any question, so their scores could not change the result."
            ]
        if self.patient_questions == self.questions:
            out.append("Patient representatives helped score every question.")
        else:
            out.append(
                f"Patient representatives helped score {self.patient_questions} of the {self.questions} "
                f"questions, worth {percent(self.share)} of the marks."
            )
        if not self.without:
            return out + ["Patient representatives scored every question, so the result rests on their scores."]
        if self.changed_winner:
            return out + [f"Without patient scores, {first(self.without)}. With them, {won(self.winners)[:-1]}."]
        out.append(f"Without patient scores, the result would have been the same: {won(self.winners)[:-1]}.")
        if self.moved:
            out.append("But the patient scores changed the order of the other bidders.")
            out += [
                f"Without them, {bidder} would have come {ordinal(before)} instead of {ordinal(after)}."
                for bidder, before, after in self.moved
            ]
        else:
            out.append("The patient scores changed how many marks each bidder got, but not the order.")
        return out


def won(winners: list[str]) -> str:
    if len(winners) == 1:
        return f"{winners[0]} won."
    return f"{join(winners)} came joint first. The rule set out in the tender decides between them."


def first(names: list[str]) -> str:
    if len(names) == 1:
        return f"{names[0]} would have won"
    return f"{join(names)} would have been level in first place"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass
class RepReport:
    procurement: Procurement
    rep: User
    answers: list[Answer]
    conflicts: list[str]  # bidders the rep did not score because of a declared conflict
    outcome: Outcome
    contact: User | None
    decided_on: date | None
    easy_read: list = field(default_factory=list)  # see easy_read.easy_read

    @property
    def close(self) -> list[Answer]:
        return [a for a in self.answers if a.close]

    @property
    def different(self) -> list[Answer]:
        return [a for a in self.answers if not a.close]

    @property
    def next_steps(self) -> list[str]:
        return list(NEXT_STEPS)

    @property
    def decided_text(self) -> str:
        """The day the result was made final, as people write it: "1 December 2026"."""
        d = self.decided_on
        return "" if d is None else f"{d.day} {d:%B %Y}"

    @property
    def contact_sentence(self) -> str:
        if self.contact is None:
            return "If you have a question about this report, ask the team that runs the procurement."
        return (
            f"If you have a question about this report, contact {self.contact.name}, who leads the "
            f"procurement, at {self.contact.email}."
        )


def rep_report(procurement: Procurement, rep: User, result: ResultView) -> RepReport:
    """The report of one patient rep, with bidders named as the rep may see them."""
    from .easy_read import easy_read

    sections = [s for s in procurement.sections if not s.is_price and any(a.user_id == rep.id for a in s.assignments)]
    conflicted = conflict_pairs(procurement)
    mine = (
        list(
            db.session.scalars(
                select(Score).where(Score.evaluator_id == rep.id, Score.section_id.in_([s.id for s in sections]))
            )
        )
        if sections
        else []
    )
    counted = {(x.bidder_id, x.section_id): x for x in mine if counted_score(x, conflicted)}
    label_of = {e["id"]: e["label"] for e in result.view["sections"]}
    by_bidder = {b.bidder.id: b for b in result.bidders}
    consensus = result.view["consensus"]
    answers = []
    for bidder in procurement.bidders:
        row = by_bidder[bidder.id]
        for section in sections:
            own = counted.get((bidder.id, section.id))
            if own is None or own.value is None:  # a counted score always has a value
                continue
            label = label_of.get(section.id, "")
            decided = consensus.get(row.label, {}).get(label)
            answers.append(
                Answer(
                    bidder=bidder.label_for(rep),
                    section=section,
                    yours=own.value,
                    your_reason=for_rep(own.rationale or "", procurement, rep),
                    agreed=row.moderated.get(label),
                    reason=for_rep(decided["rationale"], procurement, rep)
                    if decided and decided.get("rationale")
                    else None,
                )
            )
    conflicts = [b.label_for(rep) for b in procurement.bidders if (rep.id, b.id) in conflicted]
    report = RepReport(
        procurement=procurement,
        rep=rep,
        answers=answers,
        conflicts=conflicts,
        outcome=outcome_of(result),
        contact=procurement.lead,
        decided_on=procurement.finalised_at.date() if procurement.finalised_at else None,
    )
    report.easy_read = easy_read(report)
    return report


def outcome_of(result: ResultView) -> Outcome:
    inf = result.doc["influence"]
    ranked = result.ranked
    winners = [b.display for b in ranked if b.rank == 1 and not b.failing] or [ranked[0].display]
    # Without patient scores, patient-only questions are dropped: nothing is left to rank when
    # every question with marks was scored by patient representatives alone.
    empty = not inf["patient_sections"] or all(
        row["scored_by"] == "patient" for row in result.doc["sections"] if row["weight"] > 0
    )
    without = [] if empty else [b.display for b in ranked if b.cf_rank == 1]
    moved = (
        []
        if empty
        else [
            (b.display, b.cf_rank, b.rank)
            for b in ranked
            if b.rank_change and b.display not in winners and b.display not in without
        ]
    )
    codes = {e["label"]: e["code"] for e in result.view["sections"]}
    return Outcome(
        winners=winners,
        without=without,
        patient_questions=len(inf["patient_sections"]),
        questions=len(result.view["sections"]),
        share=inf["patient_weight_share"],
        changed_winner=bool(without) and sorted(without) != sorted(winners),
        moved=moved,
        failing=[(b.display, [codes.get(s, s) for s in b.failing_sections]) for b in ranked if b.failing],
    )
