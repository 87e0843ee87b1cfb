"""What a patient rep and a bidder are told after the result is final (read only, no changes).

* `RepReport`: "you said, we did" for one patient representative: the sections
  they scored, how their scores compared with the other evaluators', what the
  moderation agreed and why, and what difference the patient scores made. It
  names no other evaluator (others are "the other evaluators") and calls bidders
  what the rep may call them (codes on anonymised procurements).
* `BidderSummary`: the assessment summary for one bidder: per section its
  moderated score, the maximum and the reason agreed; its total and rank against
  the winner's. It never names an evaluator nor shows an individual score.

Both read the stored final result (`results.result_document`), and the
evaluators' own scores, which cannot change once the procurement is final.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import Bidder, Procurement, Role, Score, Section, User
from ..services.moderation import conflict_pairs, counted_score, evaluators_in
from ..numbers import number, points, score
from ..services.results import ResultView, join

#: Averages closer than this are "about the same".
SAME = 0.25

NO_DISCUSSION = ("The panel did not change this score in moderation, so it is the average of the "
                 "evaluators' scores.")
PRICE_REASON = ("Scored from the price: the lowest price received divided by this bid's price, "
                "times the maximum score.")


def patient_reps(procurement: Procurement) -> list[User]:
    return [u for u in evaluators_in(procurement) if u.role == Role.PATIENT.value]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def compare_easy(yours: float | None, others: float | None) -> str:
    """The same comparison in easy-read words."""
    if yours is None or others is None:
        return "Nobody else scored this part."
    if abs(yours - others) < SAME:
        return "You gave about the same scores as the others."
    return f"You gave {'higher' if yours > others else 'lower'} scores than the others."


def compare_words(yours: float | None, others: float | None) -> str:
    """Plain words for how one average compares with another."""
    if yours is None:
        return "You did not give a score here."
    if others is None:
        return "Nobody else scored this, so there is nothing to compare with."
    difference = yours - others
    if abs(difference) < SAME:
        return "Your scores were about the same as the other evaluators' scores."
    how = "a little" if abs(difference) < 1 else "clearly"
    direction = "higher" if difference > 0 else "lower"
    return f"Your scores were {how} {direction} than the other evaluators' scores, on average."


@dataclass
class RepCell:
    bidder_label: str
    yours: int | None
    your_reason: str
    agreed: str
    discussed: bool
    reason: str


@dataclass
class RepSection:
    section: Section
    yours: float | None
    others: float | None
    agreed: float | None
    words: str
    cells: list[RepCell] = field(default_factory=list)


@dataclass
class RepReport:
    procurement: Procurement
    rep: User
    sections: list[RepSection]
    outcome: list[str]
    influence: list[str]
    easy_read: list[tuple[str, list[str]]]  # (heading, sentences)


def rep_report(procurement: Procurement, rep: User, result: ResultView) -> RepReport:
    """The report of one patient rep, worded for the rep (bidder labels as the rep sees them)."""
    sections = [s for s in procurement.sections if not s.is_price
                and any(a.user_id == rep.id for a in s.assignments)]
    section_ids = [s.id for s in sections]
    scores = list(db.session.scalars(select(Score).where(Score.section_id.in_(section_ids)))) if section_ids else []
    bidders = {b.id: b for b in procurement.bidders}
    entry_of = {e["id"]: e["label"] for e in result.view["sections"]}
    by_bidder = {b.bidder.id: b for b in result.bidders}
    consensus = result.view["consensus"]
    conflicted = conflict_pairs(procurement)
    out: list[RepSection] = []
    for section in sections:
        s_label = entry_of.get(section.id)
        mine = {x.bidder_id: x for x in scores if x.section_id == section.id and x.evaluator_id == rep.id
                and counted_score(x, conflicted)}
        others = [x.value for x in scores if x.section_id == section.id and x.evaluator_id != rep.id
                  and x.bidder_id in mine and counted_score(x, conflicted)]
        agreed_values = []
        cells = []
        for bidder_id, own in sorted(mine.items(), key=lambda kv: bidders[kv[0]].position):
            row = by_bidder[bidder_id]
            moderated = row.moderated.get(s_label)
            if moderated is not None:
                agreed_values.append(moderated)
            decided = consensus.get(row.label, {}).get(s_label)
            cells.append(RepCell(
                bidder_label=bidders[bidder_id].label_for(rep), yours=own.value, your_reason=own.rationale,
                agreed=score(moderated), discussed=decided is not None,
                reason=decided["rationale"] if decided else NO_DISCUSSION,
            ))
        yours = _mean([x.value for x in mine.values()])
        others_mean = _mean(others)
        out.append(RepSection(section=section, yours=yours, others=others_mean,
                              agreed=_mean(agreed_values), words=compare_words(yours, others_mean),
                              cells=cells))
    report = RepReport(procurement=procurement, rep=rep, sections=out, outcome=result.summary(),
                       influence=result.influence_sentences(), easy_read=[])
    report.easy_read = easy_read(report, result)
    return report


def easy_read(report: RepReport, result: ResultView) -> list[tuple[str, list[str]]]:
    """Short sentences, one idea each, everyday words: the easy-read version of the report."""
    procurement = report.procurement
    parts: list[tuple[str, list[str]]] = []
    parts.append(("Thank you", [
        f"Thank you for helping to choose who runs {procurement.title}.",
        "This report tells you what happened to your scores.",
    ]))
    scored = [s for s in report.sections if s.yours is not None]
    if not scored:
        parts.append(("Your scores", ["You did not give any scores this time."]))
    else:
        lines = [f"You scored {len(scored)} {'part' if len(scored) == 1 else 'parts'} of the bids."]
        for s in scored:
            lines.append(f"{s.section.title}. {compare_easy(s.yours, s.others)}")
        parts.append(("Your scores", lines))
        meeting = ["The panel met to agree one score for each bid."]
        for s in scored:
            top = f"{s.section.max_score}"
            agreed = ", ".join(f"{c.bidder_label} got {c.agreed} out of {top}" for c in s.cells)
            meeting.append(f"{s.section.title}. {agreed}.")
        meeting.append("The full report says why.")
        parts.append(("What the panel agreed", meeting))
    leader = result.leader
    inf = result.doc["influence"]
    outcome: list[str] = []
    if leader is not None:
        outcome.append(f"{leader.display} came first.")
    else:
        outcome.append("No single bidder came first.")
    share = inf["patient_weight_share"]
    if share > 0:
        outcome.append(f"Patient reps scored parts worth {number(100 * share, 0)} out of every 100 marks.")
        cf = inf.get("counterfactual_winner")
        if leader is not None and inf["winner_changed"]:
            other = result.name(cf) if cf else "a different bidder"
            outcome.append(f"Without patient scores, {other} would have come first.")
            outcome.append("So patient scores changed who won.")
        elif leader is not None:
            outcome.append(f"Without patient scores, {leader.display} would still have come first.")
            outcome.append("So patient scores did not change who won.")
            if any(b.rank_change for b in result.bidders):
                outcome.append("But they did change the order of the other bidders.")
            else:
                outcome.append("But they did change the points each bidder got.")
    parts.append(("What happened in the end", outcome))
    return parts


# ----------------------------------------------------------------------------- bidders

@dataclass
class SummaryRow:
    code: str
    title: str
    weight: float
    score: str
    maximum: str
    reason: str
    winner_score: str


@dataclass
class BidderSummary:
    procurement: Procurement
    bidder: Bidder
    rows: list[SummaryRow]
    total: float
    rank: int
    n_bidders: int
    failing_sections: list[str]
    winner: Bidder | None
    winner_total: float | None
    is_winner: bool

    def as_text(self) -> str:
        """The summary as plain text, for the download."""
        p = self.procurement
        lines = [
            f"Assessment summary: {p.title} ({p.reference})",
            f"Bidder: {self.bidder.name} ({self.bidder.code})",
            "",
        ]
        for row in self.rows:
            lines += [
                f"{row.code}: {row.title} (weight {row.weight:g}%)",
                f"  Your score: {row.score} out of {row.maximum}",
            ]
            if self.winner is not None and not self.is_winner:
                lines.append(f"  Winning bid's score: {row.winner_score} out of {row.maximum}")
            lines.append(f"  Reason: {row.reason}")
            lines.append("")
        lines += self.result_sentences()
        return "\n".join(lines) + "\n"

    def result_sentences(self) -> list[str]:
        out = [f"Your total: {points(self.total)} out of 100. You ranked {self.rank} of {self.n_bidders}."]
        if self.failing_sections:
            out.append(f"Your bid did not reach the minimum score in {join(self.failing_sections)}.")
        if self.is_winner:
            out.append("Your bid is the most advantageous tender.")
        elif self.winner is not None:
            out.append(f"The most advantageous tender, from {self.winner.name}, scored "
                       f"{points(self.winner_total)} out of 100.")
        return out


def bidder_summary(procurement: Procurement, bidder: Bidder, result: ResultView) -> BidderSummary:
    mine = next(b for b in result.bidders if b.bidder.id == bidder.id)
    winner = result.winner
    consensus = result.view["consensus"]
    rows = []
    for entry in result.view["sections"]:
        label = entry["label"]
        decided = consensus.get(mine.label, {}).get(label)
        if entry["is_price"]:
            reason = PRICE_REASON
        elif decided:
            reason = decided["rationale"]
        else:
            reason = NO_DISCUSSION
        rows.append(SummaryRow(
            code=entry["code"], title=entry["title"], weight=entry["weight"],
            score=score(mine.moderated.get(label)), maximum=f"{entry['max_score']:g}", reason=reason,
            winner_score=score(winner.moderated.get(label)) if winner else "",
        ))
    codes = {e["label"]: e["code"] for e in result.view["sections"]}
    return BidderSummary(
        procurement=procurement, bidder=bidder, rows=rows, total=mine.total, rank=mine.rank,
        n_bidders=len(result.bidders), failing_sections=[codes.get(s, s) for s in mine.failing_sections],
        winner=winner.bidder if winner else None, winner_total=winner.total if winner else None,
        is_winner=winner is not None and winner.bidder.id == bidder.id,
    )

