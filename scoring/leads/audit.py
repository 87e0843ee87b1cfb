"""The audit log of a procurement: read-only, filterable by action and person, paginated.

There is deliberately no route that changes or deletes an event (and the model
refuses such a flush anyway).
"""
from __future__ import annotations

import json
from math import ceil

from flask import abort, render_template, request, url_for
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, Procurement, User
from . import bp
from .common import lead_view

PER_PAGE = 50


def _load(text: str | None):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _show(value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_show(v) for v in value)
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def describe_changes(before_json: str | None, after_json: str | None) -> list[str]:
    """Readable lines, "weight: 20 → 25", for every field that differs between before and after."""
    before, after = _load(before_json), _load(after_json)
    if before is None and isinstance(after, dict):
        return [f"{key}: {_show(value)}" for key, value in after.items()]
    if after is None and isinstance(before, dict):
        return [f"{key} was: {_show(value)}" for key, value in before.items()]
    if not isinstance(before, dict) or not isinstance(after, dict):
        if before is None and after is None:
            return []
        if before is None:
            return [_show(after)]
        if after is None:
            return [f"was {_show(before)}"]
        return [f"{_show(before)} → {_show(after)}"]
    lines = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key), after.get(key)
        if key not in after:
            lines.append(f"{key}: {_show(old)}")
        elif key not in before:
            lines.append(f"{key}: {_show(new)}")
        elif isinstance(old, dict) and isinstance(new, dict):
            lines += [f"{key} {k}: {_show(old.get(k))} → {_show(new.get(k))}"
                      for k in list(old) + [k for k in new if k not in old] if old.get(k) != new.get(k)]
        elif old != new:
            lines.append(f"{key}: {_show(old)} → {_show(new)}")
    return lines


@bp.route("/<int:procurement_id>/audit")
@lead_view
def audit(procurement: Procurement):
    action = request.args.get("action", "")
    person = request.args.get("person", "")
    try:
        page = max(1, int(request.args.get("page", "1")))
        person_id = int(person) if person else None
    except ValueError:
        abort(400)
    query = select(AuditEvent).where(AuditEvent.procurement_id == procurement.id)
    if action:
        query = query.where(AuditEvent.action == action)
    if person_id is not None:
        query = query.where(AuditEvent.actor_id == person_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, ceil(total / PER_PAGE))
    if page > pages:  # past the last page (or a number no database offset holds): not found
        abort(404)
    events = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.procurement_id == procurement.id).distinct().order_by(AuditEvent.action)
    ).all()
    people = db.session.scalars(
        select(User).join(AuditEvent, AuditEvent.actor_id == User.id)
        .where(AuditEvent.procurement_id == procurement.id).distinct().order_by(User.name)
    ).all()

    def page_url(number: int) -> str:
        args = {k: v for k, v in {"action": action, "person": person}.items() if v}
        return url_for("leads.audit", procurement_id=procurement.id, page=number, **args)

    rows = [(e, describe_changes(e.before_json, e.after_json)) for e in events]
    return render_template("leads/audit.html", procurement=procurement, rows=rows, actions=actions,
                           people=people, action=action, person=person, page=page, pages=pages, total=total,
                           previous_url=page_url(page - 1) if page > 1 else None,
                           next_url=page_url(page + 1) if page < pages else None)
