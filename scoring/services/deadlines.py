"""The scoring deadline and moderation meeting, the reminders before the deadline, and notices.

Deadlines are entered and shown in Europe/London and stored in UTC, so "5pm" means 5pm on
the clock in England in summer and winter alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ..extensions import db
from ..models import Procurement, Role, Status, User, utcnow
from . import audit, mail
from .errors import Refused

LONDON = ZoneInfo("Europe/London")
# Days before the deadline (London dates) when evaluators who have not finished are reminded.
REMINDER_POINTS = ((7, "7 days"), (2, "2 days"), (0, "on the day"))


def to_london(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(LONDON)


def from_london(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def _clock(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def days_left(procurement: Procurement, *, now: datetime | None = None) -> int | None:
    if procurement.scoring_deadline is None:
        return None
    today = to_london(now or utcnow()).date()
    return (to_london(procurement.scoring_deadline).date() - today).days


def due_sentence(procurement: Procurement, *, now: datetime | None = None) -> str | None:
    """ "Scores are due by 5pm on Friday 12 March — 3 days left", or None without a deadline."""
    if procurement.scoring_deadline is None:
        return None
    now = now or utcnow()
    local = to_london(procurement.scoring_deadline)
    when = f"{_clock(local)} on {local.strftime('%A')} {local.day} {local.strftime('%B')}"
    left = days_left(procurement, now=now)
    if now >= procurement.scoring_deadline:
        return f"Scores were due by {when}. The deadline has passed: contact your procurement lead."
    tail = "today" if left == 0 else ("1 day left" if left == 1 else f"{left} days left")
    return f"Scores are due by {when} — {tail}"


def meeting_sentence(procurement: Procurement, *, now: datetime | None = None) -> str | None:
    """ "The moderation meeting is on Friday 19 March 2027." while it is still to come, else None."""
    day = procurement.moderation_meeting_on
    if day is None or procurement.status is Status.FINAL:
        return None
    today = to_london(now or utcnow()).date()
    if day < today:
        return None
    when = "today" if day == today else f"on {day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
    return f"The moderation meeting is {when}."


def set_dates(
    procurement: Procurement,
    *,
    deadline_day: date | None,
    deadline_time: time | None,
    meeting_on: date | None,
    actor: User | None,
    now: datetime | None = None,
) -> None:
    from .lifecycle import require_not_final

    require_not_final(procurement)
    if (deadline_day is None) != (deadline_time is None):
        raise Refused("Enter both the date and the time scores are due, or neither.", field="deadline_day")
    deadline = from_london(deadline_day, deadline_time) if deadline_day and deadline_time else None
    if deadline is not None and deadline <= (now or utcnow()) and deadline != procurement.scoring_deadline:
        raise Refused("The scoring deadline must be in the future.", field="deadline_day")
    if meeting_on and deadline and meeting_on < to_london(deadline).date():
        raise Refused("The moderation meeting must be on or after the scoring deadline.", field="meeting_on")
    before = {
        "scoring_deadline": procurement.scoring_deadline,
        "moderation_meeting_on": procurement.moderation_meeting_on,
    }
    procurement.scoring_deadline = deadline
    procurement.moderation_meeting_on = meeting_on
    audit.record(
        "procurement.dates_set",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        before=before,
        after={"scoring_deadline": deadline, "moderation_meeting_on": meeting_on},
    )
    notify_meeting(procurement)  # a date set or moved during moderation is told to everyone


def notify_scoring_opened(procurement: Procurement) -> None:
    """Each assigned evaluator is told scoring is open, what to do and by when."""
    from .progress import evaluators_of

    due = due_sentence(procurement)
    for evaluator in evaluators_of(procurement):
        if not evaluator.active:
            continue
        mail.queue(
            evaluator,
            "notice",
            {
                "heading": f"Scoring is open: {procurement.title}",
                "paragraphs": [
                    "You can now read the bidders' answers and give your scores.",
                    "First, say whether you have a conflict of interest with any bidder. Then score each "
                    "answer, give a reason for each score, and submit your scores.",
                    (due + ".") if due else "Your procurement lead will tell you when scores are due.",
                ],
                "action_text": "Start scoring",
                "action_href": mail.link("evaluate.dashboard"),
            },
            dedupe_key=f"scoring-open:{procurement.id}:{evaluator.id}",
            procurement_id=procurement.id,
        )


def notify_meeting(procurement: Procurement) -> int:
    """Once scoring has closed, each evaluator is told the moderation meeting date, with a link.

    Keyed by the date, so closing scoring again sends nothing new but a changed date is told.
    """
    from .progress import evaluators_of

    sentence = meeting_sentence(procurement)
    day = procurement.moderation_meeting_on  # a sentence means there is a day
    if procurement.status is not Status.MODERATION or sentence is None or day is None:
        return 0
    queued = 0
    for evaluator in evaluators_of(procurement):
        if not evaluator.active:
            continue
        if mail.queue(
            evaluator,
            "notice",
            {
                "heading": f"Moderation meeting: {procurement.title}",
                "paragraphs": [
                    "Scoring has closed. Thank you for your scores.",
                    sentence + " At the meeting the panel agrees one score for each answer.",
                    "Before the meeting you can see everyone's scores and reasons on the moderation page.",
                ],
                "action_text": "Open the moderation page",
                "action_href": mail.link("moderation.overview", procurement_id=procurement.id),
            },
            dedupe_key=f"meeting:{procurement.id}:{evaluator.id}:{day.isoformat()}",
            procurement_id=procurement.id,
        ):
            queued += 1
    return queued


def send_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminders due now; each is queued once however often this runs. Returns how many."""
    from .progress import progress_of_everyone

    now = now or utcnow()
    queued = 0
    open_procurements = db.session.scalars(
        db.select(Procurement).where(Procurement.status == Status.SCORING, Procurement.scoring_deadline.is_not(None))
    ).all()
    for procurement in open_procurements:
        left = days_left(procurement, now=now)
        due = due_sentence(procurement, now=now)
        # The query asked for a deadline, so left and due are never None here.
        if left is None or due is None or now >= procurement.scoring_deadline:
            continue
        # The nearest point reached: a cron job that missed a day still sends the latest reminder.
        point = next(((days, label) for days, label in reversed(REMINDER_POINTS) if left <= days), None)
        if point is None:
            continue
        days, label = point
        behind = [
            row for row in progress_of_everyone(procurement) if not row.progress.submitted and row.evaluator.active
        ]
        for row in behind:
            if mail.queue(
                row.evaluator,
                "notice",
                {
                    "heading": f"Reminder: scores due {'today' if days == 0 else f'in {days} days'}",
                    "paragraphs": [
                        f"This is a reminder about {procurement.title}.",
                        due + ".",
                        "You have not submitted all your scores yet.",
                    ],
                    "action_text": "Continue scoring",
                    "action_href": mail.link("evaluate.dashboard"),
                },
                dedupe_key=f"reminder:{days}:{procurement.id}:{row.evaluator.id}",
                procurement_id=procurement.id,
            ):
                queued += 1
        if procurement.lead is not None and procurement.lead.active:
            names = [row.evaluator.name for row in behind]
            if mail.queue(
                procurement.lead,
                "notice",
                {
                    "heading": f"Who is behind with scoring: {procurement.reference}",
                    "paragraphs": [
                        due + ".",
                        (
                            f"{len(names)} {'person has' if len(names) == 1 else 'people have'} not submitted: "
                            + ", ".join(names)
                            + "."
                        )
                        if names
                        else "Everyone has submitted their scores.",
                    ],
                    "action_text": "See progress",
                    "action_href": mail.link("leads.progress", procurement_id=procurement.id),
                },
                dedupe_key=f"reminder-summary:{days}:{procurement.id}",
                procurement_id=procurement.id,
            ):
                queued += 1
    return queued


def report_endpoint(rep: User) -> str:
    """Where a rep's report link goes: the easy read version for someone who needs easy read."""
    return "results.report_easy_read" if rep.easy_read else "results.report"


def notify_report_ready(procurement: Procurement) -> None:
    """After finalising, each patient rep is told their "you said, we did" report is ready."""
    from .progress import evaluators_of

    for rep in evaluators_of(procurement):
        if rep.role is not Role.PATIENT or not rep.active:
            continue
        mail.queue(
            rep,
            "notice",
            {
                "heading": f"Your report is ready: {procurement.title}",
                "paragraphs": [
                    "The procurement is finished. Your report shows what you said and what happened because of it.",
                    "Thank you for taking part.",
                ],
                "action_text": "Read your report",
                "action_href": mail.link(report_endpoint(rep), procurement_id=procurement.id, user_id=rep.id),
            },
            dedupe_key=f"report-ready:{procurement.id}:{rep.id}",
            procurement_id=procurement.id,
        )
