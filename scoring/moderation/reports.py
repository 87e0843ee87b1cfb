"""What a patient rep and a bidder are told after the result is final (read only, no changes).

* the patient reps whose "you said, we did" report there is (the report itself
  is `rep_report`, its easy-read version `easy_read`);
* `BidderSummary`: the assessment summary for one bidder: per section its
  moderated score, the maximum and the reason agreed; its total and rank against
  the winner's. It never names an evaluator nor shows an individual score.

Both read the stored final result (`outcome.outcome`), and the
evaluators' own scores, which cannot change once the procurement is final.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Bidder, Procurement, Role, User
from ..numbers import points, score
from ..services.moderation import evaluators_in
from ..services.results import ResultView, join

NO_DISCUSSION = "The panel did not change this score in moderation, so it is the average of the evaluators' scores."
NO_REASON_RECORDED = "No reason was recorded for this score when it was finalised."
PRICE_REASON = "Scored from the price: the lowest price received divided by this bid's price, times the maximum score."


def patient_reps(procurement: Procurement) -> list[User]:
    return [u for u in evaluators_in(procurement) if u.role is Role.PATIENT]


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
            out.append(
                f"The most advantageous tender, from {self.winner.name}, scored {points(self.winner_total)} out of 100."
            )
        return out


def bidder_summary(procurement: Procurement, bidder: Bidder, result: ResultView) -> BidderSummary:
    mine = next(b for b in result.bidders if b.bidder.id == bidder.id)
    winner = result.winner
    consensus = result.view["consensus"]
    accepted = result.view.get("accepted") or {}
    rows = []
    for entry in result.view["sections"]:
        label = entry["label"]
        # The reason recorded in moderation: the consensus, or the lead's acceptance of the
        # proposed score (finalising needs one of them for every scored cell, issue 15).
        decided = consensus.get(mine.label, {}).get(label) or accepted.get(mine.label, {}).get(label)
        if entry["is_price"]:
            reason = PRICE_REASON
        elif decided:
            reason = decided["rationale"]
        else:  # only a result finalised before every score needed a reason
            reason = NO_REASON_RECORDED
        rows.append(
            SummaryRow(
                code=entry["code"],
                title=entry["title"],
                weight=entry["weight"],
                score=score(mine.moderated.get(label)),
                maximum=f"{entry['max_score']:g}",
                reason=reason,
                winner_score=score(winner.moderated.get(label)) if winner else "",
            )
        )
    codes = {e["label"]: e["code"] for e in result.view["sections"]}
    return BidderSummary(
        procurement=procurement,
        bidder=bidder,
        rows=rows,
        total=mine.total,
        rank=mine.rank,
        n_bidders=len(result.bidders),
        failing_sections=[codes.get(s, s) for s in mine.failing_sections],
        winner=winner.bidder if winner else None,
        winner_total=winner.total if winner else None,
        is_winner=winner is not None and winner.bidder.id == bidder.id,
    )
