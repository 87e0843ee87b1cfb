"""Procurements: the lead's list, creating one, the overview task list, details, scale and lifecycle."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from .. import anonymity, rules
from ..confirm import Confirmation, confirmation_page, confirmed
from ..extensions import db
from ..models import Procurement, Role, Status, User, utcnow
from ..services import deadlines, mail, pricing, setup
from ..services.assignments import declared_conflicts, evaluators_of
from ..services.errors import Refused
from . import bp
from .common import lead_only, lead_view, refusal


@bp.route("/")
@lead_only
def index():
    query = select(Procurement).order_by(Procurement.created_at.desc(), Procurement.id.desc())
    if current_user.role is not Role.ADMIN:
        query = query.where(Procurement.lead_id == current_user.id)
    return render_template("leads/index.html", procurements=db.session.scalars(query).all())


@bp.route("/new", methods=["GET", "POST"])
@lead_only
def new() -> ResponseReturnValue:
    leads = db.session.scalars(select(User).where(User.role == Role.LEAD).order_by(User.name)).all()
    values = {"reference": "", "title": "", "anonymised": "yes", "lead": "", "regime": "psr", "service_type": ""}
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in values}
        lead = current_user
        if current_user.role is Role.ADMIN:
            lead = next((u for u in leads if str(u.id) == values["lead"]), None)
        try:
            procurement = setup.create_procurement(
                reference=values["reference"],
                title=values["title"],
                lead=lead,
                actor=current_user,
                anonymised=values["anonymised"] != "no",
                regime=values["regime"],
                service_type=values["service_type"],
                lead_chosen=lead is not None,
            )
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash(f"{procurement.reference} is created. Now add its sections and bidders.", "success")
            return redirect(url_for("leads.overview", procurement_id=procurement.id))
    return render_template(
        "leads/new.html", values=values, leads=leads, errors=errors, field_errors=field_errors
    ), 400 if errors else 200


def tasks_for(procurement: Procurement) -> list[dict]:
    """The set-up steps, each with a link and whether it looks done."""
    sections = procurement.sections
    total = sum(s.weight for s in sections)
    scored = [s for s in sections if not s.is_price]
    has_price = pricing.has_price_section(procurement)
    tasks = [
        ("Procurement details", "leads.edit", True),
        ("Scoring scale", "leads.scale", bool(procurement.scale_points)),
        ("Sections and weights", "leads.sections", bool(sections) and rules.weights_add_up(total)),
        (
            "Bidders" + (" and prices" if has_price else ""),
            "leads.bidders",
            bool(procurement.bidders) and all(b.price is not None for b in procurement.bidders if has_price),
        ),
        ("Bidders' answers and documents", "leads.responses", bool(procurement.bidders) and bool(sections)),
        ("Who scores what", "leads.assignments", bool(scored) and all(s.assignments for s in scored)),
        ("Deadline, meeting and emails sent", "leads.deadlines_page", procurement.scoring_deadline is not None),
    ]
    return [{"title": t, "endpoint": e, "done": d} for t, e, d in tasks]


def _render_overview(procurement: Procurement, errors=None, field_errors=None, status: int = 200):
    evaluators = evaluators_of(procurement)
    return render_template(
        "leads/overview.html",
        procurement=procurement,
        tasks=tasks_for(procurement),
        problems=setup.readiness_problems(procurement) if procurement.status is Status.SETUP else [],
        evaluator_count=len(evaluators),
        conflict_count=len(declared_conflicts(procurement)),
        errors=errors or [],
        field_errors=field_errors or {},
        Status=Status,
        letters=mail.letters_to_post(procurement.id),
        to_london=deadlines.to_london,
        today=deadlines.to_london(utcnow()).strftime("%d/%m/%Y"),
    ), status


@bp.route("/<int:procurement_id>")
@lead_view
def overview(procurement: Procurement):
    return _render_overview(procurement)


@bp.route("/<int:procurement_id>/edit", methods=["GET", "POST"])
@lead_view
def edit(procurement: Procurement):
    values = {"title": procurement.title, "anonymised": "yes" if procurement.anonymised else "no"}
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        values = {"title": request.form.get("title", ""), "anonymised": request.form.get("anonymised", "")}
        try:
            setup.update_procurement(
                procurement, title=values["title"], anonymised=values["anonymised"] != "no", actor=current_user
            )
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash("The procurement details are saved.", "success")
            anonymity.warn_if_named(procurement, values["title"], what="The title")
            return redirect(url_for("leads.overview", procurement_id=procurement.id))
    return render_template(
        "leads/edit.html", procurement=procurement, values=values, errors=errors, field_errors=field_errors
    ), 400 if errors else 200


@bp.route("/<int:procurement_id>/scale", methods=["GET", "POST"])
@lead_view
def scale(procurement: Procurement):
    points = [(p.label, p.descriptor) for p in procurement.scale_points]
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        points = []
        for value in range(0, 101):
            if f"label-{value}" not in request.form:
                break
            points.append((request.form.get(f"label-{value}", ""), request.form.get(f"descriptor-{value}", "")))
        # An empty last row is the spare one offered for adding a point.
        while len(points) > 2 and not points[-1][0].strip() and not points[-1][1].strip():
            points.pop()
        try:
            setup.set_scale(procurement, points, actor=current_user)
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash("The scoring scale is saved.", "success")
            return redirect(url_for("leads.overview", procurement_id=procurement.id))
    editable = procurement.status is Status.SETUP
    rows = points + ([("", "")] if editable and request.method == "GET" else [])
    return render_template(
        "leads/scale.html",
        procurement=procurement,
        rows=rows,
        editable=editable,
        errors=errors,
        field_errors=field_errors,
    ), 400 if errors else 200


@bp.route("/<int:procurement_id>/open", methods=["POST"])
@lead_view
def open_scoring(procurement: Procurement):
    try:
        if not confirmed():
            setup.check_can_open(procurement)
            return confirmation_page(
                Confirmation(
                    title="Open scoring?",
                    caption=f"{procurement.reference}: {procurement.title}",
                    happens=[
                        "Evaluators can see the bidders' answers and start scoring them.",
                        "The weights were published with the tender, so from now on they can only change "
                        "all together, adding up to 100%, with a written reason that the audit log keeps.",
                        "Sections, bidders, answers and the scale can no longer be changed.",
                    ],
                    cannot_undo="Scoring cannot go back to set-up once it is open.",
                    button="Yes, open scoring",
                    back_url=url_for("leads.overview", procurement_id=procurement.id) + "#open",
                    back_text="Back to the procurement",
                )
            )
        setup.open_scoring(procurement, actor=current_user)
    except Refused as refused:
        errors, field_errors = refusal(refused)
        return _render_overview(procurement, errors, field_errors, 400)
    flash("Scoring is open. Evaluators can now see the bids and score them.", "success")
    return redirect(url_for("leads.overview", procurement_id=procurement.id))


@bp.route("/<int:procurement_id>/close", methods=["POST"])
@lead_view
def close_scoring(procurement: Procurement):
    reason = request.form.get("reason", "")
    try:
        if not confirmed():
            setup.check_can_close(procurement, reason)
            waiting = setup.waiting_to_submit(procurement)
            happens = [
                "The procurement moves to moderation, where the panel agrees a score for each answer.",
                "Evaluators can no longer change their scores.",
            ]
            if waiting:
                happens.append(
                    f"{', '.join(waiting)} {'has' if len(waiting) == 1 else 'have'} not submitted, "
                    "so their draft scores do not count. "
                    f"Your reason is kept in the audit log: \u201c{reason.strip()}\u201d"
                )
            return confirmation_page(
                Confirmation(
                    title="Close scoring?",
                    caption=f"{procurement.reference}: {procurement.title}",
                    happens=happens,
                    cannot_undo="Scoring cannot open again once it is closed, and nobody can add or change "
                    "an evaluator's score after that.",
                    button="Yes, close scoring",
                    hidden={"reason": reason},
                    back_url=url_for("leads.overview", procurement_id=procurement.id) + "#close",
                    back_text="Back to the procurement",
                )
            )
        setup.close_scoring(procurement, actor=current_user, reason=reason)
    except Refused as refused:
        errors, field_errors = refusal(refused)
        return _render_overview(procurement, errors, field_errors, 400)
    flash("Scoring is closed. The procurement is now in moderation.", "success")
    return redirect(url_for("leads.overview", procurement_id=procurement.id))


@bp.route("/<int:procurement_id>/return-to-scoring", methods=["POST"])
@lead_view
def return_to_scoring(procurement: Procurement):
    try:
        setup.return_to_scoring(procurement, actor=current_user, reason=request.form.get("reason", ""))
    except Refused as refused:
        errors, field_errors = refusal(refused)
        return _render_overview(procurement, errors, field_errors, 400)
    flash(
        "The procurement is back in scoring. Every consensus already recorded is kept. "
        "You can now reopen an evaluator's scores.",
        "success",
    )
    return redirect(url_for("leads.overview", procurement_id=procurement.id))
