"""The easy-read version of a rep's "you said, we did" report.

Easy-read practice (as in Mencap's "Am I making myself clear?" and the Department
of Health's "Making written information easier to understand"): short sentences
with one idea each; whole numbers or words, never decimals or percentages
("about 2 out of every 5 marks"); one bidder per sentence; a picture beside each
point, which is decoration (empty alt text) because the words carry the meaning;
and it stands on its own, with no reference back to the standard report.

Pictures are Tabler icons (MIT licence, npm ``@tabler/icons``), served from
node_modules by `scoring.assets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rep_report import Answer, RepReport

#: Shares are said as "n out of every d" with the smallest of these denominators that is close.
DENOMINATORS = (2, 3, 4, 5, 8, 10)
NEAR = 0.02


@dataclass(frozen=True)
class Point:
    icon: str  # a Tabler outline icon name
    sentences: tuple[str, ...]


@dataclass
class Part:
    heading: str
    points: list[Point] = field(default_factory=list)

    def add(self, icon: str, *sentences: str) -> None:
        self.points.append(Point(icon, tuple(sentences)))


#: Every icon the easy read uses (the tests check each one is installed).
ICONS = (
    "file-text",
    "heart-handshake",
    "pencil",
    "ban",
    "users-group",
    "thumb-up",
    "arrows-diff",
    "trophy",
    "alert-triangle",
    "scale",
    "mail",
    "calendar-event",
    "archive",
    "phone",
)


def share_words(fraction: float) -> str:
    """A share of the marks in words: "2 out of every 5 marks", "about 7 out of every 10 marks"."""
    if fraction <= 0.005:
        return "none of the marks"
    if fraction >= 0.995:
        return "all of the marks"
    for d in DENOMINATORS:
        n = round(fraction * d)
        if 0 < n < d and abs(fraction - n / d) <= NEAR:
            f = Fraction(n, d)
            return f"{f.numerator} out of every {f.denominator} marks"
    n = round(fraction * 10)
    if n == 0:
        return "less than 1 out of every 10 marks"
    if n == 10:
        return "nearly all of the marks"
    f = Fraction(n, 10)
    return f"about {f.numerator} out of every {f.denominator} marks"


def score_words(value: float | None, top: int) -> str:
    """A score in words, whole numbers only: "3 out of 4", "between 2 and 3 out of 4"."""
    if value is None:
        return "no score"
    whole = round(value)
    if abs(value - whole) < 1e-9:
        return f"{whole} out of {top}"
    low = int(value // 1)
    if abs(value - low - 0.5) < 1e-9:
        return f"between {low} and {low + 1} out of {top}"
    return f"about {whole} out of {top}"


def _different(answer: Answer) -> Point:
    s = answer.section
    sentences = [
        f"{answer.bidder}, question {s.code}: {s.title}.",
        f"You gave {answer.yours} out of {s.max_score}.",
        f"{answer.final_is.capitalize()} {score_words(answer.agreed, s.max_score)}.",
    ]
    if answer.reason:
        sentences.append(f"The panel said: “{answer.reason.strip()}”")
    else:
        sentences += ["The panel did not talk about this answer.", "So its score is the average of everyone's scores."]
    return Point("arrows-diff", tuple(sentences))


def easy_read(report: RepReport) -> list[Part]:
    p = report.procurement
    about = Part("About this report")
    about.add("file-text", f"This report is for {report.rep.name}.", f"It is about choosing who will run {p.title}.")
    about.add(
        "heart-handshake", "Thank you for scoring the bids.", "This report tells you what happened to your scores."
    )

    said = Part("What you said")
    n = len(report.answers)
    if n:
        said.add("pencil", f"You gave {n} {'score' if n == 1 else 'scores'}.", "You wrote a reason for each score.")
    else:
        said.add("pencil", "You did not give any scores this time.")
    for bidder in report.conflicts:
        said.add("ban", f"You did not score {bidder}.", "You told us you had a conflict of interest.")

    parts = [about, said]
    if n:
        agreed = Part("What the panel agreed")
        agreed.add("users-group", "After scoring, a panel met.", "The panel agreed one score for each answer.")
        close = len(report.close)
        if close == n:
            agreed.add("thumb-up", "For all your scores, the final score was about the same as yours.")
        elif close:
            agreed.add("thumb-up", f"For {close} of your {n} scores, the final score was about the same.")
        else:
            agreed.add("thumb-up", "For each of your scores, the final score was different.")
        if report.different:
            agreed.add("arrows-diff", "Here is where the final score was different from yours.")
            agreed.points += [_different(a) for a in report.different]
        parts.append(agreed)

    o = report.outcome
    winner = Part("Who won")
    if len(o.winners) == 1:
        winner.add("trophy", f"{o.winners[0]} won.", f"{o.winners[0]} got the most marks.")
    else:
        winner.add(
            "trophy",
            *[f"{name} came joint first." for name in o.winners],
            "The rules of the tender decide between them.",
        )
    for bidder, _codes in o.failing:
        winner.add(
            "alert-triangle", f"{bidder} could not win.", "It did not get the lowest score allowed for a question."
        )
    parts.append(winner)

    difference = Part("Did patient scores make a difference?")
    if not o.patient_questions:
        difference.add("scale", "Patient reps did not score any question this time.")
    else:
        difference.add("scale", f"Patient reps helped score questions worth {share_words(o.share)}.")
        if not o.without:
            difference.add("scale", "Patient reps scored every question.", "So the result rests on patient scores.")
        elif o.changed_winner:
            without = (
                [f"Without patient scores, {name} would have won." for name in o.without]
                if len(o.without) == 1
                else [f"Without patient scores, {name} would have come joint first." for name in o.without]
            )
            with_them = (
                [f"With patient scores, {name} won." for name in o.winners]
                if len(o.winners) == 1
                else [f"With patient scores, {name} came joint first." for name in o.winners]
            )
            difference.add("trophy", *without, *with_them, "So patient scores changed who won.")
        else:
            difference.add(
                "trophy",
                *[f"Without patient scores, {name} would still have won." for name in o.winners],
                "So patient scores did not change who won.",
            )
            difference.add(
                "scale",
                "But they changed the order of the other bidders."
                if o.moved
                else "But they changed how many marks each bidder got.",
            )
    parts.append(difference)

    nxt = Part("What happens next")
    nxt.add("mail", "We will tell the bidders the result.")
    nxt.add("calendar-event", "They have at least 8 working days to ask questions.", "Then the contract can be signed.")
    nxt.add("archive", "We keep your scores safe in our records.")
    parts.append(nxt)

    questions = Part("Questions")
    if report.contact is not None:
        questions.add(
            "phone",
            f"If you have a question, contact {report.contact.name}.",
            f"Their email is {report.contact.email}.",
        )
    else:
        questions.add("phone", "If you have a question, ask the team that runs the procurement.")
    parts.append(questions)
    return parts
