"""The audit log of a procurement: read-only, filterable by action and person, paginated.

There is deliberately no route that changes or deletes an event (and the model
refuses such a flush anyway).
"""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import abort, render_template, request, url_for
from sqlalchemy import func, select

from .. import audit_text
from ..extensions import db
from ..models import AuditEvent, Procurement, User
from . import bp
from .common import lead_view

PER_PAGE = 50


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
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, ceil(total / PER_PAGE))
    if page > pages:  # past the last page (or a number no database offset holds): not found
        abort(404)
    events = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.procurement_id == procurement.id)
        .distinct()
        .order_by(AuditEvent.action)
    ).all()
    people = db.session.scalars(
        select(User)
        .join(AuditEvent, AuditEvent.actor_id == User.id)
        .where(AuditEvent.procurement_id == procurement.id)
        .distinct()
        .order_by(User.name)
    ).all()

    def page_url(number: int) -> str:
        args: dict[str, Any] = {k: v for k, v in {"action": action, "person": person}.items() if v}
        return url_for("leads.audit", procurement_id=procurement.id, page=number, **args)

    names = audit_text.names_for(procurement)
    rows = [(e, audit_text.sentence(e, names)) for e in events]
    action_choices = sorted(((a, audit_text.label(a)) for a in actions), key=lambda item: item[1])
    return render_template(
        "leads/audit.html",
        procurement=procurement,
        rows=rows,
        actions=action_choices,
        people=people,
        action=action,
        person=person,
        page=page,
        pages=pages,
        total=total,
        previous_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < pages else None,
    )
