"""The scoring deadline and moderation meeting date."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..models import Procurement
from ..services import deadlines
from ..services.errors import Refused
from . import bp
from .common import lead_view, refusal


def _parse(value: str | None, kind: str, field: str, example: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d" if kind == "date" else "%H:%M")
    except ValueError as exc:
        raise Refused(f"Enter the {'date' if kind == 'date' else 'time'} like {example}.", field=field) from exc
    return parsed.date() if kind == "date" else parsed.time()


@bp.route("/<int:procurement_id>/dates", methods=["GET", "POST"])
@lead_view
def deadlines_page(procurement: Procurement):
    errors: list[dict[str, str]] | None = None
    field_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            if "deadline_day" not in request.form:
                raise Refused("Enter the scoring deadline and the moderation meeting date.", field="deadline_day")
            day: date | None = _parse(request.form.get("deadline_day"), "date", "deadline_day", "2027-03-12")
            clock: time | None = _parse(request.form.get("deadline_time"), "time", "deadline_time", "17:00")
            meeting = _parse(request.form.get("meeting_on"), "date", "meeting_on", "2027-03-19")
            deadlines.set_dates(
                procurement, deadline_day=day, deadline_time=clock, meeting_on=meeting, actor=current_user
            )
        except Refused as refused:
            errors, field_errors = refusal(refused)
            status = 400
        else:
            flash("Dates saved.", "success")
            return redirect(url_for("leads.deadlines_page", procurement_id=procurement.id))
    local = deadlines.to_london(procurement.scoring_deadline) if procurement.scoring_deadline else None
    return render_template(
        "leads/dates.html",
        procurement=procurement,
        local=local,
        errors=errors,
        field_errors=field_errors,
        due=deadlines.due_sentence(procurement),
    ), status


@bp.app_template_global("meeting_sentence")
def meeting_sentence(procurement: Procurement) -> str | None:
    return deadlines.meeting_sentence(procurement)


@bp.app_template_global("scoring_due_sentence")
def scoring_due_sentence(procurement: Procurement) -> str | None:
    """For the deadline line base.html shows evaluators on every page about a procurement."""
    return deadlines.due_sentence(procurement)
